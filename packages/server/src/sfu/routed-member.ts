import type { SourceName } from './codecs.ts';
import type { EngineConnection } from './engine/engine-connection.ts';
import type { Publisher } from './publisher.ts';
import type { Subscriber } from './subscriber.ts';

/** A room member as the SFU sees them: what they publish and the connection they receive on. */
export interface RoutedMember {
  subscriber: Subscriber;
  /** Published sources by name; the microphone is always present (on the receive connection). */
  publishers: Map<SourceName, Publisher>;
  /** Publish-only connections by video source. */
  publishConnections: Map<SourceName, EngineConnection>;
  joinedAt: number;
  /** Members whose video this member pinned, first = most important. */
  pins: string[];
  /** Sources a moderator muted: forwarded to nobody until the member turns them on again. */
  silenced: Set<SourceName>;
}
