import { AudioPlayer, VideoView } from './video-view.tsx';

interface Props {
  name: string;
  participantId?: string;
  videoTrack: MediaStreamTrack | null;
  audioTrack: MediaStreamTrack | null;
  audioMuted: boolean;
  self?: boolean;
}

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase())
    .join('');
}

/** One person in the grid: their video, or their initials when there is none. */
export function Tile({ name, participantId, videoTrack, audioTrack, audioMuted, self = false }: Props) {
  return (
    <figure class="tile" data-participant-id={participantId} data-self={self ? 'true' : undefined}>
      {videoTrack ? <VideoView track={videoTrack} mirror={self} /> : <div class="avatar">{initials(name) || '?'}</div>}
      {audioTrack && !self && <AudioPlayer track={audioTrack} />}
      <figcaption>
        {audioMuted && (
          <span class="muted" role="img" title="Microphone off" aria-label="Microphone off">
            🔇
          </span>
        )}
        <span class="name">{name}</span>
      </figcaption>
    </figure>
  );
}
