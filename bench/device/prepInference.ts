/**
 * Prepares bench/device/dawnInference.ts's check of the diagnosis models on a real GPU:
 * the first 8 Testing images (by name) of each class of both datasets as model input
 * (200x200x3, the CLI's decode and resize), and every shipped model's logits on them
 * here, on tfjs-wasm (the CLI's backend): plain model on the plain image, key-adapted
 * model on the encrypted image (the benchmark's public key). The GPU run is compared
 * with these.
 *   npx tsx bench/device/prepInference.ts [OUT_DIR=.device-check]
 * Writes OUT_DIR/images.bin (uint8, image after image), images.json, reference.json.
 */
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { gather } from '../../src/lib/cipher/bpe/bpe';
import { planForKey } from '../../src/lib/cipher/bpe/plan';
import { decodeImageFile } from '../../src/lib/decode';
import { toModelInput } from '../../src/lib/image/resize';
import { keyFromBytes } from '../../src/lib/keys/key';
import { MODEL_INPUT_SIZE } from '../../src/lib/image/modelInput';
import { BENCH_KEY_BYTES } from '../benchConfig';
import { deviceCheckModels, logitsOf, PER_CLASS } from './inferenceCheck';

const out = process.argv[2] ?? '.device-check';
const DATASETS = ['brain-mri', 'lung-histopathology'];

async function main() {
  await tf.setBackend('wasm');
  await mkdir(out, { recursive: true });
  const list: { dataset: string; label: string; file: string }[] = [];
  const pixels: Uint8Array[] = [];
  for (const dataset of DATASETS) {
    const testing = join('../shared/datasets', dataset, 'Testing');
    for (const label of (await readdir(testing)).sort())
      for (const file of (await readdir(join(testing, label))).sort().slice(0, PER_CLASS)) {
        const bytes = new Uint8Array(await readFile(join(testing, label, file)));
        pixels.push(toModelInput((await decodeImageFile(bytes, file)).image, MODEL_INPUT_SIZE).data);
        list.push({ dataset, label, file });
      }
  }
  const plain = new Uint8Array(pixels.reduce((s, p) => s + p.length, 0));
  pixels.forEach((p, k) => plain.set(p, k * p.length));
  const plan = await planForKey(await keyFromBytes(BENCH_KEY_BYTES, 'imported'));
  const encrypted = gather(plan, plain);
  const reference: Record<string, { plain: number[][]; encrypted: number[][] }> = {};
  for (const m of await deviceCheckModels('public/models', plan)) {
    const rows = list.map((e, k) => (e.dataset === m.dataset ? k : -1)).filter((k) => k >= 0);
    reference[m.name] = {
      plain: await logitsOf(m.plain, plain, rows),
      encrypted: await logitsOf(m.adapted, encrypted, rows),
    };
    m.adapted.dispose(); // shares the plain model's unkeyed tensors: first
    m.plain.dispose();
  }
  await writeFile(join(out, 'images.bin'), plain);
  await writeFile(join(out, 'images.json'), JSON.stringify(list));
  await writeFile(join(out, 'reference.json'), JSON.stringify({ backend: tf.getBackend(), reference }));
  console.log(`${list.length} images, ${Object.keys(reference).length} models, backend ${tf.getBackend()} -> ${out}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
