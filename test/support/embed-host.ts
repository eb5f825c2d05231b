import type { Server } from 'node:http';
import { createServer } from 'node:http';

/**
 * A page on another origin that embeds a Sotto meeting with the iframe API, as a school's or a
 * clinic's site would: `/?room=R&name=N[&jwt=T]` loads `<sotto>/external_api.js`, makes the API with the
 * pre-join screen off, and logs every event in `window.events`. `/intruder` is a page that, framed
 * beside the meeting, tries to drive it.
 */
export interface EmbedHost {
  origin: string;
  close(): Promise<void>;
}

const EVENTS = [
  'videoConferenceJoined',
  'videoConferenceLeft',
  'readyToClose',
  'participantJoined',
  'participantLeft',
  'audioMuteStatusChanged',
  'videoMuteStatusChanged',
  'incomingMessage',
  'outgoingMessage',
  'dominantSpeakerChanged',
  'errorOccurred',
  'screenSharingStatusChanged',
  'raiseHandUpdated',
  'participantRoleChanged',
  'mediaPathChanged',
  'e2eeStateChanged',
  'passwordRequired',
];

function hostPage(sotto: string, room: string, name: string, jwt: string | null, intruder: string | null): string {
  return `<!doctype html><html><head><title>Embedding page</title>
<script src="${sotto}/external_api.js"></script></head><body>
<div id="meeting" style="width: 900px; height: 560px"></div>
<script>
  window.events = [];
  const api = new JitsiMeetExternalAPI(${JSON.stringify(new URL(sotto).host)}, {
    roomName: ${JSON.stringify(room)},
    parentNode: document.getElementById('meeting'),
    userInfo: { displayName: ${JSON.stringify(name)} },
    ${jwt ? `jwt: ${JSON.stringify(jwt)},` : ''}
    configOverwrite: { prejoinPageEnabled: false },
  });
  window.api = api;
  for (const name of ${JSON.stringify(EVENTS)}) api.addListener(name, (data) => window.events.push({ name, data }));
</script>
${intruder ? `<iframe id="intruder" src="${intruder}/intruder"></iframe>` : ''}
</body></html>`;
}

/** The intruder: posts commands to its sibling frame (the meeting) as if it were the embedding page. */
const INTRUDER = `<!doctype html><html><body><script>
  window.addEventListener('message', (e) => {
    // By index: a cross-origin parent's frames cannot be iterated.
    if (e.data === 'attack') for (let i = 0; i < parent.frames.length; i++) {
      const frame = parent.frames[i];
      if (frame === window) continue;
      frame.postMessage({ sotto: 1, type: 'hello', options: {} }, '*');
      frame.postMessage({ sotto: 1, type: 'command', name: 'toggleAudio', args: [] }, '*');
      frame.postMessage({ sotto: 1, type: 'command', name: 'hangup', args: [] }, '*');
    }
  });
</script></body></html>`;

export async function startEmbedHost(port: number, sotto: () => string, intruder: string | null = null): Promise<EmbedHost> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://host');
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    if (url.pathname === '/intruder') return res.end(INTRUDER);
    const [room, name, jwt] = [
      url.searchParams.get('room') ?? 'embedded-room',
      url.searchParams.get('name') ?? 'Guest',
      url.searchParams.get('jwt'),
    ];
    res.end(hostPage(sotto(), room, name, jwt, intruder));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
