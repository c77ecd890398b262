/**
 * `cipherscan train --all-labelled` end to end on a tiny synthetic dataset (52
 * images of 200 x 200, a one-block CNN, one epoch): the card says it trained on
 * Training + Testing (counts per folder), has no Testing figure, and copies the
 * CV report's out-of-fold figure for its architecture; a wrong report is refused
 * before any training, and its checkpoints do not mix with a run on Training
 * alone. Downstream: calibrate fits on the same pooled validation
 * split and computes no Testing ECE, the guard fits outside that split and reports
 * no in-domain Testing row, selective gives no Testing figures, eval
 * refuses folders of images the model trained on (links followed).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeRgbPng } from '../../../lib/image/png';
import { ModelRandom } from '../../../lib/models/init';
import { fixtureCvReport, FIXTURE_CV_THRESHOLDS } from '../../../testing/fixtureCvReport';
import { accuracyClaim, allLabelledMarkdown, NO_ACCURACY_FIGURE } from '../../../learn/training/allLabelledCard';
import { main } from '../main';

const S = 200;
const DATASET = 'all-labelled-test-mri';
const RUN = `all-labelled-test-${process.pid}`;
const CLASSES = ['bottom', 'top'];

/** A bright band at the top or the bottom, with noise. */
function bandImage(cls: string, rng: ModelRandom): Uint8Array {
  const data = new Uint8Array(S * S * 3);
  for (let y = 0; y < S; y++) {
    const bright = cls === 'top' ? y < S / 2 : y >= S / 2;
    for (let i = 0; i < S * 3; i++) data[y * S * 3 + i] = (bright ? 150 : 60) + rng.int(80);
  }
  return encodeRgbPng({ width: S, height: S, data });
}

/** The fixture CV report, its folds trained with this test's augmentation. */
const cvReport = (dataset: string) => fixtureCvReport({ foldAugmentations: { vit: ['none'], cnn: ['none'] } }, dataset);

let dir: string;
let data: string;
let model: string;
let stderr: string[];
let stdout: string[];
const run = async (...argv: string[]) => {
  stderr = [];
  stdout = [];
  return main(argv);
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cipherscan-all-labelled-'));
  data = join(dir, DATASET);
  model = join(dir, 'cnn-' + DATASET);
  const rng = new ModelRandom(5);
  for (const [split, per] of [
    ['Training', 20],
    ['Testing', 6],
  ] as const)
    for (const cls of CLASSES) {
      await mkdir(join(data, split, cls), { recursive: true });
      for (let i = 0; i < per; i++) await writeFile(join(data, split, cls, `${cls}-${i}.png`), bandImage(cls, rng));
    }
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void stdout.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void stderr.push(a.join(' ')));
});

afterAll(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
  await rm(join('.cache/checkpoints', `${RUN}-all-labelled`), { recursive: true, force: true });
  for (const sub of ['datasets', 'predictions'])
    if (existsSync(join('.cache', sub)))
      for (const f of await readdir(join('.cache', sub)))
        if (f.startsWith(DATASET) || f.startsWith(basename(model))) await rm(join('.cache', sub, f), { force: true });
});

const TRAIN = () => [
  'train',
  '--model',
  'cnn',
  '--data',
  data,
  '--name',
  RUN,
  '--out',
  model,
  '--epochs',
  '1',
  '--batch',
  '8',
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
];

