import type { Conference, RemoteParticipant } from '@sotto/client';
import { useEffect, useRef } from 'preact/hooks';
import { embed } from './embed-channel.ts';
import type { CommandName } from './embed-messages.ts';
import { COMMANDS } from './embed-messages.ts';

/** What the meeting's UI does for the commands that are about this page (not only the conference). */
export interface EmbedActions {
  toggleAudio(): void;
  toggleVideo(): void;
  toggleShareScreen(): void;
  hangup(): void;
  toggleTileView(): void;
  toggleRaiseHand(): void;
  pinParticipant(id: string | null): void;
  toggleChat(): void;
  setBlurredBackground(on: boolean): void;
}

/** Our own state the events and requests report. */
export interface EmbedSelfState {
  room: string;
  displayName: string;
  microphone: boolean;
  camera: boolean;
  screen: boolean;
}

/**
 * The meeting, driven by the page that embeds it (docs/embedding.md): its commands run the same
 * actions as the toolbar, and what happens is told back as Jitsi's events. Does nothing when the
 * page is not embedded, or the embedding page never said hello.
 */
export function useEmbedBridge(conference: () => Conference | null, actions: EmbedActions, self: EmbedSelfState): void {
  const current = useRef({ actions, self });
  current.current = { actions, self };

  useEffect(() => {
    const c = conference();
    if (!embed || !c) return;
    const channel = embed;
    const emit = channel.emit.bind(channel);
    const fail = (message: string) => emit('errorOccurred', { error: { name: 'command-failed', message } });
    const known = new Map<string, RemoteParticipant>();
    let joined = false;
    c.on('state', (state) => {
      if (state === 'joined' && !joined) {
        joined = true;
        const { room, displayName } = current.current.self;
        emit('videoConferenceJoined', { roomName: room, id: c.selfId, displayName });
      }
    });
    c.on('participant-joined', (p) => {
      known.set(p.id, p);
      emit('participantJoined', { id: p.id, displayName: p.name });
    });
    c.on('participant-left', (p) => {
      known.delete(p.id);
      emit('participantLeft', { id: p.id });
    });
    c.on('participant-updated', (p) => {
      const before = known.get(p.id);
      known.set(p.id, p);
      if (before && before.role !== p.role) emit('participantRoleChanged', { id: p.id, role: p.role });
      if (before && (before.hand === null) !== (p.hand === null))
        emit('raiseHandUpdated', { id: p.id, handRaised: p.hand !== null });
    });
    let self = c.controls.self;
    c.controls.on('self', (info) => {
      if (info.role !== self?.role) emit('participantRoleChanged', { id: info.id, role: info.role });
      if ((info.hand === null) !== (self?.hand === null || self === null))
        emit('raiseHandUpdated', { id: info.id, handRaised: info.hand !== null });
      self = info;
    });
    c.on('dominant-speaker', (id) => emit('dominantSpeakerChanged', { id }));
    c.on('chat', (message) => {
      const privateMessage = message.to !== null;
      if (message.from === c.selfId) emit('outgoingMessage', { message: message.text, privateMessage });
      else {
        const nick = c.participants.get(message.from)?.name ?? '';
        emit('incomingMessage', { from: message.from, nick, message: message.text, privateMessage });
      }
    });
    c.on('media-path', (info) => emit('mediaPathChanged', { path: info.path }));
    c.on('e2ee', (status) => emit('e2eeStateChanged', { state: status.state, verificationCode: status.sas !== null }));
    c.on('disconnected', (error) => {
      emit('errorOccurred', { error: { name: error.code, message: error.message } });
      emit('videoConferenceLeft', { roomName: current.current.self.room });
      emit('readyToClose');
    });

    const run = (name: string, args: unknown[]) => {
      if (!(COMMANDS as readonly string[]).includes(name)) return fail(`unsupported command: ${name}`);
      const { actions } = current.current;
      const text = (i: number) => (typeof args[i] === 'string' ? (args[i] as string) : '');
      const moderate = (action: Promise<unknown>) =>
        action.catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)));
      switch (name as CommandName) {
        case 'toggleAudio':
          return actions.toggleAudio();
        case 'toggleVideo':
          return actions.toggleVideo();
        case 'toggleShareScreen':
          return actions.toggleShareScreen();
        case 'hangup':
          actions.hangup();
          emit('videoConferenceLeft', { roomName: current.current.self.room });
          return emit('readyToClose');
        case 'endConference':
          return moderate(c.controls.endMeeting());
        case 'password':
          return moderate(c.controls.setPassword(text(0) || null));
        case 'toggleLobby':
          return moderate(c.controls.setLobby(args[0] === undefined ? !c.controls.settings.lobby : args[0] === true));
        case 'sendChatMessage':
          return moderate(c.sendChat(text(0), text(1) || undefined));
        case 'muteEveryone':
          return moderate(c.controls.muteEveryone(args[0] === 'video' ? 'video' : 'audio'));
        case 'kickParticipant':
          return moderate(c.controls.remove(text(0)));
        case 'toggleTileView':
          return actions.toggleTileView();
        case 'toggleRaiseHand':
          return actions.toggleRaiseHand();
        case 'pinParticipant':
          return actions.pinParticipant(text(0) || null);
        case 'setBlurredBackground':
          return actions.setBlurredBackground(args[0] === true);
        case 'toggleChat':
          return actions.toggleChat();
        case 'displayName':
          return fail('the display name cannot change during a meeting in Sotto');
      }
    };
    channel.onCommand(run);
    channel.onRequest((name) =>
      name === 'isAudioMuted' ? !current.current.self.microphone : name === 'isVideoMuted' ? !current.current.self.camera : null,
    );
    return () => {
      channel.onCommand(null);
      channel.onRequest(null);
    };
  }, []);

  useEffect(() => embed?.emit('audioMuteStatusChanged', { muted: !self.microphone }), [self.microphone]);
  useEffect(() => embed?.emit('videoMuteStatusChanged', { muted: !self.camera }), [self.camera]);
  useEffect(() => embed?.emit('screenSharingStatusChanged', { on: self.screen }), [self.screen]);
}
