import type { IceServerInfo } from '@sotto/protocol';
import type { SignalingRequester } from './signaling-client.ts';

export function toRtcIceServer(server: IceServerInfo): RTCIceServer {
  return { urls: server.urls, ...(server.username ? { username: server.username, credential: server.credential } : {}) };
}

/** Credentials this close to their end are renewed before a new connection uses them. */
const RENEW_BEFORE_MS = 60_000;

/**
 * The TURN servers for our bridge connections, from the join (or the last media restart). A
 * connection opened later — a screen share an hour in — first asks for fresh credentials when these
 * are about to expire; an allocation made in time outlives its credentials.
 */
export class BridgeIceServers {
  #servers: IceServerInfo[];

  constructor(servers: IceServerInfo[] = []) {
    this.#servers = servers;
  }

  /** As they are now (a connection opened at once, with credentials that just came). */
  get current(): RTCIceServer[] {
    return this.#servers.map(toRtcIceServer);
  }

  replace(servers: IceServerInfo[] | undefined): void {
    if (servers) this.#servers = servers;
  }

  /** Valid for at least another minute: asks the server for new ones when needed. */
  async fresh(signaling: SignalingRequester): Promise<RTCIceServer[]> {
    const expiry = Math.min(...this.#servers.map(expiresAt));
    if (this.#servers.length > 0 && expiry - Date.now() < RENEW_BEFORE_MS) {
      this.#servers = (await signaling.request({ type: 'ice-servers' })).iceServers;
    }
    return this.current;
  }
}

/** TURN REST credentials start with their expiry in Unix seconds ("1767225600:member"); others never expire. */
function expiresAt(server: IceServerInfo): number {
  const seconds = Number(server.username?.split(':')[0]);
  return Number.isFinite(seconds) && server.username?.includes(':') ? seconds * 1000 : Number.POSITIVE_INFINITY;
}
