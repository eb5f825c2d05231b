import { ConferenceError } from './errors.ts';

export interface LocalMediaRequest {
  audio: boolean | { deviceId?: string };
  video: boolean | { deviceId?: string };
}

export interface LocalMedia {
  microphone: MediaStreamTrack | null;
  camera: MediaStreamTrack | null;
}

const CAMERA_CONSTRAINTS: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };

/** Opens camera and/or microphone, turning browser errors into ConferenceErrors a UI can explain. */
export async function openLocalMedia(request: LocalMediaRequest): Promise<LocalMedia> {
  if (!request.audio && !request.video) return { microphone: null, camera: null };
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new ConferenceError('media-failed', 'this page cannot use camera or microphone: open it on localhost or over HTTPS');
  }
  const constraint = (value: boolean | { deviceId?: string }, base: MediaTrackConstraints = {}) =>
    value === false
      ? false
      : { ...base, ...(typeof value === 'object' && value.deviceId ? { deviceId: { exact: value.deviceId } } : {}) };
  try {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: constraint(request.audio, { echoCancellation: true, noiseSuppression: true }),
      video: constraint(request.video, CAMERA_CONSTRAINTS),
    });
    return { microphone: stream.getAudioTracks()[0] ?? null, camera: stream.getVideoTracks()[0] ?? null };
  } catch (error) {
    throw mediaError(error);
  }
}

/** A shared screen: its video, and its sound when the browser offers it (a tab's, or the system's). */
export interface ScreenShare {
  video: MediaStreamTrack;
  audio: MediaStreamTrack | null;
}

/**
 * Asks the person which screen, window or tab to share (the browser's own picker) and returns
 * its video, marked as detailed content (text stays sharp rather than smooth), and its sound if
 * the browser offers it and the person lets it go along. Null when they cancel the picker.
 */
export async function openScreen(): Promise<ScreenShare | null> {
  if (!navigator.mediaDevices?.getDisplayMedia) throw new ConferenceError('media-failed', 'this browser cannot share a screen');
  try {
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15, max: 30 } }, audio: true });
    const video = stream.getVideoTracks()[0];
    if (!video) return null;
    video.contentHint = 'detail';
    return { video, audio: stream.getAudioTracks()[0] ?? null };
  } catch (error) {
    if ((error as { name?: string })?.name === 'NotAllowedError') return null;
    throw mediaError(error);
  }
}

function mediaError(error: unknown): ConferenceError {
  const name = (error as { name?: string })?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return new ConferenceError('permission-denied', 'the browser blocked camera or microphone access');
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError') {
    return new ConferenceError('no-device', 'no camera or microphone was found');
  }
  if (name === 'NotReadableError' || name === 'AbortError') {
    return new ConferenceError('device-busy', 'the camera or microphone is in use by another program');
  }
  return new ConferenceError('media-failed', `could not open camera or microphone (${name ?? 'unknown error'})`);
}

export interface DeviceLists {
  microphones: MediaDeviceInfo[];
  cameras: MediaDeviceInfo[];
  /** Audio outputs (where the browser lets a page choose: HTMLMediaElement.setSinkId). */
  speakers: MediaDeviceInfo[];
}

export async function listDevices(): Promise<DeviceLists> {
  const devices = (await navigator.mediaDevices?.enumerateDevices?.()) ?? [];
  return {
    microphones: devices.filter((d) => d.kind === 'audioinput'),
    cameras: devices.filter((d) => d.kind === 'videoinput'),
    speakers: devices.filter((d) => d.kind === 'audiooutput'),
  };
}
