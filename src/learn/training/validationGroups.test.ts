import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRandom } from '../../lib/models/init';
import type { ImageSet } from '../evaluation/batchPredict';
import { splitData } from './data';
import { groupedStratifiedSplit, readValidationGroups } from './validationGroups';

/** `perClass` images per class in groups of 1..maxSize (LC25000: up to ~20 copies of one original), ids unique across classes. */
function groupedLabels(classes: number, perClass: number, maxSize: number, seed: number) {
  const rng = new ModelRandom(seed);
  const labels: number[] = [];
  const groupOf: number[] = [];
  let id = 0;
  for (let c = 0; c < classes; c++)
    for (let left = perClass; left > 0; id++) {
      const size = Math.min(left, 1 + rng.int(maxSize));
      for (let k = 0; k < size; k++) {
        labels.push(c);
        groupOf.push(id);
      }
      left -= size;
    }
  // interleave the classes and scatter each group's images, as file order does
  const order = Array.from(labels, (_, i) => i);
  rng.shuffle(order);
  return { labels: order.map((i) => labels[i]), groupOf: order.map((i) => groupOf[i]) };
}

const split = (labels: number[], groupOf: number[], seed: number, fraction = 0.1) => {
  const rng = new ModelRandom(seed);
  return groupedStratifiedSplit(labels, groupOf, fraction, (g) => rng.shuffle(g));
};

const imageSet = (labels: number[]): ImageSet => ({
  classes: ['a', 'b', 'c'],
  labels: Uint8Array.from(labels),
  files: labels.map((_, i) => `f${i}.png`),
  size: 1,
  pixels: new Uint8Array(labels.length * 3),
});

describe('groupedStratifiedSplit', () => {
  const { labels, groupOf } = groupedLabels(3, 800, 20, 7);

  it('never puts one group on both sides, and loses no image', () => {
    for (const seed of [1, 2, 3]) {
      const { train, val } = split(labels, groupOf, seed);
      const valGroups = new Set(val.map((i) => groupOf[i]));
      expect(train.filter((i) => valGroups.has(groupOf[i]))).toEqual([]);
      expect([...train, ...val].sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
    }
  });

  it('takes about the share of each class', () => {
    const { val } = split(labels, groupOf, 1);
    for (let c = 0; c < 3; c++) {
      const n = val.filter((i) => labels[i] === c).length;
      expect(Math.abs(n - 80)).toBeLessThanOrEqual(10);
      expect(n).toBeGreaterThan(0);
    }
    const { val: fifth } = split(labels, groupOf, 1, 0.2);
    expect(Math.abs(fifth.length - 480)).toBeLessThanOrEqual(30);
  });

  it('is the same split for the same seed, another for another seed', () => {
    expect(split(labels, groupOf, 4)).toEqual(split(labels, groupOf, 4));
    expect(split(labels, groupOf, 4).val).not.toEqual(split(labels, groupOf, 5).val);
  });

  it('with every image its own group, is the per-image split', () => {
    const flat = labels.slice(0, 300);
    const own = flat.map((_, i) => i);
    const perImage = splitData(imageSet(flat), { seed: 3, valFraction: 0.1 }, () => {});
    const grouped = splitData(
      imageSet(flat),
      {
        seed: 3,
        valFraction: 0.1,
        validationGroups: { file: 'g', sha256: 's', groupOf: Int32Array.from(own), missing: 0, groups: 300 },
      },
      () => {},
    );
    expect(grouped.valIdx).toEqual(perImage.valIdx);
    expect(grouped.trainIdx).toEqual(perImage.trainIdx);
  });

  it('refuses a group of two classes', () => {
    expect(() => split([0, 0, 1], [5, 6, 5], 1)).toThrow(/group 5 holds images of two classes/);
  });
});

describe('splitData without groups', () => {
  // pinned before validation groups existed: the per-image split of every shipped model must not move
  const labels = Array.from({ length: 47 }, (_, i) => (i * 7) % 3);
  it('draws the same per-image split as before', () => {
    expect(splitData(imageSet(labels), { seed: 1, valFraction: 0.1 }, () => {}).valIdx).toEqual([2, 3, 15, 16, 22, 38]);
    const limited = splitData(imageSet(labels), { seed: 3, valFraction: 0.2, limit: 20 }, () => {});
    expect(limited.valIdx).toEqual([3, 5, 13, 20, 22, 24, 30, 35]);
    expect(limited.trainIdx).toEqual([8, 2, 34, 28, 37, 18, 7, 19, 14, 43, 26, 40, 9, 44, 41, 32, 31, 27, 39, 1]);
  });
});

describe('readValidationGroups', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cipherscan-groups-'));
    file = join(dir, 'groups.json');
    await writeFile(
      file,
      JSON.stringify({ group: { 'Training/a/x.png': 3, 'Training/a/y.png': 3, 'Testing/a/z.png': 9 } }),
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('maps the pool by path, gives each image it does not name a group of its own, and says how many', async () => {
    const logs: string[] = [];
    const g = await readValidationGroups(
      file,
      ['Training/a/x.png', 'Training/a/new.png', 'Training/a/y.png', 'Training/b/w.png'],
      (l) => logs.push(l),
    );
    expect(g.groupOf[0]).toBe(3);
    expect(g.groupOf[2]).toBe(3);
    expect(new Set(g.groupOf).size).toBe(3);
    expect(g.groupOf[1]).not.toBe(g.groupOf[3]);
    expect(g.missing).toBe(2);
    expect(g.groups).toBe(3);
    expect(g.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(logs.join('\n')).toMatch(/2 of 4 images have no group/);
  });

  it('refuses a file that changed since the model card recorded it', async () => {
    const { sha256 } = await readValidationGroups(file, [], () => {});
    await expect(readValidationGroups(file, [], () => {}, sha256)).resolves.toBeDefined();
    await expect(readValidationGroups(file, [], () => {}, '0'.repeat(64))).rejects.toThrow(
      /changed since the model was trained/,
    );
    await expect(readValidationGroups(join(dir, 'none.json'), [], () => {})).rejects.toThrow(/no groups file/);
  });
});
