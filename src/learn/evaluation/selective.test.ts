/**
 * Selective diagnosis maths: the coverage–accuracy curve on a hand-made set, the
 * threshold rule (Wilson lower bound, not the point estimate), the ensemble mean,
 * and the study choosing the ensemble only when it wins on validation.
 */
import { describe, expect, it } from 'vitest';
import {
  accuracyAtCoverage,
  atThreshold,
  coverageAccuracyCurve,
  fitAbstention,
  meanProbabilities,
  nestedAbstention,
  reliabilityBins,
} from './selective';
import { combinePredictions } from '../../lib/diagnosis/ensemble';
import { expectedCalibrationError } from './calibration';
import { selectiveStudy } from './selectiveStudy';

// confidences 0.9 (right), 0.8 (wrong), 0.7 (right), 0.6 (right)
const probs = [
  [0.9, 0.1],
  [0.2, 0.8],
  [0.7, 0.3],
  [0.4, 0.6],
];
const labels = [0, 0, 0, 1];

describe('coverageAccuracyCurve', () => {
  it('answers the most confident first', () => {
    const c = coverageAccuracyCurve(probs, labels);
    expect(c.map((p) => [p.threshold, p.coverage, p.accuracy])).toEqual([
      [0.9, 0.25, 1],
      [0.8, 0.5, 0.5],
      [0.7, 0.75, 2 / 3],
      [0.6, 1, 0.75],
    ]);
    expect(accuracyAtCoverage(c, 0.6)?.threshold).toBe(0.7);
    expect(atThreshold(probs, labels, 0.75)).toMatchObject({ answered: 2, correct: 1, coverage: 0.5 });
  });

  it('moves tied confidences together', () => {
    const c = coverageAccuracyCurve(
      [
        [0.8, 0.2],
        [0.2, 0.8],
      ],
      [0, 0],
    );
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({ coverage: 1, accuracy: 0.5 });
  });
});

describe('fitAbstention', () => {
  it('needs the Wilson lower bound, not the point estimate, to reach the target', () => {
    // 200 right answers at high confidence, then 10 wrong ones at low confidence
    const p = [
      ...Array.from({ length: 200 }, (_, i) => [0.99 - i * 1e-4, 0.01 + i * 1e-4]),
      ...Array.from({ length: 10 }, (_, i) => [0.6 - i * 0.01, 0.4 + i * 0.01]),
    ];
    const l = [...new Array(200).fill(0), ...new Array(10).fill(1)];
    const fit = fitAbstention(p, l, 0.975);
    // all 200 right answered (lower bound 98.1 %); one wrong more would bring it to 97.2 %
    expect(fit.validation.answered).toBe(200);
    expect(fit.minConfidence).toBeCloseTo(0.99 - 199e-4, 10);
    // 30 right answers alone would pass a point estimate but not the lower bound
    const small = fitAbstention(p.slice(0, 30), l.slice(0, 30), 0.97);
    expect(small.validation.accuracyInterval.low).toBeLessThan(0.97);
    expect(small.validation.answered).toBe(1); // nothing qualifies: the strictest threshold
  });

  it('on the point estimate (reported, never shipped) answers as far as the accuracy stays at the target', () => {
    const p = [
      ...Array.from({ length: 200 }, (_, i) => [0.99 - i * 1e-4, 0.01 + i * 1e-4]),
      ...Array.from({ length: 10 }, (_, i) => [0.6 - i * 0.01, 0.4 + i * 0.01]),
    ];
    const l = [...new Array(200).fill(0), ...new Array(10).fill(1)];
    // 200/205 = 97.6 % >= 97.5 %, 200/206 = 97.1 % is not
    const point = fitAbstention(p, l, 0.975, 'point');
    expect(point.validation.answered).toBe(205);
    expect(point.rule).toMatch(/point estimate/);
    expect(fitAbstention(p, l, 0.975).validation.answered).toBe(200);
    // 30 right answers pass the point estimate
    expect(fitAbstention(p.slice(0, 30), l.slice(0, 30), 0.97, 'point').validation.answered).toBe(30);
  });
});

