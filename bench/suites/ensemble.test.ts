/**
 * The ensemble suite's candidates (--candidates): a model folder is timed beside the shipped
 * models of the dataset whose classes it has, and one with no such dataset is refused before
 * anything is timed. Needs the shipped lung models (public/models), as the suite does.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureModelFiles } from '../../src/testing/fixtureModel';
import { runBench } from '../run';
import { ensembleSuite } from './ensemble';

const LUNG = ['lung_aca', 'lung_n', 'lung_scc'];

async function modelFolder(root: string, name: string, classes: string[]): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  const f = fixtureModelFiles('vit', 3, { depth: 1, classes });
  await writeFile(join(dir, 'model.json'), f.manifestText);
  await writeFile(join(dir, 'weights.bin'), f.weights);
  return dir;
}

describe('ensemble suite --candidates', () => {
  let root = '';
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('times a candidate with its dataset’s shipped models and gives its ratio to the shipped ViT', async () => {
    root = await mkdtemp(join(tmpdir(), 'bench-candidates-'));
    const lung = await modelFolder(root, 'candidate-lung', LUNG);
    const r = await ensembleSuite().run({ minMs: 1, candidates: [lung], log: () => {} });
    const lines = r.summary.filter((l) => l.includes('candidate-lung'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/candidate candidate-lung: [\d.]+ ms .*, [\d.]+x the shipped ViT/);
    expect(r.rows.filter((row) => row.name.startsWith('candidate-lung:'))).toHaveLength(2);
    const meta = r.meta['lung-histopathology'] as { candidates: string[]; ratios: Record<string, number> };
    expect(meta.candidates).toEqual(['candidate-lung']);
    expect(meta.ratios['candidate-lungOverVit']).toBeGreaterThan(0);
    // the brain lineup does not take a lung candidate
    expect((r.meta['brain-mri'] as { candidates?: string[] }).candidates).toBeUndefined();
  }, 120_000);

  it('refuses a candidate no shipped dataset has the classes of, a folder with no model, and a shipped model’s name', async () => {
    const other = await modelFolder(root, 'candidate-other', ['x', 'y', 'z']);
    await expect(ensembleSuite().run({ candidates: [other], log: () => {} })).rejects.toThrow(
      /no shipped dataset has the classes of .*candidate-other/,
    );
    await expect(ensembleSuite().run({ candidates: [join(root, 'absent')], log: () => {} })).rejects.toThrow(
      /no model\.json in/,
    );
    // a folder named as a shipped model (a release staged under .cache/models/vit-<dataset>) would be mistaken for it
    const staged = await modelFolder(join(root, 'staged'), 'vit-lung-histopathology', LUNG);
    await expect(ensembleSuite().run({ candidates: [staged], log: () => {} })).rejects.toThrow(
      /named as a shipped model/,
    );
  });

  it('refuses --candidates with any suite but the ensemble one', async () => {
    await expect(runBench({ suites: ['he'], candidates: ['x'] })).rejects.toThrow(/ensemble suite only/);
  });
});
