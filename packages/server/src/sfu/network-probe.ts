import type { Engine } from './engine/engine.ts';
import type { EngineConnection } from './engine/engine-connection.ts';
import { checkRemoteSdp } from './sdp/check-remote-sdp.ts';

/** A probe ends on its own after this long: it is a test, not a meeting. */
const PROBE_LIFETIME_MS = 30_000;
/** Echoed messages: at most this many per second and this large (a probe sends ~50/s of ~100 bytes). */
const ECHO_PER_SECOND = 200;
const ECHO_MAX_BYTES = 1200;

/**
 * A connection to the SFU's media port that only echoes data-channel messages: how a browser
 * measures its own path to us (the /doctor page) — which candidates connect, the round-trip time,
 * and the loss of unreliable messages — without joining a meeting or sharing a camera.
 */
export class NetworkProbe {
  readonly #connection: EngineConnection;
  readonly #timer: NodeJS.Timeout;
  readonly #onEnd: () => void;
  #closed = false;

  private constructor(connection: EngineConnection, onEnd: () => void) {
    this.#connection = connection;
    this.#onEnd = onEnd;
    this.#timer = setTimeout(() => this.close(), PROBE_LIFETIME_MS);
    this.#timer.unref();
    connection.on('state', (state) => {
      if (state === 'failed' || state === 'closed') this.close();
    });
    connection.on('channel', (channel) => {
      let second = 0;
      let count = 0;
      channel.onMessage((message) => {
        const now = Math.floor(Date.now() / 1000);
        if (now !== second) [second, count] = [now, 0];
        if (++count > ECHO_PER_SECOND || message.length > ECHO_MAX_BYTES) return;
        channel.send(message);
      });
    });
  }

  /** Answers a browser's data-channel offer (checked like every remote SDP). */
  static async open(engine: Engine, offerSdp: string, onEnd: () => void): Promise<{ probe: NetworkProbe; sdp: string }> {
    const checked = checkRemoteSdp(offerSdp, { type: 'offer', mediaSections: 1, dataChannel: true });
    const connection = engine.createConnection('probe');
    const probe = new NetworkProbe(connection, onEnd);
    try {
      return { probe, sdp: await connection.answer(checked.sdp) };
    } catch (error) {
      probe.close();
      throw error;
    }
  }

  /** Ends the probe (once): its connection closes and `onEnd` runs. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#connection.close();
    this.#onEnd();
  }
}