describe('cipherscan train --all-labelled', () => {
  it('refuses a CV report of another dataset, or one without --all-labelled, before training', async () => {
    const other = join(dir, 'cv-brain-mri.json');
    await writeFile(other, JSON.stringify(cvReport('brain-mri')));
    expect(await run(...TRAIN(), '--all-labelled', '--cv-report', other)).toBe(2);
    expect(stderr.join('\n')).toMatch(/is a cross-validation of brain-mri, not all-labelled-test-mri/);
    expect(await run(...TRAIN(), '--cv-report', other)).toBe(2);
    expect(stderr.join('\n')).toMatch(/--cv-report goes with --all-labelled/);
    expect(existsSync(model)).toBe(false);
  });

  it('trains on Training + Testing, says so, quotes the CV figure, and later commands show no Testing figure', async () => {
    const cvPath = join(dir, `cv-${DATASET}.json`);
    const report = cvReport(DATASET);
    await writeFile(cvPath, JSON.stringify(report));
    expect(await run(...TRAIN(), '--all-labelled', '--cv-report', cvPath)).toBe(0);

    const card = JSON.parse(await readFile(join(model, 'model-card.json'), 'utf8'));
    expect(card.data.allLabelled).toBe(true);
    expect(card.data.sources.map((s: { images: number }) => s.images)).toEqual([40, 12]);
    expect(card.data.sources.map((s: { folder: string }) => basename(s.folder))).toEqual(['Training', 'Testing']);
    expect(card.data.trainImages + card.data.validationImages).toBe(52);
    expect(card.data.testImages).toBeUndefined();
    expect(card.test).toBeUndefined();
    expect(card.accuracy).toMatchObject({ ...report.rates.cnn, folds: 5, source: cvPath });
    expect(card.crossValidation.accuracy).toEqual(report.rates.cnn);
    expect(card.crossValidation.perFold).toEqual(report.totals.cnn.perFold);
    expect(card.accuracy.caveat).toBeUndefined(); // the folds trained with this run's augmentation
    const readme = await readFile(join(model, 'README.md'), 'utf8');
    expect(readme).toContain('**Trained on all labelled data**');
    expect(readme).toContain('## Accuracy (no held-out Testing split)');
    expect(readme).toContain('**Accuracy claim: 96.00 % [95.0, 96.5]** (2880/3000, 95 % Wilson)');
    expect(readme).not.toContain('## Test split');
    expect(readme).toContain(
      'out-of-fold accuracy of this recipe in 5-fold cross-validation of Training + Testing pooled',
    );
    expect(readme).not.toMatch(/test accuracy|Testing accuracy/i);

    // its checkpoints are its own: resumed as a run on Training alone, it is refused
    const mixed = TRAIN().map((a) => (a === RUN ? `${RUN}-all-labelled` : a === model ? join(dir, 'mixed') : a));
    expect(await run(...mixed, '--resume')).toBe(1);
    expect(stderr.join('\n')).toMatch(/was trained on all labelled data, this run on Training alone/);
    expect(existsSync(join(dir, 'mixed'))).toBe(false);

    // calibrate: the temperature on the pooled validation split the trainer held out; no Testing ECE
    expect(await run('calibrate', '--model', model, '--data', data)).toBe(0);
    const manifest = JSON.parse(await readFile(join(model, 'model.json'), 'utf8'));
    expect(manifest.calibration.n).toBe(card.data.validationImages);
    expect(manifest.calibration.fittedOn).toContain('Training + Testing');
    const calibrated = JSON.parse(await readFile(join(model, 'model-card.json'), 'utf8'));
    expect(calibrated.calibration.test).toBeNull();
    expect(calibrated.calibration.noTesting).toMatch(/no held-out Testing split/);

    // selective --write: the report's pooled threshold ships, with validation figures only
    expect(
      await run(
        'selective',
        '--data',
        data,
        '--models',
        model,
        '--write',
        '--thresholds-from',
        cvPath,
        '--out',
        join(dir, 's0'),
      ),
    ).toBe(0);
    const shipped = JSON.parse(await readFile(join(model, 'model.json'), 'utf8'));
    expect(shipped.calibration.minConfidence).toBe(Math.floor(FIXTURE_CV_THRESHOLDS.cnn * 1e6) / 1e6);
    const withSelective = JSON.parse(await readFile(join(model, 'model-card.json'), 'utf8'));
    expect(withSelective.selective.testing).toBeUndefined();
    expect(withSelective.selective.noTesting).toMatch(/no held-out Testing split/);
    expect(await readFile(join(model, 'README.md'), 'utf8')).toMatch(
      /## Uncertain — refer for review\n\n.*No Testing figures: /,
    );

    // selective: validation figures only
    const out = join(dir, 'selective');
    expect(await run('selective', '--data', data, '--models', model, '--out', out)).toBe(0);
    const study = JSON.parse(await readFile(`${out}.json`, 'utf8'));
    expect(study.noTesting).toMatch(/no held-out Testing split/);
    expect(study.candidates[0].testing).toBeUndefined();
    expect(study.candidates[0].validation.n).toBe(card.data.validationImages);
    expect(await readFile(`${out}.md`, 'utf8')).not.toContain('| Testing |');

    // guard: fitted outside the pooled validation split, threshold on it; its report has no in-domain Testing row
    const fitCode = await run('guard', '--model', model, '--data', data);
    expect(stderr.join('\n')).toBe('');
    expect(fitCode).toBe(0);
    const fit = JSON.parse(stdout.find((l) => l.startsWith('{'))!);
    expect(fit.nValidation).toBe(card.data.validationImages);
    expect(fit.nFit).toBe(card.data.trainImages);
    const noDicom = join(dir, 'no-dicom');
    await mkdir(noDicom);
    const guardOut = join(dir, 'guard.json');
    const reportArgs = ['--model', model, '--data', data, '--other', data, '--dicom', noDicom, '--out', guardOut];
    const code = await run('guard', '--report', ...reportArgs);
    expect(stderr.join('\n')).toBe('');
    expect(code).toBe(0);
    const guardReport = JSON.parse(await readFile(guardOut, 'utf8'));
    expect(guardReport.inDomainTesting).toMatch(/no held-out Testing split/);
    expect(guardReport.sets.filter((s: { inDomain: boolean }) => s.inDomain)).toEqual([]);

    // eval: refused on Testing, and on a folder of links to its images (a CV fold)
    expect(await run('eval', '--model', model, '--data', join(data, 'Testing'))).toBe(2);
    expect(stderr.join('\n')).toMatch(/12 of 12 images .* are images the model trained on/);
    const fold = join(dir, 'fold', 'top');
    await mkdir(fold, { recursive: true });
    await mkdir(join(dir, 'fold', 'bottom'));
    await symlink(join(data, 'Training', 'top', 'top-0.png'), join(fold, 'Training__top-0.png'));
    await writeFile(join(dir, 'fold', 'bottom', 'new.png'), bandImage('bottom', new ModelRandom(9)));
    expect(await run('eval', '--model', model, '--data', join(dir, 'fold'))).toBe(2);
    expect(stderr.join('\n')).toMatch(/1 of 2 images/);
  }, 60_000);
});

