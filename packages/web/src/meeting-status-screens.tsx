/** The meeting could not go on (the reason, in plain words): rejoin or go home. */
export function MeetingFailed({ message }: { message: string }) {
  return (
    <main class="centered">
      <p class="notice error" role="alert">
        {message}
      </p>
      <div class="row">
        <button type="button" class="primary" onClick={() => location.reload()}>
          Rejoin
        </button>
        <a class="button" href="/">
          Home
        </a>
      </div>
    </main>
  );
}

/** Knocked at a meeting with a lobby: waiting for a moderator's answer. */
export function WaitingInLobby({ onLeave }: { onLeave: () => void }) {
  return (
    <main class="centered">
      <p class="notice" role="status" data-status="lobby">
        Waiting for a moderator to let you in…
      </p>
      <button type="button" onClick={onLeave}>
        Leave
      </button>
    </main>
  );
}
