export type { ConferenceEvents, ConferenceOptions, ConferenceState, JoinOptions } from './conference.ts';
export { Conference } from './conference.ts';
export type { DeviceLists, LocalMedia, LocalMediaRequest } from './devices.ts';
export { listDevices, openLocalMedia } from './devices.ts';
export type { ConferenceErrorCode } from './errors.ts';
export { ConferenceError } from './errors.ts';
export type { RemoteParticipant } from './participant.ts';
