/**
 * `cipherscan selective --write --thresholds-from CV.json`, end to end on tiny
 * fixture models and a tiny synthetic dataset: the thresholds written into
 * model.json are the CV report's pooled ones (rounded down), not validation's;
 * the cards say where they were fitted; with --ensemble-from the ensemble folder
 * too. Every refusal (incomplete report, missing threshold, foreign folder, no
 * --write, two reports, validation over a cross-validated model, no calibration)
 * writes nothing. Runs in a temporary folder (the command caches under ./.cache).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtureCvReport, FIXTURE_CV_THRESHOLDS } from '../../../testing/fixtureCvReport';
import { parseEnsemble } from '../../../lib/diagnosis/ensemble';
import { folderSnapshot, SELECTIVE_DATASET as DS, writeSelectiveFixture } from '../../../testing/selectiveFixture';
import { runCliHere } from '../cliTestHarness';

const floor6 = (v: number) => Math.floor(v * 1e6) / 1e6;

let dir: string;
let cwd: string;
beforeEach(async () => {
  cwd = process.cwd();
  dir = await mkdtemp(join(tmpdir(), 'cipherscan-selective-thr-'));
  process.chdir(dir);
});
afterEach(async () => {
  process.chdir(cwd);
  await rm(dir, { recursive: true, force: true });
});

const setup = (options: { calibrated?: boolean; card?: object } = {}) => writeSelectiveFixture(dir, options);

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8'));

const snapshot = () => folderSnapshot(dir);

/** `cipherscan selective` on the fixture data and models, writing its study to `out`, with these flags. */
const selective = (data: string, models: string, out: string, ...flags: string[]) =>
  runCliHere('selective', '--data', data, '--models', models, '--out', out, ...flags);

