/**
 * "Three hospitals train together, live" (issue 17, the page): the presenter
 * picks a dataset folder, the images are dealt to three hospital workers that
 * compute their own features, and the hospitals train a head on the shipped
 * model's class tokens — ridge in one encrypted round, or FedAvg rounds with a
 * quorum of two and a deadline — through the aggregator in this tab or the
 * hospital server. Everything the room needs is said in words beside the chart.
 */
import { useId, useState } from 'react';
import { classLabel } from '../../../../lib/models/classNames';
import { BoundedNumberField } from '../../components/BoundedNumberField';
import { useServer } from '../../hospital/state';
import { AccuracyChart, RunTable, runSentence } from './RunResults';
import { serverTransportFor } from './serverSession';
import { HOSPITAL_NAMES, QUORUM, useFederatedSession } from './useFederatedSession';
import './training.css';

/** The folder input's non-standard attributes (typed out: React does not know them). */
const FOLDER_ATTRIBUTES = { webkitdirectory: '', directory: '' } as Record<string, string>;

export function FederatedTraining() {
  const s = useFederatedSession();
  const account = useServer((st) => st.account);
  const [via, setVia] = useState<'inTab' | 'server'>('inTab');
  const [rounds, setRounds] = useState(10);
  const [deadline, setDeadline] = useState(3);
  const [runError, setRunError] = useState<string | null>(null);
  /** who summed each method's last run: the table says it, whatever is selected now */
  const [ranVia, setRanVia] = useState<Record<'ridge' | 'fedavg', string>>({ ridge: '', fedavg: '' });
  const id = useId();
  const running = s.ridge.phase === 'running' || s.fedavg.phase === 'running';
  const ready = s.stage === 'ready' && !running;
  const useServerRoute = via === 'server' && account !== null;

  const start = async (method: 'ridge' | 'fedavg') => {
    setRunError(null);
    try {
      const transport = useServerRoute ? await serverTransportFor(account.id) : s.inTab();
      setRanVia((r) => ({ ...r, [method]: useServerRoute ? 'the hospital server' : 'the aggregator in this tab' }));
      await s.run(method, rounds, deadline * 1000, transport);
    } catch (err) {
      setRunError((err as Error).message);
    }
  };

  const inSample = s.inSample !== null;
  const live = [
    s.notice,
    runSentence(s.ridge, 'Ridge', inSample),
    runSentence(s.fedavg, 'FedAvg', inSample),
    s.error,
    runError,
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <section className="panel federated-training" aria-labelledby={`${id}-title`} data-testid="federated-training">
      <h3 id={`${id}-title`}>Three hospitals train together, live</h3>
      <p className="hint">
        Each hospital is a worker in this tab with its own share of the images. It computes the class-token features of
        its images with the shipped model itself; features never leave it. Only CKKS ciphertexts travel. Hospital A
        makes the CKKS key and hands it to B and C inside this page (all three run on this device); the aggregator or
        server never gets it.
      </p>

      <fieldset className="federated-data">
        <legend>1. The images</legend>
        <label htmlFor={`${id}-folder`}>
          Dataset folder (one subfolder per class; Training and Testing folders are used when present)
        </label>
        <input
          id={`${id}-folder`}
          type="file"
          multiple
          {...FOLDER_ATTRIBUTES}
          data-testid="federated-folder"
          disabled={running || s.stage === 'preparing'}
          onChange={(e) => s.pick(Array.from(e.currentTarget.files ?? []))}
        />
        {s.set && (
          <p data-testid="federated-set">
            {s.set.train.length} training images, {s.set.test.length} test images ({s.set.testFrom}), model{' '}
            {s.set.model.name}.
          </p>
        )}
        {s.set && s.inSample && (
          <p className="hint" data-testid="federated-in-sample">
            {s.inSample}
          </p>
        )}
        <div role="radiogroup" aria-label="How the images are dealt to the hospitals">
          <label>
            <input
              type="radio"
              name={`${id}-split`}
              checked={s.split.kind === 'iid'}
              onChange={() => s.setSplit({ kind: 'iid' })}
            />{' '}
            IID (shuffled evenly)
          </label>{' '}
          <label>
            <input
              type="radio"
              name={`${id}-split`}
              checked={s.split.kind === 'dirichlet'}
              onChange={() => s.setSplit({ kind: 'dirichlet', alpha: 0.5 })}
            />{' '}
            Non-IID (Dirichlet α = 0.5: each hospital sees mostly some classes)
          </label>
        </div>
        <button
          type="button"
          onClick={() => void s.prepare()}
          disabled={!s.set || running || s.stage === 'preparing'}
          data-testid="federated-prepare"
        >
          Deal the images and compute features
        </button>
      </fieldset>

      {s.hospitals.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="The hospitals">
          <table className="server-table federated-table" data-testid="federated-hospitals">
            <caption>The hospitals: their images per class (their own, never pooled) and their features</caption>
            <thead>
              <tr>
                <th scope="col">Hospital</th>
                <th scope="col">Images</th>
                {s.set?.model.classes.map((c) => (
                  <th scope="col" key={c} data-class={c}>
                    {classLabel(c)}
                  </th>
                ))}
                <th scope="col">Features</th>
                <th scope="col">Online</th>
              </tr>
            </thead>
            <tbody>
              {s.hospitals.map((h, seat) => (
                <tr key={seat}>
                  <th scope="row">{HOSPITAL_NAMES[seat]}</th>
                  <td>{h.images}</td>
                  {h.classCounts.map((n, c) => (
                    <td key={c}>{n}</td>
                  ))}
                  <td data-testid="hospital-features">
                    {h.done}/{h.images}
                    {h.ms !== undefined && ` in ${(h.ms / 1000).toFixed(1)} s`}
                  </td>
                  <td>
                    <label>
                      <input
                        type="checkbox"
                        checked={s.offline[seat]}
                        data-testid={`hospital-offline-${seat}`}
                        // at least one hospital stays: with none, no round could even start its deadline
                        disabled={!s.offline[seat] && s.offline.filter((o) => !o).length <= 1}
                        onChange={(e) => {
                          const checked = e.currentTarget.checked;
                          s.setOffline((o) => o.map((v, i) => (i === seat ? checked : v)));
                        }}
                      />{' '}
                      drops out
                    </label>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <fieldset className="federated-run-options" disabled={!ready}>
        <legend>2. Train</legend>
        <div role="radiogroup" aria-label="Who sums the ciphertexts">
          <label>
            <input type="radio" name={`${id}-via`} checked={via === 'inTab'} onChange={() => setVia('inTab')} />{' '}
            Aggregator in this tab (no server): a worker that only sums ciphertexts
          </label>{' '}
          <label>
            <input
              type="radio"
              name={`${id}-via`}
              checked={via === 'server'}
              disabled={!account}
              onChange={() => setVia('server')}
              data-testid="federated-via-server"
            />{' '}
            {account
              ? `The hospital server (signed in as ${account.name}, who holds all three seats)`
              : 'The hospital server (sign in to it first)'}
          </label>
        </div>
        <BoundedNumberField
          label="FedAvg rounds"
          value={rounds}
          min={1}
          max={100}
          onChange={setRounds}
          testId="federated-rounds"
        />{' '}
        <BoundedNumberField
          label="Round deadline (s)"
          value={deadline}
          min={1}
          max={60}
          onChange={setDeadline}
          testId="federated-deadline"
        />
        <p className="hint">
          A round closes when all three hospitals have sent, or at the deadline with at least {QUORUM}; with fewer it is
          skipped and the head stays as it was. Tick “drops out” above, even during a run, to see it.
        </p>
        <button type="button" onClick={() => void start('ridge')} data-testid="federated-run-ridge">
          Train ridge (one encrypted round)
        </button>{' '}
        <button type="button" onClick={() => void start('fedavg')} data-testid="federated-run-fedavg">
          Train FedAvg ({rounds} encrypted rounds)
        </button>
      </fieldset>
      {running && (
        <button type="button" onClick={s.stop} data-testid="federated-stop">
          Stop
        </button>
      )}

      <div className="federated-live" role="status" aria-live="polite" data-testid="federated-live">
        {live}
      </div>
      {(s.error || runError) && (
        <p className="error" role="alert" data-testid="federated-error">
          {s.error ?? runError}
        </p>
      )}

      <AccuracyChart ridge={s.ridge} fedavg={s.fedavg} centralised={s.centralised} inSample={inSample} />
      {s.centralised && (
        <p className="hint" data-testid="federated-centralised">
          Centralised (for comparison only: pools the data{inSample ? '; test accuracy may be in-sample' : ''}): ridge{' '}
          {(100 * s.centralised.ridgeAccuracy).toFixed(1)} %
          {s.fedavg.rows.length > 0 &&
            `, same SGD after ${Math.min(s.fedavg.rows.length, s.centralised.sgdAccuracy.length)} round(s) ${(
              100 *
              (s.centralised.sgdAccuracy[Math.min(s.fedavg.rows.length, s.centralised.sgdAccuracy.length) - 1] ?? 0)
            ).toFixed(1)} %`}
          . Trained in this page on the three hospitals' features put together — what federated training avoids.
        </p>
      )}
      <RunTable run={s.ridge} title={`Ridge (one shot) via ${ranVia.ridge}`} inSample={inSample} />
      <RunTable run={s.fedavg} title={`FedAvg via ${ranVia.fedavg}`} inSample={inSample} />
    </section>
  );
}
