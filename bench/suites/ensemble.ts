/**
 * The ensemble suite (issue 18): for each dataset that ships
 * public/models/ensemble-<dataset>/, ms per image of the single ViT, the single
 * Masked-CNN and the ViT + Masked-CNN ensemble side by side, through the app's
 * own DiagnosisSession on Node's tfjs wasm (the CPU path). Two figures per
 * variant: the encrypted diagnosis (BPE encryption + key-adapted inference; the
 * ensemble encrypts once and runs both members) and the whole side-by-side call
 * (plus the plain model on the original). Variants run interleaved, one image
 * each per round, so load that drifts over the run falls on all of them; the
 * ratios are medians of per-round ratios. Real slides / scans from
 * ../shared/datasets/<dataset>/Testing where present, else phantoms (said so).
 * `nodeOnly`: no browser. Target: under 50 ms per image on the CPU.
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { DiagnosisSession } from '../../src/lib/diagnosis/session';
import { ensembleSourceFromLoader } from '../../src/lib/diagnosis/ensembleSession';
import { decodeImageFile } from '../../src/lib/decode';
import { toModelInput } from '../../src/lib/image/resize';
import type { RgbImage } from '../../src/lib/image/rgb';
import { generateKey } from '../../src/lib/keys/key';
import { brainPhantom } from '../../src/lib/samples/phantom';
import { row, type BenchRow } from '../results';
import type { NodeBenchSuite } from './types';

const ROOT = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..');
const MODELS_DIR = join(ROOT, 'public/models');
const DATASETS = join(ROOT, '../shared/datasets');
const TARGET_MS = 50;
const IMAGES = 8;

const folder = (dir: string) => ({ loader: async (f: string) => new Uint8Array(await readFile(join(dir, f))) });
const medianOf = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function images(dataset: string): Promise<{ images: RgbImage[]; note: string }> {
  const testing = join(DATASETS, dataset, 'Testing');
  if (!existsSync(testing))
    return {
      images: Array.from({ length: IMAGES }, (_, i) => toModelInput(brainPhantom({ seed: 200 + i }), 200)),
      note: 'phantoms (no dataset here)',
    };
  const classes = readdirSync(testing).sort();
  const files = Array.from({ length: IMAGES }, (_, i) => {
    const dir = join(testing, classes[i % classes.length]);
    return join(dir, readdirSync(dir).sort()[Math.floor(i / classes.length)]);
  });
  const decoded = await Promise.all(files.map(async (f) => (await decodeImageFile(await readFile(f), f)).image));
  return { images: decoded.map((im) => toModelInput(im, 200)), note: `${IMAGES} Testing images` };
}

export function ensembleSuite(): NodeBenchSuite {
  return {
    name: 'ensemble',
    description: 'ViT, Masked-CNN and their ensemble side by side: ms per image on the CPU (Node wasm), ratios',
    nodeOnly: true,
    async run(ctx) {
      const found = existsSync(MODELS_DIR)
        ? readdirSync(MODELS_DIR).filter(
            (n) => n.startsWith('ensemble-') && existsSync(join(MODELS_DIR, n, 'ensemble.json')),
          )
        : [];
      if (!(await tf.setBackend('wasm'))) throw new Error('could not start the tfjs wasm backend in Node');
      const rows: BenchRow[] = [];
      const summary: string[] = [];
      const meta: Record<string, unknown> = {};
      if (!found.length) summary.push('no ensemble ships under public/models: nothing to measure');
      for (const name of found) {
        const source = await ensembleSourceFromLoader(folder(join(MODELS_DIR, name)).loader, (m) =>
          folder(join(MODELS_DIR, m)),
        );
        const session = new DiagnosisSession();
        await session.loadEnsemble(name, source);
        const variants = [...source.spec.members.map((m) => m.name), name];
        const { images: inputs, note } = await images(source.spec.dataset);
        const key = await generateKey();
        for (const v of variants) await session.diagnose(v, inputs[0], key); // adapt + warm up
        const minMs = ctx.minMs ?? 4000;
        const encrypted: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v, []]));
        const whole: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v, []]));
        let agreeAll = true;
        let maxDiff = 0;
        const t0 = performance.now();
        for (let round = 0; round < 400 && (round < 12 || performance.now() - t0 < minMs * variants.length); round++) {
          const im = inputs[round % inputs.length];
          for (const v of variants) {
            const s = performance.now();
            const r = await session.diagnose(v, im, key);
            whole[v].push(performance.now() - s);
            encrypted[v].push(r.encrypted.encryptMs + r.encrypted.ms);
            agreeAll &&= r.agree;
            maxDiff = Math.max(maxDiff, r.maxAbsLogitDiff);
          }
        }
        session.dispose();
        const ens = name;
        const ratio = (a: string, b: string, of: Record<string, number[]>) =>
          medianOf(of[a].map((x, i) => x / of[b][i]));
        for (const v of variants)
          for (const [what, of] of [
            ['encrypt + key-adapted inference', encrypted],
            ['side by side (plain + encrypted)', whole],
          ] as const)
            rows.push(
              row({
                suite: 'ensemble',
                name: `${v}: ${what}, 1 image`,
                runtime: 'node',
                device: 'tfjs wasm (CPU)',
                images: 1,
                imageBytes: 200 * 200 * 3,
                iterations: of[v].length,
                msPerBatch: Math.min(...of[v]),
                msPerBatchMedian: medianOf(of[v]),
                verified: agreeAll && maxDiff < 1e-3,
                note: `${note}; max |logit diff| ${maxDiff.toExponential(1)}`,
              }),
            );
        const [vit, cnn] = source.spec.members.map((m) => m.name);
        const ms = (v: string) => medianOf(encrypted[v]).toFixed(1);
        summary.push(
          `${source.spec.dataset}, encrypted diagnosis per image (median, ${encrypted[ens].length} interleaved rounds): ` +
            `ViT ${ms(vit)} ms, Masked-CNN ${ms(cnn)} ms, ensemble ${ms(ens)} ms ` +
            `(target < ${TARGET_MS} ms: ${medianOf(encrypted[ens]) < TARGET_MS ? 'met' : 'missed'}); ` +
            `ensemble / ViT ${ratio(ens, vit, encrypted).toFixed(2)}x, ensemble / Masked-CNN ${ratio(ens, cnn, encrypted).toFixed(2)}x, ` +
            `ensemble / (ViT + Masked-CNN) ${medianOf(encrypted[ens].map((x, i) => x / (encrypted[vit][i] + encrypted[cnn][i]))).toFixed(2)}x; ` +
            `plain = encrypted on every image: ${agreeAll ? 'yes' : 'NO'} (max |logit diff| ${maxDiff.toExponential(1)})`,
        );
        meta[name] = {
          rounds: encrypted[ens].length,
          images: note,
          medianEncryptedMs: Object.fromEntries(variants.map((v) => [v, medianOf(encrypted[v])])),
          medianSideBySideMs: Object.fromEntries(variants.map((v) => [v, medianOf(whole[v])])),
          ratios: {
            ensembleOverVit: ratio(ens, vit, encrypted),
            ensembleOverCnn: ratio(ens, cnn, encrypted),
          },
          agreeAll,
          maxAbsLogitDiff: maxDiff,
        };
      }
      return { rows, meta: { ...meta, targetMs: TARGET_MS }, summary };
    },
  };
}
