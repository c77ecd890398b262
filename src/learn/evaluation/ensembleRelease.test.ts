/**
 * The ensemble ships only where the cross-validation report chose it with every
 * fold scored; what is written is the study's ensemble candidate (validation
 * threshold, Testing figures) and parses back; for members trained on all
 * labelled data, no Testing figures and the reason why.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENSEMBLE_FILE, parseEnsemble } from '../../lib/diagnosis/ensemble';
import { ModelRandom } from '../../lib/models/init';
import { cvChoosesEnsemble, ensembleModelCard, ensembleRelease } from './ensembleRelease';
import { CvReleaseRefused, cvThresholds, type CvReport } from './cvReport';
import { selectiveStudy } from './selectiveStudy';
import { fixtureCvReport } from '../../testing/fixtureCvReport';

const rate = (k: number, n: number) => ({ k, n, rate: k / n, low: k / n - 0.01, high: k / n + 0.005 });
/** The shared fixture report, named by its path only (the refusal cases test that naming). */
const cvReport = (patch: Partial<CvReport> = {}): CvReport => fixtureCvReport({ dataset: undefined, ...patch });

const PATH = 'docs/reports/cv-lung-histopathology.json';

describe('cvChoosesEnsemble', () => {
  it('accepts a complete report that chose the ensemble', () => {
    expect(cvChoosesEnsemble(JSON.stringify(cvReport()), PATH, 'lung-histopathology').folds).toBe(5);
  });

  it('refuses every other report, saying why', () => {
    const cases: [string, string, RegExp][] = [
      [JSON.stringify(cvReport({ choice: 'vit' })), PATH, /chooses vit/],
      [JSON.stringify(cvReport({ choice: null, scored: 2, missing: [3, 4, 5] })), PATH, /2 of 5 folds scored/],
      [JSON.stringify(cvReport()), 'docs/reports/cv-brain-mri.json', /of brain-mri, not lung-histopathology/],
      [JSON.stringify(cvReport({ dataset: 'brain-mri' })), PATH, /of brain-mri/],
      [
        JSON.stringify({ ...cvReport(), totals: { ...cvReport().totals, ensemble: cvReport().totals.vit } }),
        PATH,
        /do not show it winning/,
      ],
      ['{', PATH, /not JSON/],
    ];
    for (const [text, path, why] of cases) {
      expect(() => cvChoosesEnsemble(text, path, 'lung-histopathology')).toThrow(CvReleaseRefused);
      expect(() => cvChoosesEnsemble(text, path, 'lung-histopathology')).toThrow(why);
    }
  });
});

