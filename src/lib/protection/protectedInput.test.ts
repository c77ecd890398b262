/**
 * The protection seam takes schemes other than BPE without touching vit.ts,
 * cnn.ts or model.ts (docs/ARCHITECTURE.md, Protection schemes):
 *  - "none" (none.ts): every token in place, the embedding unchanged: the
 *    adapted model must give the plain model's logits on the plain image;
 *  - "mirror-invert", written here in the test against the interface alone:
 *    token j holds plain block T-1-j and every byte is inverted (255 - v), the
 *    embedding absorbing the inversion (W' = -W, c' = c + (1 - 2m) sum W):
 *    adapted logits on the protected tokens must equal the plain logits, and
 *    the plain model on them must not.
 * And the diagnosis session runs the "none" scheme end to end.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureConfig, fixtureModelFiles, fixtureWeights } from '../../testing/fixtureModel';
import { DiagnosisSession } from '../diagnosis/session';
import { toModelInput } from '../image/resize';
import { generateKey } from '../keys/key';
import { toProtectedTokens } from '../models/blockInput';
import { adaptModel, createModel, type DiagnosisModel } from '../models/model';
import { brainPhantom } from '../samples/phantom';
import { noProtection } from './none';
import { blockOrderIndex, type ProtectedInput, type ProtectionScheme, type TokenGeometry } from './protectedInput';

function mirrorInvert({ imageSize, blockSize }: TokenGeometry): ProtectedInput {
  const T = (imageSize / blockSize) ** 2;
  const per = blockSize * blockSize * 3;
  const order = blockOrderIndex(imageSize, blockSize);
  const src = new Uint32Array(order.length);
  for (let j = 0; j < T; j++) src.set(order.subarray((T - 1 - j) * per, (T - j) * per), j * per);
  return {
    scheme: 'mirror-invert',
    imageSize,
    blockSize,
    tokenSource: Uint32Array.from({ length: T }, (_, j) => T - 1 - j),
    adaptEmbedding: (w, c, inputCentre) => {
      const [P, D] = w.shape;
      const outC = Float32Array.from(c.data);
      for (let i = 0; i < P; i++) for (let d = 0; d < D; d++) outC[d] += (1 - 2 * inputCentre) * w.data[i * D + d];
      return { w: { shape: w.shape, data: w.data.map((v) => -v) }, c: { shape: c.shape, data: outC } };
    },
    tokenLayout: () => ({ imageSize, src, mask: new Uint8Array(src.length).fill(255) }),
  };
}

const images = [brainPhantom({ seed: 3, lesion: 0.2 }), brainPhantom({ seed: 9, lesion: 0 })].map((im) =>
  toModelInput(im),
);

async function logits(model: DiagnosisModel, input: Parameters<DiagnosisModel['predict']>[0]): Promise<number[]> {
  const out = (await model.predict(input)).flatMap((p) => p.logits);
  if (input instanceof tf.Tensor) input.dispose();
  return out;
}

const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));

describe('protection seam', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  for (const architecture of ['vit', 'cnn'] as const) {
    // inputCentre 0 exercises the bias term of mirror-invert's embedding transform
    for (const inputCentre of [0.5, 0]) {
      it(`${architecture}, input centre ${inputCentre}: schemes outside cipher/ plug into adaptModel`, async () => {
        const cfg = { ...fixtureConfig(architecture, { depth: 1 }), inputCentre, viewEnsemble: 'mirror' as const };
        const model = createModel(cfg, fixtureWeights(cfg, 5));
        const geometry = { imageSize: cfg.imageSize, blockSize: cfg.patchSize };
        const plain = await logits(model, images);

        const none = noProtection(geometry);
        const adaptedNone = adaptModel(model, none);
        expect(adaptedNone.keyed).toBe(true);
        expect(maxDiff(await logits(adaptedNone, images), plain)).toBeLessThan(1e-5);
        expect(maxDiff(await logits(adaptedNone, toProtectedTokens(images, none)), plain)).toBeLessThan(1e-5);
        adaptedNone.dispose();

        const mirrored = mirrorInvert(geometry);
        const adapted = adaptModel(model, mirrored);
        expect(maxDiff(await logits(adapted, toProtectedTokens(images, mirrored)), plain)).toBeLessThan(1e-4);
        // the transform is real: the plain model on the protected tokens is another function
        expect(maxDiff(await logits(model, toProtectedTokens(images, mirrored)), plain)).toBeGreaterThan(1e-2);
        adapted.dispose();
        model.dispose();
      }, 60_000);
    }
  }

  it('the diagnosis session runs another scheme end to end', async () => {
    let forgotten: string[] = [];
    const scheme: ProtectionScheme = {
      name: 'none',
      forKey: async (_key, geometry) => noProtection(geometry),
      forget: (check) => forgotten.push(check),
      clear: () => (forgotten = []),
    };
    const session = new DiagnosisSession(undefined, undefined, scheme);
    const files = fixtureModelFiles('vit', 11, { depth: 1 });
    await session.loadModel('vit', { manifest: files.manifest, weights: files.weights });
    const key = await generateKey();
    const r = await session.diagnose('vit', images[0], key);
    expect(r.maxAbsLogitDiff).toBeLessThan(1e-5);
    expect(r.agree).toBe(true);
    session.forgetKey();
    expect(forgotten).toEqual([key.check]);
    session.dispose();
  }, 60_000);
});
