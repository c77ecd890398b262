/**
 * The out-of-domain guard's isomorphic part: the score is the smallest squared
 * Mahalanobis distance to a class mean; the file survives a round trip and a
 * malformed file is refused; and, through a DiagnosisSession with a fixture
 * model and a guard file beside it, the plain and the encrypted image get the
 * same verdict (the key-adapted model yields the same features). Version 2:
 * the intensity score refuses on its own, version 1 files still parse and read
 * the network's features only.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { brainPhantom } from '../samples/phantom';
import { toModelInput } from '../image/resize';
import { generateKey } from '../keys/key';
import { load, toBatch } from '../models/model';
import { fixtureModelFiles } from '../../testing/fixtureModel';
import { DiagnosisSession } from './session';
import { INTENSITY_BINS } from '../models/intensityHistogram';
import {
  DOMAIN_GUARD_FILE,
  domainScore,
  intensityScore,
  domainVerdict,
  parseDomainGuard,
  serializeDomainGuard,
  type DomainGuard,
} from './domainGuard';

const fitInfo = {
  shrinkage: 0.1,
  nFit: 10,
  nValidation: 5,
  validationAccepted: 1,
  targetAcceptance: 0.98,
  fittedOn: 'test',
};

/** d = 2, two classes at (0,0) and (10,0), precision diag(1, 4) */
function smallGuard(threshold = 5): DomainGuard {
  return {
    width: 2,
    classes: ['a', 'b'],
    means: [Float32Array.from([0, 0]), Float32Array.from([10, 0])],
    precision: Float32Array.from([1, 0, 0, 4]),
    threshold,
    fit: fitInfo,
  };
}

describe('domain guard score and file', () => {
  it('scores the nearest class mean under the precision matrix', () => {
    const g = smallGuard();
    expect(domainScore(g, [1, 0])).toBeCloseTo(1);
    expect(domainScore(g, [9, 1])).toBeCloseTo(1 + 4);
    expect(domainScore(g, [5, 0])).toBeCloseTo(25);
    expect(domainVerdict(g, [9, 1]).inDomain).toBe(true);
    expect(domainVerdict(g, [5, 0])).toEqual({ inDomain: false, score: 25, threshold: 5 });
    expect(() => domainScore(g, [1, 2, 3])).toThrow(/2 features/);
  });

  it('round-trips through the file and refuses malformed files', () => {
    const g = smallGuard(7.5);
    g.precision = Float32Array.from([2, 0.5, 0.5, 3]);
    const text = serializeDomainGuard(g);
    const back = parseDomainGuard(text, ['a', 'b']);
    expect(Array.from(back.precision)).toEqual([2, 0.5, 0.5, 3]);
    expect(back.threshold).toBe(7.5);
    for (const x of [
      [1, 2],
      [8, -1],
      [4.5, 3],
    ])
      expect(domainScore(back, x)).toBeCloseTo(domainScore(g, x), 6);
    const raw = JSON.parse(text) as Record<string, unknown>;
    const broken = (patch: Record<string, unknown>) => JSON.stringify({ ...raw, ...patch });
    expect(() => parseDomainGuard('not json')).toThrow(/not JSON/);
    expect(() => parseDomainGuard(broken({ format: 'other' }))).toThrow(/format/);
    expect(() => parseDomainGuard(broken({ version: 2 }))).toThrow(/version 2 needs the intensity part/);
    expect(() => parseDomainGuard(broken({ version: 3 }))).toThrow(/unsupported version 3/);
    expect(() => parseDomainGuard(broken({ width: 3 }))).toThrow(/needs/);
    expect(() => parseDomainGuard(broken({ precision: 'AAAA' }))).toThrow(/precision/);
    expect(() => parseDomainGuard(broken({ means: '%%%%' }))).toThrow(/base64/);
    expect(() => parseDomainGuard(broken({ threshold: -1 }))).toThrow(/threshold/);
    expect(() => parseDomainGuard(text, ['a', 'c'])).toThrow(/differ/);
    const nan = serializeDomainGuard({ ...g, means: [Float32Array.from([NaN, 0]), g.means[1]] });
    expect(() => parseDomainGuard(nan)).toThrow(/non-finite/);
  });
});

