/**
 * ensemble.json is parsed strictly (wrong tag, unknown version, wrong members,
 * a combination this app does not compute, a threshold outside [0, 1], figures
 * in which the ensemble did not win: all refused with a sentence), and the
 * combination is the mean of the members' calibrated probabilities.
 */
import { describe, expect, it } from 'vitest';
import { fixtureEnsembleSpec } from '../../testing/fixtureEnsemble';
import {
  combinePredictions,
  meanOfMembers,
  ensembleWhy,
  isEnsembleName,
  parseEnsemble,
  serializeEnsemble,
  type EnsembleSpec,
} from './ensemble';

const text = (spec: EnsembleSpec, patch: Record<string, unknown> = {}) =>
  JSON.stringify({ ...JSON.parse(serializeEnsemble(spec)), ...patch });

describe('ensemble.json', () => {
  it('round-trips a valid file', () => {
    const spec = fixtureEnsembleSpec();
    expect(parseEnsemble(serializeEnsemble(spec))).toEqual(spec);
    expect(isEnsembleName('ensemble-brain-mri')).toBe(true);
    expect(isEnsembleName('vit-brain-mri')).toBe(false);
  });

  it('refuses malformed and unknown files with a reason', () => {
    const spec = fixtureEnsembleSpec();
    const cases: [string, RegExp][] = [
      ['not json', /not JSON/],
      [text(spec, { format: 'cipherscan-model' }), /wrong format tag/],
      [text(spec, { version: 2 }), /unsupported version 2/],
      [text(spec, { minConfidence: 1.5 }), /minConfidence/],
      [text(spec, { combine: 'max of logits' }), /combine/],
      [text(spec, { members: [spec.members[0], spec.members[0]] }), /one ViT and one Masked-CNN/],
      [text(spec, { members: [spec.members[0]] }), /one ViT and one Masked-CNN/],
      [
        text(spec, { members: [{ ...spec.members[0], name: 'vit-lung-histopathology' }, spec.members[1]] }),
        /folder vit-brain-mri/,
      ],
      [text(spec, { members: [{ ...spec.members[0], temperature: 0 }, spec.members[1]] }), /temperature/],
      [text(spec, { dataset: '../x' }), /dataset/],
      [text(spec, { testing: { n: 3 } }), /testing/],
      [
        text(spec, {
          crossValidation: {
            ...spec.crossValidation,
            outOfFold: { ...spec.crossValidation.outOfFold, ensemble: spec.crossValidation.outOfFold.vit },
          },
        }),
        /not show the ensemble winning/,
      ],
    ];
    for (const [t, why] of cases) expect(() => parseEnsemble(t), t.slice(0, 60)).toThrow(why);
  });

  it('says why it ships from the cross-validation figures', () => {
    expect(ensembleWhy(fixtureEnsembleSpec())).toBe(
      'best in 5-fold cross-validation: 97.7 % vs 96.7 % (ViT) and 96.0 % (Masked-CNN) out-of-fold accuracy',
    );
  });
});

describe('combinePredictions', () => {
  const p = (probabilities: number[]) => ({
    classIndex: probabilities.indexOf(Math.max(...probabilities)),
    className: '',
    probabilities,
    logits: [],
  });

  it('averages the calibrated probabilities; its logits give them back through softmax', () => {
    const c = combinePredictions(['a', 'b', 'c'], [p([0.6, 0.3, 0.1]), p([0.2, 0.7, 0.1])]);
    expect(c.probabilities.map((v) => +v.toFixed(6))).toEqual([0.4, 0.5, 0.1]);
    expect(c.classIndex).toBe(1);
    expect(c.className).toBe('b');
    const e = c.logits.map(Math.exp);
    const z = e.reduce((a, b) => a + b, 0);
    e.forEach((v, i) => expect(v / z).toBeCloseTo(c.probabilities[i], 10));
  });

  it('refuses one member or members with different class counts', () => {
    expect(() => combinePredictions(['a', 'b'], [p([0.5, 0.5])])).toThrow(/two members/);
    expect(() => combinePredictions(['a', 'b'], [p([0.5, 0.5]), p([0.2, 0.3, 0.5])])).toThrow(/numbers of classes/);
    expect(() => combinePredictions(['a', 'b'], [p([0.2, 0.3, 0.5]), p([0.2, 0.3, 0.5])])).toThrow(
      /numbers of classes/,
    );
  });
});

describe('meanOfMembers', () => {
  it('the element-wise mean of the members, any number from two', () => {
    const m = meanOfMembers([new Float32Array([1, 0, 0]), [0, 1, 0], [0, 0.5, 0.5]]);
    [1 / 3, 0.5, 0.5 / 3].forEach((v, c) => expect(m[c]).toBeCloseTo(v, 7));
    expect(() => meanOfMembers([[1, 0]])).toThrow(/two members/);
    expect(() => meanOfMembers([[1, 0], [1]])).toThrow(/numbers of classes/);
  });
});
