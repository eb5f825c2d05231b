import type { E2eeStatus, SasSymbol } from '@sotto/client';
import { useEffect, useRef, useState } from 'preact/hooks';

const LABELS: Record<E2eeStatus['state'], string> = {
  off: 'Not end-to-end encrypted',
  joining: 'Setting up encryption…',
  on: 'End-to-end encrypted',
  rekeying: 'Updating keys…',
  failed: 'Encryption problem',
};

/** What is happening to our media in each state but `on`, in plain words. */
function explanation(status: E2eeStatus, nameOf: (id: string) => string): string {
  const names = (ids: readonly string[]) => ids.map(nameOf).join(', ');
  if (status.state === 'joining') return 'Waiting for the keys of this meeting. Nothing is sent or shown until then.';
  if (status.refusal) {
    return `The server tried to change who holds the keys in a way the meeting does not show (${status.refusal}). It was refused. Your audio and video are not being sent. Leave and tell the others.`;
  }
  if (status.hidden.length) {
    return `The keys are held by someone the meeting does not show (${names(status.hidden)}). Your audio and video are paused, not sent, until this is resolved.`;
  }
  if (status.state === 'failed') {
    return 'The keys could not be agreed in time. Your audio and video stay encrypted, but the others may not be able to see or hear you, nor you them.';
  }
  if (status.waiting.length) {
    return `Giving the keys to ${names(status.waiting)}. Until then they cannot see or hear anything; everyone else is still encrypted.`;
  }
  return '';
}

/** The group's current code is the one the person confirmed comparing. */
export function isVerified(status: E2eeStatus, verifiedCode: string | null): boolean {
  return status.state === 'on' && status.sas !== null && codeText(status.sas) === verifiedCode;
}

/** How a participant stands in the encryption: verified code, holding the keys, or still waiting for them. */
export function keyStanding(status: E2eeStatus | null, verifiedCode: string | null, id: string): string | null {
  if (!status || status.state === 'off') return null;
  if (!status.groupMembers.includes(id)) return 'Waiting for keys';
  return isVerified(status, verifiedCode) ? 'Verified' : 'Has the keys';
}

/**
 * The meeting bar's encryption badge and its verification panel: the short authentication
 * string everyone compares out loud, and who holds the keys. The lock shows only when the group
 * is exactly the people shown. "Verified" holds only for the code it was confirmed for — a join
 * or leave changes the code, and it must be compared again.
 */
export function EncryptionStatus({
  status,
  nameOf,
  onNewCode,
  verifiedCode,
  onVerified,
}: {
  status: E2eeStatus;
  nameOf: (id: string) => string;
  onNewCode: () => void;
  /** The code the person confirmed they compared (kept by the meeting: the participants list shows it too). */
  verifiedCode: string | null;
  onVerified: (code: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const setVerifiedCode = onVerified;
  const code = status.sas ? codeText(status.sas) : null;
  const previousCode = useRef<string | null>(null);
  const [changed, setChanged] = useState(false);
  useEffect(() => {
    if (code === null || code === previousCode.current) return;
    if (previousCode.current !== null) {
      setChanged(true);
      onNewCode();
    }
    previousCode.current = code;
  }, [code]);
  const on = status.state === 'on';
  const verified = isVerified(status, verifiedCode);
  const label = verified ? 'Encrypted · verified' : LABELS[status.state];
  const warning = status.state === 'off' || status.state === 'failed' || status.hidden.length > 0;
  return (
    <>
      <button
        type="button"
        class="e2ee-badge"
        data-e2ee={status.state}
        data-verified={verified}
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        <span aria-hidden="true">{on ? '🔒' : warning ? '⚠️' : '⏳'}</span> {label}
      </button>
      {open && (
        <section class="e2ee-panel" aria-label="Encryption">
          {status.state === 'off' ? (
            <p>
              This meeting is <strong>not</strong> end-to-end encrypted: the server that hosts it could see and hear it. Start a
              new meeting to get end-to-end encryption.
            </p>
          ) : (
            <>
              {on ? (
                <p>
                  Audio, video and messages are encrypted on your device with keys that only the people in this meeting hold; the
                  server passes on ciphertext it cannot read. To be sure nobody else joined the key exchange, compare the code
                  with everyone — out loud, or on another channel.
                </p>
              ) : (
                <p class="e2ee-explanation">{explanation(status, nameOf)}</p>
              )}
              {changed && code !== null && !verified && <p class="notice warning">New code: compare again.</p>}
              {code !== null && status.sas ? (
                <ol class="sas" aria-label="Verification code">
                  {status.sas.map((s, i) => (
                    <li key={i}>
                      <span class="sas-emoji" aria-hidden="true">
                        {s.emoji}
                      </span>
                      <span class="sas-name">{s.name}</span>
                    </li>
                  ))}
                </ol>
              ) : (
                <p class="hint">
                  {status.epoch === null
                    ? 'The code appears once you have the meeting’s keys.'
                    : 'Agreeing on the code with everyone…'}
                </p>
              )}
              <p class="hint">
                The code changes whenever someone joins or leaves
                {status.epoch !== null ? ` (key epoch ${status.epoch})` : ''}.
              </p>
              {on && code !== null && !verified && (
                <button type="button" class="primary" onClick={() => setVerifiedCode(code)}>
                  Everyone sees the same code
                </button>
              )}
              {status.groupMembers.length > 0 && (
                <>
                  <h3>Who holds the keys</h3>
                  <ul class="key-holders" aria-label="Who holds the keys">
                    {status.groupMembers.map((id) => (
                      <li key={id} data-hidden={status.hidden.includes(id)}>
                        {nameOf(id)}
                        {status.hidden.includes(id) ? ' — not shown in the meeting' : ''}
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </>
          )}
        </section>
      )}
    </>
  );
}

function codeText(sas: readonly SasSymbol[]): string {
  return sas.map((s) => s.name).join(' ');
}
