/**
 * Which trained models the app can offer: one per architecture (ViT, Masked-CNN)
 * and dataset (brain MRI, lung histopathology), each a folder
 * `models/<architecture>-<dataset>/` (model.json + weights.bin + model-card.json,
 * see src/lib/models/weightsFile.ts) served from our own origin. A static server
 * cannot list a folder, so we probe the known names and keep those whose
 * manifest parses: a missing model is reported as missing, never faked.
 *
 * Must never: fetch from another origin, or load weights (only manifests and cards).
 */
import { parseManifest, type ModelManifest } from '../models/weightsFile';

export type Architecture = 'vit' | 'cnn';
export type DatasetName = 'brain-mri' | 'lung-histopathology';

export const ARCHITECTURES: readonly Architecture[] = ['vit', 'cnn'];
export const DATASETS: readonly DatasetName[] = ['brain-mri', 'lung-histopathology'];

export const ARCHITECTURE_LABELS: Record<Architecture, string> = { vit: 'ViT', cnn: 'Masked-CNN' };
export const DATASET_LABELS: Record<DatasetName, string> = {
  'brain-mri': 'Brain MRI',
  'lung-histopathology': 'Lung histopathology',
};

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
  const probes = ARCHITECTURES.flatMap((architecture) =>
    DATASETS.map(async (dataset): Promise<ModelEntry | null> => {
      const name = modelName(architecture, dataset);
      const url = `${root}models/${name}/`;
      try {
        const res = await fetcher(url + 'model.json');
        if (!res.ok) return null;
        const manifest = parseManifest(await res.text());
        if (manifest.config.architecture !== architecture) return null;
        return {
          name,
          architecture,
          dataset,
          url,
          classes: manifest.config.classes,
          weightsBytes: manifest.byteLength,
          dtype: manifest.dtype,
        };
      } catch {
        return null; // not JSON (the server's HTML fallback) or not our format: not available
      }
    }),
  );
  return (await Promise.all(probes)).filter((m): m is ModelEntry => m !== null);
}
