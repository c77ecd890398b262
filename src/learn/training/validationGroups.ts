/**
 * Node-only: a validation split that takes whole near-duplicate groups (issue 18).
 * LC25000 holds augmented copies of ~750 originals; a validation split drawn per
 * image sees copies of its images in training, so the epoch, the views, the
 * temperature and the thresholds fitted on it are over-confident on unseen
 * originals. With a groups file (scripts/near-duplicates.ts, or a fold's own from
 * scripts/cv-folds.ts --groups: image path relative to the data folder -> group id)
 * `cipherscan train --groups FILE` draws validation by whole groups, seeded, per
 * class, and records the file and its sha256 in the model card; calibrate, guard
 * and selective read that record and cut the same split (labelledData.ts).
 * Without a groups file nothing here runs: the per-image split (dataset.ts
 * stratifiedSplit) is unchanged. Never splits a group between validation and training.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** What a model card records of the groups its validation split was drawn by. */
export interface GroupsRef {
  /** as given to `train --groups` (relative to where the CLI ran) */
  file: string;
  sha256: string;
}

export interface ValidationGroups extends GroupsRef {
  /** per pool image (pool order): its group id; an image the file does not name has a group of its own */
  groupOf: Int32Array;
  /** pool images the file does not name */
  missing: number;
  /** distinct groups among the pool's images */
  groups: number;
}

/**
 * Reads a groups file (`{ group: { "<split>/<class>/<file>": id } }`) for the pool whose
 * images are named `poolKeys` (the same relative paths). `expectedSha256` (from a model
 * card): refuse a file that changed since the model trained, as its split would differ.
 */
export async function readValidationGroups(
  file: string,
  poolKeys: readonly string[],
  log: (line: string) => void,
  expectedSha256?: string,
): Promise<ValidationGroups> {
  const bytes = await readFile(file).catch(() => {
    throw new Error(
      `no groups file at ${file} (the validation split is drawn by its groups): run from where it was given`,
    );
  });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (expectedSha256 && sha256 !== expectedSha256)
    throw new Error(
      `${file} changed since the model was trained (sha256 ${sha256.slice(0, 12)}…, the model card says ${expectedSha256.slice(0, 12)}…): its grouped validation split cannot be reproduced`,
    );
  const group = (JSON.parse(bytes.toString('utf8')) as { group?: unknown }).group;
  if (!group || typeof group !== 'object') throw new Error(`${file} has no "group" map (image -> group id)`);
  const named = group as Record<string, unknown>;
  const ids = poolKeys.map((k) => named[k]);
  for (const id of ids)
    if (id !== undefined && !Number.isInteger(id)) throw new Error(`${file}: group ids must be integers`);
  let next = ids.reduce<number>((m, id) => (id === undefined ? m : Math.max(m, (id as number) + 1)), 0);
  let missing = 0;
  const groupOf = Int32Array.from(ids, (id) => {
    if (id !== undefined) return id as number;
    missing++;
    return next++;
  });
  if (missing)
    log(`warning: ${missing} of ${poolKeys.length} images have no group in ${file}: each is a group of its own`);
  return { file, sha256, groupOf, missing, groups: new Set(groupOf).size };
}

/**
 * Seeded stratified split by whole groups: per class (in class order), the class's groups
 * in order of their first image, shuffled by `shuffle`, each taken into validation while
 * taking it leaves the class's validation count no further from round(n x fraction) than
 * leaving it (so small groups fill what a large one would overshoot). A group that holds
 * images of two classes cannot be kept whole in a per-class split: refused.
 */
export function groupedStratifiedSplit(
  labels: ArrayLike<number>,
  groupOf: ArrayLike<number>,
  fraction: number,
  shuffle: (groups: number[][]) => void,
): { train: number[]; val: number[] } {
  if (groupOf.length !== labels.length) throw new Error(`${groupOf.length} group ids for ${labels.length} images`);
  const byClass = new Map<number, Map<number, number[]>>();
  const classOf = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) {
    const [c, g] = [labels[i], groupOf[i]];
    if ((classOf.get(g) ?? c) !== c)
      throw new Error(`group ${g} holds images of two classes: a per-class validation split would split it`);
    classOf.set(g, c);
    const members = byClass.get(c) ?? new Map<number, number[]>();
    members.set(g, [...(members.get(g) ?? []), i]);
    byClass.set(c, members);
  }
  const train: number[] = [];
  const val: number[] = [];
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const groups = [...byClass.get(c)!.values()];
    const target = Math.round(groups.reduce((n, g) => n + g.length, 0) * fraction);
    shuffle(groups);
    let taken = 0;
    for (const group of groups) {
      const take = Math.abs(taken + group.length - target) <= Math.abs(taken - target) && taken < target;
      (take ? val : train).push(...group);
      if (take) taken += group.length;
    }
  }
  return { train: train.sort((a, b) => a - b), val: val.sort((a, b) => a - b) };
}

/** The card's words for a grouped validation split. */
export function groupedValidationWords(g: GroupsRef): string {
  return `by whole near-duplicate groups (${g.file}, sha256 ${g.sha256.slice(0, 12)}…)`;
}

/**
 * The card's record of a grouped validation split (absent for a per-image one): what
 * calibrate, guard and selective read (labelledData.ts validationGroupsOf) to cut the same split.
 */
export function validationGroupsBlock(g: ValidationGroups | undefined) {
  if (!g) return {};
  return {
    validationGroups: {
      file: g.file,
      sha256: g.sha256,
      groups: g.groups,
      imagesWithoutGroup: g.missing,
      note: 'validation took whole near-duplicate groups (no group split between validation and training); calibrate, guard and selective cut the same split from this file',
    },
  };
}
