import type { RemoteParticipant } from './participant.ts';

/** What we receive of one of a participant's sources, measured since the previous sample. */
export interface ReceivedMedia {
  /** bit/s over the last interval. */
  bitrate: number;
  /** Share of packets lost over the last interval (0..1). */
  loss: number;
  /** Video only: the decoded picture and its frame rate. */
  width?: number;
  height?: number;
  frameRate?: number;
}

export interface ParticipantStats {
  /** How media from them reaches us: through the server, or peer to peer. */
  path: 'bridge' | 'p2p-direct' | 'p2p-relay';
  /** Round trip to whoever sends it to us (the server, or the peer), in milliseconds. */
  roundTripMs: number | null;
  audio: ReceivedMedia | null;
  camera: ReceivedMedia | null;
  screen: ReceivedMedia | null;
  /** From the worst loss: good (< 2 %), fair (< 8 %), poor. */
  quality: 'good' | 'fair' | 'poor' | 'unknown';
}

interface Counters {
  at: number;
  bytes: number;
  received: number;
  lost: number;
}

/** Loss above these shares makes a connection fair, then poor. */
const FAIR_LOSS = 0.02;
const POOR_LOSS = 0.08;

/**
 * Reads what a participant's tracks deliver from the receivers' own statistics. Rates need two
 * samples: the first call for a track reports 0, later calls the change since the one before.
 */
export class StatsSampler {
  readonly #previous = new WeakMap<MediaStreamTrack, Counters>();

  /** A participant's stats (null when they are not here). */
  async of(
    participant: RemoteParticipant | undefined,
    connections: readonly RTCPeerConnection[],
    path: ParticipantStats['path'],
  ): Promise<ParticipantStats | null> {
    if (!participant) return null;
    const { audioTrack: audio, cameraTrack: camera, screenTrack: screen } = participant;
    return this.sample({ audio, camera, screen }, connections, path);
  }

  async sample(
    tracks: { audio: MediaStreamTrack | null; camera: MediaStreamTrack | null; screen: MediaStreamTrack | null },
    connections: readonly RTCPeerConnection[],
    path: ParticipantStats['path'],
  ): Promise<ParticipantStats> {
    let roundTripMs: number | null = null;
    const measure = async (track: MediaStreamTrack | null): Promise<ReceivedMedia | null> => {
      const receiver = track && connections.flatMap((pc) => pc.getReceivers()).find((r) => r.track === track);
      if (!track || !receiver) return null;
      const report = await receiver.getStats();
      let media: ReceivedMedia | null = null;
      report.forEach((s) => {
        if (s.type === 'candidate-pair' && s.nominated && typeof s.currentRoundTripTime === 'number')
          roundTripMs = Math.round(s.currentRoundTripTime * 1000);
        if (s.type !== 'inbound-rtp') return;
        media = this.#rates(track, s);
        if (s.kind === 'video')
          media = {
            ...media,
            width: s.frameWidth ?? 0,
            height: s.frameHeight ?? 0,
            frameRate: Math.round(s.framesPerSecond ?? 0),
          };
      });
      return media;
    };
    const audio = await measure(tracks.audio);
    const camera = await measure(tracks.camera);
    const screen = await measure(tracks.screen);
    const measured = [audio, camera, screen].filter((m): m is ReceivedMedia => m !== null);
    const worst = Math.max(0, ...measured.map((m) => m.loss));
    const quality = measured.length === 0 ? 'unknown' : worst < FAIR_LOSS ? 'good' : worst < POOR_LOSS ? 'fair' : 'poor';
    return { path, roundTripMs, audio, camera, screen, quality };
  }

  #rates(track: MediaStreamTrack, s: { bytesReceived?: number; packetsReceived?: number; packetsLost?: number }): ReceivedMedia {
    const now = performance.now();
    const counters = { at: now, bytes: s.bytesReceived ?? 0, received: s.packetsReceived ?? 0, lost: s.packetsLost ?? 0 };
    const before = this.#previous.get(track);
    this.#previous.set(track, counters);
    if (!before || now <= before.at) return { bitrate: 0, loss: 0 };
    const lost = Math.max(0, counters.lost - before.lost);
    const received = Math.max(0, counters.received - before.received);
    return {
      bitrate: Math.round(((counters.bytes - before.bytes) * 8 * 1000) / (now - before.at)),
      loss: lost + received > 0 ? lost / (lost + received) : 0,
    };
  }
}
