import { describe, expect, it } from 'vitest';
import { selectiveMarkdown } from './selectiveMarkdown';
import type { SelectiveStudy, SplitFigures } from './selectiveStudy';
import { wilson } from './domainGuardReport';

const figures = (answered: number, correct: number): SplitFigures => ({
  n: 100,
  accuracy: wilson(86, 100),
  nll: 0.4,
  ece: 0.05,
  atThreshold: {
    threshold: 0.96,
    coverage: answered / 100,
    accuracy: answered ? correct / answered : 0,
    answered,
    correct,
    accuracyInterval: wilson(correct, answered),
  },
  at90: undefined,
  points: [],
  curve: [],
  reliability: [],
});

const study = (testing: SplitFigures): SelectiveStudy => ({
  targetAccuracy: 0.97,
  validationNote: 'a test split',
  candidates: [
    {
      name: 'fold-model',
      members: ['fold-model'],
      abstention: {
        rule: 'a rule',
        minConfidence: 0.96,
        targetAccuracy: 0.97,
        validation: figures(10, 10).atThreshold,
      },
      validation: figures(10, 10),
      testing,
    },
  ],
  ensembleShips: false,
  ensembleReason: 'one model only',
});

describe('selectiveMarkdown', () => {
  it('says a threshold answered nothing instead of printing NaN', () => {
    const md = selectiveMarkdown('fold-2', study(figures(0, 0)), 'cmd');
    expect(md).not.toMatch(/NaN/);
    expect(md).toMatch(/\| 0\.0 % \| – \(none answered\) \|/);
  });

  it('gives the answers their accuracy and interval where there are some', () => {
    const md = selectiveMarkdown('fold-1', study(figures(40, 39)), 'cmd');
    expect(md).toMatch(/\| 40\.0 % \| 97\.5 % \[\d+\.\d, \d+\.\d\] \|/);
  });
});
