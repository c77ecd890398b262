/**
 * What a live run shows: accuracy per round on the test images against the
 * centralised baselines (a chart, the diagnosis view's LineChart), and the
 * traffic — bytes up and down per hospital per round and in total — with rounds
 * run and skipped and the wall time. Tables carry the same numbers as the chart,
 * so nothing is only visible as a picture. `inSample`: the model trained on all
 * labelled data, so its test accuracies may be in-sample: every label says so.
 */
import { useMemo } from 'react';
import { LineChart, type Series } from '../../diagnosis/LineChart';
import type { Centralised } from './centralised';
import { formatBytes, runTotals, type RunState } from './rounds';
import { HOSPITAL_NAMES } from './useFederatedSession';

const CENTRALISED = 'centralised (for comparison only: pools the data)';
const pct = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '—' : `${(100 * v).toFixed(1)} %`);
const MAY_BE_IN_SAMPLE = ' (may be in-sample: the model trained on all labelled data)';
const seconds = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);

export function AccuracyChart({
  ridge,
  fedavg,
  centralised,
  inSample = false,
}: {
  ridge: RunState;
  fedavg: RunState;
  centralised: Centralised | null;
  inSample?: boolean;
}) {
  const series = useMemo(() => {
    const evaluated = fedavg.rows.filter((r) => r.accuracy !== undefined);
    const rounds = Math.max(1, fedavg.rows.length);
    const flat = (y: number) => ({ x: [0, rounds], y: [y, y] });
    const out: Series[] = [];
    if (evaluated.length > 0)
      out.push({
        label: 'FedAvg, encrypted (3 hospitals)',
        x: evaluated.map((r) => r.round),
        y: evaluated.map((r) => r.accuracy!),
      });
    if (centralised && fedavg.rows.length > 0) {
      const curve = centralised.sgdAccuracy.slice(0, rounds);
      out.push({ label: `${CENTRALISED}, same SGD`, x: curve.map((_, i) => i + 1), y: curve, dashed: true });
    }
    const ridgeAccuracy = ridge.rows[0]?.accuracy;
    if (ridgeAccuracy !== undefined) out.push({ label: 'ridge, encrypted (one shot)', ...flat(ridgeAccuracy) });
    if (centralised) out.push({ label: `${CENTRALISED}, ridge`, ...flat(centralised.ridgeAccuracy), dashed: true });
    return out;
  }, [ridge, fedavg, centralised]);
  if (series.length === 0) return null;
  return (
    <LineChart
      title={`Test accuracy per round${inSample ? MAY_BE_IN_SAMPLE : ''}`}
      series={series}
      xLabel="round"
      yLabel={inSample ? 'accuracy on the test images (may be in-sample)' : 'accuracy on the test images'}
      yRange={[0, 1]}
      testId="federated-accuracy-chart"
    />
  );
}

export function RunTable({ run, title, inSample = false }: { run: RunState; title: string; inSample?: boolean }) {
  const totals = runTotals(run);
  if (run.phase === 'idle') return null;
  return (
    <div className="federated-run" data-testid={`federated-result-${run.method}`} data-phase={run.phase}>
      <h4>{title}</h4>
      <p className="federated-totals" data-testid={`federated-totals-${run.method}`}>
        Rounds run: <strong data-testid={`rounds-run-${run.method}`}>{totals.roundsRun}</strong>, skipped:{' '}
        <strong data-testid={`rounds-skipped-${run.method}`}>{totals.roundsSkipped}</strong>. Bytes up{' '}
        <strong data-testid={`bytes-up-${run.method}`} data-bytes={totals.totalUp}>
          {formatBytes(totals.totalUp)}
        </strong>
        , down{' '}
        <strong data-testid={`bytes-down-${run.method}`} data-bytes={totals.totalDown}>
          {formatBytes(totals.totalDown)}
        </strong>{' '}
        in total. Wall time {seconds(run.wallMs)}.
        {run.lambda !== undefined && ` λ = ${run.lambda} (lowest squared error on the pooled hold-outs).`} Last test
        accuracy{inSample ? MAY_BE_IN_SAMPLE : ''}:{' '}
        <strong data-testid={`accuracy-${run.method}`} data-accuracy={totals.lastAccuracy ?? ''}>
          {pct(totals.lastAccuracy)}
        </strong>
        .
      </p>
      {run.message && <p className="hint">{run.message}</p>}
      {/* focusable: a table wider than the screen scrolls in its own box, by keyboard too */}
      <div className="table-scroll" tabIndex={0} role="region" aria-label={`${title}, rounds`}>
        <table className="server-table federated-table">
          <caption>{title}: per round, bytes each hospital sent (up) and fetched (down)</caption>
          <thead>
            <tr>
              <th scope="col">Round</th>
              <th scope="col">State</th>
              {HOSPITAL_NAMES.map((h) => (
                <th scope="col" key={h}>
                  {h} up / down
                </th>
              ))}
              <th scope="col">Test accuracy{inSample ? ' (may be in-sample)' : ''}</th>
              <th scope="col">Pooled hold-out (from the sum)</th>
              <th scope="col">Time</th>
            </tr>
          </thead>
          <tbody>
            {run.rows.map((r) => (
              <tr key={r.round} data-testid="federated-round" data-state={r.state}>
                <td>{r.round}</td>
                <td>{r.state === 'skipped' ? 'skipped (below quorum)' : r.state}</td>
                {HOSPITAL_NAMES.map((h, seat) => (
                  <td key={h}>
                    {r.absent.includes(seat)
                      ? 'offline'
                      : `${formatBytes(r.bytesUp[seat])} / ${formatBytes(r.bytesDown[seat])}`}
                  </td>
                ))}
                <td>{pct(r.accuracy)}</td>
                <td>{pct(r.holdOutAccuracy)}</td>
                <td>{r.ms !== undefined && r.ms > 0 ? `${Math.round(r.ms)} ms` : '…'}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={2}>
                Total
              </th>
              {HOSPITAL_NAMES.map((h, seat) => (
                <td key={h}>
                  {formatBytes(totals.bytesUp[seat])} / {formatBytes(totals.bytesDown[seat])}
                </td>
              ))}
              <td colSpan={3} />
            </tr>
          </tfoot>
        </table>
      </div>
    </div>
  );
}

/** One sentence for the live region: where the run is, without the table's detail. */
export function runSentence(run: RunState, name: string, inSample = false): string {
  const t = runTotals(run);
  if (run.phase === 'idle') return '';
  const last = run.rows.at(-1);
  if (run.phase === 'running') return last ? `${name}: round ${last.round} ${last.state}.` : `${name}: starting.`;
  if (run.phase === 'done')
    return `${name} done: ${t.roundsRun} round(s) run, ${t.roundsSkipped} skipped, test accuracy${inSample ? ' (may be in-sample)' : ''} ${pct(t.lastAccuracy)}, ${formatBytes(t.totalUp)} up.`;
  return `${name} ${run.phase}: ${run.message ?? ''}`;
}
