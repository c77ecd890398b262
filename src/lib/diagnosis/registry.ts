/**
 * Which trained models the app can offer: one per architecture (ViT, Masked-CNN)
 * and dataset (brain MRI, lung histopathology), each a folder
 * `models/<architecture>-<dataset>/` (model.json + weights.bin + model-card.json,
 * see src/lib/models/weightsFile.ts) served from our own origin. A static server
 * cannot list a folder, so we probe the known names and keep those whose
 * manifest parses: a missing model is reported as missing, never faked.
 *
 * An ensemble (`models/ensemble-<dataset>/ensemble.json`, ensemble.ts) is
 * offered only when its file parses and both its members were found, with the
 * same classes and each with the calibration temperature the ensemble was fitted
 * with (the session refuses any other, so offering it would fail to load):
 * architecture 'ensemble', weights = the members' together.
 *
 * A dataset's default (`datasetDefault`) is the one its cross-validation chose: the
 * ensemble where it ships, else the single network whose card says the report chose it
 * (model-card.json `crossValidation`, cvChoice.ts), with the figures that say why.
 * The same one read of each card says whether the model was trained on all labelled
 * data (`data.allLabelled`, cardTraining.ts), for the pages that warn its Testing
 * figures are in-sample.
 *
 * Must never: fetch from another origin, or load weights (only manifests and cards).
 */
import { parseManifest, type ModelManifest } from '../models/weightsFile';
import { ENSEMBLE_FILE, ensembleName, ensembleWhy, MEMBER_LABELS, parseEnsemble, type EnsembleSpec } from './ensemble';
import { cardCrossValidation, onlyCrossValidatedWhy, singleDefaultWhy, type CardCrossValidation } from './cvChoice';
import { cardTraining } from './cardTraining';
import { cardValidation, validationDefault, type CardValidation } from './validationChoice';

/** a single network, or the ViT + Masked-CNN ensemble of a dataset */
export type Architecture = 'vit' | 'cnn' | 'ensemble';
export type DatasetName = 'brain-mri' | 'lung-histopathology';

/** the single networks (each a folder with weights) */
export const ARCHITECTURES: readonly ('vit' | 'cnn')[] = ['vit', 'cnn'];
export const DATASETS: readonly DatasetName[] = ['brain-mri', 'lung-histopathology'];

/** the single networks' names come from ensemble.ts's MEMBER_LABELS, so a member is called the same everywhere */
export const ARCHITECTURE_LABELS: Record<Architecture, string> = {
  ...MEMBER_LABELS,
  ensemble: `${MEMBER_LABELS.vit} + ${MEMBER_LABELS.cnn} (ensemble)`,
};
export const DATASET_LABELS: Record<DatasetName, string> = {
  'brain-mri': 'Brain MRI',
  'lung-histopathology': 'Lung histopathology',
};

/** A model as a person names it: "ViT · Brain MRI" (its folder name, `vit-brain-mri`, is for machines). */
export function modelLabel(entry: Pick<ModelEntry, 'architecture' | 'dataset'>): string {
  return `${ARCHITECTURE_LABELS[entry.architecture]} · ${DATASET_LABELS[entry.dataset]}`;
}

export interface ModelEntry {
  /** folder name, e.g. "vit-brain-mri" */
  name: string;
  architecture: Architecture;
  dataset: DatasetName;
  /** base URL of the folder, ending in "/" */
  url: string;
  classes: string[];
  /** bytes of the weights file */
  weightsBytes: number;
  dtype: ModelManifest['dtype'];
  /** an ensemble: its parsed ensemble.json (members, threshold, why it ships) */
  ensemble?: EnsembleSpec;
  /** a single network: its card's cross-validation figures and choice, where the card has them */
  crossValidation?: CardCrossValidation;
  /** a single network: its card's validation-split figures, where the card has them */
  validation?: CardValidation;
  /** its card says it was trained on all labelled data (Training + Testing); false without a card, and for an ensemble */
  allLabelled: boolean;
  /** the dataset its card says it was trained on (`data.dataset`), where the card names one */
  cardDataset?: string;
}

export function modelName(architecture: Architecture, dataset: DatasetName): string {
  return `${architecture}-${dataset}`;
}

type Fetcher = (url: string) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

/**
 * Probe `base + models/<name>/model.json` for every known name. A dev or preview
 * server answers a missing file with index.html (HTTP 200), so "exists" means
 * "parses as a CipherScan manifest".
 */
export async function discoverModels(base: string, fetcher: Fetcher = (u) => fetch(u)): Promise<ModelEntry[]> {
  const root = base.endsWith('/') ? base : base + '/';
  const [singles, ensembles] = await Promise.all([
    discoverSingles(root, fetcher),
    Promise.all(DATASETS.map((d) => probeEnsemble(root, d, fetcher))),
  ]);
  const found = ensembles.flatMap((spec, i): ModelEntry[] => {
    if (!spec) return [];
    const members = spec.members.map((m) => {
      const s = singles.find((x) => x.entry.name === m.name);
      const fits = s && s.entry.classes.join() === spec.classes.join() && sameTemperature(s.temperature, m.temperature);
      return fits ? s.entry : undefined;
    });
    if (members.some((m) => !m)) return [];
    const name = ensembleName(DATASETS[i]);
    return [
      {
        name,
        architecture: 'ensemble',
        dataset: DATASETS[i],
        url: `${root}models/${name}/`,
        classes: spec.classes,
        weightsBytes: members.reduce((s, m) => s + m!.weightsBytes, 0),
        dtype: members[0]!.dtype,
        ensemble: spec,
        allLabelled: false,
      },
    ];
  });
  return [...singles.map((s) => s.entry), ...found];
}