describe("fitAbstention, 'originals-low'", () => {
  // 400 right answers (40 originals x 10 copies), then the 10 copies of one original, all wrong
  const p = Array.from({ length: 410 }, (_, i) => [0.99 - i * 1e-4, 0.01 + i * 1e-4]);
  const l = Array.from({ length: 410 }, (_, i) => (i < 400 ? 0 : 1));
  const groups = Array.from({ length: 410 }, (_, i) => Math.floor(i / 10));

  it('stops before the copies of one wrong original sink the bound, where Wilson counts them as ten', () => {
    // Wilson: 400/410 has a lower bound of 95.5 %, so it answers all
    expect(fitAbstention(p, l, 0.95).validation.answered).toBe(410);
    const fit = fitAbstention(p, l, 0.95, 'originals-low', groups);
    // a draw may take that original three times: only a few of its copies fit under the bound
    expect(fit.validation.answered).toBeGreaterThanOrEqual(400);
    expect(fit.validation.answered).toBeLessThan(410);
    expect(fit.rule).toMatch(/presumed originals are resampled/);
  });

  it('is never more permissive than Wilson, and needs the originals', () => {
    // 30 right answers: the resampling has no spread (100 % in every draw), Wilson's bound stays under 97 %
    expect(
      fitAbstention(p.slice(0, 30), l.slice(0, 30), 0.97, 'originals-low', groups.slice(0, 30)).validation.answered,
    ).toBe(1);
    expect(() => fitAbstention(p, l, 0.95, 'originals-low')).toThrow(/presumed original/);
  });
});

describe('nestedAbstention', () => {
  // fold A: 0.9 right, 0.6 wrong; fold B: 0.8 right, 0.7 wrong
  const foldA = {
    probabilities: [
      [0.9, 0.1],
      [0.6, 0.4],
    ],
    labels: [0, 1],
  };
  const foldB = {
    probabilities: [
      [0.8, 0.2],
      [0.7, 0.3],
    ],
    labels: [0, 1],
  };

  it('fits each fold on the others only, so a threshold never sees the scans it is scored on', () => {
    // on B alone the point rule keeps 0.8, which answers A's 0.9 (right); on A alone it keeps 0.9,
    // which answers none of B: 1 of 4 answered, that one right
    const r = nestedAbstention([foldA, foldB], 1, 'point');
    expect(r.coverage).toBe(0.25);
    expect(r.accuracy).toMatchObject({ k: 1, n: 1 });
    // fitted on both folds at once the same rule would answer 0.9 and 0.8: twice as much, in sample
    expect(
      fitAbstention([...foldA.probabilities, ...foldB.probabilities], [0, 1, 0, 1], 1, 'point').validation.answered,
    ).toBe(2);
  });

  it('defaults to the shipped Wilson-lower-bound rule, and needs two folds', () => {
    // 200 confident right answers, then 10 wrong ones: at 97.5 % the point estimate answers 205 of
    // 210, the Wilson lower bound 200 (the fitAbstention case above), fold for fold
    const fold = {
      probabilities: [
        ...Array.from({ length: 200 }, (_, i) => [0.99 - i * 1e-4, 0.01 + i * 1e-4]),
        ...Array.from({ length: 10 }, (_, i) => [0.6 - i * 0.01, 0.4 + i * 0.01]),
      ],
      labels: [...new Array(200).fill(0), ...new Array(10).fill(1)],
    };
    expect(nestedAbstention([fold, fold], 0.975).coverage).toBeCloseTo(200 / 210, 12);
    expect(nestedAbstention([fold, fold], 0.975, 'point').coverage).toBeCloseTo(205 / 210, 12);
    expect(() => nestedAbstention([foldA], 0.97)).toThrow(/two folds/);
  });
});

describe('reliabilityBins', () => {
  it('bins as the ECE does: the count-weighted gap from the diagonal is the ECE', () => {
    const bins = reliabilityBins(probs, labels);
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(4);
    const gap = bins.reduce((s, b) => s + (b.count * Math.abs(b.accuracy - b.confidence)) / 4, 0);
    expect(gap).toBeCloseTo(expectedCalibrationError(probs, labels), 12);
    expect(bins.find((b) => b.confidence === 0.8)).toMatchObject({ accuracy: 0, count: 1 });
  });
});

