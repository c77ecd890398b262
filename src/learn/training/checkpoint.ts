/**
 * Node-only: training checkpoints under .cache/checkpoints/<run>/ (gitignored):
 * float32 weights and AdamW moments in the model file format plus a JSON state
 * (epoch, history, best epoch). Written to a temporary name and renamed, so a
 * session that ends mid-write leaves the previous checkpoint intact.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelConfig } from '../../lib/models/config';
import type { HostWeights } from '../../lib/models/init';
import type { ViewEnsemble } from '../../lib/models/views';
import { deserializeWeights, parseManifest, serializeModel } from '../../lib/models/weightsFile';

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valAccuracy: number;
  valLoss: number;
  /** validation with the test-time view ensemble (runs that score it every epoch) */
  valEnsemble?: ValScore;
  seconds: number;
  lr: number;
}

export interface ValScore {
  accuracy: number;
  logLoss: number;
}

export interface TrainState {
  run: string;
  completedEpochs: number;
  optimizerStep: number;
  bestEpoch: number;
  bestValAccuracy: number;
  /**
   * Runs that score the test-time view ensemble on validation every epoch: the
   * views chosen together with the best epoch, and both scores at that epoch.
   */
  bestViews?: { candidate: ViewEnsemble; chosen: ViewEnsemble | null; single: ValScore; ensemble: ValScore };
  history: EpochRecord[];
  trainSeconds: number;
  /**
   * Resumes that asked for another number of epochs than the run was planned
   * with: the cosine is re-evaluated over the new length, so with more epochs the
   * learning rate rises again at the first new epoch (a warm restart). Kept so
   * the model card can say so.
   */
  scheduleExtensions?: { afterEpoch: number; fromEpochs: number; toEpochs: number; lr: number }[];
  options: Record<string, unknown>;
}

async function atomicWrite(path: string, data: Uint8Array | string): Promise<void> {
  await writeFile(path + '.tmp', data);
  await rename(path + '.tmp', path);
}

/** What a checkpoint holds besides its state (trainingModel.ts builds them from a training model). */
export type CheckpointParts = Record<'weights' | 'm' | 'v' | 'best', HostWeights> & { average?: HostWeights };
type Parts = CheckpointParts;

/** `average`: the running weight average of runs that keep one (weightAverage.ts). */
export async function saveCheckpoint(dir: string, config: ModelConfig, state: TrainState, parts: Parts): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [part, host] of Object.entries(parts)) {
    const { manifest, bytes } = serializeModel(config, host, 'float32');
    await atomicWrite(join(dir, `${part}.bin`), bytes);
    await atomicWrite(join(dir, `${part}.json`), JSON.stringify(manifest));
  }
  // a run without an average must not leave an older run's average behind for a later resume
  if (!parts.average) await Promise.all(['average.json', 'average.bin'].map((f) => rm(join(dir, f), { force: true })));
  await atomicWrite(join(dir, 'state.json'), JSON.stringify(state, null, 1));
}

export async function loadCheckpoint(dir: string): Promise<{ state: TrainState; parts: Parts } | undefined> {
  if (!existsSync(join(dir, 'state.json'))) return undefined;
  const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as TrainState;
  const parts = {} as Parts;
  const kept = existsSync(join(dir, 'average.json')) ? (['average'] as const) : [];
  for (const part of ['weights', 'm', 'v', 'best', ...kept] as const) {
    const manifest = parseManifest(await readFile(join(dir, `${part}.json`), 'utf8'));
    parts[part] = deserializeWeights(manifest, new Uint8Array(await readFile(join(dir, `${part}.bin`))));
  }
  return { state, parts };
}
