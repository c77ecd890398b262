/**
 * `cipherscan selective --write --ensemble-from CV.json`: refused before any work
 * (nothing written: no report, no threshold, no ensemble folder) unless the CV
 * report chose the ensemble with every fold scored; the folder it writes holds an
 * ensemble.json that parses and a model card.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fixtureCvReport } from '../../../testing/fixtureCvReport';
import {
  folderSnapshot,
  SELECTIVE_CLASSES,
  SELECTIVE_DATASET as DS,
  writeSelectiveFixture,
} from '../../../testing/selectiveFixture';
import type { CvReport } from '../../../learn/evaluation/cvReport';
import { parseEnsemble } from '../../../lib/diagnosis/ensemble';
import { selectiveStudy } from '../../../learn/evaluation/selectiveStudy';
import { main } from '../main';
import { writeEnsembleFolder } from './selectiveEnsemble';

let dir: string;
let stderr: string[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cipherscan-selective-ens-'));
  stderr = [];
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void stderr.push(a.join(' ')));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

/** The fixture CV report with this choice (and `scored` of its 5 folds scored). */
const cv = (choice: CvReport['choice'], scored = 5) =>
  fixtureCvReport(scored === 5 ? { choice } : { choice, scored, missing: [5] });
const setup = () => writeSelectiveFixture(dir);
const snapshot = () => folderSnapshot(dir);

describe('selective --ensemble-from', () => {
  it('refuses, writing nothing, unless the CV report chose the ensemble with every fold scored', async () => {
    const { models, data } = await setup();
    const out = join(dir, 'reports', 'selective');
    const cases: [unknown, RegExp][] = [
      [cv('vit'), /chooses vit: the ensemble ships only where cross-validation chose it/],
      [cv(null, 4), /has 4 of 5 folds scored/],
      [cv('cnn'), /chooses cnn/],
    ];
    for (const [report, why] of cases) {
      const reportPath = join(dir, `cv-${DS}.json`);
      await writeFile(reportPath, JSON.stringify(report));
      const before = await snapshot();
      const args = ['selective', '--data', data, '--models', models.join(','), '--out', out];
      expect(await main([...args, '--write', '--ensemble-from', reportPath])).toBe(2);
      expect(stderr.at(-1)).toMatch(why);
      expect(stderr.at(-1)).toMatch(/Nothing was written/);
      expect(await snapshot()).toBe(before);
      expect(existsSync(`${out}.json`)).toBe(false);
      expect(existsSync(join(dir, 'models', `ensemble-${DS}`))).toBe(false);
    }
    // the right report but the members in the wrong order / without --write
    await writeFile(join(dir, `cv-${DS}.json`), JSON.stringify(cv('ensemble')));
    const report = join(dir, `cv-${DS}.json`);
    expect(
      await main([
        'selective',
        '--data',
        data,
        '--models',
        [...models].reverse().join(','),
        '--write',
        '--ensemble-from',
        report,
      ]),
    ).toBe(2);
    expect(stderr.at(-1)).toMatch(/needs --models .*vit-lung-histopathology,.*cnn-lung-histopathology/);
    expect(await main(['selective', '--data', data, '--models', models.join(','), '--ensemble-from', report])).toBe(2);
    expect(stderr.at(-1)).toMatch(/add --write/);
    expect(existsSync(join(dir, 'models', `ensemble-${DS}`))).toBe(false);
  });

  it('writes ensemble.json (parses, the candidate threshold) and README.md beside the members', async () => {
    const { models } = await setup();
    const val = Array.from({ length: 30 }, (_, i) => i % 3);
    const test = Array.from({ length: 21 }, (_, i) => i % 3);
    const logits = (ls: number[], s: number) =>
      ls.map((y, k) => [0, 1, 2].map((c) => (c === y ? s : 0) + ((k * 7 + c) % 5) / 3));
    const members = [
      { name: `vit-${DS}`, temperature: 1, validation: logits(val, 2), testing: logits(test, 2) },
      { name: `cnn-${DS}`, temperature: 1, validation: logits(val, 1), testing: logits(test, 1) },
    ];
    const study = selectiveStudy(members, val, test, 0.9, 'test split', {
      crossValidation: { ensembleShips: true, reason: 'cv' },
    });
    const out = await writeEnsembleFolder(
      models,
      DS,
      SELECTIVE_CLASSES,
      [1, 1],
      study,
      cv('ensemble'),
      'cv.json',
      'cmd',
    );
    expect(out).toBe(join(dir, 'models', `ensemble-${DS}`));
    const spec = parseEnsemble(await readFile(join(out, 'ensemble.json'), 'utf8'));
    expect(spec.members.map((m) => m.name)).toEqual([`vit-${DS}`, `cnn-${DS}`]);
    const candidate = study.candidates.find((c) => c.members.length === 2)!;
    expect(spec.minConfidence).toBeCloseTo(candidate.abstention.minConfidence, 5);
    expect(await readFile(join(out, 'README.md'), 'utf8')).toMatch(/## Why it ships/);
  });
});
