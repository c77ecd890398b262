/**
 * A dataset's default model in the page (issue 18), on a 390 px phone screen.
 *
 * The ViT + Masked-CNN ensemble: choosing the lung dataset makes it the default,
 * with the line saying why (its cross-validation figures); a real lung slide is
 * diagnosed by both members, the image encrypted once; the combined answer is the
 * same on the encrypted image as on the original, each member's class is shown in
 * small print; axe finds nothing serious; no request leaves the page's origin.
 * The ensemble ships only where cross-validation chose it (`cipherscan selective
 * --write --ensemble-from docs/reports/cv-DS.json`). Where none ships, this test
 * serves a fixture ensemble.json by request routing, to this page only, over the
 * shipped lung ViT and Masked-CNN (their names, classes and temperatures; an
 * ensemble.json has no weights): its cross-validation figures and threshold are
 * src/testing/fixtureEnsemble.ts's made-up ones, so the line's figures are checked
 * for shape only. Nothing is written into public/ or the build.
 *
 * A single network that cross-validation chose (its model card's
 * `crossValidation.choice`, scripts/cvCards.ts): where no ensemble ships, the
 * lung dataset opens on it, and the line under it quotes both cards' out-of-fold
 * accuracy. Needs the trained lung models and ../shared/datasets: skipped without them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type {} from '../src/apps/web/diagnosis/diagnosisTestHooks';
import { softmaxT } from '../src/lib/models/softmax';
import { meanProbabilities } from '../src/learn/evaluation/selective';
import { MEMBER_LABELS, parseEnsemble, serializeEnsemble, type EnsembleSpec } from '../src/lib/diagnosis/ensemble';
import { parseManifest } from '../src/lib/models/weightsFile';
import { fixtureEnsembleSpec } from '../src/testing/fixtureEnsemble';
import { classLabel } from '../src/lib/models/classNames';
import { axe } from './axeAudit';
import { noSidewaysScrollAt } from './layoutChecks';
import './helpers';

const ROOT = new URL('..', import.meta.url).pathname;
const ENSEMBLE = join(ROOT, 'public/models/ensemble-lung-histopathology/ensemble.json');
/** a squamous cell carcinoma slide of Training, read from ../shared, never copied */
const SLIDE = join(ROOT, '../shared/datasets/lung-histopathology/Training/lung_scc/lungscc101.jpeg');
const PHONE = { width: 390, height: 844 };
const LUNG = 'lung-histopathology';
const member = (arch: 'vit' | 'cnn', file: string) => join(ROOT, `public/models/${arch}-${LUNG}`, file);
const haveMembers = existsSync(member('vit', 'model.json')) && existsSync(member('cnn', 'model.json'));

/**
 * The shipped ensemble.json, or (none shipped) a fixture one over the shipped members, served to this
 * page alone by request routing: the page's model discovery and the inference worker both read it.
 */
async function lungEnsemble(page: Page): Promise<EnsembleSpec> {
  if (existsSync(ENSEMBLE)) return parseEnsemble(readFileSync(ENSEMBLE, 'utf8'));
  const manifests = (['vit', 'cnn'] as const).map((a) => parseManifest(readFileSync(member(a, 'model.json'), 'utf8')));
  const spec = fixtureEnsembleSpec(
    {
      classes: manifests[0].config.classes,
      members: manifests.map((m) => ({
        name: `${m.config.architecture}-${LUNG}`,
        architecture: m.config.architecture,
        temperature: m.calibration?.temperature ?? 1,
      })),
      command: 'e2e/ensemble.spec.ts (a fixture: served to the test page only)',
    },
    LUNG,
  );
  const body = serializeEnsemble(spec);
  await page
    .context()
    .route(/\/models\/ensemble-lung-histopathology\/ensemble\.json$/, (route) =>
      route.fulfill({ status: 200, body, contentType: 'application/json' }),
    );
  return spec;
}

