/**
 * The live run's controller for the view: the picked images as a training set
 * (dataset.ts), the hospital workers (one per seat) that compute and keep their
 * own features, the CKKS key made by seat 0 and passed to the others inside this
 * page, the presenter's test features, the centralised baselines, and the two
 * runs (ridge, FedAvg) as reducer states (rounds.ts); whether the model's card
 * says it trained on all labelled data (inSampleNotice.ts, from the model's entry:
 * discovery already read its card). Workers end with the view.
 */
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { discoverModels, type ModelEntry } from '../../../../lib/diagnosis/registry';
import type { SplitKind } from '../../../../lib/federated/hospitalSplit';
import { accuracy } from '../../../../lib/federated/ridge';
import {
  startHospitalWorkers,
  progressProxy,
  type HospitalWorkers,
} from '../../../../platform/browser/workers/hospitalClient';
import { centralisedBaselines, type Centralised } from './centralised';
import { classCounts, dealToHospitals, organise, pathOf, type TrainingSet } from './dataset';
import { initialRun, runReducer, type RunState } from './rounds';
import { runFedAvg, runRidge, type HospitalHandle } from './runTraining';
import { InTabTransport, type RoundTransport } from './transport';
import { inSampleNotice } from './inSampleNotice';

export const SEATS = 3;
export const QUORUM = 2;
export const HOSPITAL_NAMES = ['Hospital A', 'Hospital B', 'Hospital C'];
/** small shares: several local passes per round, as the CLI's defaults assume thousands of images */
export const LOCAL_TRAINING = { localEpochs: 5, learningRate: 0.1, batch: 16 };
const SEED = 17;

export interface HospitalStatus {
  images: number;
  classCounts: number[];
  /** images whose features are computed */
  done: number;
  ms?: number;
}

export type Stage = 'empty' | 'picked' | 'preparing' | 'ready';

