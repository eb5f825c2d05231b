import { MAX_FRAME_BYTES, PROTOCOL_VERSION } from '@sotto/protocol';
import { RawSocket } from './raw-socket.ts';

/**
 * Throws every kind of bad input named in the protocol's contract at a live server, some of it
 * from a member of `room`: malformed JSON, unknown types, wrong field types, an oversized frame,
 * binary frames, a flood, messages before hello, joining twice. Returns the close codes seen.
 */
export async function throwBadInput(serverUrl: string, room: string): Promise<number[]> {
  const closes: number[] = [];
  const hello = async () => {
    const s = await RawSocket.open(serverUrl);
    await s.request({ type: 'hello', id: 1, protocol: PROTOCOL_VERSION });
    return s;
  };

  const early = await RawSocket.open(serverUrl);
  await early.request({ type: 'join', id: 1, room, name: 'early' });
  early.ws.close();

  const member = await hello();
  await member.request({ type: 'join', id: 2, room, name: 'intruder' });
  member.send('{"type": "mute", ');
  member.send('{"type":"teleport","id":3}');
  member.send({ type: 'mute', id: 4, kind: 'smell', muted: 'yes' });
  member.send({ type: 'join', id: 5, room, name: 'again' });
  member.send({ type: 'answer', id: 6, revision: 99, sdp: 'v=0 garbage garbage' });
  member.send({ type: 'publish', id: 7, source: 'camera', sdp: 'v=0\r\nm=audio 9 RTP/AVP 0\r\nm=video 9 RTP/AVP 96\r\n' });
  member.send({ type: 'relay', id: 8, payload: 'not base64!' });
  member.send({ type: 'candidate', id: 9, connection: 'main', candidate: 'candidate:garbage', mid: '0' });
  await member.next((m) => m.id === 9);
  member.ws.close();

  for (const frame of [Buffer.from([0xde, 0xad]), 'x'.repeat(MAX_FRAME_BYTES + 10)]) {
    const s = await hello();
    s.send(frame);
    closes.push((await s.waitClosed()).code);
  }

  const flood = await hello();
  await flood.request({ type: 'join', id: 2, room, name: 'flood' });
  for (let i = 0; i < 400 && flood.ws.readyState === flood.ws.OPEN; i++)
    flood.send({ type: 'mute', id: 10 + i, kind: 'audio', muted: i % 2 === 0 });
  closes.push((await flood.waitClosed()).code);
  return closes;
}
