/**
 * Diagnosis in the page, in Debian's Chromium with WebGPU on and off: load a real
 * brain-MRI JPEG (read from ../shared, never copied into the repo), make a key,
 * diagnose with each available brain-MRI model, and check that the page's plain
 * and encrypted classes and probabilities are the CLI's (`cipherscan diagnose`)
 * for the same file and key; that the encrypted side agrees with the plain side
 * to float rounding; that the inference backend is shown and is not a software
 * WebGPU adapter; and that repeated diagnoses leak no tensors in the worker.
 *
 * Models: the trained ones under public/models when they exist; otherwise
 * fixture models (random weights, real format) written at test time and served
 * by request routing — the page then shows the same panel, and the comparison
 * with the CLI is just as strict.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { fixtureModelFiles } from '../src/testing/fixtureModel';
import { classLabel } from '../src/lib/models/classNames';
import { cardTraining } from '../src/lib/diagnosis/cardTraining';
import { encodeRgbPng } from '../src/lib/image/png';
import { brainPhantom } from '../src/lib/samples/phantom';
import type {} from '../src/apps/web/diagnosis/diagnosisTestHooks';
import { applyGpuMode } from './webgpuOff';
import { expectSameAnswer } from './helpers';

const run = promisify(execFile);
const ROOT = new URL('..', import.meta.url).pathname;
const JPEG_DIR = join(ROOT, '../shared/datasets/brain-mri/Testing/glioma');
const PUBLIC_MODELS = join(ROOT, 'public/models');

interface CliSide {
  class: string;
  probabilities: number[];
  logits: number[];
}
interface CliDiagnosis {
  classes: string[];
  plain: CliSide;
  encrypted: CliSide;
  agree: boolean;
  maxAbsLogitDiff: number;
}

/** brain-MRI model folders to test: the trained ones, or fixtures written to `outDir`. */
function brainModels(outDir: string): { dirs: Record<string, string>; fixtures: boolean } {
  const trained = existsSync(PUBLIC_MODELS)
    ? readdirSync(PUBLIC_MODELS).filter(
        (n) => /^(vit|cnn)-brain-mri$/.test(n) && existsSync(join(PUBLIC_MODELS, n, 'model.json')),
      )
    : [];
  if (trained.length)
    return { dirs: Object.fromEntries(trained.map((n) => [n, join(PUBLIC_MODELS, n)])), fixtures: false };
  const dirs: Record<string, string> = {};
  for (const arch of ['vit', 'cnn'] as const) {
    const f = fixtureModelFiles(arch, arch === 'vit' ? 21 : 22);
    const dir = join(outDir, `${arch}-brain-mri`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.json'), f.manifestText);
    writeFileSync(join(dir, 'weights.bin'), f.weights);
    dirs[`${arch}-brain-mri`] = dir;
  }
  return { dirs, fixtures: true };
}

/** Serve fixture model folders at /models/<name>/ (for the page and its workers); other names: 404. */
async function serveFixtures(page: Page, dirs: Record<string, string>): Promise<void> {
  await page.context().route(/\/models\/[^/]+\/[^/]+$/, async (route) => {
    const [, name, file] = new URL(route.request().url()).pathname.match(/\/models\/([^/]+)\/([^/]+)$/)!;
    const path = dirs[name] ? join(dirs[name], file) : '';
    if (path && existsSync(path)) {
      await route.fulfill({
        status: 200,
        body: readFileSync(path),
        contentType: file.endsWith('.json') ? 'application/json' : 'application/octet-stream',
      });
    } else {
      await route.fulfill({ status: 404, body: 'not found' });
    }
  });
}

async function cliDiagnose(modelDir: string, input: string, keyPath: string): Promise<CliDiagnosis> {
  const { stdout } = await run(
    'npm',
    ['run', '--silent', 'cli', '--', 'diagnose', '--model', modelDir, '--in', input, '--key', keyPath, '--json'],
    { cwd: ROOT },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

test('diagnose a scan: plain and key-adapted sides agree, and match the CLI for the same file and key', async ({
  page,
}, testInfo) => {
  test.setTimeout(300_000);
  const mode = await applyGpuMode(page, testInfo);
  const jpegs = existsSync(JPEG_DIR)
    ? readdirSync(JPEG_DIR)
        .filter((f) => f.endsWith('.jpg'))
        .sort()
    : [];
  test.skip(jpegs.length === 0, `no brain-MRI test images at ${JPEG_DIR}`);
  const jpegPath = testInfo.outputPath('mri.jpg');
  writeFileSync(jpegPath, readFileSync(join(JPEG_DIR, jpegs[0])));

  const { dirs, fixtures } = brainModels(testInfo.outputPath('models'));
  if (fixtures) await serveFixtures(page, dirs);
  const names = Object.keys(dirs).sort();

  await page.goto('/');
  await expect(page.getByTestId('diagnosis-panel')).toBeVisible();
  await expect.poll(() => page.evaluate(() => window.__cipherscanDiagnosis?.modelsStatus())).toBe('ready');
  expect(
    (await page.evaluate(() => window.__cipherscanDiagnosis!.models())).filter((n) => n.endsWith('brain-mri')).sort(),
  ).toEqual(names);

  const { fileId, keyPath } = await loadScanWithNewKey(page, jpegPath, testInfo);

  await page.getByTestId('model-dataset').selectOption('brain-mri');
  for (const name of names) {
    const arch = name.split('-')[0];
    await page.getByTestId(`model-arch-${arch}`).click();
    await page.getByTestId('diagnose').click();
    await expect
      .poll(
        () =>
          page.evaluate(([id, n]) => window.__cipherscanDiagnosis!.result(id, n)?.model ?? null, [
            fileId,
            name,
          ] as const),
        { timeout: 120_000 },
      )
      .toBe(name);
    await expect(page.getByTestId('diagnosis-error')).toHaveCount(0);
    const r = (await page.evaluate(([id, n]) => window.__cipherscanDiagnosis!.result(id, n), [fileId, name] as const))!;

    // the page: both sides, the same diagnosis, logits equal to float rounding, adaptation fast
    await expect(page.getByTestId('diagnosis-result')).toBeVisible();
    // the page shows the class's name for people; the result object keeps the model's id
    await expect(page.getByTestId('plain-class')).toHaveText(classLabel(r.plain.prediction.className));
    await expect(page.getByTestId('encrypted-class')).toHaveText(classLabel(r.encrypted.prediction.className));
    await expect(page.getByTestId('encrypted-probabilities').locator('.prob-bar')).toHaveCount(r.classes.length);
    expect(r.agree).toBe(true);
    expect(r.maxAbsLogitDiff).toBeLessThan(1e-3);
    // adaptation is timed and shown; its speed is measured in `npm run bench -- --suite inference` (2-25 ms),
    // not asserted here: a time limit in an e2e test fails on a loaded machine (111 ms once in CI)
    expect(r.encrypted.adaptMs).toBeGreaterThan(0);
    await expectSameAnswer(page);

    // the CLI, same file and key: same classes and probabilities
    const cli = await cliDiagnose(dirs[name], jpegPath, keyPath);
    expect(cli.classes).toEqual(r.classes);
    expect(r.plain.prediction.className, `${name} plain class`).toBe(cli.plain.class);
    expect(r.encrypted.prediction.className, `${name} encrypted class`).toBe(cli.encrypted.class);
    for (const [pageSide, cliSide] of [
      [r.plain, cli.plain],
      [r.encrypted, cli.encrypted],
    ] as const) {
      const diff = Math.max(...pageSide.prediction.probabilities.map((p, i) => Math.abs(p - cliSide.probabilities[i])));
      expect(diff, `${name}: page vs CLI probabilities (${r.backend})`).toBeLessThan(1e-3);
    }
    // fixtures have random weights: make sure the output is not flat (so the comparison means something)
    if (fixtures)
      expect(Math.max(...cli.plain.probabilities) - Math.min(...cli.plain.probabilities)).toBeGreaterThan(0.02);
  }

  // the backend in use is shown and exposed; a software WebGPU adapter is not used for inference
  const backend = (await page.evaluate(() => window.__cipherscanDiagnosis!.backend()))!;
  expect(['webgpu', 'webgl', 'wasm', 'cpu']).toContain(backend.backend);
  await expect(page.getByTestId('inference-backend')).toHaveAttribute('data-backend', backend.backend);
  if (mode === 'webgpu-off') expect(backend.backend).not.toBe('webgpu');
  if (backend.webgpuAdapter?.software) expect(backend.backend).not.toBe('webgpu');
  expect(backend.probes.find((p) => p.backend === 'wasm')?.started).toBe(true); // the .wasm files load from our origin
  testInfo.annotations.push({
    type: 'inference backend',
    description: `${backend.label}; adapter ${backend.webgpuAdapter?.label ?? 'none'}`,
  });

  // no tensor leaks in the worker across repeated diagnoses
  const before = await page.evaluate(() => window.__cipherscanDiagnosis!.memory());
  for (let i = 0; i < 2; i++) {
    await page.getByTestId('diagnose').click();
    await expect(page.getByTestId('diagnose')).toBeEnabled({ timeout: 60_000 });
  }
  const after = await page.evaluate(() => window.__cipherscanDiagnosis!.memory());
  expect(after.numTensors).toBe(before.numTensors);

  // a second scan (synthetic phantom written now): "diagnose all" fills one row per scan
  const phantomPath = testInfo.outputPath('phantom.png');
  writeFileSync(phantomPath, encodeRgbPng(brainPhantom({ seed: 5, lesion: 0.2 })));
  await page.getByTestId('file-input').setInputFiles(phantomPath);
  await expect
    .poll(() => page.evaluate(() => window.__cipherscan.files().map((f) => f.status)), { timeout: 60_000 })
    .toEqual(['ready', 'ready']);
  await page.getByTestId('diagnose-all').click();
  const second = (await page.evaluate(() => window.__cipherscan.files()))[1].id;
  // the table lists every file at once ("not diagnosed yet" until its result comes): wait for the result
  await expect
    .poll(
      () =>
        page.evaluate(([id, n]) => window.__cipherscanDiagnosis!.result(id, n) !== null, [
          second,
          names.at(-1)!,
        ] as const),
      { timeout: 120_000 },
    )
    .toBe(true);
  await expect(page.getByTestId('all-scans').locator('tbody tr')).toHaveCount(2);
  await expect(page.getByTestId('all-scans')).not.toContainText('not diagnosed yet');
  const r2 = (await page.evaluate(([id, n]) => window.__cipherscanDiagnosis!.result(id, n), [
    second,
    names.at(-1)!,
  ] as const))!;
  expect(r2.agree).toBe(true);
  expect(r2.maxAbsLogitDiff).toBeLessThan(1e-3);

  // the report view draws what is committed: trained models have a model card with curves and a confusion matrix
  await page.getByTestId('tab-reports').click();
  await expect(page.getByTestId('report-view')).toBeVisible();
  if (!fixtures) {
    await expect(page.getByTestId('training-curves').first()).toBeVisible();
    await expect(page.getByTestId('confusion-matrix').first()).toBeVisible();
    // an eval report committed under docs/reports (bundled at build time) brings the ROC curves; not of a model
    // trained on all labelled data, whose Testing blocks the view withholds (its report is of an earlier release)
    const allLabelled = (n: string) =>
      cardTraining(JSON.parse(readFileSync(join(PUBLIC_MODELS, n, 'model-card.json'), 'utf8'))).allLabelled;
    const evalReport = names.find((n) => existsSync(join(ROOT, 'docs/reports', `${n}.json`)) && !allLabelled(n));
    if (evalReport) {
      await page.locator('summary', { hasText: `docs/reports/${evalReport}.json` }).click();
      await expect(page.getByTestId('roc-chart').first()).toBeVisible();
      await expect(page.getByTestId('report-table').first()).toBeVisible(); // the attack rows
    }
    // the poisoning study: its settings (over seeds) and its runs, as tables
    const poisoning = page.locator('details', {
      has: page.locator('summary', { hasText: 'docs/reports/poisoning-cnn-brain-mri.json' }),
    });
    await poisoning.locator('summary').click();
    await expect(poisoning.getByTestId('report-table')).toHaveCount(2);
    await expect(poisoning.getByTestId('report-table').first()).toContainText('bit-flip 10 %');
  } else {
    await expect(page.getByTestId('report-view')).toContainText('no model card');
  }
});

test('without trained models the panel says so and offers no diagnosis', async ({ page }, testInfo) => {
  await applyGpuMode(page, testInfo);
  await page.context().route(/\/models\/[^/]+\/[^/]+$/, (route) => route.fulfill({ status: 404, body: 'not found' }));
  await page.goto('/');
  await expect.poll(() => page.evaluate(() => window.__cipherscanDiagnosis?.modelsStatus())).toBe('ready');
  await expect(page.getByTestId('no-model')).toContainText('No trained model available');
  await expect(page.getByTestId('diagnose')).toHaveCount(0);
});

test('on the webgpu backend the encrypted image goes from the BPE kernel to the model on the GPU, same answer as the CLI', async ({
  page,
}, testInfo) => {
  test.setTimeout(300_000);
  const mode = await applyGpuMode(page, testInfo);
  test.skip(mode === 'webgpu-off', 'needs WebGPU');
  const jpegs = existsSync(JPEG_DIR)
    ? readdirSync(JPEG_DIR)
        .filter((f) => f.endsWith('.jpg'))
        .sort()
    : [];
  test.skip(jpegs.length === 0, `no brain-MRI test images at ${JPEG_DIR}`);
  const jpegPath = testInfo.outputPath('mri.jpg');
  writeFileSync(jpegPath, readFileSync(join(JPEG_DIR, jpegs[1] ?? jpegs[0])));
  const { dirs, fixtures } = brainModels(testInfo.outputPath('models'));
  if (fixtures) await serveFixtures(page, dirs);
  const name = Object.keys(dirs).sort()[0];

  // forced: the probe would (rightly) pick wasm over a software adapter
  await page.goto('/?inference=webgpu');
  await expect.poll(() => page.evaluate(() => window.__cipherscanDiagnosis?.modelsStatus())).toBe('ready');
  const { fileId, keyPath } = await loadScanWithNewKey(page, jpegPath, testInfo);

  await page.getByTestId('model-dataset').selectOption('brain-mri');
  await page.getByTestId(`model-arch-${name.split('-')[0]}`).click();
  await page.getByTestId('diagnose').click();
  await expect
    .poll(
      () =>
        page.evaluate(([id, n]) => window.__cipherscanDiagnosis!.result(id, n)?.model ?? null, [fileId, name] as const),
      { timeout: 240_000 },
    )
    .toBe(name);
  const backend = (await page.evaluate(() => window.__cipherscanDiagnosis!.backend()))!;
  test.skip(
    backend.backend !== 'webgpu',
    `the tfjs webgpu backend did not start here: ${backend.probes.map((p) => `${p.backend} ${p.note ?? ''}`).join('; ')}`,
  );
  const r = (await page.evaluate(([id, n]) => window.__cipherscanDiagnosis!.result(id, n), [fileId, name] as const))!;
  expect(r.backend).toBe('webgpu');
  expect(r.encrypted.inputPath).toBe('gpu-buffer');
  await expect(page.getByTestId('encrypted-latency')).toContainText('no CPU round trip');
  expect(r.agree).toBe(true);
  expect(r.maxAbsLogitDiff).toBeLessThan(1e-3);
  const cli = await cliDiagnose(dirs[name], jpegPath, keyPath);
  expect(r.encrypted.prediction.className).toBe(cli.encrypted.class);
  const diff = Math.max(
    ...r.encrypted.prediction.probabilities.map((p, i) => Math.abs(p - cli.encrypted.probabilities[i])),
  );
  expect(diff, 'webgpu page vs wasm CLI probabilities').toBeLessThan(1e-3);

  // a new key: the worker drops the old key's tables (GPU ones too) and the GPU path still works
  const oldCheck = await page.evaluate(() => window.__cipherscan.keyCheck);
  await page.getByTestId('generate-key').click();
  await expect.poll(() => page.evaluate(() => window.__cipherscan.keyCheck)).not.toBe(oldCheck);
  await expect(page.getByTestId('diagnosis-result')).toHaveCount(0); // the old key's result is gone
  await page.getByTestId('diagnose').click();
  await expect
    .poll(
      () =>
        page.evaluate(([id, n]) => window.__cipherscanDiagnosis!.result(id, n)?.model ?? null, [fileId, name] as const),
      { timeout: 240_000 },
    )
    .toBe(name);
  const again = (await page.evaluate(([id, n]) => window.__cipherscanDiagnosis!.result(id, n), [
    fileId,
    name,
  ] as const))!;
  expect(again.encrypted.inputPath).toBe('gpu-buffer');
  expect(again.encrypted.adaptedNow).toBe(true);
  expect(again.agree).toBe(true);
  expect(again.plain.prediction.probabilities).toEqual(r.plain.prediction.probabilities);
});

/** Loads one scan, makes a random key and saves its key file (for the CLI side of the comparison). */
async function loadScanWithNewKey(
  page: Page,
  scanPath: string,
  testInfo: TestInfo,
): Promise<{ fileId: string; keyPath: string }> {
  await page.getByTestId('file-input').setInputFiles(scanPath);
  await expect
    .poll(() => page.evaluate(() => window.__cipherscan.files().map((f) => f.status)), { timeout: 60_000 })
    .toEqual(['ready']);
  const fileId = (await page.evaluate(() => window.__cipherscan.files()))[0].id;
  await page.getByTestId('generate-key').click();
  await expect(page.getByTestId('key-check')).toBeVisible({ timeout: 60_000 });
  const keyPath = testInfo.outputPath('key.json');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-key').click()]);
  await download.saveAs(keyPath);
  return { fileId, keyPath };
}
