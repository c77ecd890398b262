/**
 * The ensemble suite (issue 18): for each dataset that ships a ViT and a Masked-CNN
 * (public/models/vit-<dataset>/, cnn-<dataset>/), ms per image of each, and of the
 * ViT + Masked-CNN ensemble where public/models/ensemble-<dataset>/ ships, side by side, through the app's
 * own DiagnosisSession on Node's tfjs wasm (the CPU path). Two figures per
 * variant: the encrypted diagnosis (BPE encryption + key-adapted inference; the
 * ensemble encrypts once and runs both members) and the whole side-by-side call
 * (plus the plain model on the original). Variants run interleaved, one image
 * each per round, so load that drifts over the run falls on all of them; the
 * ratios are medians of per-round ratios. Real slides / scans from
 * ../shared/datasets/<dataset>/Testing where present, else phantoms (said so).
 * `nodeOnly`: no browser. Target: under 50 ms per image on the CPU.
 * `--candidates DIR[,DIR]`: model folders (a cross-validation fold model of a candidate
 * recipe) timed in the same rounds as the shipped models of the dataset whose classes they
 * have, with their ratio to the shipped ViT: the speed half of a recipe's shipping rule.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
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

/** the classes a model folder's model.json names: how a candidate finds its dataset's lineup */
const classesOf = (dir: string) =>
  JSON.stringify(
    (JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { config: { classes: string[] } }).config.classes,
  );

/** What one dataset ships: its ViT and Masked-CNN, and the ensemble of the two where one ships. */
interface Lineup {
  dataset: string;
  ensemble?: string;
  /** candidate models timed beside them (--candidates): the folder and the name the session knows it by */
  candidates: Candidate[];
  /** loads the lineup into the session; its variants, ViT first, then the Masked-CNN, then the ensemble */
  load(session: DiagnosisSession): Promise<string[]>;
}

interface Candidate {
  dir: string;
  name: string;
  classes: string;
}

function shippedLineups(candidateDirs: string[]): Lineup[] {
  const names = existsSync(MODELS_DIR) ? readdirSync(MODELS_DIR) : [];
  const taken = new Set(names);
  const all = candidateDirs.map((given): Candidate => {
    const dir = resolve(given);
    if (!existsSync(join(dir, 'model.json'))) throw new Error(`--candidates: no model.json in ${given}`);
    // the session and the results know a model by its folder's name
    const name = basename(dir);
    if (taken.has(name))
      throw new Error(`--candidates: ${given} is named as a shipped model or another candidate: rename its folder`);
    taken.add(name);
    return { dir, name, classes: classesOf(dir) };
  });
  const has = (n: string, file: string) => existsSync(join(MODELS_DIR, n, file));
  const datasets = names.filter((n) => n.startsWith('vit-') && has(n, 'model.json')).map((n) => n.slice(4));
  return datasets
    .filter((ds) => has(`cnn-${ds}`, 'model.json'))
    .map((dataset): Lineup => {
      const ensemble = has(`ensemble-${dataset}`, 'ensemble.json') ? `ensemble-${dataset}` : undefined;
      const shippedClasses = classesOf(join(MODELS_DIR, `vit-${dataset}`));
      const candidates = all.filter((c) => c.classes === shippedClasses);
      return {
        dataset,
        ensemble,
        candidates,
        async load(session) {
          for (const c of candidates) await session.loadModel(c.name, folder(c.dir));
          const timedBeside = candidates.map((c) => c.name);
          if (ensemble) {
            const source = await ensembleSourceFromLoader(folder(join(MODELS_DIR, ensemble)).loader, (m) =>
              folder(join(MODELS_DIR, m)),
            );
            await session.loadEnsemble(ensemble, source);
            return [...source.spec.members.map((m) => m.name), ensemble, ...timedBeside];
          }
          for (const m of [`vit-${dataset}`, `cnn-${dataset}`]) await session.loadModel(m, folder(join(MODELS_DIR, m)));
          return [`vit-${dataset}`, `cnn-${dataset}`, ...timedBeside];
        },
      };
    });
}

