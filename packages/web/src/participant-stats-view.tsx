import type { Conference, ParticipantStats, ReceivedMedia } from '@sotto/client';
import { useEffect, useState } from 'preact/hooks';

const REFRESH_MS = 2000;

/** Every remote participant's stats, refreshed while the panel is open. */
export function useParticipantStats(conference: Conference, ids: readonly string[]): ReadonlyMap<string, ParticipantStats> {
  const [stats, setStats] = useState<ReadonlyMap<string, ParticipantStats>>(new Map());
  const key = ids.join(',');
  useEffect(() => {
    let stopped = false;
    const refresh = async () => {
      const entries = await Promise.all(ids.map(async (id) => [id, await conference.participantStats(id)] as const));
      if (!stopped) setStats(new Map(entries.filter((e): e is [string, ParticipantStats] => e[1] !== null)));
    };
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [conference, key]);
  return stats;
}

const PATHS = { bridge: 'through the server', 'p2p-direct': 'peer to peer, direct', 'p2p-relay': 'peer to peer via a relay' };

function describe(label: string, media: ReceivedMedia | null): string | null {
  if (!media) return null;
  const picture = media.width ? `, ${media.width}×${media.height} at ${media.frameRate} fps` : '';
  return `${label}: ${Math.round(media.bitrate / 1000)} kbit/s${picture}, ${(media.loss * 100).toFixed(1)} % lost`;
}

/** A participant's connection quality, with the figures behind it one click away. */
export function StatsDetails({ name, stats }: { name: string; stats: ParticipantStats | undefined }) {
  if (!stats) return null;
  const lines = [
    describe('Audio', stats.audio),
    describe('Camera', stats.camera),
    describe('Screen', stats.screen),
    `Round trip: ${stats.roundTripMs === null ? 'not measured yet' : `${stats.roundTripMs} ms`}`,
    `Media: ${PATHS[stats.path]}`,
  ].filter((line): line is string => line !== null);
  return (
    <details class="stats" data-quality={stats.quality}>
      <summary aria-label={`Connection: ${stats.quality}, ${name}`}>Connection: {stats.quality}</summary>
      <ul>
        {lines.map((line) => (
          <li key={line.split(':')[0]}>{line}</li>
        ))}
      </ul>
    </details>
  );
}
