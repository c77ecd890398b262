/**
 * The measurements behind `npm run bench -- --suite he`, for one shipped model,
 * in Node: its class-token features of a fixed set of images, then side by side
 * the plain head and the CKKS head (client encrypt -> server head on ciphertext
 * -> client decrypt) for one image and for a full ciphertext of images; bytes up
 * and down, key sizes, and, on the whole Testing split where ../shared/datasets
 * is there, the largest logit difference and argmax agreement against the plain
 * head (a test-split figure, computed once for what ships; never used to choose
 * anything). A model whose card says it trained on all labelled data saw every
 * Testing image: its accuracies there are marked in-sample (labelledData.ts
 * `testingScope`). Must never: send a decrypted value to the "server" half.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createCkksClient,
  createCkksHead,
  galoisSteps,
  linearHead,
  plainHead,
  type Seal,
} from '../../src/lib/cipher/ckks';
import { decodeImageFile } from '../../src/lib/decode';
import { toModelInput } from '../../src/lib/image/resize';
import type { RgbImage } from '../../src/lib/image/rgb';
import { load, loadManifestAndBytes, type DiagnosisModel } from '../../src/lib/models/model';
import { deserializeWeights } from '../../src/lib/models/weightsFile';
import { brainPhantom } from '../../src/lib/samples/phantom';
import { testingScope } from '../../src/learn/training/labelledData';

export interface Timing {
  runs: number;
  bestMs: number;
  medianMs: number;
}

/** Each run timed on its own (the machine is shared: the median says more than the mean). */
export function sample(work: () => void, minMs: number, minRuns = 5): Timing {
  work(); // warm-up
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minRuns || performance.now() - start < minMs) {
    const t = performance.now();
    work();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { runs: times.length, bestMs: times[0], medianMs: times[times.length >> 1] };
}

export interface HeModelResult {
  model: string;
  features: number;
  classes: number;
  imagesPerCiphertext: number;
  galoisSteps: number;
  keygenMs: number;
  galoisKeyBytes: number;
  /** server-side preparation of the head (diagonals encoded, keys loaded) */
  headSetupMs: number;
  timings: Record<
    'plainOne' | 'plainBatch' | 'encryptOne' | 'headOne' | 'decryptOne' | 'ckksOne' | 'ckksBatch',
    Timing
  >;
  bytesUpOne: number;
  bytesDownOne: number;
  bytesUpBatch: number;
  bytesDownBatch: number;
  /** over the evaluation images (Testing split, or phantoms when absent) */
  evaluation: {
    source: string;
    images: number;
    maxAbsLogitDiff: number;
    argmaxAgreement: number;
    plainAccuracy?: number;
    encryptedAccuracy?: number;
    /** true: the model trained on these images (all labelled data), so the accuracies are not held out */
    inSample?: boolean;
    /** why, when inSample */
    inSampleNote?: string;
  };
}

async function testingSplit(dir: string): Promise<{ images: RgbImage[]; labels: number[] }> {
  const images: RgbImage[] = [];
  const labels: number[] = [];
  const classes = (await readdir(dir)).sort();
  for (let c = 0; c < classes.length; c++) {
    for (const f of (await readdir(join(dir, classes[c]))).sort()) {
      if (!/\.(jpe?g|png)$/i.test(f)) continue;
      const bytes = new Uint8Array(await readFile(join(dir, classes[c], f)));
      images.push(toModelInput((await decodeImageFile(bytes, f)).image, 200));
      labels.push(c);
    }
  }
  return { images, labels };
}

async function featuresOf(model: DiagnosisModel, images: RgbImage[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let i = 0; i < images.length; i += 32) out.push(...(await model.classTokenFeatures(images.slice(i, i + 32))));
  return out;
}

const argmax = (v: ArrayLike<number>) => Array.from(v).indexOf(Math.max(...Array.from(v)));

