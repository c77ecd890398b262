/**
 * Class-token features (ViT) or pooled features (CNN) of every image of a
 * dataset split, computed here with a shipped model, for `cli federated`: the
 * input of the head the hospitals fit. In the federated setting each hospital
 * computes its own images' features on its own machine; this simulation computes
 * them all once and hands each hospital only its share.
 *
 * Slow on the wasm backend (the view ensemble runs several forwards per image),
 * so the result is cached in a file keyed by the model's weights and the split's
 * file list; a rerun reads the cache. The cache holds features (invertible towards
 * the images, DESIGN.md §9): it is written 0600 and belongs in a temp folder.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writePrivateFile } from '../io';

export interface SplitFeatures {
  classes: string[];
  /** relative paths class/file, in the order of `labels` and `features` */
  files: string[];
  labels: number[];
  features: Float32Array[];
}

const IMAGE = /\.(jpe?g|png)$/i;

async function listSplit(dir: string): Promise<{ classes: string[]; files: string[]; labels: number[] }> {
  const classes = (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const files: string[] = [];
  const labels: number[] = [];
  for (let c = 0; c < classes.length; c++) {
    for (const f of (await readdir(join(dir, classes[c]))).sort()) {
      if (!IMAGE.test(f)) continue;
      files.push(`${classes[c]}/${f}`);
      labels.push(c);
    }
  }
  return { classes, files, labels };
}

/** Features of every image under `splitDir` (class folders), from the model in `modelDir`, cached in `cacheDir`. */
export async function splitFeatures(
  modelDir: string,
  splitDir: string,
  cacheDir: string,
  log: (line: string) => void,
): Promise<SplitFeatures> {
  const listing = await listSplit(splitDir);
  const weights = await readFile(join(modelDir, 'weights.bin'));
  const key = createHash('sha256')
    .update(weights)
    .update(await readFile(join(modelDir, 'model.json')))
    .update(listing.files.join('\n'))
    .digest('hex')
    .slice(0, 16);
  const cachePath = join(cacheDir, `cipherscan-features-${key}.json`);
  if (existsSync(cachePath)) {
    const cached = JSON.parse(await readFile(cachePath, 'utf8')) as { dim: number; data: string };
    const all = new Float32Array(new Uint8Array(Buffer.from(cached.data, 'base64')).buffer);
    const features = listing.files.map((_, i) => all.slice(i * cached.dim, (i + 1) * cached.dim));
    log(`features: ${listing.files.length} from cache ${cachePath}`);
    return { ...listing, features };
  }
  // the model and tfjs only on a cache miss: a hospital process (a cache hit) starts without them
  const [tf, { decodeImageFile }, { MODEL_INPUT_SIZE }, { toModelInput }, { load }] = await Promise.all([
    import('@tensorflow/tfjs'),
    import('../../../lib/decode'),
    import('../../../lib/image/modelInput'),
    import('../../../lib/image/resize'),
    import('../../../lib/models/model'),
    import('@tensorflow/tfjs-backend-wasm'),
  ]);
  if (!(await tf.setBackend('wasm'))) throw new Error('could not start the tfjs wasm backend');
  await tf.ready();
  const model = await load({ loader: async (f) => new Uint8Array(await readFile(join(modelDir, f))) });
  const features: Float32Array[] = [];
  const t0 = performance.now();
  try {
    for (let i = 0; i < listing.files.length; i += 16) {
      const images = [];
      for (const f of listing.files.slice(i, i + 16)) {
        const bytes = new Uint8Array(await readFile(join(splitDir, f)));
        images.push(toModelInput((await decodeImageFile(bytes, f)).image, MODEL_INPUT_SIZE));
      }
      features.push(...(await model.classTokenFeatures(images)));
      const done = Math.min(i + 16, listing.files.length);
      if (done % 160 === 0 || done === listing.files.length) {
        log(`features: ${done}/${listing.files.length} (${((performance.now() - t0) / done).toFixed(0)} ms/image)`);
      }
    }
  } finally {
    model.dispose();
  }
  const dim = features[0].length;
  const all = new Float32Array(features.length * dim);
  features.forEach((f, i) => all.set(f, i * dim));
  const data = Buffer.from(all.buffer).toString('base64');
  await writePrivateFile(cachePath, JSON.stringify({ dim, count: features.length, data }));
  return { ...listing, features };
}
