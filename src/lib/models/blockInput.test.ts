/**
 * The host-side block layout must hold exactly the values the model's own
 * patchify would cut from the image — for the encrypted layout, from the
 * BPE-encrypted image — or the fused CPU path would diagnose something else.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { encryptImage } from '../cipher/bpe/bpe';
import { planForKey } from '../cipher/bpe/plan';
import { encryptedBlockLayout } from '../cipher/bpe/protection';
import { generateKey } from '../keys/key';
import { SeededRandom } from '../random/seededRandom';
import { plainBlockLayout, toBlockTensor } from './blockInput';
import { patchify } from './ops';

const S = 30,
  B = 5;

function randomImage(seed: number) {
  const rng = new SeededRandom(seed);
  return { width: S, height: S, data: Uint8Array.from({ length: S * S * 3 }, () => rng.int(256)) };
}

const cut = (img: { data: Uint8Array }) =>
  tf.tidy(() => Array.from(patchify(tf.tensor4d(Float32Array.from(img.data), [1, S, S, 3]), B).dataSync()));

describe('block-ordered model input', () => {
  it('plain layout = patchify of the image', () => {
    const img = randomImage(1);
    const t = toBlockTensor([img], plainBlockLayout(S, B), B);
    expect(t.shape).toEqual([1, (S / B) ** 2, B * B * 3]);
    expect(Array.from(t.dataSync())).toEqual(cut(img));
    t.dispose();
  });

  it('encrypted layout = patchify of the BPE-encrypted image, for several keys and a batch', async () => {
    const images = [randomImage(2), randomImage(3)];
    for (let k = 0; k < 3; k++) {
      const plan = await planForKey(await generateKey(), { imageSize: S, blockSize: B });
      const t = toBlockTensor(images, encryptedBlockLayout(plan), B);
      const expected = images.flatMap((img) => cut(encryptImage(plan, img)));
      expect(Array.from(t.dataSync())).toEqual(expected);
      // and it is not the plain layout (the key did something)
      expect(Array.from(t.dataSync())).not.toEqual(images.flatMap(cut));
      t.dispose();
    }
  });

  it('rejects an image of the wrong size', () => {
    expect(() =>
      toBlockTensor([{ width: 20, height: 20, data: new Uint8Array(1200) }], plainBlockLayout(S, B), B),
    ).toThrow(/30x30/);
  });
});