test('the lung ensemble is the default, diagnoses a slide the same on the encrypted image, names its members', async ({
  page,
}, testInfo) => {
  test.setTimeout(300_000);
  test.skip(!existsSync(ENSEMBLE) && !haveMembers, `no trained lung ViT and Masked-CNN in public/models`);
  test.skip(!existsSync(SLIDE), `no ${SLIDE}`);
  const spec = await lungEnsemble(page);
  await page.setViewportSize(PHONE);
  const origin = new URL(testInfo.project.use.baseURL ?? 'http://localhost:4173').origin;
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));

  await page.goto('/');
  await expect.poll(() => page.evaluate(() => window.__cipherscanDiagnosis?.modelsStatus())).toBe('ready');
  expect(await page.evaluate(() => window.__cipherscanDiagnosis!.models())).toContain('ensemble-lung-histopathology');
  await page.getByTestId('file-input').setInputFiles(SLIDE);
  await expect
    .poll(() => page.evaluate(() => window.__cipherscan.files()[0]?.status), { timeout: 60_000 })
    .toBe('ready');
  await page.getByTestId('generate-key').click();
  await expect(page.getByTestId('key-check')).toBeVisible({ timeout: 60_000 });

  // the lung dataset opens on its ensemble, and says why
  await page.getByTestId('model-dataset').selectOption('lung-histopathology');
  const ensembleChoice = page.getByTestId('model-arch-ensemble');
  await expect(ensembleChoice).toHaveText('ViT + Masked-CNN (ensemble)');
  await expect(ensembleChoice).toHaveAttribute('aria-checked', 'true');
  await expect(ensembleChoice).toHaveAccessibleDescription(/is the default here: best in \d+-fold cross-validation/);
  await expect(page.getByTestId('default-why')).toContainText(/best in \d+-fold cross-validation: [\d.]+ % vs/);
  await expect(page.getByTestId('model-facts')).toContainText('members ViT + Masked-CNN');
  // the single networks stay choosable
  await expect(page.getByTestId('model-arch-vit')).toBeEnabled();
  await expect(page.getByTestId('model-arch-cnn')).toBeEnabled();

  await page.getByTestId('diagnose').click();
  const result = page.getByTestId('diagnosis-result');
  await expect(result).toBeVisible({ timeout: 180_000 });
  await expect(result).toHaveAttribute('data-agree', 'true');
  await expect(result).toHaveAttribute('data-in-domain', 'true');
  await expect(result).toHaveAttribute('data-uncertain', 'false');
  await expect(page.getByTestId('plain-class')).toHaveText('Squamous cell carcinoma');
  await expect(page.getByTestId('encrypted-class')).toHaveText('Squamous cell carcinoma');
  await expect(page.getByTestId('diagnosis-agreement')).toContainText('Same diagnosis on the encrypted image');
  const members = page.getByTestId('ensemble-members');
  await expect(members).toBeVisible();

  const r = await page.evaluate(() => window.__cipherscanDiagnosis!.result(window.__cipherscan.files()[0].id));
  expect(r?.model).toBe('ensemble-lung-histopathology');
  expect(r!.members!.map((m) => m.model)).toEqual(['vit-lung-histopathology', 'cnn-lung-histopathology']);
  // each member's own class, in words, under its label
  for (const m of r!.members!)
    await expect(page.getByTestId(`ensemble-member-${m.architecture}`)).toContainText(
      `${MEMBER_LABELS[m.architecture]}: ${classLabel(m.plain.prediction.className)}`,
    );
  expect(r!.members!.every((m) => m.agree)).toBe(true);
  expect(r!.maxAbsLogitDiff).toBeLessThan(1e-3);
  expect(r!.maxAbsProbabilityDiff!).toBeLessThan(1e-4);
  // the combined answer is the mean of softmax(logits / T), each member at the temperature ensemble.json records
  const [expected] = meanProbabilities(
    r!.members!.map((m, i) => [softmaxT(m.plain.prediction.logits, spec.members[i].temperature)]),
  );
  r!.plain.prediction.probabilities.forEach((p, c) => expect(p).toBeCloseTo(expected[c], 4));

  // a second diagnosis leaves the worker's tensors where they were
  const before = await page.evaluate(() => window.__cipherscanDiagnosis!.memory());
  // watch every DOM change from before the click, so a short busy state cannot slip between polls
  await page.evaluate(() => {
    const observer = new MutationObserver(() => {
      if (document.querySelector('[data-testid="diagnose"]')?.textContent !== 'Diagnosing…') return;
      document.body.dataset.sawBusy = 'true';
      observer.disconnect();
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.getByTestId('diagnose').click();
  await expect(page.locator('body')).toHaveAttribute('data-saw-busy', 'true', { timeout: 30_000 });
  await expect(page.getByTestId('diagnose')).toHaveText('Diagnose selected scan', { timeout: 120_000 });
  expect((await page.evaluate(() => window.__cipherscanDiagnosis!.memory())).numTensors).toBe(before.numTensors);

  await noSidewaysScrollAt(page, PHONE.width, 'ensemble result');
  expect((await axe(page, 'ensemble result')).serious).toEqual([]);
  const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
  expect(foreign).toEqual([]);
});

test('where cross-validation chose a single network, the lung dataset opens on it and says why from the cards', async ({
  page,
}) => {
  test.skip(existsSync(ENSEMBLE), 'an ensemble ships for the lung dataset: it is the default there');
  test.skip(!haveMembers, 'no trained lung ViT and Masked-CNN in public/models');
  const cards = Object.fromEntries(
    (['vit', 'cnn'] as const).map((a) => [a, JSON.parse(readFileSync(member(a, 'model-card.json'), 'utf8'))]),
  ) as Record<
    'vit' | 'cnn',
    {
      crossValidation?: {
        folds: number;
        choice: string;
        accuracy: { rate: number };
        grouped?: { accuracy: { rate: number } };
        split?: string;
      };
    }
  >;
  const chosen = cards.vit.crossValidation?.choice;
  test.skip(chosen !== 'vit' && chosen !== 'cnn', `the lung cards' cross-validation chose ${chosen}, not one network`);
  const [mine, other] = chosen === 'vit' ? (['vit', 'cnn'] as const) : (['cnn', 'vit'] as const);
  const pct = (a: 'vit' | 'cnn') => `${(cards[a].crossValidation!.accuracy.rate * 100).toFixed(1)} %`;
  // the chosen card's grouped-folds figure (held-out originals), where it has one
  const grouped = cards[mine].crossValidation!.grouped;
  // cards written from grouped folds (the release run) say so in place of "(out of fold)"
  const groupedFolds = /.-grouped$/.test(cards[mine].crossValidation!.split ?? '');
  const folds = `${cards[mine].crossValidation!.folds}-fold cross-validation`;
  const why = groupedFolds
    ? `${MEMBER_LABELS[mine]} is the default here: best in ${folds} on held-out originals (grouped folds) — ` +
      `${MEMBER_LABELS[mine]} ${pct(mine)} vs ${MEMBER_LABELS[other]} ${pct(other)}.`
    : `${MEMBER_LABELS[mine]} is the default here: best in ${folds} — ` +
      `${MEMBER_LABELS[mine]} ${pct(mine)} vs ${MEMBER_LABELS[other]} ${pct(other)} (out of fold)` +
      (grouped ? `; ${(grouped.accuracy.rate * 100).toFixed(1)} % on held-out originals (grouped folds)` : '') +
      '.';
  await page.setViewportSize(PHONE);

  await page.goto('/');
  await expect.poll(() => page.evaluate(() => window.__cipherscanDiagnosis?.modelsStatus())).toBe('ready');
  // from the other network on brain MRI, the lung dataset still opens on the one cross-validation chose
  await page.getByTestId(`model-arch-${other}`).click();
  await page.getByTestId('model-dataset').selectOption(LUNG);
  await expect(page.getByTestId(`model-arch-${mine}`)).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('model-arch-ensemble')).toHaveCount(0);
  await expect(page.getByTestId('default-why')).toHaveText(why);
  await expect(page.getByTestId(`model-arch-${mine}`)).toHaveAccessibleDescription(why);
  await expect(page.getByTestId(`model-arch-${other}`)).toHaveAccessibleDescription('');
  await expect(page.getByTestId('model-facts')).toContainText(`${mine}-${LUNG}`);
  await noSidewaysScrollAt(page, PHONE.width, 'default model line');
  expect((await axe(page, 'default model line')).serious).toEqual([]);
});
