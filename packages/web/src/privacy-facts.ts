import type { E2eeStatus, MediaPathInfo } from '@sotto/client';
import type { PrivacySettings } from './privacy-settings.ts';

/** Our effects in a few words for our own tile ("" when none is on). */
export function effectsLabel(settings: PrivacySettings, camera: boolean, microphone: boolean): string {
  const said: string[] = [];
  if (microphone && settings.voice !== 'off') said.push(`Voice disguised (${settings.voice})`);
  if (camera && settings.background === 'blur') said.push('Background blurred');
  if (camera && settings.background === 'image') said.push('Background replaced');
  return said.join(' · ');
}

/** Before joining: who will see our IP address, by the peer-to-peer choice. */
export function ipAddressPlan(p2p: 'off' | 'relay' | 'direct'): string {
  if (p2p === 'direct')
    return 'The server sees it; when only two of you are in the meeting, the other person sees it too (peer to peer, direct).';
  if (p2p === 'relay') return 'The server and its TURN relay see it; the other participants do not.';
  return 'The server sees it; the other participants do not (everything goes through the server).';
}

/** In the meeting: who sees our IP address on the path media takes now. */
export function ipAddressNow(path: MediaPathInfo | null): string {
  if (path?.path === 'p2p-direct') return 'The other participant sees it now (peer to peer, direct), and so does the server.';
  if (path?.path === 'p2p-relay')
    return 'The server and its TURN relay see it; the other participant does not (peer to peer via the relay).';
  return 'The server sees it; the other participants do not (media goes through the server).';
}

/** Before joining: what the encryption choice means. */
export function e2eePlan(on: boolean): string {
  return on
    ? 'End to end: only the participants can see, hear and read the meeting; the server cannot.'
    : 'Off: the server could see and hear this meeting.';
}

/** In the meeting: the encryption as it stands. */
export function e2eeNow(status: E2eeStatus | null): string {
  if (!status || status.state === 'joining') return 'Setting up end-to-end encryption…';
  if (status.state === 'off') return 'Off: the server could see and hear this meeting.';
  if (status.state === 'failed') return 'Failed: your audio and video are not sent.';
  return status.sas
    ? 'End to end: compare the verification code with the others to be sure nobody is in the middle.'
    : 'End to end (the verification code appears once everyone has joined the keys).';
}
