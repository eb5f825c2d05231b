import { ROOM_NAME_PATTERN } from '@sotto/protocol';
import { useState } from 'preact/hooks';
import { randomRoomName } from './room-name.ts';
import { useBuild } from './use-build.ts';

export function Home() {
  const [name, setName] = useState('');
  const valid = ROOM_NAME_PATTERN.test(name);
  const go = (room: string) => location.assign(`/${encodeURIComponent(room)}`);
  return (
    <main class="centered home">
      <h1>Sotto</h1>
      <p class="lead">Private video meetings. Encrypted, self-hosted, no accounts.</p>
      <button type="button" class="primary big" onClick={() => go(randomRoomName())}>
        Start a meeting
      </button>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) go(name);
        }}
      >
        <label>
          Or join by name <input value={name} onInput={(e) => setName(e.currentTarget.value.trim())} placeholder="room-name" />
        </label>
        <button type="submit" disabled={!valid}>
          Join
        </button>
      </form>
      <p class="hint">Anyone with the meeting link can join. Share it only with the people you invite.</p>
      <p class="hint">
        <a href="/doctor">Test your connection</a> to this server from the network you are on.
      </p>
      <AboutBuild />
    </main>
  );
}

/** About / verify: the build this server says it serves, and how to check it. */
function AboutBuild() {
  const build = useBuild();
  return (
    <details class="hint about-build">
      <summary>About / verify this app</summary>
      <p>
        Build{' '}
        <code data-build={build ?? ''}>
          {build
            ? build
                .match(/.{1,8}/g)
                ?.slice(0, 4)
                .join(' ')
            : 'unknown'}
        </code>
      </p>
      <p>
        To check that this is the published code, build Sotto yourself and run <code>sotto verify {location.origin}</code>: it
        compares every file this server sends with your build and names any that differ. Scripts and styles carry Subresource
        Integrity.
      </p>
    </details>
  );
}
