import type { LocalMedia } from '@sotto/client';
import { useEffect, useState } from 'preact/hooks';
import { Doctor } from './doctor.tsx';
import { embed } from './embed/embed-channel.ts';
import type { EmbedOptions } from './embed/embed-messages.ts';
import { Home } from './home.tsx';
import { Meeting } from './meeting.tsx';
import type { P2pChoice } from './prejoin.tsx';
import { PreJoin } from './prejoin.tsx';
import { roomFromPath } from './room-name.ts';

type Stage =
  | { name: 'prejoin'; passwordPrompt?: string }
  | {
      name: 'meeting';
      displayName: string;
      media: LocalMedia;
      e2ee: boolean;
      p2p: P2pChoice;
      password?: string | undefined;
      token?: string | undefined;
    }
  | { name: 'left' };

export function App() {
  // "doctor" is the connection test, never a meeting's name.
  if (location.pathname === '/doctor') return <Doctor />;
  return <Meetings />;
}

function Meetings() {
  const room = roomFromPath(location.pathname);
  const [stage, setStage] = useState<Stage>({ name: 'prejoin' });
  const embedded = useEmbedOptions();
  if (room === null) return <Home />;
  if (stage.name === 'prejoin') {
    return (
      <PreJoin
        room={room}
        passwordPrompt={stage.passwordPrompt}
        embedded={embedded}
        onJoin={(displayName, media, e2ee, p2p, password, token) =>
          setStage({ name: 'meeting', displayName, media, e2ee, p2p, password, token: embedded?.jwt ?? token })
        }
      />
    );
  }
  if (stage.name === 'meeting') {
    return (
      <Meeting
        room={room}
        displayName={stage.displayName}
        media={stage.media}
        e2ee={stage.e2ee}
        p2p={stage.p2p}
        password={stage.password}
        token={stage.token}
        onLeave={() => setStage({ name: 'left' })}
        onNeedsPassword={(message) => {
          embed?.emit('passwordRequired');
          setStage({ name: 'prejoin', passwordPrompt: message });
        }}
      />
    );
  }
  return (
    <main class="centered">
      <h1>You left the meeting</h1>
      <div class="row">
        <button type="button" class="primary" onClick={() => setStage({ name: 'prejoin' })}>
          Rejoin
        </button>
        <a class="button" href="/">
          Home
        </a>
      </div>
    </main>
  );
}

/** The options of the page that embeds us (null until it says hello, or when not embedded). */
function useEmbedOptions(): EmbedOptions | null {
  const [options, setOptions] = useState<EmbedOptions | null>(null);
  useEffect(() => {
    embed?.options.then(setOptions);
  }, []);
  return options;
}
