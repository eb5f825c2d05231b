import { describe, expect, it } from 'vitest';
import { runEngineHarness } from '../../../../fuzz/sdp-engine-harness/parent.ts';
import { CHROME_SIMULCAST_OFFER } from '../helpers/real-sdp.ts';

describe('the SDP engine harness', () => {
  it('applies SDP to node-datachannel in a child, and survives the child dying of a signal', { timeout: 60_000 }, async () => {
    const lines: string[] = [];
    const result = await runEngineHarness({
      inputs: 30,
      seed: 1,
      save: false,
      selfTest: true,
      log: (line) => lines.push(line),
      inject: [
        { kind: 'offer', data: Buffer.from(CHROME_SIMULCAST_OFFER) },
        // A line our check refuses (a control character): it reaches the child raw, and aborts it.
        { kind: 'offer', data: Buffer.from(`${CHROME_SIMULCAST_OFFER}a=x:SOTTO-HARNESS-ABORT\u0001\r\n`) },
      ],
    });
    expect(result.executions).toBe(32);
    expect(result.crashes).toBe(1); // the injected abort (SIGABRT), nothing else
    expect(result.restarts).toBe(1);
    expect(result.crashesPastCheck).toBe(0); // our check refuses its control character
    expect(result.accepted).toBeGreaterThanOrEqual(1); // Chrome's offer, as the router hands it on
    expect(lines.join('\n')).toMatch(/signal SIGABRT/);
  });
});
