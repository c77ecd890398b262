import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeRgbPng } from '../../../lib/image/png';
import { ModelRandom } from '../../../lib/models/init';
import { main } from '../main';
import { augmentationFor } from './train';
import { UsageError } from '../args';

describe('augmentationFor', () => {
  it('takes the augmentation from the images kind, not the folder name', () => {
    expect(augmentationFor(undefined, 'histology', '.cache/cv/lung-histopathology/fold-1/Training')).toBe('histology');
    expect(augmentationFor(undefined, 'mri', 'fold-2/Training')).toBe('mri');
  });

  it('lets --augment override the kind, and refuses an unknown one', () => {
    expect(augmentationFor('none', 'histology', 'x')).toBe('none');
    expect(() => augmentationFor('stain', 'histology', 'x')).toThrow(UsageError);
  });

  it('asks for --augment when the classes do not tell the kind', () => {
    expect(() => augmentationFor(undefined, undefined, 'pets/Training')).toThrow(/name --augment/);
  });
});

/** `cipherscan train` on Training alone, end to end on a tiny synthetic set (a one-block CNN, one epoch). */
describe('cipherscan train (Testing held out)', () => {
  const S = 200;
  const CLASSES = ['bottom', 'top'];
  let dir: string;
  let stderr: string[];
  const band = (cls: string, rng: ModelRandom) => {
    const data = new Uint8Array(S * S * 3);
    for (let y = 0; y < S; y++)
      for (let i = 0; i < S * 3; i++) data[y * S * 3 + i] = ((cls === 'top') === y < S / 2 ? 150 : 60) + rng.int(80);
    return encodeRgbPng({ width: S, height: S, data });
  };
  const dataset = async (name: string, testingClasses: string[]) => {
    const rng = new ModelRandom(4);
    for (const [split, classes, per] of [
      ['Training', CLASSES, 12],
      ['Testing', testingClasses, 3],
    ] as const)
      for (const cls of classes) {
        await mkdir(join(dir, name, split, cls), { recursive: true });
        for (let i = 0; i < per; i++) await writeFile(join(dir, name, split, cls, `${cls}-${i}.png`), band(cls, rng));
      }
    return join(dir, name);
  };
  const trainArgs = (data: string, out: string) =>
    ['train', '--model', 'cnn', '--data', data, '--name', `train-held-out-${process.pid}`, '--out', out]
      .concat(['--epochs', '1', '--batch', '8', '--width', '16', '--depth', '1', '--embed', '16'])
      .concat(['--variants', '2', '--augment', 'none']);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cipherscan-train-'));
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void stderr.push(a.join(' ')));
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
    await rm(join('.cache/checkpoints', `train-held-out-${process.pid}`), { recursive: true, force: true });
    if (existsSync('.cache/datasets'))
      for (const f of await readdir('.cache/datasets'))
        if (/^(held-out|other-classes)-mri-/.test(f)) await rm(join('.cache/datasets', f), { force: true });
  });

  it('measures the held-out Testing split once, and refuses a Testing split of other classes', async () => {
    stderr = [];
    const data = await dataset('held-out-mri', CLASSES);
    const out = join(dir, 'model');
    expect(await main(trainArgs(data, out)), stderr.join('\n')).toBe(0);
    const card = JSON.parse(await readFile(join(out, 'model-card.json'), 'utf8'));
    expect(card.data.allLabelled).toBeUndefined();
    expect(card.data.testImages).toBe(6);
    expect(card.data.trainImages + card.data.validationImages).toBe(24);
    // without --groups: the per-image split, worded as before, and no groups record
    expect(card.data.validation).toBe('stratified 10 % of Training, seed 1; used to pick the epoch');
    expect(card.data.validationGroups).toBeUndefined();
    expect(card.test.plain.n).toBe(6);
    expect(card.accuracy).toBeUndefined();
    expect(await readFile(join(out, 'README.md'), 'utf8')).toContain('## Test split');

    stderr = [];
    const other = await dataset('other-classes-mri', ['bottom', 'middle']);
    expect(await main(trainArgs(other, join(dir, 'other')))).toBe(1);
    expect(stderr.join('\n')).toMatch(
      /Testing classes \(bottom, middle\) differ from Training classes \(bottom, top\)/,
    );
    expect(existsSync(join(dir, 'other'))).toBe(false);
  }, 120_000);
});