/** smallGuard plus an intensity part: mean log(share + 0.01) of a flat histogram, identity precision */
function twoPartGuard(intensityThreshold: number): DomainGuard {
  const flat = 1 / INTENSITY_BINS;
  const precision = new Float32Array(INTENSITY_BINS * INTENSITY_BINS);
  for (let i = 0; i < INTENSITY_BINS; i++) precision[i * INTENSITY_BINS + i] = 1;
  return {
    ...smallGuard(),
    intensity: {
      epsilon: 0.01,
      mean: new Float32Array(INTENSITY_BINS).fill(Math.log(flat + 0.01)),
      precision,
      threshold: intensityThreshold,
      fit: fitInfo,
    },
  };
}

describe('domain guard version 2: features and intensity histogram', () => {
  const flatShares = new Array<number>(INTENSITY_BINS).fill(1 / INTENSITY_BINS);
  // everything in the first bin: the empty bins sit far below the mean log share
  const spiky = [1, ...new Array<number>(INTENSITY_BINS - 1).fill(0)];

  it('refuses when either score is over its threshold, and says which', () => {
    const g = twoPartGuard(10);
    const ok = domainVerdict(g, [1, 0, ...flatShares]);
    expect(ok.inDomain).toBe(true);
    expect(ok.intensity?.score).toBeCloseTo(0, 9);
    const expected =
      Math.log(1.01 / (1 / INTENSITY_BINS + 0.01)) ** 2 +
      (INTENSITY_BINS - 1) * Math.log(0.01 / (1 / INTENSITY_BINS + 0.01)) ** 2;
    expect(intensityScore(g.intensity!, [0, 0, ...spiky], 2)).toBeCloseTo(expected, 4);
    const drawn = domainVerdict(g, [1, 0, ...spiky]);
    expect(drawn.inDomain).toBe(false);
    expect(drawn.score).toBeCloseTo(1);
    expect(drawn.intensity?.inDomain).toBe(false);
    const far = domainVerdict(g, [5, 0, ...flatShares]);
    expect(far.inDomain).toBe(false);
    expect(far.intensity?.inDomain).toBe(true);
    // a version 2 guard needs the histogram; a version 1 guard ignores it
    expect(() => domainVerdict(g, [1, 0])).toThrow(/34 features/);
    expect(domainVerdict(smallGuard(), [1, 0, ...spiky]).inDomain).toBe(true);
  });

  it('round-trips version 2, still reads version 1 and refuses a broken intensity part', () => {
    const g = twoPartGuard(12.5);
    const text = serializeDomainGuard(g);
    const raw = JSON.parse(text) as Record<string, unknown> & { intensity: Record<string, unknown> };
    expect(raw.version).toBe(2);
    const back = parseDomainGuard(text, ['a', 'b'], 2);
    expect(back.intensity?.threshold).toBe(12.5);
    for (const x of [
      [1, 0, ...flatShares],
      [9, 1, ...spiky],
    ])
      expect(domainVerdict(back, x)).toEqual(domainVerdict(g, x));
    const v1 = serializeDomainGuard(smallGuard());
    expect((JSON.parse(v1) as { version: number }).version).toBe(1);
    expect(parseDomainGuard(v1).intensity).toBeUndefined();
    const broken = (patch: Record<string, unknown>) =>
      JSON.stringify({ ...raw, intensity: { ...raw.intensity, ...patch } });
    expect(() => parseDomainGuard(broken({ bins: 16 }))).toThrow(/bins 16/);
    expect(() => parseDomainGuard(broken({ threshold: 0 }))).toThrow(/intensity epsilon \/ threshold/);
    expect(() => parseDomainGuard(broken({ mean: 'AAAA' }))).toThrow(/intensity mean/);
    expect(() => parseDomainGuard(JSON.stringify({ ...raw, version: 1 }))).toThrow(/version 1 file has no intensity/);
  });
});