export function ensembleSuite(): NodeBenchSuite {
  return {
    name: 'ensemble',
    description:
      'each dataset: ViT, Masked-CNN (and their ensemble where one ships) side by side: ms per image on the CPU (Node wasm), ratios',
    nodeOnly: true,
    async run(ctx) {
      if (!(await tf.setBackend('wasm'))) throw new Error('could not start the tfjs wasm backend in Node');
      const rows: BenchRow[] = [];
      const summary: string[] = [];
      const meta: Record<string, unknown> = {};
      const lineups = shippedLineups(ctx.candidates ?? []);
      if (!lineups.length) summary.push('no trained model ships under public/models: nothing to measure');
      const matched = new Set(lineups.flatMap((l) => l.candidates.map((c) => c.dir)));
      const unmatched = (ctx.candidates ?? []).map((d) => resolve(d)).filter((d) => !matched.has(d));
      if (unmatched.length)
        throw new Error(`--candidates: no shipped dataset has the classes of ${unmatched.join(', ')}`);
      for (const lineup of lineups) {
        const session = new DiagnosisSession();
        const variants = await lineup.load(session);
        const name = lineup.ensemble ?? lineup.dataset;
        const { images: inputs, note } = await images(lineup.dataset);
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
        const [vit, cnn] = variants;
        const ens = lineup.ensemble;
        const ms = (v: string) => medianOf(encrypted[v]).toFixed(1);
        const candidateNames = lineup.candidates.map((c) => c.name);
        const shipped = variants.filter((v) => !candidateNames.includes(v));
        const slowest = Math.max(...shipped.map((v) => medianOf(encrypted[v])));
        summary.push(
          `${lineup.dataset}, encrypted diagnosis per image (median, ${encrypted[vit].length} interleaved rounds): ` +
            `ViT ${ms(vit)} ms, Masked-CNN ${ms(cnn)} ms` +
            (ens ? `, ensemble ${ms(ens)} ms` : '') +
            ` (target < ${TARGET_MS} ms: ${slowest < TARGET_MS ? 'met by each' : 'missed by the slowest'}); ` +
            `Masked-CNN / ViT ${ratio(cnn, vit, encrypted).toFixed(2)}x` +
            (ens
              ? `, ensemble / ViT ${ratio(ens, vit, encrypted).toFixed(2)}x, ensemble / Masked-CNN ${ratio(ens, cnn, encrypted).toFixed(2)}x, ` +
                `ensemble / (ViT + Masked-CNN) ${medianOf(encrypted[ens].map((x, i) => x / (encrypted[vit][i] + encrypted[cnn][i]))).toFixed(2)}x`
              : '') +
            `; plain = encrypted on every image: ${agreeAll ? 'yes' : 'NO'} (max |logit diff| ${maxDiff.toExponential(1)})`,
        );
        for (const c of candidateNames)
          summary.push(
            `  candidate ${c}: ${ms(c)} ms (target < ${TARGET_MS} ms: ${medianOf(encrypted[c]) < TARGET_MS ? 'met' : 'missed'}), ` +
              `${ratio(c, vit, encrypted).toFixed(2)}x the shipped ViT`,
          );
        meta[name] = {
          rounds: encrypted[vit].length,
          images: note,
          medianEncryptedMs: Object.fromEntries(variants.map((v) => [v, medianOf(encrypted[v])])),
          medianSideBySideMs: Object.fromEntries(variants.map((v) => [v, medianOf(whole[v])])),
          ratios: {
            cnnOverVit: ratio(cnn, vit, encrypted),
            ...(ens
              ? { ensembleOverVit: ratio(ens, vit, encrypted), ensembleOverCnn: ratio(ens, cnn, encrypted) }
              : {}),
            ...Object.fromEntries(candidateNames.map((c) => [`${c}OverVit`, ratio(c, vit, encrypted)])),
          },
          ...(candidateNames.length ? { candidates: candidateNames } : {}),
          agreeAll,
          maxAbsLogitDiff: maxDiff,
        };
      }
      return { rows, meta: { ...meta, targetMs: TARGET_MS }, summary };
    },
  };
}
