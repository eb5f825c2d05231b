export { Conference } from './conference.ts';
export type { ConferenceEvents, ConferenceOptions, ConferenceState, JoinOptions } from './conference.ts';
export type { RemoteParticipant } from './participant.ts';
export { ConferenceError } from './errors.ts';
export type { ConferenceErrorCode } from './errors.ts';
export { listDevices, openLocalMedia } from './devices.ts';
export type { DeviceLists, LocalMedia, LocalMediaRequest } from './devices.ts';
