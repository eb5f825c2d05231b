import type { ProbeReport } from '@sotto/client';
import { probeConnection } from '@sotto/client';
import { useEffect, useState } from 'preact/hooks';

type Row = { state: 'running' } | { state: 'done'; report: ProbeReport } | { state: 'error'; message: string };

/** How a selected pair reads for a person. */
function describePath(report: ProbeReport): string {
  const path = report.path;
  if (!path) return 'connected';
  if (path.localType === 'relay') return `through TURN (${path.relayProtocol ?? path.protocol})`;
  return `direct (${path.protocol.toUpperCase()}${path.localType === 'host' ? '' : `, ${path.localType}`})`;
}

function ProbeRow({ title, row }: { title: string; row: Row }) {
  let result: string;
  if (row.state === 'running') result = 'testing…';
  else if (row.state === 'error') result = `could not test: ${row.message}`;
  else if (!row.report.connected) result = row.report.problem ?? 'no connection';
  else
    result = `${describePath(row.report)} · round trip ${Math.round(row.report.rttMs ?? 0)} ms · loss ${row.report.lossPercent?.toFixed(0)} %`;
  const status = row.state === 'running' ? 'running' : row.state === 'done' && row.report.connected ? 'pass' : 'fail';
  return (
    <tr data-probe={title} data-status={status}>
      <th scope="row">{title}</th>
      <td>{result}</td>
    </tr>
  );
}

/** What the two results mean together, and what to do. */
function advice(direct: Row, relay: Row): string | null {
  if (direct.state !== 'done' || relay.state !== 'done') return null;
  if (direct.report.connected) return 'Meetings will work from this network.';
  if (relay.report.connected) return 'Your network blocks the media port; meetings still work, through TURN.';
  return 'Meetings will not work from this network: ask its administrator to allow UDP to this server, or the server’s administrator to set up TURN.';
}

/**
 * /doctor: tests this browser's path to the server's media port — directly, then only through the
 * server's TURN — with the selected path, round-trip time and loss. No meeting, no camera.
 */
export function Doctor() {
  const [direct, setDirect] = useState<Row>({ state: 'running' });
  const [relay, setRelay] = useState<Row>({ state: 'running' });
  const [run, setRun] = useState(0);
  useEffect(() => {
    let cancelled = false;
    const test = async (relayOnly: boolean, set: (row: Row) => void) => {
      set({ state: 'running' });
      try {
        const report = await probeConnection(location.origin, { relay: relayOnly });
        if (!cancelled) set({ state: 'done', report });
      } catch (error) {
        if (!cancelled) set({ state: 'error', message: (error as Error).message });
      }
    };
    test(false, setDirect).then(() => test(true, setRelay));
    return () => {
      cancelled = true;
    };
  }, [run]);
  const summary = advice(direct, relay);
  return (
    <main class="centered doctor">
      <h1>Connection test</h1>
      <p class="lead">How this browser reaches this server’s media, from the network you are on.</p>
      <table class="doctor-results">
        <tbody>
          <ProbeRow title="Direct to the server" row={direct} />
          <ProbeRow title="Through TURN" row={relay} />
        </tbody>
      </table>
      <p role="status" aria-live="polite">
        {summary ?? 'Testing…'}
      </p>
      <div class="row">
        <button type="button" onClick={() => setRun(run + 1)} disabled={direct.state === 'running' || relay.state === 'running'}>
          Test again
        </button>
        <a class="button" href="/">
          Home
        </a>
      </div>
    </main>
  );
}
