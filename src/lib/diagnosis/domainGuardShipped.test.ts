/**
 * The shipped brain-MRI guards (version 2) on real images with a random key:
 * for real brain MRIs from Training, the built-in phantoms and DICOM samples,
 * the plain model on the plain image and the key-adapted model on its
 * encryption give the same verdict, the same intensity score bit for bit and
 * the same features score to float rounding; the phantoms are refused (by the
 * intensity score) on both paths and the real MRIs mostly accepted.
 * Skips what is not there (models under public/models, ../shared).
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImageFile } from '../decode';
import { toModelInput } from '../image/resize';
import type { RgbImage } from '../image/rgb';
import { generateKey } from '../keys/key';
import { SAMPLES, sampleFileName, samplePng } from '../samples/gallery';
import { DiagnosisSession } from './session';

const TRAINING = '../shared/datasets/brain-mri/Training';
const DICOM = '../shared/dicom-samples';
const MODELS = ['cnn-brain-mri', 'vit-brain-mri'].filter((m) => existsSync(join('public/models', m, 'model.json')));

async function decode(path: string): Promise<RgbImage> {
  return toModelInput((await decodeImageFile(new Uint8Array(await readFile(path)), path)).image, 200);
}

/** two images per class: the first and the last file of each class folder */
async function realMris(): Promise<RgbImage[]> {
  const out: RgbImage[] = [];
  for (const c of (await readdir(TRAINING)).sort()) {
    const files = (await readdir(join(TRAINING, c))).sort();
    for (const f of [files[0], files[files.length - 1]]) out.push(await decode(join(TRAINING, c, f)));
  }
  return out;
}

describe.skipIf(MODELS.length === 0 || !existsSync(TRAINING))('shipped brain guards, plain vs encrypted', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  it.each(MODELS)(
    '%s: same verdict on both paths; phantoms refused, real MRIs accepted',
    async (name) => {
      const session = new DiagnosisSession();
      const dir = join('public/models', name);
      const info = await session.loadModel(name, { loader: async (f) => new Uint8Array(await readFile(join(dir, f))) });
      expect(info.hasDomainGuard).toBe(true);
      const key = await generateKey();
      const phantoms = await Promise.all(
        SAMPLES.map(async (s) => toModelInput((await decodeImageFile(samplePng(s), sampleFileName(s))).image, 200)),
      );
      const dicoms = existsSync(DICOM)
        ? await Promise.all(['CT_small.dcm', 'MR_small.dcm'].map((f) => decode(join(DICOM, f))))
        : [];
      const real = await realMris();
      const verdicts = async (images: RgbImage[]) => {
        const out: boolean[] = [];
        for (const im of images) {
          const r = await session.diagnose(name, im, key);
          const p = r.plain.domain!;
          const e = r.encrypted.domain!;
          expect(p.intensity, 'a version 2 guard').toBeDefined();
          expect(e.inDomain).toBe(p.inDomain);
          expect(e.intensity!.score).toBe(p.intensity!.score);
          expect(Math.abs(e.score - p.score)).toBeLessThan(1e-3 * (1 + p.score));
          out.push(p.inDomain);
        }
        return out;
      };
      const phantomVerdicts = await verdicts(phantoms);
      expect(phantomVerdicts).toEqual(phantoms.map(() => false));
      expect(await verdicts(dicoms)).toEqual(dicoms.map(() => false));
      const realVerdicts = await verdicts(real);
      expect(realVerdicts.filter(Boolean).length).toBeGreaterThanOrEqual(real.length - 1);
      session.dispose();
    },
    300_000,
  );
});
