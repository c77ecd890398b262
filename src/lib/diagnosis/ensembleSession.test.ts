/**
 * The ensemble in the session: two fixture models (a ViT and a Masked-CNN,
 * real architecture and file format) as members; the image is encrypted once
 * for both; the combined answer is the mean of the members' probabilities, the
 * same on the encrypted image as on the original (members at temperatures 0.5 and 2,
 * the mean checked against softmax(logits / T) computed here); a member that is not the
 * one the ensemble was fitted with is refused; either member's guard refusing
 * refuses the ensemble (and is named); no tensor outlives the calls.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { brainPhantom } from '../samples/phantom';
import { toModelInput } from '../image/resize';
import { generateKey } from '../keys/key';
import { fixtureModelFiles } from '../../testing/fixtureModel';
import { fixtureEnsembleSpec } from '../../testing/fixtureEnsemble';
import { DiagnosisSession, encryptOnCpu, type EncryptForModel, type SideBySideDiagnosis } from './session';
import { combinedDomain, combineSideBySide, maxAbsDiff, type EnsembleSource } from './ensembleSession';

// different temperatures, so a combination that skipped or swapped them would show
const T = { vit: 0.5, cnn: 2 };
const vit = fixtureModelFiles('vit', 21, { depth: 1, temperature: T.vit });
const cnn = fixtureModelFiles('cnn', 22, { depth: 1, temperature: T.cnn });
const images = [brainPhantom({ seed: 3, lesion: 0.2 }), brainPhantom({ seed: 9, lesion: 0 })].map((im) =>
  toModelInput(im, 200),
);
const files: Record<string, typeof vit> = { 'vit-brain-mri': vit, 'cnn-brain-mri': cnn };

/** the fixture spec, fitted with the members' temperatures */
function fittedSpec() {
  const spec = fixtureEnsembleSpec();
  spec.members = spec.members.map((m) => ({ ...m, temperature: T[m.architecture] }));
  return spec;
}

