/**
 * Node-only: a model's raw logits on a set of images, cached in .cache/predictions
 * under the hash of the model's files, so a study re-run after a change to its
 * arithmetic (selective diagnosis, near-duplicate leakage) costs no forward pass.
 * The key leaves the calibration block out: a new temperature or threshold does
 * not change a logit. Never stores pixels, only logits.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ModelManifest } from '../../lib/models/weightsFile';

/** 16 hex digits of the model's manifest (calibration left out) and weights. */
export async function modelHash(modelDir: string): Promise<string> {
  const h = createHash('sha256');
  const manifest = JSON.parse(await readFile(join(modelDir, 'model.json'), 'utf8')) as ModelManifest;
  // the logits do not depend on the calibration block (temperature, threshold): leave it out of the key
  h.update(JSON.stringify({ ...manifest, calibration: undefined }));
  h.update(await readFile(join(modelDir, manifest.weightsFile)));
  return h.digest('hex').slice(0, 16);
}

/** The logits stored under `key`, else `compute()`'s, stored there. */
export async function cachedLogits(
  key: string,
  compute: () => Promise<number[][]>,
  log: (line: string) => void,
  dir = '.cache/predictions',
): Promise<number[][]> {
  const path = join(dir, `${key}.json`);
  if (existsSync(path)) return JSON.parse(await readFile(path, 'utf8')) as number[][];
  const t0 = performance.now();
  const logits = await compute();
  log(`${key}: ${logits.length} images in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify(logits));
  return logits;
}
