/**
 * external_api.js: put a Sotto meeting in any page, with Jitsi's iframe API names (the common
 * subset; docs/embedding.md). `new SottoMeetExternalAPI('meet.example.org', { roomName,
 * parentNode })` — and `JitsiMeetExternalAPI`, the same class, so that Jitsi embeds work by
 * changing the script's URL. Messages are accepted only from the meeting's own window and origin.
 */
import type { EmbedOptions, ToHost, ToMeeting } from './embed-messages.ts';
import { isMessage } from './embed-messages.ts';

interface ExternalApiOptions {
  roomName?: string;
  parentNode?: HTMLElement;
  width?: number | string;
  height?: number | string;
  userInfo?: { displayName?: string };
  jwt?: string;
  configOverwrite?: {
    startWithAudioMuted?: boolean;
    startWithVideoMuted?: boolean;
    prejoinPageEnabled?: boolean;
    p2p?: { enabled?: boolean };
  };
  /** Interface language: Sotto's UI is English only for now (accepted, not applied). */
  lang?: string;
  onload?: () => void;
}

type Listener = (data: Record<string, unknown>) => void;

/** This script's own origin's scheme: the meeting loads over the one that served external_api.js. */
const SCHEME = (() => {
  const script = document.currentScript as HTMLScriptElement | null;
  return script?.src ? new URL(script.src).protocol : location.protocol;
})();

const size = (value: number | string | undefined, fallback: string) =>
  value === undefined ? fallback : typeof value === 'number' ? `${value}px` : value;

class SottoMeetExternalAPI {
  readonly #iframe: HTMLIFrameElement;
  readonly #origin: string;
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #pending = new Map<number, (result: unknown) => void>();
  readonly #participants = new Map<string, { participantId: string; displayName: string }>();
  #nextRequest = 1;
  #ready = false;
  #queue: ToMeeting[] = [];
  #hello: ReturnType<typeof setInterval> | null = null;
  readonly #onMessage = (event: MessageEvent) => this.#receive(event);

