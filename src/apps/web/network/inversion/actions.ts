/**
 * "Run the attacks" (issue 17, "The page"): the four model-inversion attacks on the
 * selected scan, one after another in the inversion worker, each shown as soon as
 * it is scored. The attacker's model is the shipped ViT of the chosen dataset; its
 * prior (the dataset's mean image from Training, class-token statistics) is the
 * precomputed public/inversion/. Results live in a small store of their own.
 * Must never: log the scan or a reconstruction; keep results of another scan on screen.
 */
import { create } from 'zustand';
import type { InversionKind } from '../../../../lib/attacks/inversion';
import type { RgbImage } from '../../../../lib/image/rgb';
import { WorkerBridge } from '../../../../platform/browser/workers/bridge';
import { probeModels } from '../../diagnosis/actions';
import { useDiagnosis } from '../../state/diagnosis';
import { selectedFile, useFiles } from '../../state/files';
import { readableError } from '../../actions/loadFiles';
import type { AttackOutcome, AttackerSources, InversionWorkerApi } from './inversion.worker';
import { PAGE_ATTACK_ORDER, PAGE_INVERSION_SETTINGS } from './settings';

interface InversionState {
  running: InversionKind | null;
  fileId: string | null;
  model: string | null;
  original: RgbImage | null;
  results: Partial<Record<InversionKind, AttackOutcome>>;
  errors: Partial<Record<InversionKind, string>>;
  error: string | null;
}

export const useInversion = create<InversionState>()(() => ({
  running: null,
  fileId: null,
  model: null,
  original: null,
  results: {},
  errors: {},
  error: null,
}));

let bridge: WorkerBridge<InversionWorkerApi> | undefined;

function inversionBridge(): WorkerBridge<InversionWorkerApi> {
  bridge ??= new WorkerBridge<InversionWorkerApi>(
    () =>
      new Worker(new URL('./inversion.worker.ts', import.meta.url), { type: 'module', name: 'cipherscan-inversion' }),
    2 * 60_000,
  );
  return bridge;
}

/** The attacker's files for a dataset, on this page's origin. */
export function attackerSources(dataset: string, modelUrl: string, base = location.href): AttackerSources {
  const root = new URL(import.meta.env.BASE_URL, base);
  return {
    model: `vit-${dataset}`,
    modelUrl,
    meanUrl: new URL(`inversion/${dataset}-mean.png`, root).href,
    priorUrl: new URL(`inversion/vit-${dataset}-prior.json`, root).href,
  };
}

export async function runInversionAttacks(): Promise<void> {
  const file = selectedFile(useFiles.getState());
  if (useInversion.getState().running) return;
  if (!file?.modelInput) return void useInversion.setState({ error: 'Load a scan first.' });
  const original = file.modelInput;
  useInversion.setState({ fileId: file.id, original, results: {}, errors: {}, error: null, model: null });
  try {
    await probeModels();
    const { models, dataset } = useDiagnosis.getState();
    const vit = models.find((m) => m.architecture === 'vit' && m.dataset === dataset);
    if (!vit) throw new Error(`no ViT model for ${dataset}: the attacks need one`);
    const sources = attackerSources(dataset, vit.url);
    useInversion.setState({ model: vit.name });
    for (const kind of PAGE_ATTACK_ORDER) {
      useInversion.setState({ running: kind });
      try {
        const result = await inversionBridge().call('attack', [sources, kind, original, PAGE_INVERSION_SETTINGS]);
        if (useInversion.getState().fileId !== file.id) return;
        useInversion.setState((s) => ({ results: { ...s.results, [kind]: result } }));
      } catch (err) {
        useInversion.setState((s) => ({ errors: { ...s.errors, [kind]: readableError(err) } }));
      }
    }
  } catch (err) {
    useInversion.setState({ error: readableError(err) });
  } finally {
    useInversion.setState({ running: null });
  }
}
