import { useState } from 'preact/hooks';
import type { PrivacySettings, VoiceChoice } from './privacy-settings.ts';
import { imageFileToDataUrl } from './privacy-settings.ts';
import { useBuild } from './use-build.ts';
import { AudioPlayer } from './video-view.tsx';

/** What the rest of the page knows that the panel reports on. */
export interface PrivacyFacts {
  camera: boolean;
  microphone: boolean;
  /** Who can see this browser's IP address, in one sentence (from the media-path choice or state). */
  ipAddress: string;
  /** End-to-end encryption, in one sentence. */
  e2ee: string;
}

interface Props {
  settings: PrivacySettings;
  onChange: (change: Partial<PrivacySettings>) => void;
  facts: PrivacyFacts;
  /** Why an effect is not running (it failed to start), if so. */
  problem?: string | null;
  /** What our microphone sends now (in the meeting): the person can listen to their disguised voice. */
  ownVoice?: MediaStreamTrack | null;
}

const VOICE_LABELS: Record<VoiceChoice, string> = {
  off: 'Off (your own voice)',
  light: 'Light',
  medium: 'Medium',
  strong: 'Strong',
};

/** Background and voice effects, then what the other participants (and the server) learn about us. */
export function PrivacyPanel({ settings, onChange, facts, problem, ownVoice }: Props) {
  const [listening, setListening] = useState(false);
  const pickImage = async (file: File | undefined) => {
    if (!file) return;
    onChange({ background: 'image', backgroundImage: await imageFileToDataUrl(file) });
  };
  return (
    <section class="privacy-panel" aria-label="Privacy">
      <fieldset>
        <legend>Background</legend>
        {(['none', 'blur'] as const).map((choice) => (
          <label key={choice}>
            <input
              type="radio"
              name="background"
              checked={settings.background === choice}
              onChange={() => onChange({ background: choice })}
            />{' '}
            {choice === 'none' ? 'As it is' : 'Blur'}
          </label>
        ))}
        <label>
          <input
            type="radio"
            name="background"
            disabled={!settings.backgroundImage}
            checked={settings.background === 'image'}
            onChange={() => onChange({ background: 'image' })}
          />{' '}
          Image
        </label>
        <label class="file">
          Choose an image…
          <input type="file" accept="image/*" onChange={(e) => void pickImage(e.currentTarget.files?.[0])} />
        </label>
        <p class="hint">Computed in this browser; the image stays on this device. Edges can let bits of the room show.</p>
      </fieldset>
      <label class="voice-choice">
        Voice disguise{' '}
        <select
          aria-label="Voice disguise"
          value={settings.voice}
          onChange={(e) => onChange({ voice: e.currentTarget.value as VoiceChoice })}
        >
          {Object.entries(VOICE_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <p class="hint">
        Moves the formants of your voice and keeps its pitch and your words. It stops casual recognition, not someone who knows
        the method: disguise, not anonymity.
      </p>
      {ownVoice && settings.voice !== 'off' && (
        <label class="voice-choice">
          <input type="checkbox" checked={listening} onChange={(e) => setListening(e.currentTarget.checked)} /> Listen to how I
          sound (use headphones)
          {listening && <AudioPlayer track={ownVoice} />}
        </label>
      )}
      {problem && (
        <p class="notice error" role="alert">
          {problem}
        </p>
      )}
      <WhatOthersLearn settings={settings} facts={facts} />
    </section>
  );
}

/** One line per thing a participant gives away, in plain words. */
function WhatOthersLearn({ settings, facts }: { settings: PrivacySettings; facts: PrivacyFacts }) {
  const build = useBuild();
  const camera = !facts.camera
    ? 'Off: nothing is sent.'
    : settings.background === 'blur'
      ? 'On, background blurred.'
      : settings.background === 'image'
        ? 'On, background replaced by your image.'
        : 'On: they see you and the room behind you.';
  const voice = !facts.microphone
    ? 'Muted: nothing is sent.'
    : settings.voice === 'off'
      ? 'Your own voice.'
      : `Disguised (${settings.voice}).`;
  return (
    <div class="what-others-learn">
      <h3>What others learn about me</h3>
      <dl>
        <dt>Camera</dt>
        <dd data-fact="camera">{camera}</dd>
        <dt>Voice</dt>
        <dd data-fact="voice">{voice}</dd>
        <dt>IP address</dt>
        <dd data-fact="ip">{facts.ipAddress}</dd>
        <dt>Encryption</dt>
        <dd data-fact="e2ee">{facts.e2ee}</dd>
        <dt>This app's code</dt>
        <dd data-fact="code">
          Build <code>{build ? `${build.slice(0, 16)}…` : 'unknown'}</code>, as this server says. Not compared by this page: run{' '}
          <code>sotto verify {location.origin}</code> on your own build to compare every file.
        </dd>
      </dl>
    </div>
  );
}

/** The panel as a dialog during the meeting (More → Privacy). */
export function PrivacyDialog({ onClose, ...panel }: Props & { onClose: () => void }) {
  return (
    <div
      class="devices-dialog privacy-dialog"
      role="dialog"
      aria-label="Privacy"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <h2>Privacy</h2>
      <PrivacyPanel {...panel} />
      <button type="button" onClick={onClose}>
        Close
      </button>
    </div>
  );
}
