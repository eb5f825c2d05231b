import type { E2eeState, MediaPathInfo } from '@sotto/client';
import { useState } from 'preact/hooks';

export function pathLabel(info: MediaPathInfo): string {
  if (info.path === 'p2p-direct') return 'Peer to peer (direct)';
  if (info.path === 'p2p-relay') return 'Peer to peer via relay';
  return `Via server ${info.server}`;
}

/**
 * The meeting bar's media-path indicator: where our audio and video go right now, and — on
 * click — who can see what on that path.
 */
export function MediaPathStatus({ info, peerName, e2ee }: { info: MediaPathInfo; peerName: string; e2ee: E2eeState }) {
  const [open, setOpen] = useState(false);
  const encrypted = e2ee === 'on';
  // Only state `on` means exactly the people shown hold the keys; say nothing stronger before.
  const content =
    e2ee === 'on'
      ? 'It stays end-to-end encrypted: only the participants can see and hear it.'
      : e2ee === 'off'
        ? 'This meeting is not end-to-end encrypted.'
        : 'End-to-end encryption is not settled right now (see the encryption badge): what is sent stays encrypted, and nothing is sent while the keys are held by anyone the meeting does not show.';
  return (
    <>
      <button type="button" class="path-badge" data-path={info.path} aria-expanded={open} onClick={() => setOpen(!open)}>
        {pathLabel(info)}
      </button>
      {open && (
        <section class="e2ee-panel" aria-label="Media path">
          {info.path === 'bridge' && (
            <p>
              Your audio and video go through the server <strong>{info.server}</strong>, which forwards them to the others.{' '}
              {encrypted
                ? 'With end-to-end encryption it cannot see or hear them; it sees metadata: who takes part, when, and how much data flows.'
                : content}{' '}
              Other participants do not learn your IP address.
            </p>
          )}
          {info.path === 'p2p-direct' && (
            <p>
              You are two, so your audio and video go straight to {peerName}'s device. {peerName} can see your IP address, and you
              theirs. {content} The server {info.server} only passes on the messages that set this up.
            </p>
          )}
          {info.path === 'p2p-relay' && (
            <p>
              You are two, so your audio and video go to {peerName} through a relay (TURN) server. Neither of you sees the other's
              IP address; the relay sees both addresses and the encrypted traffic. {content}
            </p>
          )}
          <p class="hint">When a third person joins, media moves to the server; when you are two again, back to peer to peer.</p>
        </section>
      )}
    </>
  );
}
