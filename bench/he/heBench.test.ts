/**
 * The CKKS head bench on a model whose card says it trained on all labelled data
 * (issue 18): its plain and encrypted accuracies on Testing are marked in-sample in
 * the result and in the printed summary; a model without that card prints plain
 * "accuracy" as before.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeRgbPng } from '../../src/lib/image/png';
import { ModelRandom } from '../../src/lib/models/init';
import { loadSeal } from '../../src/platform/node/seal';
import { fixtureModelFiles } from '../../src/testing/fixtureModel';
import { summary } from '../suites/he';
import { benchHeModel } from './heBench';

const dir = mkdtempSync(join(tmpdir(), 'cipherscan-he-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CLASSES = ['a', 'b', 'c'];

function writeTesting(): string {
  const rng = new ModelRandom(3);
  const testing = join(dir, 'data', 'Testing');
  CLASSES.forEach((name, c) => {
    mkdirSync(join(testing, name), { recursive: true });
    for (let i = 0; i < 2; i++) {
      const data = Uint8Array.from({ length: 32 * 32 * 3 }, () => 60 + 70 * c + rng.next() * 30);
      writeFileSync(join(testing, name, `${i}.png`), encodeRgbPng({ width: 32, height: 32, data }));
    }
  });
  return testing;
}

function writeModel(name: string, card?: object): string {
  const model = join(dir, name);
  mkdirSync(model);
  const f = fixtureModelFiles('vit', 3, { depth: 1, classes: CLASSES });
  writeFileSync(join(model, 'model.json'), f.manifestText);
  writeFileSync(join(model, 'weights.bin'), f.weights);
  if (card) writeFileSync(join(model, 'model-card.json'), JSON.stringify(card));
  return model;
}

describe('he bench on Testing', () => {
  it('marks the accuracies of an all-labelled model in-sample, in the result and the summary', async () => {
    await tf.setBackend('cpu');
    const seal = await loadSeal();
    const testing = writeTesting();
    const model = writeModel('all', { data: { allLabelled: true, sources: [] } });
    const r = await benchHeModel(seal, 'vit-all', model, testing, 1, () => undefined);
    expect(r.evaluation.images).toBe(6);
    expect(r.evaluation.plainAccuracy).toBeTypeOf('number');
    expect(r.evaluation.inSample).toBe(true);
    expect(r.evaluation.inSampleNote).toMatch(/trained on all labelled data .* in-sample \(optimistic\), not held out/);
    const printed = summary(r).join('\n');
    expect(printed).toMatch(/in-sample accuracy \(the model trained on these images\) plain \d+\.\d\d %/);
    expect(printed).not.toMatch(/; accuracy plain/);

    // the same figures of a model with Testing held out (no card): no in-sample mark
    const heldOut = { ...r, evaluation: { ...r.evaluation, inSample: undefined, inSampleNote: undefined } };
    expect(summary(heldOut).join('\n')).toMatch(/; accuracy plain \d+\.\d\d %/);
    expect(summary(heldOut).join('\n')).not.toMatch(/in-sample/);
  }, 120_000);
});