/** softmax(logits / T), written here rather than taken from the code under test */
function softmaxAt(logits: number[], t: number): number[] {
  const m = Math.max(...logits.map((v) => v / t));
  const e = logits.map((v) => Math.exp(v / t - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}

function source(spec = fittedSpec()): EnsembleSource {
  return { spec, member: (name) => ({ manifest: files[name].manifest, weights: files[name].weights }) };
}

describe('ensemble in DiagnosisSession', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  it('encrypts once, averages the members, encrypted = plain, frees every tensor', async () => {
    const start = tf.memory().numTensors;
    let encryptions = 0;
    const counting: EncryptForModel = async (protection, plain) => {
      encryptions++;
      return encryptOnCpu(protection, plain);
    };
    const session = new DiagnosisSession(counting);
    const info = await session.loadEnsemble('ensemble-brain-mri', source());
    expect(info.architecture).toBe('ensemble');
    expect(info.members).toEqual(['vit-brain-mri', 'cnn-brain-mri']);
    expect(session.has('ensemble-brain-mri')).toBe(true);
    const key = await generateKey();
    const r = await session.diagnose('ensemble-brain-mri', images[0], key);
    expect(encryptions).toBe(1);
    const loaded = tf.memory().numTensors;
    expect(r.members!.map((m) => m.model)).toEqual(['vit-brain-mri', 'cnn-brain-mri']);
    // the combined probabilities are the mean of softmax(logits / T) of each member at its own T,
    // computed here from the members' raw logits
    const [vitLogits, cnnLogits] = r.members!.map((m) => m.plain.prediction.logits);
    const expected = softmaxAt(vitLogits, T.vit).map((p, c) => (p + softmaxAt(cnnLogits, T.cnn)[c]) / 2);
    r.plain.prediction.probabilities.forEach((p, c) => expect(p).toBeCloseTo(expected[c], 6));
    r.encrypted.prediction.probabilities.forEach((p, c) => expect(p).toBeCloseTo(expected[c], 4));
    // the temperatures matter here: at T = 1 the mean would be measurably different
    const atOne = softmaxAt(vitLogits, 1).map((p, c) => (p + softmaxAt(cnnLogits, 1)[c]) / 2);
    expect(Math.max(...atOne.map((v, c) => Math.abs(v - expected[c])))).toBeGreaterThan(1e-3);
    // the two members differ: the mean is not one of them
    const [a, b] = r.members!.map((m) => m.plain.prediction.probabilities);
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeGreaterThan(1e-3);
    expect(r.agree).toBe(true);
    expect(r.maxAbsLogitDiff).toBeLessThan(1e-4);
    expect(r.maxAbsProbabilityDiff).toBeLessThan(1e-5);
    expect(r.members!.every((m) => m.agree)).toBe(true);
    expect(r.encrypted.certainty!.confidence).toBeCloseTo(r.plain.certainty!.confidence, 5);
    expect(r.plain.certainty!.minConfidence).toBe(0.5);
    expect(r.encrypted.certainty!.uncertain).toBe(r.plain.certainty!.uncertain);
    expect(r.domainRefusedBy).toEqual([]);
    expect(r.plain.domain).toBeUndefined(); // fixture members ship no guard: none is claimed

    for (const im of images) await session.diagnose('ensemble-brain-mri', im, key);
    expect(encryptions).toBe(3);
    expect(tf.memory().numTensors).toBe(loaded);
    const plainOnly = await session.predictPlain('ensemble-brain-mri', images[0]);
    expect(plainOnly.prediction.probabilities).toEqual(r.plain.prediction.probabilities);
    expect(plainOnly.members).toHaveLength(2);
    expect(tf.memory().numTensors).toBe(loaded);
    session.dispose();
    expect(tf.memory().numTensors).toBe(start);
  }, 120_000);

  it('refuses a member with another temperature than the one it was fitted with, and leaves nothing loaded', async () => {
    const start = tf.memory().numTensors;
    const session = new DiagnosisSession();
    const spec = fittedSpec();
    spec.members[1] = { ...spec.members[1], temperature: 0.5 };
    await expect(session.loadEnsemble('ensemble-brain-mri', source(spec))).rejects.toThrow(
      /member cnn-brain-mri has temperature 2, it was fitted with 0.5/,
    );
    expect(session.has('ensemble-brain-mri')).toBe(false);
    session.dispose();
    expect(tf.memory().numTensors).toBe(start);
  }, 60_000);
});

describe('maxAbsDiff', () => {
  it('the largest element-wise |a - b|, 0 for equal arrays', () => {
    expect(maxAbsDiff([1, -2, 3], [1.5, 2, 3])).toBe(4);
    expect(maxAbsDiff(new Float32Array([0.25]), [0.25])).toBe(0);
  });
});

describe('combineSideBySide: out of domain', () => {
  const side = (inDomain: boolean, probabilities: number[]) => ({
    prediction: { classIndex: 0, className: 'glioma', probabilities, logits: probabilities.map(Math.log) },
    ms: 1,
    domain: { inDomain, score: inDomain ? 10 : 900, threshold: 100 },
  });
  const member = (model: string, inDomain: boolean, probabilities: number[]): SideBySideDiagnosis => ({
    model,
    classes: ['glioma', 'meningioma', 'notumor', 'pituitary'],
    plain: side(inDomain, probabilities),
    encrypted: { ...side(inDomain, probabilities), encryptMs: 2, adaptMs: 3, adaptedNow: true, inputPath: 'cpu' },
    agree: true,
    maxAbsLogitDiff: 1e-6,
    backend: 'wasm',
  });

  it('refused when either member refuses, on both sides, naming it; the verdict shown is its', () => {
    const r = combineSideBySide('ensemble-brain-mri', fixtureEnsembleSpec(), [
      member('vit-brain-mri', true, [0.7, 0.1, 0.1, 0.1]),
      member('cnn-brain-mri', false, [0.1, 0.7, 0.1, 0.1]),
    ]);
    expect(r.domainRefusedBy).toEqual([{ model: 'cnn-brain-mri', architecture: 'cnn', label: 'Masked-CNN' }]);
    expect(r.plain.domain?.inDomain).toBe(false);
    expect(r.encrypted.domain?.inDomain).toBe(false);
    expect(r.plain.domain?.score).toBe(900);
    expect(r.encrypted.encryptMs).toBe(2); // one encryption, not the sum
    expect(r.encrypted.adaptMs).toBe(6);
    const ok = combineSideBySide('ensemble-brain-mri', fixtureEnsembleSpec(), [
      member('vit-brain-mri', true, [0.7, 0.1, 0.1, 0.1]),
      member('cnn-brain-mri', true, [0.1, 0.7, 0.1, 0.1]),
    ]);
    expect(ok.domainRefusedBy).toEqual([]);
    expect(ok.plain.domain?.inDomain).toBe(true);
    // mean 0.4 / 0.4: below the fixture's 0.5 threshold, so uncertain on both sides
    expect(ok.plain.certainty?.uncertain).toBe(true);
    expect(ok.encrypted.certainty?.uncertain).toBe(true);
  });

  it('refused when one member refuses even if the other ships no guard; no verdict only when nobody refused', () => {
    const unguarded = (model: string, probabilities: number[]): SideBySideDiagnosis => {
      const m = member(model, true, probabilities);
      const { domain: _p, ...plain } = m.plain;
      const { domain: _e, ...encrypted } = m.encrypted;
      return { ...m, plain, encrypted };
    };
    const r = combineSideBySide('ensemble-brain-mri', fixtureEnsembleSpec(), [
      unguarded('vit-brain-mri', [0.7, 0.1, 0.1, 0.1]),
      member('cnn-brain-mri', false, [0.1, 0.7, 0.1, 0.1]),
    ]);
    expect(r.plain.domain).toEqual({ inDomain: false, score: 900, threshold: 100 });
    expect(r.encrypted.domain?.inDomain).toBe(false);
    expect(r.domainRefusedBy!.map((m) => m.label)).toEqual(['Masked-CNN']);
    const none = combineSideBySide('ensemble-brain-mri', fixtureEnsembleSpec(), [
      unguarded('vit-brain-mri', [0.7, 0.1, 0.1, 0.1]),
      member('cnn-brain-mri', true, [0.1, 0.7, 0.1, 0.1]),
    ]);
    expect(none.plain.domain).toBeUndefined();
    expect(none.encrypted.domain).toBeUndefined();
    expect(combinedDomain([unguarded('a', [1]).plain, unguarded('b', [1]).plain])).toBeUndefined();
  });
});
