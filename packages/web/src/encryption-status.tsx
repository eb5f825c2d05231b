import type { E2eeStatus } from '@sotto/client';
import { useState } from 'preact/hooks';

const LABELS: Record<E2eeStatus['state'], string> = {
  off: 'Not end-to-end encrypted',
  joining: 'Setting up encryption…',
  on: 'End-to-end encrypted',
  rekeying: 'Rekeying…',
  failed: 'Encryption failed',
};

/**
 * The meeting bar's encryption badge and its verification panel: the short authentication
 * string everyone compares out loud. "Verified" holds only for the epoch it was confirmed in —
 * a join or leave changes the code, and it must be compared again.
 */
export function EncryptionStatus({ status }: { status: E2eeStatus }) {
  const [open, setOpen] = useState(false);
  const [verifiedEpoch, setVerifiedEpoch] = useState<bigint | null>(null);
  const verified = status.state === 'on' && status.epoch !== null && status.epoch === verifiedEpoch;
  const label = verified ? 'Encrypted · verified' : LABELS[status.state];
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
        <span aria-hidden="true">{status.state === 'off' || status.state === 'failed' ? '⚠️' : '🔒'}</span> {label}
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
              <p>
                Audio, video and messages are encrypted on your device with keys that only the people in this meeting hold; the
                server passes on ciphertext it cannot read. To be sure nobody else joined the key exchange, compare these symbols
                with everyone — out loud, or on another channel.
              </p>
              {status.sas ? (
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
                <p class="hint">The code appears once you have the meeting's keys.</p>
              )}
              <p class="hint">
                The code changes whenever someone joins or leaves
                {status.epoch !== null ? ` (key epoch ${status.epoch})` : ''}.
              </p>
              {status.state === 'on' && !verified && (
                <button type="button" class="primary" onClick={() => setVerifiedEpoch(status.epoch)}>
                  Everyone sees the same code
                </button>
              )}
            </>
          )}
        </section>
      )}
    </>
  );
}
