/**
 * The engine side of the SDP harness, run as a child process: applies each SDP it is sent to
 * node-datachannel exactly as the router does — a publish offer through a fresh publish
 * connection's answer(), a client answer to a receive connection that offered a microphone and
 * one video slot — and reports whether the engine accepted it. A native crash (SIGSEGV, SIGABRT)
 * ends this process, not the fuzzer: the parent sees the signal and keeps the input.
 */
import { Engine } from '../../packages/server/src/sfu/engine/engine.ts';
import type { EngineConnection } from '../../packages/server/src/sfu/engine/engine-connection.ts';

export interface HarnessRequest {
  id: number;
  /** 'offer': a publish offer; 'answer': an answer to a receive connection's offer. */
  kind: 'offer' | 'answer';
  sdp: string;
}

export interface HarnessReply {
  id: number;
  accepted: boolean;
  error?: string;
}

const engine = new Engine({ mediaPort: Number(process.env.SOTTO_HARNESS_PORT ?? 45999) });

/** For the harness's own test: a way to die as a native crash would, on request. */
const SELF_TEST = process.env.SOTTO_HARNESS_SELF_TEST === '1';

async function apply(request: HarnessRequest): Promise<void> {
  if (SELF_TEST && request.sdp.includes('SOTTO-HARNESS-ABORT')) process.abort();
  let connection: EngineConnection | null = null;
  try {
    if (request.kind === 'offer') {
      connection = engine.createConnection('pub-camera');
      await connection.answer(request.sdp);
    } else {
      connection = engine.createConnection('recv');
      connection.addTrack({ kind: 'audio', mid: '0', direction: 'recvonly', payloadType: 111 });
      connection.addTrack({
        kind: 'video',
        mid: '1',
        direction: 'sendonly',
        payloadType: 96,
        ssrc: 1111,
        rtx: { payloadType: 97, ssrc: 2222 },
        streamId: 'slot-1',
        trackId: 'slot-1-video',
        extraLines: ['a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01'],
      });
      await connection.offer();
      connection.acceptAnswer(request.sdp);
    }
    reply({ id: request.id, accepted: true });
  } catch (error) {
    reply({ id: request.id, accepted: false, error: (error as Error)?.message?.slice(0, 200) });
  } finally {
    connection?.close();
  }
}

function reply(message: HarnessReply): void {
  process.send?.(message);
}

process.on('message', (request: HarnessRequest) => {
  void apply(request);
});
process.on('disconnect', () => {
  Engine.shutdown();
  process.exit(0);
});
process.send?.({ id: -1, accepted: true });