describe('the all-labelled card without a CV report', () => {
  it('makes no accuracy claim and says how to get one', () => {
    const claim = accuracyClaim('m', { architecture: 'vit', augmentation: 'histology' }, undefined);
    expect(claim).toEqual({ accuracy: { claim: null, note: NO_ACCURACY_FIGURE } });
    const md = allLabelledMarkdown(
      { architecture: 'vit', data: { sources: [{ folder: 'T', images: 3 }], pooledImages: 3 }, ...claim },
      undefined,
    ).join('\n');
    expect(md).toContain('No accuracy figure: run cross-validation');
    expect(md).not.toMatch(/\d+\.\d+ %/);
  });

  it('says so when the CV folds trained with another augmentation', () => {
    const report = cvReport('d');
    const claim = accuracyClaim('m', { architecture: 'vit', augmentation: 'histology' }, { report, path: 'cv-d.json' });
    expect(claim.accuracy).toMatchObject({ k: 2900, n: 3000 });
    expect((claim.accuracy as { caveat?: string }).caveat).toMatch(/"none" augmentation, this model with "histology"/);
  });

  it("compares the folds' schedule with this model's, not the report's caveat about the models shipped before", () => {
    const old = 'The vit fold models trained for 30 epochs, the shipped vit for 20: another schedule.';
    const report = { ...cvReport('d'), caveat: old, foldEpochs: { vit: [30], cnn: [30] } };
    const opts = { architecture: 'vit' as const, augmentation: 'none' as const, epochs: 30 };
    const same = accuracyClaim('m', opts, { report, path: 'cv-d.json' });
    expect((same.accuracy as { caveat?: string }).caveat).toBeUndefined();
    expect(JSON.stringify(same)).not.toContain('shipped vit for 20');
    const other = accuracyClaim('m', { ...opts, epochs: 20 }, { report, path: 'cv-d.json' });
    expect((other.accuracy as { caveat?: string }).caveat).toMatch(/trained for 30 epochs, this model for 20/);
    // a report without the folds' schedules keeps its own caveat
    const older = accuracyClaim('m', opts, { report: { ...report, foldEpochs: undefined }, path: 'cv-d.json' });
    expect(older.crossValidation?.caveat).toBe(old);
  });

  it('names grouped folds in the claim where the report is of them', () => {
    const report = { ...cvReport('d'), split: 'd-grouped', grouped: true };
    const claim = accuracyClaim('m', { architecture: 'vit', augmentation: 'none' }, { report, path: 'cv-d.json' });
    expect(claim.accuracy.claim).toMatch(/grouped folds \(held-out originals\)$/);
    expect(claim.crossValidation?.split).toBe('d-grouped');
    expect(claim.crossValidation?.data).toMatch(/no held-out image has a detected copy/);
    expect(claim.accuracy).not.toHaveProperty('byOriginals');
  });

  it('quotes the interval of resampling originals beside the Wilson one where the report has it', () => {
    const byOriginals = { rate: 0.9667, low: 0.951, high: 0.979, groups: 700, images: 3000, resamples: 2000 };
    const report = { ...cvReport('d'), split: 'd-grouped', grouped: true, byOriginals: { vit: byOriginals } };
    const claim = accuracyClaim('m', { architecture: 'vit', augmentation: 'none' }, { report, path: 'cv-d.json' });
    expect(claim.accuracy).toMatchObject({ interval: '95 % Wilson', byOriginals });
    expect(claim.crossValidation?.accuracyByOriginals).toEqual(byOriginals);
    const md = allLabelledMarkdown(
      { ...claim, architecture: 'vit', data: { sources: [], pooledImages: 3000 } },
      { report, path: 'cv-d.json' },
    ).join('\n');
    expect(md).toContain('95 % Wilson; [95.1, 97.9] when the 700 presumed originals are resampled');
    // the CNN's card has no such figure in this report: nothing is borrowed from the ViT's
    const cnn = accuracyClaim('m', { architecture: 'cnn', augmentation: 'none' }, { report, path: 'cv-d.json' });
    expect(cnn.accuracy).not.toHaveProperty('byOriginals');
  });

  it('carries a setting chosen on the same folds into the claim, the block and the README', () => {
    const selection = 'The ViT schedule was chosen on these same folds.';
    const report = { ...cvReport('d'), selection: { vit: selection } };
    const claim = accuracyClaim('m', { architecture: 'vit', augmentation: 'none' }, { report, path: 'cv-d.json' });
    expect(claim.accuracy).toMatchObject({ selection });
    expect(claim.crossValidation?.selection).toBe(selection);
    const md = allLabelledMarkdown(
      { ...claim, architecture: 'vit', data: { sources: [], pooledImages: 3000 } },
      { report, path: 'cv-d.json' },
    );
    expect(md.join('\n')).toContain(selection);
    // the other architecture's card says nothing of it
    const cnn = accuracyClaim('m', { architecture: 'cnn', augmentation: 'none' }, { report, path: 'cv-d.json' });
    expect(cnn.accuracy).not.toHaveProperty('selection');
    expect(cnn.crossValidation?.selection).toBeUndefined();
  });
});