export function useFederatedSession() {
  const [models, setModels] = useState<ModelEntry[]>([]);
  /** discovery finished (found or not): before that a picked folder waits instead of meeting "no model found" */
  const [modelsKnown, setModelsKnown] = useState(false);
  const waiting = useRef<File[] | null>(null);
  const [set, setSet] = useState<TrainingSet<File> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [stage, setStage] = useState<Stage>('empty');
  const [split, setSplit] = useState<SplitKind>({ kind: 'iid' });
  const [hospitals, setHospitals] = useState<HospitalStatus[]>([]);
  const [offline, setOffline] = useState<boolean[]>([false, false, false]);
  const [centralised, setCentralised] = useState<Centralised | null>(null);
  const [ridge, dispatchRidge] = useReducer(runReducer, initialRun('ridge', SEATS));
  const [fedavg, dispatchFedAvg] = useReducer(runReducer, initialRun('fedavg', SEATS));
  const [notice, setNotice] = useState('');
  /** the model trained on all labelled data: why the test accuracies may be in-sample */
  const [inSample, setInSample] = useState<string | null>(null);
  const workers = useRef<HospitalWorkers | null>(null);
  const test = useRef<{ x: Float32Array[]; labels: number[] } | null>(null);
  const pooled = useRef<{ x: Float32Array[]; labels: number[] } | null>(null);
  const offlineRef = useRef(offline);
  offlineRef.current = offline;
  const abort = useRef<AbortController | null>(null);

  useEffect(() => {
    discoverModels(new URL(import.meta.env.BASE_URL, location.href).href)
      .then((found) => setModels(found.filter((m) => m.architecture === 'vit')))
      .catch(() => setModels([]))
      .finally(() => setModelsKnown(true));
    return () => {
      abort.current?.abort();
      workers.current?.end();
    };
  }, []);

  const pick = useCallback(
    (files: File[]) => {
      if (!modelsKnown) {
        waiting.current = files;
        setNotice('Finding the shipped models before sorting the picked folder…');
        return;
      }
      workers.current?.end();
      workers.current = null;
      setCentralised(null);
      setHospitals([]);
      const result = organise(files, pathOf, models, SEED);
      if ('error' in result) {
        setSet(null);
        setError(result.error);
        setStage('empty');
        return;
      }
      setError(null);
      setSet(result);
      setStage('picked');
      const entry = models.find((m) => m.name === result.model.name);
      setInSample(entry ? inSampleNotice(entry) : null);
      setNotice(
        `${result.train.length} training and ${result.test.length} test images (${result.testFrom}) for ${result.model.name}.`,
      );
    },
    [models, modelsKnown],
  );

  // a folder picked while the models were still being found is sorted once they are
  useEffect(() => {
    if (!modelsKnown || !waiting.current) return;
    const files = waiting.current;
    waiting.current = null;
    pick(files);
  }, [modelsKnown, pick]);

  /** Deals the images, then every hospital computes its own features in its own worker; seat 0 makes the key. */
  const prepare = useCallback(async () => {
    if (!set) return;
    const model = models.find((m) => m.name === set.model.name)!;
    const classes = model.classes.length;
    const shares = dealToHospitals(set.train, SEATS, split, SEED);
    workers.current?.end();
    const w = startHospitalWorkers(SEATS);
    workers.current = w;
    setStage('preparing');
    setError(null);
    setCentralised(null);
    setHospitals(shares.map((s) => ({ images: s.length, classCounts: classCounts(s, classes), done: 0 })));
    setNotice('Each hospital is computing the features of its own images on this device…');
    try {
      const prepared = await Promise.all(
        shares.map((share, seat) =>
          w.hospitals[seat].call('prepare', [
            seat,
            model.url,
            share.map((s) => s.file),
            share.map((s) => s.label),
            classes,
            SEED,
            progressProxy((done) => setHospitals((hs) => hs.map((h, i) => (i === seat ? { ...h, done } : h)))),
          ]),
        ),
      );
      setHospitals((hs) => hs.map((h, i) => ({ ...h, done: prepared[i].images, ms: prepared[i].ms })));
      // the presenter's test images are scored in the page: the first hospital's worker has the model loaded
      const testX = await w.hospitals[0].call('testFeatures', [model.url, set.test.map((t) => t.file)]);
      test.current = { x: testX, labels: set.test.map((t) => t.label) };
      const secret = await w.hospitals[0].call('makeKey', []);
      await Promise.all(w.hospitals.slice(1).map((h) => h.call('takeKey', [secret])));
      const parts = await Promise.all(w.hospitals.map((h) => h.call('featuresForComparison', [])));
      pooled.current = { x: parts.flatMap((p) => p.x), labels: parts.flatMap((p) => p.labels) };
      setStage('ready');
      setNotice('Features ready in all three hospitals; Hospital A made the CKKS key and shared it with B and C.');
    } catch (err) {
      setError(`Preparing the hospitals failed: ${(err as Error).message}`);
      setStage('picked');
    }
  }, [set, models, split]);

  const handles = (w: HospitalWorkers): HospitalHandle[] =>
    w.hospitals.map((b) => ({
      ridgeMessage: () => b.call('ridgeMessage', []),
      solveRidge: (sum) => b.call('solveRidge', [sum]),
      fedavgMessage: (o) => b.call('fedavgMessage', [o]),
      applyRound: (sum) => b.call('applyRound', [sum]),
      head: () => b.call('head', []),
      setHead: (h) => b.call('setHead', [h]),
      resetHead: () => b.call('resetHead', []),
    }));

  const run = useCallback(
    async (method: 'ridge' | 'fedavg', rounds: number, roundMs: number, transport: RoundTransport) => {
      const w = workers.current;
      const t = test.current;
      const p = pooled.current;
      if (!w || !t || !p || !set) return;
      abort.current?.abort();
      const controller = new AbortController();
      abort.current = controller;
      const classes = set.model.classes.length;
      if (method === 'fedavg') setCentralised(centralisedBaselines(p, t, classes, rounds, LOCAL_TRAINING, SEED));
      else if (!centralised) setCentralised(centralisedBaselines(p, t, classes, 1, LOCAL_TRAINING, SEED));
      const dispatch = method === 'ridge' ? dispatchRidge : dispatchFedAvg;
      const ctx = {
        transport,
        hospitals: handles(w),
        features: p.x[0].length,
        classes,
        quorum: QUORUM,
        roundMs,
        offline: (seat: number) => offlineRef.current[seat],
        evaluate: (head: Parameters<typeof accuracy>[0]) => accuracy(head, t.x, t.labels),
        emit: dispatch,
        signal: controller.signal,
      };
      setNotice(method === 'ridge' ? 'Ridge: one encrypted round…' : `FedAvg: ${rounds} encrypted rounds…`);
      if (method === 'ridge') await runRidge(ctx);
      else await runFedAvg(ctx, rounds, LOCAL_TRAINING);
      setNotice(''); // the run's own sentence (RunResults.runSentence) now says how it ended
      if (abort.current === controller) abort.current = null;
    },
    [set, centralised],
  );

  const inTab = useCallback((): RoundTransport => {
    const w = workers.current;
    if (!w) throw new Error('prepare the hospitals first');
    return new InTabTransport(w.sum);
  }, []);

  return {
    models,
    set,
    error,
    stage,
    split,
    setSplit,
    hospitals,
    offline,
    setOffline,
    centralised,
    ridge: ridge as RunState,
    fedavg: fedavg as RunState,
    notice,
    setNotice,
    inSample,
    pick,
    prepare,
    run,
    inTab,
    stop: () => abort.current?.abort(),
  };
}
