/**
 * `cipherscan selective --write --ensemble-from CV.json`: refused before any work
 * (nothing written: no report, no threshold, no ensemble folder) unless the CV
 * report chose the ensemble with every fold scored; the folder it writes holds an
 * ensemble.json that parses and a model card.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fixtureModelFiles } from '../../../testing/fixtureModel';
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
afterEach(() => vi.restoreAllMocks());

const DS = 'lung-histopathology';
const rate = (k: number, n: number) => ({ k, n, rate: k / n, low: k / n - 0.01, high: k / n + 0.005 });
const cv = (choice: string | null, scored = 5) => ({
  folds: 5,
  scored,
  missing: scored === 5 ? [] : [5],
  totals: {
    vit: { k: 2900, n: 3000, perFold: Array(scored).fill('580/600') },
    cnn: { k: 2880, n: 3000, perFold: Array(scored).fill('576/600') },
    ensemble: { k: 2930, n: 3000, perFold: Array(scored).fill('586/600') },
  },
  rates: { vit: rate(2900, 3000), cnn: rate(2880, 3000), ensemble: rate(2930, 3000) },
  choice,
});

async function setup(): Promise<{ models: string[]; data: string }> {
  const classes = ['lung_aca', 'lung_n', 'lung_scc'];
  const models = [];
  for (const [arch, seed] of [
    ['vit', 1],
    ['cnn', 2],
  ] as const) {
    const m = join(dir, 'models', `${arch}-${DS}`);
    await mkdir(m, { recursive: true });
    const f = fixtureModelFiles(arch, seed, { depth: 1, classes });
    await writeFile(join(m, 'model.json'), f.manifestText);
    await writeFile(join(m, 'weights.bin'), f.weights);
    models.push(m);
  }
  const data = join(dir, DS);
  for (const s of ['Training', 'Testing']) await mkdir(join(data, s), { recursive: true });
  return { models, data };
}

async function snapshot(): Promise<string> {
  const files = (await readdir(dir, { recursive: true })).sort();
  const bodies = await Promise.all(
    files.filter((f) => f.endsWith('.json')).map(async (f) => f + (await readFile(join(dir, f), 'utf8'))),
  );
  return files.join('\n') + bodies.join('\n');
}

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
      ['lung_aca', 'lung_n', 'lung_scc'],
      [1, 1],
      study,
      cv('ensemble') as never,
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