describe('selective --write --thresholds-from', () => {
  it("writes the report's pooled thresholds into model.json and the cards; no ensemble folder without --ensemble-from", async () => {
    const { models, data, report, out } = await setup();
    const r = await selective(data, models.join(','), out, '--write', '--thresholds-from', report);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    for (const [m, arch] of [
      [models[0], 'vit'],
      [models[1], 'cnn'],
    ] as const) {
      const manifest = await readJson(join(m, 'model.json'));
      expect(manifest.calibration.minConfidence).toBe(floor6(FIXTURE_CV_THRESHOLDS[arch]));
      expect(manifest.calibration.temperature).toBe(1);
      const card = await readJson(join(m, 'model-card.json'));
      expect(card.selective.minConfidence).toBe(FIXTURE_CV_THRESHOLDS[arch]);
      expect(card.selective.rule).toMatch(/; fitted on 3000 out-of-fold predictions of 5-fold cross-validation/);
      expect(card.selective.command).toContain(`--write --thresholds-from ${report}`);
      expect(card.selective.ensemble).toBe('ships'); // the report chose it
      const readme = await readFile(join(m, 'README.md'), 'utf8');
      expect(readme).toContain(`Below a calibrated confidence of ${FIXTURE_CV_THRESHOLDS[arch].toFixed(4)}`);
      expect(readme).toContain('## Training'); // the rest of the card kept
    }
    expect(existsSync(`${out}.json`)).toBe(true);
    expect(existsSync(join(dir, 'models', `ensemble-${DS}`))).toBe(false);
    expect(r.out).toContain(`chose the ensemble: add --ensemble-from ${report}`);

    // one model alone takes its own threshold; a report that chose a single model is fine for thresholds
    await writeFile(report, JSON.stringify(fixtureCvReport({ choice: 'cnn' })));
    const cnnModel = JSON.parse(await readFile(join(models[1], 'model.json'), 'utf8'));
    await writeFile(
      join(models[1], 'model.json'),
      JSON.stringify({ ...cnnModel, calibration: { ...cnnModel.calibration, minConfidence: 0.5 } }),
    );
    const one = await selective(data, models[1], out, '--write', '--thresholds-from', report);
    expect(one.code).toBe(0);
    expect((await readJson(join(models[1], 'model.json'))).calibration.minConfidence).toBe(
      floor6(FIXTURE_CV_THRESHOLDS.cnn),
    );
  }, 180_000);

  it('from a report of one architecture: that model takes its threshold, the other keeps validation’s', async () => {
    const { models, data, report, out } = await setup();
    const full = fixtureCvReport({ archs: ['cnn'], choice: null }, DS);
    await writeFile(
      report,
      JSON.stringify({
        ...full,
        totals: { cnn: full.totals.cnn },
        rates: { cnn: full.rates.cnn },
        pooledThreshold: { cnn: full.pooledThreshold!.cnn },
      }),
    );
    const r = await selective(data, models.join(','), out, '--write', '--thresholds-from', report);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const cnn = await readJson(join(models[1], 'model-card.json'));
    expect((await readJson(join(models[1], 'model.json'))).calibration.minConfidence).toBe(
      floor6(FIXTURE_CV_THRESHOLDS.cnn),
    );
    expect(cnn.selective.rule).toMatch(/out-of-fold predictions of 5-fold cross-validation/);
    const vit = await readJson(join(models[0], 'model-card.json'));
    expect(vit.selective.minConfidence).not.toBe(FIXTURE_CV_THRESHOLDS.vit);
    expect(vit.selective.rule).not.toMatch(/out-of-fold/);
    expect((await readJson(join(models[0], 'model.json'))).calibration.minConfidence).toBe(
      floor6(vit.selective.minConfidence),
    );
    // no ensemble in the report: validation decides it, and the card says the report chose nothing
    expect(cnn.selective.ensemble).toMatch(/cross-validation of the Masked-CNN alone \(2880\/3000 .*\) chose nothing/);
  }, 180_000);

  it("with --ensemble-from it writes both: the members' thresholds and the ensemble folder, from the one report", async () => {
    const { models, data, report, out } = await setup();
    const r = await selective(
      data,
      models.join(','),
      out,
      '--write',
      '--thresholds-from',
      report,
      '--ensemble-from',
      report,
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect((await readJson(join(models[0], 'model.json'))).calibration.minConfidence).toBe(
      floor6(FIXTURE_CV_THRESHOLDS.vit),
    );
    expect((await readJson(join(models[1], 'model.json'))).calibration.minConfidence).toBe(
      floor6(FIXTURE_CV_THRESHOLDS.cnn),
    );
    const ens = join(dir, 'models', `ensemble-${DS}`);
    const spec = parseEnsemble(await readFile(join(ens, 'ensemble.json'), 'utf8'));
    expect(spec.minConfidence).toBe(floor6(FIXTURE_CV_THRESHOLDS.ensemble));
    expect(spec.threshold.n).toBe(3000);
    expect(spec.threshold.fittedOn).toBe(`3000 out-of-fold predictions of 5-fold cross-validation (${report})`);
    expect(spec.command).toContain(`--write --thresholds-from ${report} --ensemble-from ${report}`);
    // where the threshold was fitted, said once
    const card = await readFile(join(ens, 'README.md'), 'utf8');
    expect(card).toContain(`fitted on 3000 out-of-fold predictions of 5-fold cross-validation (${report}).`);
    expect(card).not.toContain('3000 images');

    // --ensemble-from alone implies --thresholds-from the same report
    for (const m of models) {
      const manifest = await readJson(join(m, 'model.json'));
      await writeFile(
        join(m, 'model.json'),
        JSON.stringify({ ...manifest, calibration: { temperature: 1, fittedOn: 'fixture', n: 1 } }),
      );
    }
    expect((await selective(data, models.join(','), out, '--write', '--ensemble-from', report)).code).toBe(0);
    expect((await readJson(join(models[0], 'model.json'))).calibration.minConfidence).toBe(
      floor6(FIXTURE_CV_THRESHOLDS.vit),
    );
  }, 180_000);

  it('refuses, writing nothing, before any work', async () => {
    const { models, data, report, out } = await setup();
    const base = ['selective', '--data', data, '--models', models.join(','), '--out', out];
    const full = fixtureCvReport();
    const cases: [object | null, string[], RegExp][] = [
      [
        fixtureCvReport({ scored: 4, missing: [5], choice: null }),
        ['--write', '--thresholds-from', report],
        /has 4 of 5 folds scored/,
      ],
      [
        fixtureCvReport({
          pooledThreshold: {
            ...full.pooledThreshold!,
            vit: { ...full.pooledThreshold!.vit, minConfidence: undefined },
          },
        }),
        ['--write', '--thresholds-from', report],
        /no pooled out-of-fold threshold for vit/,
      ],
      [
        fixtureCvReport({}, 'brain-mri'),
        ['--write', '--thresholds-from', report],
        /of brain-mri, not lung-histopathology/,
      ],
      [null, ['--thresholds-from', report], /--thresholds-from writes the models' thresholds: add --write/],
      [
        null,
        ['--write', '--thresholds-from', report, '--ensemble-from', join(dir, 'other.json')],
        /must name the same/,
      ],
      [null, ['--write', '--thresholds-from', join(dir, 'none.json')], /no cross-validation report at/],
      [fixtureCvReport({ choice: 'vit' }), ['--write', '--ensemble-from', report], /chooses vit/],
    ];
    for (const [content, extra, why] of cases) {
      if (content) await writeFile(report, JSON.stringify(content));
      const before = await snapshot();
      const r = await runCliHere(...base, ...extra);
      expect(r.code, String(why)).toBe(2);
      expect(r.err).toMatch(why);
      expect(await snapshot()).toBe(before);
      expect(existsSync(`${out}.json`)).toBe(false);
    }
    await writeFile(report, JSON.stringify(fixtureCvReport()));
    // a folder that is not the recipe the report cross-validated
    const other = join(dir, 'models', 'vit-other');
    await mkdir(other);
    for (const f of ['model.json', 'weights.bin']) await writeFile(join(other, f), await readFile(join(models[0], f)));
    const r = await selective(data, other, out, '--write', '--thresholds-from', report);
    expect(r.err).toMatch(/cross-validated the lung-histopathology recipes: --models takes/);
    expect(existsSync(`${out}.json`)).toBe(false);
  });

  it('refuses --write on validation for a cross-validated model, and an uncalibrated model, writing nothing', async () => {
    const crossValidated = await setup({ card: { crossValidation: { folds: 5 } } });
    let before = await snapshot();
    const args = ['selective', '--data', crossValidated.data, '--models', crossValidated.models.join(',')];
    let r = await runCliHere(...args, '--out', crossValidated.out, '--write');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/was cross-validated .*add --thresholds-from docs\/reports\/cv-lung-histopathology\.json/);
    expect(await snapshot()).toBe(before);
    // a card that quotes its report is pointed to that one
    const quoted = await setup({ card: { crossValidation: { folds: 5, report: 'docs/reports/cv-grouped-x.json' } } });
    r = await runCliHere(
      'selective',
      '--data',
      quoted.data,
      '--models',
      quoted.models.join(','),
      '--out',
      quoted.out,
      '--write',
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/add --thresholds-from docs\/reports\/cv-grouped-x\.json/);
    const { models, data, report, out } = await setup({ calibrated: false });
    before = await snapshot();
    r = await selective(data, models.join(','), out, '--write', '--thresholds-from', report);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/has no calibration: run cipherscan calibrate first; nothing was written/);
    expect(await snapshot()).toBe(before);
  });
});