describe('meanProbabilities', () => {
  it('averages element-wise and refuses mismatched members', () => {
    expect(meanProbabilities([[[1, 0]], [[0, 1]]])).toEqual([[0.5, 0.5]]);
    expect(() => meanProbabilities([[[1, 0]], []])).toThrow(/different numbers/);
    expect(() => meanProbabilities([[[1, 0]]])).toThrow(/two members/);
  });

  it('is the combination the page and the CLI ship (lib combinePredictions), image by image', () => {
    const vit = [
      [0.6, 0.3, 0.1],
      [0.1, 0.1, 0.8],
    ];
    const cnn = [
      [0.2, 0.7, 0.1],
      [0.3, 0.3, 0.4],
    ];
    const mean = meanProbabilities([vit, cnn]);
    const p = (probabilities: number[]) => ({ classIndex: 0, className: 'a', probabilities, logits: [] });
    mean.forEach((row, k) =>
      expect(row).toEqual(combinePredictions(['a', 'b', 'c'], [p(vit[k]), p(cnn[k])]).probabilities),
    );
    [0.4, 0.5, 0.1, 0.2, 0.2, 0.6].forEach((v, i) => expect(mean[Math.floor(i / 3)][i % 3]).toBeCloseTo(v, 12));
  });
});

describe('selectiveStudy', () => {
  const logitsFor = (right: boolean[], strength: number) =>
    right.map((r, k) => (r === (labels[k % 4] === 0) ? [strength, 0] : [0, strength]));
  it('ships the ensemble only when it wins on validation, and scores Testing only for what ships', () => {
    const valLabels = labels;
    const a = { name: 'a', temperature: 1, validation: logitsFor([true, true, true, false], 3), testing: probs };
    const b = { name: 'b', temperature: 1, validation: logitsFor([true, true, true, false], 2), testing: probs };
    const study = selectiveStudy([a, b], valLabels, labels, 0.5, 'toy');
    const ensemble = study.candidates.find((c) => c.members.length === 2)!;
    expect(study.ensembleShips).toBe(false); // same right answers, and a's sharper logits give a lower NLL
    expect(ensemble.testing).toBeUndefined();
    expect(study.candidates.filter((c) => c.testing)).toHaveLength(2);
    // a cross-validation fold scores every candidate on its held-out part; the shipping decision is unchanged
    const fold = selectiveStudy([a, b], valLabels, labels, 0.5, 'toy', { scoreAllOnTesting: true });
    expect(fold.ensembleShips).toBe(false);
    expect(fold.candidates.filter((c) => c.testing)).toHaveLength(3);
    // and keeps the per-image probabilities and labels for pooling out of fold (never for the shipped split)
    expect(fold.testingLabels).toEqual(Array.from(labels));
    const foldEnsemble = fold.candidates.find((c) => c.members.length === 2)!;
    expect(foldEnsemble.testingProbabilities).toHaveLength(labels.length);
    expect(foldEnsemble.testingProbabilities![0].reduce((s, p) => s + p, 0)).toBeCloseTo(1, 6);
    expect(study.testingLabels).toBeUndefined();
    expect(study.candidates.every((c) => c.testingProbabilities === undefined)).toBe(true);
    // the held-out images' files travel with their labels (for the group bootstrap), and only for a fold
    const files = Array.from(labels, (_, i) => `c/${i}.png`);
    const withFiles = selectiveStudy([a, b], valLabels, labels, 0.5, 'toy', {
      scoreAllOnTesting: true,
      testingFiles: files,
    });
    expect(withFiles.testingFiles).toEqual(files);
    expect(selectiveStudy([a, b], valLabels, labels, 0.5, 'toy', { testingFiles: files }).testingFiles).toBeUndefined();
    expect(() =>
      selectiveStudy([a, b], valLabels, labels, 0.5, 'toy', { scoreAllOnTesting: true, testingFiles: files.slice(1) }),
    ).toThrow(/Testing files for/);
  });
});