describe('domain guard on the plain and the encrypted path', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  it.each(['cnn', 'vit'] as const)(
    'gives the same verdict and score for the plain image and its encryption (%s)',
    async (arch) => {
      const files = fixtureModelFiles(arch, 12, { depth: 2 });
      const images = [
        brainPhantom({ seed: 3, lesion: 0.2 }),
        brainPhantom({ seed: 9 }),
        brainPhantom({ seed: 5, t2: true }),
      ].map((im) => toModelInput(im, 200));
      // a guard centred on the first image's features, threshold between the images' scores
      const model = await load({ manifest: files.manifest, weights: files.weights });
      const t = model.domainFeatures(toBatch(images, model.config));
      const flat = (await t.data()) as Float32Array;
      t.dispose();
      model.dispose();
      // the network's features (the guard's width); the model appends the intensity histogram
      const all = flat.length / images.length;
      const d = all - INTENSITY_BINS;
      expect(d).toBe(2 * files.manifest.config.width);
      const feats = images.map((_, i) => flat.slice(i * all, i * all + d));
      const precision = new Float32Array(d * d);
      for (let i = 0; i < d; i++) precision[i * d + i] = 1;
      const probe: DomainGuard = {
        width: d,
        classes: files.manifest.config.classes,
        means: [feats[0], feats[0], feats[0], feats[0]],
        precision,
        threshold: 1,
        fit: fitInfo,
      };
      const scores = feats.map((f) => domainScore(probe, f));
      const guard = { ...probe, threshold: (scores[0] + Math.min(scores[1], scores[2])) / 2 };
      const stored: Record<string, Uint8Array> = {
        'model.json': new TextEncoder().encode(files.manifestText),
        [files.manifest.weightsFile]: files.weights,
        [DOMAIN_GUARD_FILE]: new TextEncoder().encode(serializeDomainGuard(guard)),
      };
      const session = new DiagnosisSession();
      const info = await session.loadModel('fixture', { loader: async (f) => stored[f] });
      expect(info.hasDomainGuard).toBe(true);
      const key = await generateKey();
      const verdicts = [];
      for (const im of images) {
        const r = await session.diagnose('fixture', im, key);
        expect(r.plain.domain).toBeDefined();
        expect(r.encrypted.domain?.inDomain).toBe(r.plain.domain?.inDomain);
        expect(Math.abs(r.encrypted.domain!.score - r.plain.domain!.score)).toBeLessThan(
          1e-3 * (1 + r.plain.domain!.score),
        );
        verdicts.push(r.plain.domain!.inDomain);
      }
      expect(verdicts).toEqual([true, false, false]);
      // the server-side encrypted diagnosis's features come with the same verdicts (it refuses before sending)
      for (const [i, im] of images.entries())
        expect((await session.plainFeatures('fixture', im)).domain?.inDomain).toBe(verdicts[i]);
      session.dispose();
    },
    120_000,
  );

  it('refuses to load a model whose guard file is malformed; no guard file means no verdict', async () => {
    const files = fixtureModelFiles('cnn', 12, { depth: 2 });
    const base: Record<string, Uint8Array> = {
      'model.json': new TextEncoder().encode(files.manifestText),
      [files.manifest.weightsFile]: files.weights,
    };
    const session = new DiagnosisSession();
    const bad: Record<string, Uint8Array> = {
      ...base,
      [DOMAIN_GUARD_FILE]: new TextEncoder().encode('{"format":"cipherscan-domain-guard"}'),
    };
    await expect(session.loadModel('bad', { loader: async (f) => bad[f] })).rejects.toThrow(/malformed/);
    const none = async (f: string) => {
      if (!base[f]) throw new Error('no such file');
      return base[f];
    };
    const info = await session.loadModel('none', { loader: none });
    expect(info.hasDomainGuard).toBe(false);
    const p = await session.predictPlain('none', toModelInput(brainPhantom({ seed: 1 }), 200));
    expect(p.domain).toBeUndefined();
    session.dispose();
  }, 120_000);
});
