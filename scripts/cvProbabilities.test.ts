import { describe, expect, it } from 'vitest';
import { comparedSide, type HeldOut } from './cvCompare';
import type { HeldOutPart } from './cvOriginals';
import {
  memberOf,
  probabilitiesPath,
  recordProbabilities,
  scoreEnsemble,
  type OutOfFoldProbabilities,
} from './cvProbabilities';

const N = 200;
const FOLD = 100;
const label = (i: number) => i % 3;
const groups = Array.from({ length: N }, (_, i) => Math.floor(i / 2));

/** right: 0.7 on the label; wrong: 0.6 on the next class, 0.3 on the label */
const answer = (i: number, wrong: boolean): number[] => {
  const q = [0.1, 0.1, 0.1];
  if (wrong) {
    q[(label(i) + 1) % 3] = 0.6;
    q[label(i)] = 0.3;
  } else {
    q[label(i)] = 0.7;
    q[(label(i) + 1) % 3] = 0.2;
  }
  return q;
};

/** two folds of held-out predictions; `wrongAt` says which images this network gets wrong */
function parts(wrongAt: (i: number) => boolean): HeldOutPart[] {
  return [0, 1].map((f) => {
    const idx = Array.from({ length: FOLD }, (_, j) => f * FOLD + j);
    return { probabilities: idx.map((i) => answer(i, wrongAt(i))), labels: idx.map(label) };
  });
}

const heldOutOf = (byArch: Record<string, HeldOutPart[]>): HeldOut => ({
  filesSha256: 'f'.repeat(64),
  groups: groups.join(','),
  right: Object.fromEntries(
    Object.entries(byArch).map(([a, ps]) => [
      a,
      ps
        .flatMap((p) => p.probabilities.map((q, i) => (q.indexOf(Math.max(...q)) === p.labels[i] ? '1' : '0')))
        .join(''),
    ]),
  ),
});

// A is wrong on every 5th image, B on every 5th shifted by one: never both
const a = parts((i) => i % 5 === 0);
const b = parts((i) => i % 5 === 1);

function run(byArch: Record<string, HeldOutPart[]>): OutOfFoldProbabilities {
  return JSON.parse(JSON.stringify(recordProbabilities(byArch, heldOutOf(byArch)))) as OutOfFoldProbabilities;
}

describe('recordProbabilities', () => {
  it('keeps each image in fold order with its label, per architecture', () => {
    const r = run({ vit: a, cnn: b });
    expect(r.foldSizes).toEqual([FOLD, FOLD]);
    expect(r.labels).toHaveLength(N);
    expect(r.probabilities.vit[0]).toEqual(answer(0, true));
    expect(r.probabilities.cnn[101]).toEqual(answer(101, true));
  });

  it('refuses numbers that disagree with the report', () => {
    const held = heldOutOf({ vit: a });
    const flipped = { ...held, right: { vit: (held.right.vit[0] === '1' ? '0' : '1') + held.right.vit.slice(1) } };
    expect(() => recordProbabilities({ vit: a }, flipped)).toThrow(/change a right answer/);
  });

  it('refuses two architectures of different images', () => {
    const other = parts(() => false).map((p) => ({ ...p, labels: p.labels.map((l) => (l + 1) % 3) }));
    expect(() => recordProbabilities({ vit: a, cnn: other }, heldOutOf({ vit: a, cnn: other }))).toThrow(
      /other labels/,
    );
  });
});

describe('scoreEnsemble', () => {
  it('averages two runs whose errors differ, and beats both', () => {
    const s = scoreEnsemble([memberOf('one', run({ vit: a }), 'vit'), memberOf('two', run({ vit: b }), 'vit')]);
    expect(s.images).toBe(N);
    expect(s.right).toBe(N); // at most one member wrong per image, and the right one is surer
    expect(s.againstMembers.map((c) => c.rightB)).toEqual([N - N / 5, N - N / 5]);
    expect(s.beatsEveryMember).toBe(true);
    expect(s.byOriginals.groups).toBe(N / 2);
    expect(s.nested.coverage).toBeGreaterThan(0);
  });

  it('does not beat a member where both err alike', () => {
    const s = scoreEnsemble([memberOf('one', run({ vit: a }), 'vit'), memberOf('same', run({ vit: a }), 'vit')]);
    expect(s.right).toBe(N - N / 5);
    expect(s.beatsEveryMember).toBe(false);
    expect(s.againstMembers[0].tie).toBe(true);
  });

  it('pairs the ensemble with a run known only by its report, and refuses one of other images', () => {
    const report = { heldOut: heldOutOf({ vit: parts((i) => i % 10 === 0) }) };
    const s = scoreEnsemble(
      [memberOf('one', run({ vit: a }), 'vit'), memberOf('two', run({ vit: b }), 'vit')],
      [comparedSide('docs/reports/shipped.json:vit', report)],
    );
    expect(s.againstRuns.map((c) => [c.rightA, c.rightB, c.onlyA, c.onlyB])).toEqual([[N, N - N / 10, N / 10, 0]]);
    expect(s.againstRuns[0].sentence).toMatch(/shipped:vit/);
    expect(s.beatsEveryRun).toBe(true);
    const elsewhere = { heldOut: { ...report.heldOut, filesSha256: 'e'.repeat(64) } };
    expect(() =>
      scoreEnsemble(
        [memberOf('one', run({ vit: a }), 'vit'), memberOf('two', run({ vit: b }), 'vit')],
        [comparedSide('old.json', elsewhere)],
      ),
    ).toThrow(/old:vit scored other held-out images/);
  });

  it('refuses runs of other held-out images, and files that are not probabilities', () => {
    const other = { ...run({ vit: b }), filesSha256: 'e'.repeat(64) };
    expect(() => scoreEnsemble([memberOf('one', run({ vit: a }), 'vit'), memberOf('two', other, 'vit')])).toThrow(
      /other held-out images/,
    );
    expect(() => memberOf('report', { heldOut: {} }, 'vit')).toThrow(/not a cross-validation probabilities file/);
    expect(() => memberOf('one', run({ vit: a }), 'cnn')).toThrow(/has no cnn/);
    expect(() => scoreEnsemble([memberOf('one', run({ vit: a }), 'vit')])).toThrow(/at least two/);
  });
});

describe('probabilitiesPath', () => {
  it('keeps the probabilities out of docs/reports, which the page bundles', () => {
    expect(probabilitiesPath('docs/reports/cv-grouped-ema-lung-histopathology')).toBe(
      'docs/cv-probabilities/cv-grouped-ema-lung-histopathology.json',
    );
  });
});