/** as the session's member check (ensembleSession.ts checkMember) */
const sameTemperature = (a: number, b: number) => Math.abs(a - b) <= 1e-6;

/** `models/ensemble-<dataset>/ensemble.json` if it parses for that dataset, else null. */
async function probeEnsemble(root: string, dataset: DatasetName, fetcher: Fetcher): Promise<EnsembleSpec | null> {
  try {
    const res = await fetcher(`${root}models/${ensembleName(dataset)}/${ENSEMBLE_FILE}`);
    if (!res.ok) return null;
    const spec = parseEnsemble(await res.text());
    return spec.dataset === dataset ? spec : null;
  } catch {
    return null; // missing (HTML fallback) or malformed: not offered
  }
}

/** Each single network found, with its calibration temperature (1 when it ships none). */
async function discoverSingles(root: string, fetcher: Fetcher): Promise<{ entry: ModelEntry; temperature: number }[]> {
  const probes = ARCHITECTURES.flatMap((architecture) =>
    DATASETS.map(async (dataset): Promise<{ entry: ModelEntry; temperature: number } | null> => {
      const name = modelName(architecture, dataset);
      const url = `${root}models/${name}/`;
      try {
        const res = await fetcher(url + 'model.json');
        if (!res.ok) return null;
        const manifest = parseManifest(await res.text());
        if (manifest.config.architecture !== architecture) return null;
        const entry: ModelEntry = {
          name,
          architecture,
          dataset,
          url,
          classes: manifest.config.classes,
          weightsBytes: manifest.byteLength,
          dtype: manifest.dtype,
          ...(await probeCard(url, fetcher)),
        };
        return { entry, temperature: manifest.calibration?.temperature ?? 1 };
      } catch {
        return null; // not JSON (the server's HTML fallback) or not our format: not available
      }
    }),
  );
  return (await Promise.all(probes)).filter((m) => m !== null);
}

type CardFacts = Pick<ModelEntry, 'crossValidation' | 'validation' | 'allLabelled' | 'cardDataset'>;

/**
 * What the entry keeps from the card beside model.json (model-card.json): its cross-validation
 * block and its training data, read once here so no page fetches the card again for them.
 * A missing or unreadable card says nothing, and never hides a model.
 */
async function probeCard(url: string, fetcher: Fetcher): Promise<CardFacts> {
  let card: unknown;
  try {
    const res = await fetcher(url + 'model-card.json');
    card = res.ok ? JSON.parse(await res.text()) : undefined;
  } catch {
    card = undefined; // the server's HTML fallback, or not JSON
  }
  const crossValidation = cardCrossValidation(card);
  const validation = cardValidation(card);
  const { allLabelled, dataset } = cardTraining(card);
  return {
    allLabelled,
    ...(crossValidation ? { crossValidation } : {}),
    ...(validation ? { validation } : {}),
    ...(dataset ? { cardDataset: dataset } : {}),
  };
}

const isSingle = (m: ModelEntry): m is ModelEntry & { architecture: 'vit' | 'cnn' } => m.architecture !== 'ensemble';

/**
 * The model a dataset opens on, and one line saying why: the ensemble where it ships (its
 * ensemble.json's figures), else the single network cross-validation chose (its card's figures,
 * the other network's beside them), else, where only one of the two was cross-validated (alone,
 * so its report chose nothing), that one, whose accuracy on held-out scans is known; else, where
 * neither card has cross-validation, the one with more right answers on their shared validation
 * split (validationChoice.ts); undefined where nothing says which.
 */
export function datasetDefault(
  models: ModelEntry[],
  dataset: DatasetName,
): { entry: ModelEntry; why: string } | undefined {
  const here = models.filter((m) => m.dataset === dataset);
  const ensemble = here.find((m) => m.architecture === 'ensemble' && m.ensemble);
  if (ensemble) return { entry: ensemble, why: ensembleWhy(ensemble.ensemble!) };
  const singles = here.filter(isSingle);
  const chosen = singles.find((m) => m.crossValidation?.choice === m.architecture);
  // no cross-validation chose (nor ran): the validation split both were fitted with decides
  if (!chosen && singles.length === 2 && singles.every((m) => !m.crossValidation))
    return validationDefault(singles[0], singles[1]);
  // one cross-validated (choosing nothing: it trained alone), the other not: the one whose unseen-scan accuracy is known
  const validated = singles.filter((m) => m.crossValidation);
  const only = validated.length === 1 ? validated[0] : undefined;
  if (!chosen && singles.length === 2 && only?.crossValidation?.choice === null)
    return {
      entry: only,
      why: onlyCrossValidatedWhy(
        { ...only, crossValidation: only.crossValidation },
        singles.find((m) => m !== only)!,
      ),
    };
  if (!chosen?.crossValidation) return undefined;
  const other = singles.find((m) => m !== chosen);
  return { entry: chosen, why: singleDefaultWhy({ ...chosen, crossValidation: chosen.crossValidation }, other) };
}
