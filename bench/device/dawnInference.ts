/**
 * The diagnosis models on a real GPU without a browser: tfjs's WebGPU backend in Node
 * on Dawn (as dawnBpe.ts), every shipped model, plain on the plain images and
 * key-adapted on the encrypted ones, compared with the logits bench/device/prepInference.ts
 * computed on tfjs-wasm (the CLI's backend), and timed per image. Also the page's GPU
 * input path (src/platform/browser/gpuInput.ts: the BPE kernel's output straight into the
 * model, never read back) against the image encrypted on the CPU. Run from the folder
 * prepInference.ts wrote:
 *   node dawnInference.mjs /path/to/webgpu/index.js MODELS_DIR [--quick] > result.json
 * Exits 1 where an answer differs (the encrypted from the plain on the GPU, the GPU from
 * wasm, the GPU input path from the CPU-encrypted input) or a logit by more than 1e-3.
 * Timing: "adapted" and "plain" rows run the model on an input already on the GPU; the
 * "GPU input path" row also uploads the plain image, encrypts and unpacks it there.
 */
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { gather } from '../../src/lib/cipher/bpe/bpe';
import { planForKey } from '../../src/lib/cipher/bpe/plan';
import { createRgbImage } from '../../src/lib/image/rgb';
import { MODEL_INPUT_SIZE } from '../../src/lib/image/modelInput';
import { keyFromBytes } from '../../src/lib/keys/key';
import { createGpuInputPath } from '../../src/platform/browser/gpuInput';
import { BENCH_KEY_BYTES } from '../benchConfig';
import { installDawn } from './dawn';
import { batchOf, deviceCheckModels, logitsOf } from './inferenceCheck';

const TOLERANCE = 1e-3;
const quick = process.argv.includes('--quick');
const argmax = (v: number[]) => v.indexOf(Math.max(...v));
const maxAbs = (a: number[][], b: number[][]) =>
  Math.max(...a.map((row, i) => Math.max(...row.map((x, j) => Math.abs(x - b[i][j])))));
const agree = (a: number[][], b: number[][]) => a.filter((row, i) => argmax(row) === argmax(b[i])).length;

/** median wall time of `runs` runs of the model on `rows`, read back each time */
async function medianMs(run: () => tf.Tensor, runs: number): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < runs + 2; r++) {
    const t0 = performance.now();
    const out = run();
    await out.data();
    out.dispose();
    if (r >= 2) times.push(performance.now() - t0); // two warm-up runs compile the shaders
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function main() {
  const [modulePath, modelsDir] = process.argv.slice(2);
  if (!modulePath || !modelsDir) throw new Error('usage: node dawnInference.mjs /path/to/webgpu/index.js MODELS_DIR');
  const gpu = await installDawn(modulePath);
  // the backend registers itself on import only where navigator.gpu already exists
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs webgpu backend did not start');
  const list = JSON.parse(await readFile('images.json', 'utf8')) as { dataset: string }[];
  const { reference, backend: referenceBackend } = JSON.parse(await readFile('reference.json', 'utf8')) as {
    backend: string;
    reference: Record<string, { plain: number[][]; encrypted: number[][] }>;
  };
  const plain = new Uint8Array(await readFile('images.bin'));
  const plan = await planForKey(await keyFromBytes(BENCH_KEY_BYTES, 'imported'));
  const encrypted = gather(plan, plain);
  const gpuPath = await createGpuInputPath();
  const bytes = MODEL_INPUT_SIZE * MODEL_INPUT_SIZE * 3;
  const imageAt = (k: number) =>
    createRgbImage(MODEL_INPUT_SIZE, MODEL_INPUT_SIZE, plain.subarray(k * bytes, (k + 1) * bytes));
  const models = [];
  let ok = true;
  for (const m of await deviceCheckModels(modelsDir, plan)) {
    let rows = list.map((e, k) => (e.dataset === m.dataset ? k : -1)).filter((k) => k >= 0);
    if (quick) rows = rows.slice(0, 2);
    const ref = reference[m.name];
    const gpuPlain = await logitsOf(m.plain, plain, rows);
    const gpuEncrypted = await logitsOf(m.adapted, encrypted, rows);
    const row = {
      model: m.name,
      images: rows.length,
      encryptedVsPlainOnGpu: {
        maxAbsLogitDiff: maxAbs(gpuEncrypted, gpuPlain),
        sameAnswer: agree(gpuEncrypted, gpuPlain),
      },
      gpuVsWasmPlain: { maxAbsLogitDiff: maxAbs(gpuPlain, ref.plain), sameAnswer: agree(gpuPlain, ref.plain) },
      gpuVsWasmEncrypted: {
        maxAbsLogitDiff: maxAbs(gpuEncrypted, ref.encrypted),
        sameAnswer: agree(gpuEncrypted, ref.encrypted),
      },
      gpuInputPathVsCpuEncrypted: { maxAbsLogitDiff: 0, sameAnswer: 0 },
      msPerImage: {} as Record<string, number>,
    };
    const viaGpu: number[][] = [];
    for (const k of rows) {
      const input = gpuPath.encrypt(plan, imageAt(k));
      const logits = m.adapted.logits(input);
      viaGpu.push(((await logits.array()) as number[][])[0]);
      tf.dispose([input, logits]);
    }
    row.gpuInputPathVsCpuEncrypted = {
      maxAbsLogitDiff: maxAbs(viaGpu, gpuEncrypted),
      sameAnswer: agree(viaGpu, gpuEncrypted),
    };
    row.msPerImage['GPU input path (encrypt on the GPU + adapted), batch 1'] = await medianMs(
      () => {
        const input = gpuPath.encrypt(plan, imageAt(rows[0]));
        const logits = m.adapted.logits(input);
        input.dispose();
        return logits;
      },
      quick ? 1 : 20,
    );
    for (const n of quick ? [1] : [1, 8, rows.length]) {
      const batch = batchOf(m.adapted, encrypted, rows.slice(0, n));
      row.msPerImage[`adapted, batch ${n}`] = (await medianMs(() => m.adapted.logits(batch), quick ? 1 : 20)) / n;
      batch.dispose();
    }
    const one = batchOf(m.plain, plain, rows.slice(0, 1));
    row.msPerImage['plain, batch 1'] = await medianMs(() => m.plain.logits(one), quick ? 1 : 20);
    one.dispose();
    ok &&=
      row.encryptedVsPlainOnGpu.sameAnswer === rows.length &&
      row.encryptedVsPlainOnGpu.maxAbsLogitDiff <= TOLERANCE &&
      row.gpuVsWasmPlain.sameAnswer === rows.length &&
      row.gpuVsWasmEncrypted.sameAnswer === rows.length &&
      row.gpuInputPathVsCpuEncrypted.sameAnswer === rows.length &&
      row.gpuInputPathVsCpuEncrypted.maxAbsLogitDiff <= TOLERANCE &&
      row.gpuVsWasmPlain.maxAbsLogitDiff <= TOLERANCE &&
      row.gpuVsWasmEncrypted.maxAbsLogitDiff <= TOLERANCE;
    models.push(row);
    m.adapted.dispose(); // shares the plain model's unkeyed tensors: first
    m.plain.dispose();
  }
  const adapter = await gpu.requestAdapter();
  console.log(
    JSON.stringify(
      {
        backend: tf.getBackend(),
        referenceBackend,
        tolerance: TOLERANCE,
        adapter: adapter?.info.description,
        models,
        ok,
      },
      null,
      1,
    ),
  );
  return ok;
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