  constructor(domain: string, options: ExternalApiOptions = {}) {
    this.#origin = new URL(`${SCHEME}//${domain}`).origin;
    const room = encodeURIComponent(options.roomName ?? '');
    const iframe = document.createElement('iframe');
    iframe.src = `${this.#origin}/${room}`;
    iframe.allow = 'camera; microphone; display-capture; autoplay; fullscreen';
    iframe.style.width = size(options.width, '100%');
    iframe.style.height = size(options.height, '100%');
    iframe.style.border = '0';
    iframe.name = 'sotto-meeting';
    this.#iframe = iframe;
    const config = options.configOverwrite ?? {};
    const embed: EmbedOptions = {
      ...(options.userInfo?.displayName !== undefined ? { displayName: options.userInfo.displayName } : {}),
      ...(options.jwt !== undefined ? { jwt: options.jwt } : {}),
      ...(config.startWithAudioMuted !== undefined ? { startWithAudioMuted: config.startWithAudioMuted } : {}),
      ...(config.startWithVideoMuted !== undefined ? { startWithVideoMuted: config.startWithVideoMuted } : {}),
      ...(config.prejoinPageEnabled !== undefined ? { prejoinPageEnabled: config.prejoinPageEnabled } : {}),
      ...(config.p2p?.enabled !== undefined ? { p2p: config.p2p.enabled } : {}),
    };
    window.addEventListener('message', this.#onMessage);
    iframe.addEventListener('load', () => {
      options.onload?.();
      // Said until the meeting answers: its script may still be starting when the frame loads.
      const hello = () => this.#post({ sotto: 1, type: 'hello', options: embed });
      hello();
      this.#hello = setInterval(hello, 500);
    });
    (options.parentNode ?? document.body).appendChild(iframe);
  }

  /** Runs a command in the meeting (Jitsi's names; docs/embedding.md). */
  executeCommand(name: string, ...args: unknown[]): void {
    this.#send({ sotto: 1, type: 'command', name, args });
  }

  executeCommands(commands: Record<string, unknown>): void {
    for (const [name, value] of Object.entries(commands)) this.executeCommand(name, ...(Array.isArray(value) ? value : [value]));
  }

  addListener(event: string, listener: Listener): this {
    if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
    this.#listeners.get(event)?.add(listener);
    return this;
  }

  removeListener(event: string, listener: Listener): this {
    this.#listeners.get(event)?.delete(listener);
    return this;
  }

  on(event: string, listener: Listener): this {
    return this.addListener(event, listener);
  }

  off(event: string, listener: Listener): this {
    return this.removeListener(event, listener);
  }

  addEventListener(event: string, listener: Listener): void {
    this.addListener(event, listener);
  }

  removeEventListener(event: string, listener: Listener): void {
    this.removeListener(event, listener);
  }

  addEventListeners(listeners: Record<string, Listener>): void {
    for (const [event, listener] of Object.entries(listeners)) this.addListener(event, listener);
  }

  /** The others in the meeting (as the events told us), and ourselves. */
  getParticipantsInfo(): { participantId: string; displayName: string }[] {
    return [...this.#participants.values()];
  }

  isAudioMuted(): Promise<boolean> {
    return this.#request('isAudioMuted') as Promise<boolean>;
  }

  isVideoMuted(): Promise<boolean> {
    return this.#request('isVideoMuted') as Promise<boolean>;
  }

  getIFrame(): HTMLIFrameElement {
    return this.#iframe;
  }

  /** Leaves the meeting (the iframe goes, and with it the meeting) and stops listening. */
  dispose(): void {
    if (this.#hello) clearInterval(this.#hello);
    window.removeEventListener('message', this.#onMessage);
    this.#listeners.clear();
    this.#iframe.remove();
  }

  #request(name: 'isAudioMuted' | 'isVideoMuted'): Promise<unknown> {
    const id = this.#nextRequest++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#send({ sotto: 1, type: 'request', id, name });
    });
  }

  #send(message: ToMeeting): void {
    if (this.#ready) this.#post(message);
    else this.#queue.push(message);
  }

  #post(message: ToMeeting): void {
    // To the meeting's origin only: a frame navigated elsewhere gets nothing.
    this.#iframe.contentWindow?.postMessage(message, this.#origin);
  }

  #receive(event: MessageEvent): void {
    if (event.source !== this.#iframe.contentWindow || event.origin !== this.#origin) return;
    if (!isMessage<ToHost>(event.data)) return;
    const message = event.data;
    if (message.type === 'ready') {
      if (this.#ready) return;
      this.#ready = true;
      if (this.#hello) clearInterval(this.#hello);
      for (const queued of this.#queue.splice(0)) this.#post(queued);
    } else if (message.type === 'response') {
      this.#pending.get(message.id)?.(message.result);
      this.#pending.delete(message.id);
    } else if (message.type === 'event') {
      this.#track(message.name, message.data);
      for (const listener of this.#listeners.get(message.name) ?? []) listener(message.data);
    }
  }

  /** Keeps getParticipantsInfo() current from the events. */
  #track(name: string, data: Record<string, unknown>): void {
    const id = typeof data.id === 'string' ? data.id : null;
    if (!id) return;
    if (name === 'participantJoined' || name === 'videoConferenceJoined') {
      this.#participants.set(id, { participantId: id, displayName: String(data.displayName ?? '') });
    } else if (name === 'participantLeft') this.#participants.delete(id);
    else if (name === 'displayNameChange') {
      const known = this.#participants.get(id);
      if (known) known.displayName = String(data.displayname ?? data.displayName ?? '');
    } else if (name === 'videoConferenceLeft') this.#participants.clear();
  }
}

const scope = window as unknown as Record<string, unknown>;
scope.SottoMeetExternalAPI = SottoMeetExternalAPI;
scope.JitsiMeetExternalAPI = SottoMeetExternalAPI;
