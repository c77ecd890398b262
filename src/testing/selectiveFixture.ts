/**
 * The folder the `cipherscan selective --write` release tests run on: two tiny
 * fixture lung models side by side (models/vit-DS and models/cnn-DS, each with a
 * model card and a README.md), a tiny synthetic dataset DS/{Training,Testing}
 * (phantoms, 10 and 2 per class) and the fixture cross-validation report at
 * reports/cv-DS.json. Made-up models and data for plumbing only; nothing here is
 * shown as a result.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeRgbPng } from '../lib/image/png';
import { brainPhantom } from '../lib/samples/phantom';
import { fixtureCvReport } from './fixtureCvReport';
import { fixtureModelFiles } from './fixtureModel';

export const SELECTIVE_DATASET = 'lung-histopathology';
export const SELECTIVE_CLASSES = ['lung_aca', 'lung_n', 'lung_scc'];

export interface SelectiveFixture {
  /** models/vit-DS and models/cnn-DS, in that order */
  models: string[];
  /** the dataset folder DS */
  data: string;
  /** reports/cv-DS.json */
  report: string;
  /** where the tests ask `selective` to write its study: reports/selective */
  out: string;
}

/**
 * Writes the fixture into `dir` (over what is there). `calibrated: false` leaves the models without a
 * calibration block; `card` is each model-card.json (default: just its name).
 */
export async function writeSelectiveFixture(
  dir: string,
  options: { calibrated?: boolean; card?: object } = {},
): Promise<SelectiveFixture> {
  const DS = SELECTIVE_DATASET;
  const models: string[] = [];
  for (const [arch, seed] of [
    ['vit', 1],
    ['cnn', 2],
  ] as const) {
    const m = join(dir, 'models', `${arch}-${DS}`);
    await mkdir(m, { recursive: true });
    const f = fixtureModelFiles(arch, seed, {
      depth: 1,
      classes: SELECTIVE_CLASSES,
      ...(options.calibrated === false ? {} : { temperature: 1 }),
    });
    await writeFile(join(m, 'model.json'), f.manifestText);
    await writeFile(join(m, 'weights.bin'), f.weights);
    await writeFile(join(m, 'model-card.json'), JSON.stringify(options.card ?? { name: `${arch}-${DS}` }));
    await writeFile(join(m, 'README.md'), `# ${arch}\n\n## Training\n\nfixture\n`);
    models.push(m);
  }
  const data = join(dir, DS);
  for (const [split, perClass] of [
    ['Training', 10],
    ['Testing', 2],
  ] as const)
    for (const [c, name] of SELECTIVE_CLASSES.entries()) {
      await mkdir(join(data, split, name), { recursive: true });
      for (let i = 0; i < perClass; i++)
        await writeFile(
          join(data, split, name, `${i}.png`),
          encodeRgbPng(brainPhantom({ seed: 100 * c + i + (split === 'Testing' ? 50 : 0), size: 48, lesion: c / 4 })),
        );
    }
  const report = join(dir, 'reports', `cv-${DS}.json`);
  await mkdir(join(dir, 'reports'), { recursive: true });
  await writeFile(report, JSON.stringify(fixtureCvReport()));
  return { models, data, report, out: join(dir, 'reports', 'selective') };
}

/** Every file under `dir` but the caches, with the text of the JSON and Markdown ones: equal before and after means nothing was written. */
export async function folderSnapshot(dir: string): Promise<string> {
  const files = (await readdir(dir, { recursive: true })).filter((f) => !f.startsWith('.cache')).sort();
  const bodies = await Promise.all(
    files.filter((f) => /\.(json|md)$/.test(f)).map(async (f) => f + (await readFile(join(dir, f), 'utf8'))),
  );
  return files.join('\n') + bodies.join('\n');
}
