/** The report view finds classification reports and training histories wherever they sit in a JSON file. */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findReports, formatCell } from './reportShapes';

describe('findReports', () => {
  it('finds nested reports with ROC points and a training history, labelled by path', () => {
    const card = {
      name: 'vit-brain-mri',
      training: {
        history: [
          { epoch: 1, trainLoss: 1.2, valAccuracy: 0.5 },
          { epoch: 2, trainLoss: 0.9, valAccuracy: 0.7 },
        ],
      },
      test: {
        plain: {
          n: 4,
          accuracy: 0.75,
          macroF1: 0.7,
          perClass: [
            { className: 'a', precision: 1, recall: 0.5, f1: 0.67 },
            { className: 'b', precision: 0.67, recall: 1, f1: 0.8 },
          ],
          confusion: [
            [1, 1],
            [0, 2],
          ],
          roc: [
            { fpr: [0, 1], tpr: [0, 1] },
            { className: 'b', fpr: [0, 0.5, 1], tpr: [0, 1, 1] },
          ],
        },
        encrypted: {
          accuracy: 0.75,
          confusion: [
            [1, 1],
            [0, 2],
          ],
        },
      },
    };
    const { reports, histories } = findReports(card, 'card');
    expect(reports.map((r) => r.title)).toEqual(['card › test › plain', 'card › test › encrypted']);
    expect(reports[0].classes).toEqual(['a', 'b']);
    expect(reports[0].roc.map((r) => r.className)).toEqual(['a', 'b']);
    expect(reports[1].classes).toEqual(['class 0', 'class 1']);
    expect(histories).toHaveLength(1);
    expect(histories[0].title).toBe('card › training › history');
    expect(histories[0].epochs[1].valAccuracy).toBe(0.7);
  });

  it('reads an eval report: ROC points named by the report classes, extra figures, the attack rows as a table', () => {
    const report = {
      model: 'cnn-brain-mri',
      n: 3,
      classes: ['x', 'y'],
      backend: 'wasm',
      chance: 0.5,
      plain: {
        n: 3,
        accuracy: 2 / 3,
        macroF1: 0.6,
        macroAuc: 0.75,
        msPerImage: 4.2,
        perClass: [
          { className: 'x', precision: 1, recall: 0.5, f1: 0.67, auc: 0.8, support: 2 },
          { className: 'y', precision: 0.5, recall: 1, f1: 0.67, auc: 0.7, support: 1 },
        ],
        confusion: [
          [1, 1],
          [0, 1],
        ],
        roc: [
          { fpr: [0, 1], tpr: [0, 1] },
          { fpr: [0, 1], tpr: [1, 1] },
        ],
      },
      encrypted: {
        n: 3,
        accuracy: 2 / 3,
        perClass: [],
        confusion: [
          [1, 1],
          [0, 1],
        ],
        agreementWithPlain: 1,
        maxAbsLogitDiff: 2e-6,
        adaptMs: 3.1,
        keySource: 'random',
      },
      attacks: [
        { attack: 'bit-flip', fraction: 0.1, params: { bit: 7 }, accuracy: 0.5, macroF1: 0.4, agreementWithClean: 0.6 },
      ],
    };
    const { reports, tables } = findReports(report, 'cnn');
    expect(reports.map((r) => r.title)).toEqual(['cnn › plain', 'cnn › encrypted']);
    expect(reports[0].roc.map((r) => r.className)).toEqual(['x', 'y']);
    expect(reports[0].extras).toEqual([['msPerImage', 4.2]]);
    expect(reports[1].extras).toEqual([
      ['agreementWithPlain', 1],
      ['maxAbsLogitDiff', 2e-6],
      ['adaptMs', 3.1],
    ]);
    expect(tables).toHaveLength(1);
    expect(tables[0].title).toBe('cnn › attacks');
    expect(tables[0].rows[0]).toMatchObject({ attack: 'bit-flip', fraction: 0.1, params: 'bit 7', accuracy: 0.5 });
  });

  it('ignores objects that only look similar', () => {
    expect(findReports({ accuracy: 0.9, confusion: 'n/a', history: [{ step: 1 }] }, 'x')).toEqual({
      reports: [],
      histories: [],
      tables: [],
      plots: [],
    });
  });

  it('draws coverage curves and reliability diagrams, not tables of their rows', () => {
    const study = {
      candidates: [
        {
          name: 'vit',
          testing: {
            accuracy: { rate: 0.9 },
            curve: [
              { coverage: 0.5, accuracy: 1, threshold: 0.99 },
              { coverage: 1, accuracy: 0.9, threshold: 0.4 },
            ],
            reliability: [{ confidence: 0.95, accuracy: 0.93, count: 10 }],
          },
        },
      ],
    };
    const { plots, tables } = findReports(study, 'selective');
    expect(plots).toEqual([
      { title: 'selective › candidates › vit › testing', kind: 'coverage', x: [0.5, 1], y: [1, 0.9] },
      { title: 'selective › candidates › vit › testing', kind: 'reliability', x: [0.95], y: [0.93] },
    ]);
    expect(tables).toEqual([]);
  });

  it('finds something to draw in every committed report under docs/reports (a report the view cannot show is a bug)', () => {
    const dir = join(__dirname, '../../../../docs/reports');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const found = findReports(JSON.parse(readFileSync(join(dir, file), 'utf8')), file);
      expect(
        found.reports.length + found.histories.length + found.tables.length + found.plots.length,
        file,
      ).toBeGreaterThan(0);
      if (file === 'inversion.json')
        expect(
          found.tables[0]?.rows.map((r) => r.attack),
          file,
        ).toContain('gradient-analytic');
      if (file.startsWith('selective-'))
        expect(new Set(found.plots.map((p) => p.kind)), file).toEqual(new Set(['coverage', 'reliability']));
      if (file.startsWith('poisoning-'))
        expect(
          found.tables.map((t) => t.title),
          file,
        ).toEqual([`${file} › settings`, `${file} › runs`]);
    }
  });

  it('formats table cells by column: accuracies in %, their spreads and changes in points, the rest as numbers', () => {
    expect(formatCell('accuracy', 0.80516)).toBe('80.52 %');
    expect(formatCell('agreementWithClean', 1)).toBe('100.00 %');
    expect(formatCell('encryptedAccuracy', 0.5)).toBe('50.00 %');
    expect(formatCell('accuracySd', 0.0123)).toBe('1.23 pt');
    expect(formatCell('accuracyChangeVsClean', -0.027)).toBe('-2.70 pt');
    expect(formatCell('macroF1', 0.78136)).toBe('0.7814');
    expect(formatCell('seeds', 3)).toBe('3');
    expect(formatCell('setting', 'clean')).toBe('clean');
    expect(formatCell('accuracy', undefined)).toBe('–');
  });
});
