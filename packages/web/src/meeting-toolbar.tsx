import type { Reaction } from '@sotto/client';
import { BadgeButton } from './badge-button.tsx';
import { MoreMenu } from './more-menu.tsx';
import { ReactionPicker } from './reactions.tsx';

interface Props {
  microphone: boolean;
  camera: boolean;
  sharing: boolean;
  handRaised: boolean;
  /** People waiting in the lobby (a moderator's badge). */
  knocking: number;
  unread: number;
  panel: boolean;
  chatOpen: boolean;
  layout: 'grid' | 'speaker';
  selfView: boolean;
  speakingHint: boolean;
  on: {
    microphone(): void;
    camera(): void;
    screen(): void;
    hand(): void;
    react(emoji: Reaction): void;
    panel(): void;
    chat(): void;
    layout(): void;
    selfView(shown: boolean): void;
    speakingHint(on: boolean): void;
    shortcuts(): void;
    devices(): void;
    privacy(): void;
    leave(): void;
  };
}

/** The meeting's toolbar: our devices, sharing, hand, reactions, panels, view, More and Leave. */
export function MeetingToolbar(props: Props) {
  const { on } = props;
  return (
    <footer class="toolbar">
      <button type="button" class="device" aria-pressed={props.microphone} onClick={on.microphone}>
        {props.microphone ? 'Mute' : 'Unmute'}
      </button>
      <button type="button" class="device" aria-pressed={props.camera} onClick={on.camera}>
        {props.camera ? 'Stop camera' : 'Start camera'}
      </button>
      <button type="button" aria-pressed={props.sharing} onClick={on.screen}>
        {props.sharing ? 'Stop sharing' : 'Share screen'}
      </button>
      <button type="button" aria-pressed={props.handRaised} onClick={on.hand}>
        {props.handRaised ? 'Lower hand' : 'Raise hand'}
      </button>
      <ReactionPicker onPick={on.react} />
      <BadgeButton label="People" count={props.knocking} countLabel="waiting" pressed={props.panel} onClick={on.panel} />
      <BadgeButton label="Chat" count={props.unread} countLabel="unread" pressed={props.chatOpen} onClick={on.chat} />
      <button type="button" onClick={on.layout}>
        {props.layout === 'grid' ? 'Speaker view' : 'Grid view'}
      </button>
      <MoreMenu
        selfView={props.selfView}
        onSelfView={on.selfView}
        speakingHint={props.speakingHint}
        onSpeakingHint={on.speakingHint}
        onShortcuts={on.shortcuts}
        onDevices={on.devices}
        onPrivacy={on.privacy}
      />
      <button type="button" class="danger" onClick={on.leave}>
        Leave
      </button>
    </footer>
  );
}