export async function benchHeModel(
  seal: Seal,
  name: string,
  dir: string,
  testing: string | undefined,
  minMs: number,
  log: (line: string) => void,
): Promise<HeModelResult> {
  const source = { loader: async (f: string) => new Uint8Array(await readFile(join(dir, f))) };
  const { manifest, bytes } = await loadManifestAndBytes(source);
  const host = deserializeWeights(manifest, bytes);
  const head = linearHead(host['head.w'], host['head.b']);
  const model = await load(source);
  let evalSet: { images: RgbImage[]; labels?: number[] };
  let evalSource: string;
  let scope: { inSample: boolean; note: string } | undefined;
  if (testing && existsSync(testing)) {
    log(`he: ${name}: features of ${testing}`);
    evalSet = await testingSplit(testing);
    evalSource = testing;
    scope = await testingScope(dir, 'the plain and encrypted accuracies on Testing');
  } else {
    evalSet = { images: Array.from({ length: 32 }, (_, i) => toModelInput(brainPhantom({ seed: 200 + i }), 200)) };
    evalSource = 'synthetic phantoms (no Testing split here)';
  }
  const features = await featuresOf(model, evalSet.images);
  model.dispose();

  const t0 = performance.now();
  const client = createCkksClient(seal, head);
  const keygenMs = performance.now() - t0;
  const galois = client.evaluationKeys();
  const t1 = performance.now();
  const server = createCkksHead(seal, head, galois);
  const headSetupMs = performance.now() - t1;
  try {
    const layout = client.layout;
    const one = [features[0]];
    const batch = Array.from({ length: layout.imagesPerCiphertext }, (_, i) => features[i % features.length]);
    log(
      `he: ${name}: timing (F = ${head.features}, C = ${head.classes}, ${layout.imagesPerCiphertext} images per ciphertext)`,
    );
    const upOne = client.encrypt(one);
    const downOne = server.apply(upOne);
    const upBatch = client.encrypt(batch);
    const downBatch = server.apply(upBatch);
    const timings: HeModelResult['timings'] = {
      plainOne: sample(() => plainHead(head, one[0]), Math.min(minMs, 200)),
      plainBatch: sample(() => batch.forEach((x) => plainHead(head, x)), Math.min(minMs, 200)),
      encryptOne: sample(() => client.encrypt(one), minMs),
      headOne: sample(() => server.apply(upOne), minMs),
      decryptOne: sample(() => client.decrypt(downOne), minMs),
      ckksOne: sample(() => client.decrypt(server.apply(client.encrypt(one))), minMs),
      ckksBatch: sample(() => client.decrypt(server.apply(client.encrypt(batch))), minMs),
    };

    log(`he: ${name}: ${features.length} evaluation images through the CKKS head`);
    const encrypted = client.decrypt(server.apply(client.encrypt(features)));
    let maxAbsLogitDiff = 0;
    let agree = 0;
    let plainCorrect = 0;
    let encCorrect = 0;
    features.forEach((x, i) => {
      const want = plainHead(head, x);
      want.forEach((v, c) => (maxAbsLogitDiff = Math.max(maxAbsLogitDiff, Math.abs(v - encrypted[i][c]))));
      if (argmax(want) === argmax(encrypted[i])) agree++;
      if (evalSet.labels) {
        if (argmax(want) === evalSet.labels[i]) plainCorrect++;
        if (argmax(encrypted[i]) === evalSet.labels[i]) encCorrect++;
      }
    });
    const n = features.length;
    return {
      model: name,
      features: head.features,
      classes: head.classes,
      imagesPerCiphertext: layout.imagesPerCiphertext,
      galoisSteps: galoisSteps(layout).length,
      keygenMs,
      galoisKeyBytes: galois.length,
      headSetupMs,
      timings,
      bytesUpOne: upOne.ciphertexts[0].length,
      bytesDownOne: downOne.ciphertexts[0].length,
      bytesUpBatch: upBatch.ciphertexts[0].length / batch.length,
      bytesDownBatch: downBatch.ciphertexts[0].length / batch.length,
      evaluation: {
        source: evalSource,
        images: n,
        maxAbsLogitDiff,
        argmaxAgreement: agree / n,
        ...(evalSet.labels ? { plainAccuracy: plainCorrect / n, encryptedAccuracy: encCorrect / n } : {}),
        ...(scope?.inSample ? { inSample: true, inSampleNote: scope.note } : {}),
      },
    };
  } finally {
    server.dispose();
    client.dispose();
  }
}
