import { AudioPlayer, VideoView } from './video-view.tsx';

interface Props {
  name: string;
  participantId?: string;
  videoTrack: MediaStreamTrack | null;
  audioTrack: MediaStreamTrack | null;
  audioMuted: boolean;
  self?: boolean;
  speaking?: boolean;
  /** Shown large in speaker view. */
  focused?: boolean;
  pinned?: boolean;
  /** Pin or unpin this person (remote tiles only). */
  onTogglePin?: () => void;
  /** Receives the video's rendered size, for the server's layer choice. */
  onVideoSize?: ((width: number, height: number) => void) | undefined;
  /** A reaction this person just sent. */
  reaction?: string | undefined;
  /** Raised hand: its place in the queue (1 = first); null when down. */
  hand?: number | null;
  /** A shared screen: never cropped, never mirrored. */
  screen?: boolean;
  /** Our own effects, said on our tile (e.g. "Voice disguised (medium)"). */
  effects?: string | undefined;
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
export function Tile(props: Props) {
  const { name, participantId, videoTrack, audioTrack, audioMuted, self = false, onVideoSize, onTogglePin } = props;
  const classes = ['tile', props.speaking && 'speaking', props.focused && 'focus', props.screen && 'screen']
    .filter(Boolean)
    .join(' ');
  return (
    <figure
      class={classes}
      data-participant-id={participantId}
      data-self={self ? 'true' : undefined}
      data-speaking={props.speaking ? 'true' : undefined}
      data-source={props.screen ? 'screen' : 'camera'}
    >
      {videoTrack ? (
        <VideoView track={videoTrack} mirror={self && !props.screen} onSize={onVideoSize} />
      ) : (
        <div class="avatar">{initials(name) || '?'}</div>
      )}
      {audioTrack && !self && <AudioPlayer track={audioTrack} />}
      <figcaption>
        {audioMuted && !props.screen && (
          <svg class="muted" role="img" aria-label="Microphone off" viewBox="0 0 24 24" width="16" height="16">
            <title>Microphone off</title>
            <path
              fill="currentColor"
              d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3Zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V21h2v-3.1a7 7 0 0 0 6-6.9h-2Z"
            />
            <path stroke="#e5484d" stroke-width="2.2" d="M4 4l16 16" />
          </svg>
        )}
        <span class="name">{name}</span>
        {props.effects && <span class="effects">{props.effects}</span>}
        {props.hand != null && (
          <span class="hand" role="img" aria-label={`${name} raised a hand (${props.hand} in the queue)`}>
            ✋ {props.hand}
          </span>
        )}
      </figcaption>
      {props.reaction && (
        <span class="reaction" role="img" aria-label={`${name} reacted ${props.reaction}`}>
          {props.reaction}
        </span>
      )}
      {onTogglePin && (
        <button type="button" class="pin" aria-pressed={!!props.pinned} onClick={onTogglePin}>
          {props.pinned ? `Unpin ${name}` : `Pin ${name}`}
        </button>
      )}
    </figure>
  );
}
