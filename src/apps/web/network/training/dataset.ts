/**
 * What the presenter picked, as a training set: the class of an image is its
 * parent folder's name and must be one of the model's classes (the hospitals
 * train a head on that model's features, over its classes); Training / Testing
 * come from a path segment of that name when the folder has them, else a seeded
 * hold-out of a fifth of each class is the test set. Then the Training images
 * are dealt to the hospitals (IID or Dirichlet label skew, hospitalSplit.ts).
 * Pure: files are any objects with a path, so this is tested without a DOM.
 */
import { SeededRandom } from '../../../../lib/random/seededRandom';
import { splitHospitals, type SplitKind } from '../../../../lib/federated/hospitalSplit';

export const IMAGE_FILE = /\.(jpe?g|png)$/i;

export interface ModelClasses {
  name: string;
  classes: string[];
}

export interface Labelled<F> {
  file: F;
  label: number;
}

export interface TrainingSet<F> {
  model: ModelClasses;
  train: Labelled<F>[];
  test: Labelled<F>[];
  testFrom: 'Testing folder' | 'seeded hold-out';
}

/** The path of a picked file: its path inside the picked folder when the browser gives one. */
export const pathOf = (f: { name: string; webkitRelativePath?: string }): string => f.webkitRelativePath || f.name;

/** Sorts the picked files into train and test under the model whose classes name the folders, or says why not. */
export function organise<F>(
  files: F[],
  path: (f: F) => string,
  models: ModelClasses[],
  seed: number,
): TrainingSet<F> | { error: string } {
  const images = files
    .map((file) => ({ file, parts: path(file).split(/[\\/]/) }))
    .filter((f) => IMAGE_FILE.test(f.parts.at(-1) ?? ''));
  if (images.length === 0) return { error: 'No JPEG or PNG images among the picked files.' };
  if (images.some((f) => f.parts.length < 2))
    return {
      error:
        'Pick a folder (with one subfolder per class), not loose files: the class of an image is the name of its folder.',
    };
  const folders = [...new Set(images.map((f) => f.parts.at(-2)!))].sort();
  const model = models.find((m) => folders.every((c) => m.classes.includes(c)));
  if (!model) {
    const known = models.map((m) => `${m.name}: ${m.classes.join(', ')}`).join('; ');
    return {
      error: `The class folders (${folders.join(', ')}) are not the classes of a shipped model (${known || 'no model found'}).`,
    };
  }
  const labelled = images.map((f) => ({
    file: f.file,
    label: model.classes.indexOf(f.parts.at(-2)!),
    testing: f.parts.slice(0, -2).some((p) => p.toLowerCase() === 'testing'),
    training: f.parts.slice(0, -2).some((p) => p.toLowerCase() === 'training'),
  }));
  const strip = ({ file, label }: Labelled<F>) => ({ file, label });
  if (labelled.some((f) => f.testing) && labelled.some((f) => f.training)) {
    return {
      model,
      train: labelled.filter((f) => f.training).map(strip),
      test: labelled.filter((f) => f.testing).map(strip),
      testFrom: 'Testing folder',
    };
  }
  // no Training/Testing split in the folder: a seeded fifth of each class is held out for testing
  const rng = new SeededRandom(seed);
  const train: Labelled<F>[] = [];
  const test: Labelled<F>[] = [];
  for (let c = 0; c < model.classes.length; c++) {
    const members = labelled.filter((f) => f.label === c);
    for (let i = members.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [members[i], members[j]] = [members[j], members[i]];
    }
    const n = Math.round(members.length / 5);
    test.push(...members.slice(0, n).map(strip));
    train.push(...members.slice(n).map(strip));
  }
  return { model, train, test, testFrom: 'seeded hold-out' };
}

/** The Training images dealt to `hospitals`: disjoint shares. */
export function dealToHospitals<F>(
  train: Labelled<F>[],
  hospitals: number,
  split: SplitKind,
  seed: number,
): Labelled<F>[][] {
  const shares = splitHospitals(
    train.map((t) => t.label),
    hospitals,
    split,
    seed,
  );
  return shares.map((idx) => idx.map((i) => train[i]));
}

/** Per class counts of a share, for the hospitals' table (label skew is visible at a glance). */
export function classCounts<F>(share: Labelled<F>[], classes: number): number[] {
  const counts = Array.from({ length: classes }, () => 0);
  for (const s of share) counts[s.label]++;
  return counts;
}