describe('ensembleRelease', () => {
  it("writes the study's ensemble candidate: its validation threshold and Testing figures, parsed back", () => {
    const rng = new ModelRandom(3);
    const labels = (n: number) => Array.from({ length: n }, (_, i) => i % 3);
    const logits = (ls: number[], skill: number) =>
      ls.map((y) => [0, 1, 2].map((c) => (c === y ? skill : 0) + 2 * (rng.next() - 0.5) * 3));
    const val = labels(90);
    const test = labels(60);
    const members = [
      { name: 'vit-lung-histopathology', temperature: 0.5, validation: logits(val, 2), testing: logits(test, 2) },
      { name: 'cnn-lung-histopathology', temperature: 0.6, validation: logits(val, 1.5), testing: logits(test, 1.5) },
    ];
    const cv = cvReport();
    const study = selectiveStudy(members, val, test, 0.9, 'test split', {
      crossValidation: { ensembleShips: true, reason: 'cv chose it' },
    });
    expect(study.ensembleShips).toBe(true);
    const candidate = study.candidates.find((c) => c.members.length === 2)!;
    const { json, spec } = ensembleRelease({
      dataset: 'lung-histopathology',
      classes: ['lung_aca', 'lung_n', 'lung_scc'],
      members: [
        { name: 'vit-lung-histopathology', architecture: 'vit', temperature: 0.5 },
        { name: 'cnn-lung-histopathology', architecture: 'cnn', temperature: 0.6 },
      ],
      study,
      cv,
      reportPath: PATH,
      command: 'cipherscan selective …',
    });
    expect(parseEnsemble(json)).toEqual(spec);
    expect(spec.minConfidence).toBeCloseTo(candidate.abstention.minConfidence, 5);
    expect(spec.minConfidence).toBeLessThanOrEqual(candidate.abstention.minConfidence);
    expect(spec.testing!.n).toBe(60);
    expect(spec.testing!.accuracy).toEqual(candidate.testing!.accuracy);
    expect(spec.crossValidation.outOfFold.ensemble.k).toBe(2930);
    const card = ensembleModelCard(spec, cv.totals);
    expect(card).toContain('best in 5-fold cross-validation: 97.7 % vs 96.7 % (ViT) and 96.0 % (Masked-CNN)');
    expect(card).toContain(spec.minConfidence.toFixed(4));
    // fitted on validation: the count, then where (the study's note does not name it)
    expect(card).toContain('(target 90.0 %), fitted on 90 images: test split.');

    // without the CV decision the validation rule decides (and may withhold the ensemble's Testing figures)
    const plain = selectiveStudy(members, val, test, 0.9, 'test split');
    expect(plain.ensembleReason).not.toContain('cv chose it');

    // a CV report with thresholds fitted on the pooled out-of-fold predictions: they replace validation's, by candidate
    const pooled = { coverage: 0.8, accuracy: rate(2400, 2430) };
    const withThresholds = cvReport({
      pooledThreshold: {
        vit: { nested: pooled, minConfidence: 0.61, fittedOn: '3000 out-of-fold predictions', rule: 'R' },
        cnn: { nested: pooled, minConfidence: 0.62, fittedOn: '3000 out-of-fold predictions', rule: 'R' },
        ensemble: { nested: pooled, minConfidence: 0.63, n: 3000, fittedOn: '3000 out-of-fold predictions', rule: 'R' },
      },
    });
    const thresholds = cvThresholds(withThresholds, PATH, { vit: members[0].name, cnn: members[1].name });
    const fixed = selectiveStudy(members, val, test, 0.9, 'test split', {
      crossValidation: { ensembleShips: true, reason: 'cv chose it', thresholds },
    });
    expect(fixed.candidates.map((c) => c.abstention.minConfidence)).toEqual([0.61, 0.62, 0.63]);
    const fixedEnsemble = fixed.candidates.find((c) => c.members.length === 2)!;
    expect(fixedEnsemble.abstention.rule).toMatch(
      /^R; fitted on 3000 out-of-fold predictions of 5-fold cross-validation/,
    );
    // the figures are scored at the given threshold, not a refitted one
    expect(fixedEnsemble.testing!.atThreshold.threshold).toBe(0.63);
    // and ensemble.json says where its threshold was fitted
    const released = ensembleRelease({
      dataset: 'lung-histopathology',
      classes: ['lung_aca', 'lung_n', 'lung_scc'],
      members: [
        { name: 'vit-lung-histopathology', architecture: 'vit', temperature: 0.5 },
        { name: 'cnn-lung-histopathology', architecture: 'cnn', temperature: 0.6 },
      ],
      study: fixed,
      cv: withThresholds,
      reportPath: PATH,
      command: 'cipherscan selective …',
    }).spec;
    expect(released.minConfidence).toBe(0.63);
    expect(released.threshold.n).toBe(3000);
    expect(released.threshold.fittedOn).toMatch(/out-of-fold predictions of 5-fold cross-validation/);
    expect(spec.threshold.n).toBe(90); // the validation-fitted one above
    // where the pooled threshold was fitted, said once
    const pooledCard = ensembleModelCard(released, withThresholds.totals);
    const sentence = pooledCard.split('\n').find((l) => l.startsWith('Below a calibrated confidence'))!;
    expect(sentence).toMatch(
      /\(target 90\.0 %\), fitted on 3000 out-of-fold predictions of 5-fold cross-validation \(docs\/reports\/cv-lung-histopathology\.json\)\.$/,
    );
    expect(sentence.match(/3000/g)).toHaveLength(1);
  });

  it('members trained on all labelled data: no Testing figures, said why, and still parsed back', () => {
    const rng = new ModelRandom(4);
    const val = Array.from({ length: 90 }, (_, i) => i % 3);
    const logits = (skill: number) =>
      val.map((y) => [0, 1, 2].map((c) => (c === y ? skill : 0) + 2 * (rng.next() - 0.5) * 3));
    const members = [
      { name: 'vit-lung-histopathology', temperature: 0.5, validation: logits(2) },
      { name: 'cnn-lung-histopathology', temperature: 0.6, validation: logits(1.5) },
    ];
    const why = 'trained on all labelled data';
    const study = selectiveStudy(members, val, undefined, 0.9, 'pooled split', {
      noTesting: why,
      crossValidation: { ensembleShips: true, reason: 'cv chose it' },
    });
    expect(study.noTesting).toBe(why);
    expect(study.candidates.every((c) => c.testing === undefined)).toBe(true);
    const input = {
      dataset: 'lung-histopathology',
      classes: ['lung_aca', 'lung_n', 'lung_scc'],
      members: [
        { name: 'vit-lung-histopathology', architecture: 'vit' as const, temperature: 0.5 },
        { name: 'cnn-lung-histopathology', architecture: 'cnn' as const, temperature: 0.6 },
      ],
      study,
      cv: cvReport(),
      reportPath: PATH,
      command: 'cipherscan selective …',
    };
    // without the reason it is the old error: a study that should have had Testing figures
    expect(() => ensembleRelease(input)).toThrow(/no Testing figures/);
    const { json, spec } = ensembleRelease({ ...input, noTesting: why });
    expect(spec.testing).toBeUndefined();
    expect(spec.noTesting).toBe(why);
    expect(parseEnsemble(json)).toEqual(spec);
    expect(ensembleModelCard(spec, input.cv.totals)).toContain(`No Testing figures: ${why}.`);
    // a file with neither is refused
    const { noTesting: _dropped, ...neither } = JSON.parse(json) as Record<string, unknown>;
    expect(() => parseEnsemble(JSON.stringify(neither))).toThrow(/noTesting/);
  });
});

describe('shipped ensemble model cards', () => {
  const MODELS = 'public/models';
  const shipped = existsSync(MODELS)
    ? readdirSync(MODELS).filter((n) => existsSync(join(MODELS, n, ENSEMBLE_FILE)))
    : [];
  if (shipped.length === 0) it.skip('no public/models/ensemble-*/ ships here: nothing to check', () => {});
  for (const name of shipped)
    it(`${name}/README.md is what the generator writes from its ensemble.json and CV report`, () => {
      const spec = parseEnsemble(readFileSync(join(MODELS, name, ENSEMBLE_FILE), 'utf8'));
      const cv = JSON.parse(readFileSync(spec.crossValidation.report, 'utf8')) as CvReport;
      expect(readFileSync(join(MODELS, name, 'README.md'), 'utf8')).toBe(ensembleModelCard(spec, cv.totals));
    });
});
