/**
 * The out-of-domain guard's isomorphic part: the score is the smallest squared
 * Mahalanobis distance to a class mean; the file survives a round trip and a
 * malformed file is refused; and, through a DiagnosisSession with a fixture
 * model and a guard file beside it, the plain and the encrypted image get the
 * same verdict (the key-adapted model yields the same features).
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
import {
  DOMAIN_GUARD_FILE,
  domainScore,
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
    expect(() => parseDomainGuard(broken({ version: 2 }))).toThrow(/version/);
    expect(() => parseDomainGuard(broken({ width: 3 }))).toThrow(/needs/);
    expect(() => parseDomainGuard(broken({ precision: 'AAAA' }))).toThrow(/precision/);
    expect(() => parseDomainGuard(broken({ means: '%%%%' }))).toThrow(/base64/);
    expect(() => parseDomainGuard(broken({ threshold: -1 }))).toThrow(/threshold/);
    expect(() => parseDomainGuard(text, ['a', 'c'])).toThrow(/differ/);
    const nan = serializeDomainGuard({ ...g, means: [Float32Array.from([NaN, 0]), g.means[1]] });
    expect(() => parseDomainGuard(nan)).toThrow(/non-finite/);
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
      const d = flat.length / images.length;
      const feats = images.map((_, i) => flat.slice(i * d, (i + 1) * d));
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
