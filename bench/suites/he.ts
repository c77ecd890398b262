/**
 * The homomorphic-inference suite (issue 17): for each shipped model, the plain
 * head and the CKKS head side by side, in Node only (node-seal's Node build; the
 * page's worker build comes with the server). Rows: ms per image for one image
 * and amortised over a full ciphertext; the summary gives bytes up and down per
 * image, key sizes, and the largest logit difference and argmax agreement on the
 * Testing split of ../shared/datasets (phantoms where it is absent, said so),
 * against the targets; the accuracies there say "in-sample" for a model
 * trained on all labelled data. `nodeOnly`: run.ts starts no browser for it.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { CKKS_PARAMETERS } from '../../src/lib/cipher/ckks';
import { loadSeal } from '../../src/platform/node/seal';
import { benchHeModel, type HeModelResult, type Timing } from '../he/heBench';
import { row, type BenchRow } from '../results';
import type { NodeBenchSuite } from './types';

const ROOT = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..');
const MODELS_DIR = join(ROOT, 'public/models');
const DATASETS = join(ROOT, '../shared/datasets');
const TARGETS = { msOne: 30, msAmortised: 1, bytesUp: 120_000, logitDiff: 1e-4, agreement: 1 };

const datasetOf = (model: string) => model.replace(/^(vit|cnn)-/, '');
const kb = (b: number) => `${(b / 1000).toFixed(1)} KB`;
const met = (ok: boolean) => (ok ? 'met' : 'missed');

function rows(r: HeModelResult): BenchRow[] {
  const make = (variant: string, images: number, t: Timing, note?: string) =>
    row({
      suite: 'he',
      name: `${r.model}: ${variant}`,
      runtime: 'node',
      device: 'CPU (node-seal wasm)',
      images,
      imageBytes: 0,
      iterations: t.runs,
      msPerBatch: t.bestMs,
      msPerBatchMedian: t.medianMs,
      verified: variant.startsWith('plain') ? null : r.evaluation.maxAbsLogitDiff < TARGETS.logitDiff,
      note,
    });
  const n = r.imagesPerCiphertext;
  return [
    make('plain head, 1 image', 1, r.timings.plainOne),
    make(`plain head, batch ${n}`, n, r.timings.plainBatch),
    make('CKKS client encrypt, 1 image', 1, r.timings.encryptOne, kb(r.bytesUpOne) + ' up'),
    make('CKKS server head on ciphertext, 1 image', 1, r.timings.headOne, kb(r.bytesDownOne) + ' down'),
    make('CKKS client decrypt, 1 image', 1, r.timings.decryptOne),
    make('CKKS encrypt + head + decrypt, 1 image', 1, r.timings.ckksOne),
    make(`CKKS encrypt + head + decrypt, batch ${n} (one ciphertext)`, n, r.timings.ckksBatch),
  ];
}

export function summary(r: HeModelResult): string[] {
  const one = r.timings.ckksOne.medianMs;
  const amortised = r.timings.ckksBatch.medianMs / r.imagesPerCiphertext;
  const e = r.evaluation;
  return [
    `${r.model}: F = ${r.features}, C = ${r.classes}; ${r.imagesPerCiphertext} images per ciphertext; ${r.galoisSteps} Galois keys`,
    `  CKKS ms/image (median): one image ${one.toFixed(1)} (target <= ${TARGETS.msOne}: ${met(one <= TARGETS.msOne)}), ` +
      `amortised ${amortised.toFixed(2)} (target <= ${TARGETS.msAmortised}: ${met(amortised <= TARGETS.msAmortised)}); ` +
      `plain head ${r.timings.plainOne.medianMs.toFixed(4)} ms/image`,
    `  bytes per image: one image ${kb(r.bytesUpOne)} up (target <= ${kb(TARGETS.bytesUp)}: ${met(r.bytesUpOne <= TARGETS.bytesUp)}), ${kb(r.bytesDownOne)} down; ` +
      `in a full ciphertext ${kb(r.bytesUpBatch)} up, ${kb(r.bytesDownBatch)} down`,
    `  keys: Galois ${kb(r.galoisKeyBytes)} to the server once (no relinearisation keys; secret and public key stay); ` +
      `keygen ${r.keygenMs.toFixed(0)} ms, server head setup ${r.headSetupMs.toFixed(0)} ms`,
    `  ${e.images} images (${e.source}): max |logit diff| ${e.maxAbsLogitDiff.toExponential(2)} (target <= ${TARGETS.logitDiff}: ${met(e.maxAbsLogitDiff <= TARGETS.logitDiff)}), ` +
      `argmax agreement ${(e.argmaxAgreement * 100).toFixed(2)} % (target 100 %: ${met(e.argmaxAgreement >= TARGETS.agreement)})` +
      (e.plainAccuracy === undefined
        ? ''
        : `; ${e.inSample ? 'in-sample accuracy (the model trained on these images)' : 'accuracy'} ` +
          `plain ${(e.plainAccuracy * 100).toFixed(2)} %, encrypted ${(e.encryptedAccuracy! * 100).toFixed(2)} %`),
    ...(e.inSample && e.inSampleNote ? [`  ${e.inSampleNote}`] : []),
  ];
}

export function heSuite(): NodeBenchSuite {
  return {
    name: 'he',
    description: 'CKKS encrypted linear head vs plain head on class-token features (Node, node-seal)',
    nodeOnly: true,
    async run(ctx) {
      const minMs = ctx.minMs ?? 1500;
      if (!(await tf.setBackend('wasm'))) throw new Error('could not start the tfjs wasm backend in Node');
      const seal = await loadSeal();
      const models = readdirSync(MODELS_DIR)
        .filter((n) => existsSync(join(MODELS_DIR, n, 'model.json')))
        .filter((n) => !ctx.only || n.includes(ctx.only))
        .sort();
      const results: HeModelResult[] = [];
      for (const name of models) {
        const testing = join(DATASETS, datasetOf(name), 'Testing');
        results.push(await benchHeModel(seal, name, join(MODELS_DIR, name), testing, minMs, ctx.log));
      }
      return {
        rows: results.flatMap(rows),
        summary: [
          `CKKS: N = ${CKKS_PARAMETERS.polyModulusDegree}, moduli ${CKKS_PARAMETERS.coeffModulusBits.join(' + ')} bits, scale 2^${CKKS_PARAMETERS.scaleBits}, ${CKKS_PARAMETERS.security}`,
          ...results.flatMap(summary),
        ],
        meta: { parameters: CKKS_PARAMETERS, targets: TARGETS, seal: seal.Version, models: results },
      };
    },
  };
}
