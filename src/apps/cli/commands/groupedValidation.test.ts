/**
 * `cipherscan train --groups FILE` end to end on a tiny synthetic dataset (40 Training
 * images in groups of 3, 4 of them named by no group; a one-block CNN, one epoch): the
 * card records the grouped split and the file's sha256; calibrate, guard and selective
 * read the card and cut the same split without the flag; a changed groups file and a
 * resume with another split are refused.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeRgbPng } from '../../../lib/image/png';
import { ModelRandom } from '../../../lib/models/init';
import { main } from '../main';

const S = 200;
const DATASET = 'grouped-validation-mri';
const RUN = `grouped-validation-${process.pid}`;
const CLASSES = ['bottom', 'top'];

function band(cls: string, rng: ModelRandom): Uint8Array {
  const data = new Uint8Array(S * S * 3);
  for (let y = 0; y < S; y++)
    for (let i = 0; i < S * 3; i++) data[y * S * 3 + i] = ((cls === 'top') === y < S / 2 ? 150 : 60) + rng.int(80);
  return encodeRgbPng({ width: S, height: S, data });
}

let dir: string;
let data: string;
let model: string;
let groupsFile: string;
let stdout: string[];
let stderr: string[];
const run = async (...argv: string[]) => {
  stdout = [];
  stderr = [];
  return main(argv);
};
const TRAIN = () =>
  ['train', '--model', 'cnn', '--data', data, '--name', RUN, '--out', model, '--epochs', '1', '--batch', '8'].concat([
    '--width',
    '16',
    '--depth',
    '1',
    '--embed',
    '16',
    '--variants',
    '2',
    '--augment',
    'none',
  ]);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cipherscan-grouped-validation-'));
  data = join(dir, DATASET);
  model = join(dir, 'cnn-' + DATASET);
  groupsFile = join(dir, 'groups.json');
  const rng = new ModelRandom(6);
  const group: Record<string, number> = {};
  for (const [split, per] of [
    ['Training', 20],
    ['Testing', 6],
  ] as const)
    for (const [c, cls] of CLASSES.entries()) {
      await mkdir(join(data, split, cls), { recursive: true });
      for (let i = 0; i < per; i++) {
        await writeFile(join(data, split, cls, `${cls}-${i}.png`), band(cls, rng));
        // groups of 3 (ids unique per class and split); images 18 and 19 of each Training class named by none
        if (i < 18)
          group[`${split}/${cls}/${cls}-${i}.png`] = (split === 'Training' ? 0 : 100) + c * 10 + Math.floor(i / 3);
      }
    }
  await writeFile(groupsFile, JSON.stringify({ group }));
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void stdout.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void stderr.push(a.join(' ')));
}, 60_000); // 52 PNGs to encode: slow on a loaded machine

afterAll(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
  await rm(join('.cache/checkpoints', RUN), { recursive: true, force: true });
  for (const sub of ['datasets', 'predictions'])
    if (existsSync(join('.cache', sub)))
      for (const f of await readdir(join('.cache', sub)))
        if (f.startsWith(DATASET) || f.startsWith(`cnn-${DATASET}`)) await rm(join('.cache', sub, f), { force: true });
});

describe('cipherscan train --groups', () => {
  it('records the grouped split, and calibrate, guard and selective cut the same one from the card', async () => {
    expect(await run(...TRAIN(), '--groups', groupsFile), stderr.join('\n')).toBe(0);
    const logs = stdout.join('\n');
    expect(logs).toMatch(/warning: 4 of 40 images have no group/);
    expect(logs).toMatch(/validation by whole near-duplicate groups of .*groups\.json/);
    const card = JSON.parse(await readFile(join(model, 'model-card.json'), 'utf8'));
    const sha256 = createHash('sha256')
      .update(await readFile(groupsFile))
      .digest('hex');
    expect(card.data.validationGroups).toMatchObject({ file: groupsFile, sha256, groups: 16, imagesWithoutGroup: 4 });
    expect(card.data.validation).toContain('by whole near-duplicate groups');
    expect(card.data.trainImages + card.data.validationImages).toBe(40);
    expect(await readFile(join(model, 'README.md'), 'utf8')).toContain('by whole near-duplicate groups');

    // later commands: no --groups, the card says how the split was drawn
    expect(await run('calibrate', '--model', model, '--data', data), stderr.join('\n')).toBe(0);
    const manifest = JSON.parse(await readFile(join(model, 'model.json'), 'utf8'));
    expect(manifest.calibration.n).toBe(card.data.validationImages);
    expect(manifest.calibration.fittedOn).toContain('by whole near-duplicate groups');

    expect(await run('guard', '--model', model, '--data', data), stderr.join('\n')).toBe(0);
    const fit = JSON.parse(stdout.find((l) => l.startsWith('{'))!);
    expect(fit.nValidation).toBe(card.data.validationImages);
    expect(fit.nFit).toBe(card.data.trainImages);

    const out = join(dir, 'selective');
    expect(await run('selective', '--data', data, '--models', model, '--out', out), stderr.join('\n')).toBe(0);
    const study = JSON.parse(await readFile(`${out}.json`, 'utf8'));
    expect(study.candidates[0].validation.n).toBe(card.data.validationImages);

    // resumed without --groups: its checkpoint drew validation by groups, refused
    expect(await run(...TRAIN().map((a) => (a === model ? join(dir, 'mixed') : a)), '--resume')).toBe(1);
    expect(stderr.join('\n')).toMatch(/drew its validation split groups sha256 .*, this run per image/);
    expect(existsSync(join(dir, 'mixed'))).toBe(false);

    // the groups file changed since training: its split cannot be reproduced
    await writeFile(groupsFile, JSON.stringify({ group: {} }));
    expect(await run('calibrate', '--model', model, '--data', data, '--dry-run')).toBe(1);
    expect(stderr.join('\n')).toMatch(/changed since the model was trained/);
  }, 300_000); // about 15 s on an idle machine, 100 s beside two training lanes
});
