/**
 * Startup (issue 20, "present cleanly"), in the built app: the first control comes before tfjs —
 * nothing of the inference worker, tfjs or its .wasm is requested until a scan is chosen, not even
 * while the page sits idle — and once a scan is loading the chosen model warms up in the
 * background, saying what is loading, with "Diagnose selected scan" usable meanwhile (a click
 * joins the load). Its timings are in `npm run bench -- --suite startup`.
 */
import { expect, test } from '@playwright/test';
import { applyGpuMode } from './webgpuOff';

const INFERENCE = /inference\.worker|tfjs/;
/** how long the weights are held back, so that the warm-up is still under way when the test looks */
const WEIGHTS_DELAY_MS = 4000;

test('tfjs loads only once a scan is chosen, and the model warms up in the background with progress', async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  await applyGpuMode(page, testInfo);
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  await page.context().route(/\/models\/[^/]+\/weights\.bin$/, async (route) => {
    await new Promise((r) => setTimeout(r, WEIGHTS_DELAY_MS));
    await route.continue();
  });

  await page.goto('/');
  const sample = page.getByTestId('sample-gallery').locator('button.sample').first();
  await expect(sample).toBeEnabled();
  expect(
    requested.filter((u) => INFERENCE.test(u)),
    'requested before the first control',
  ).toEqual([]);
  // an idle page with models listed still loads no tfjs: nothing is warmed before a scan is chosen
  await expect.poll(() => page.evaluate(() => window.__cipherscanDiagnosis?.modelsStatus())).toBe('ready');
  await page.waitForTimeout(1000);
  expect(
    requested.filter((u) => INFERENCE.test(u)),
    'requested by an idle page',
  ).toEqual([]);

  // a scan: the inference worker starts before any click on Diagnose, and the page says what loads
  await sample.click();
  await expect.poll(() => requested.some((u) => /inference\.worker/.test(u))).toBe(true);
  await expect(page.getByTestId('model-loading')).toBeVisible();
  await expect(page.getByTestId('status-model-loading')).toContainText(
    /Starting the inference engine|Loading the model/,
  );
  // the weights are held back: the warm-up is still loading them when the user is ready
  await expect(page.getByTestId('model-loading')).toHaveAttribute('data-stage', 'weights', { timeout: 60_000 });
  await expect(page.getByTestId('model-loading')).toContainText(/Loading the model \S+: \d+ %/);
  await page.getByTestId('generate-key').click();
  const diagnose = page.getByTestId('diagnose');
  await expect(diagnose).toBeEnabled();
  await diagnose.click();
  await expect(page.getByTestId('diagnosis-result')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('model-loading')).toHaveCount(0);
  await expect(page.getByTestId('status-model-loading')).toHaveCount(0);
  // one load of the weights: the click joined the warm-up instead of starting another
  expect(requested.filter((u) => /\/weights\.bin$/.test(u))).toHaveLength(1);
});
