/**
 * Presenter mode (issue 20, "present cleanly"), in the built app: the toggle beside the theme
 * toggle folds the internals away (probe and inference times, the model's load times, the logit
 * difference, adaptation time against its target, the status bar's step timings), sets larger
 * type, and writes each privacy score's meaning and a verdict in words beside its value (axe:
 * nothing serious in either theme); the choice survives a reload, applied before the first render.
 */
import { expect, test, type Page } from '@playwright/test';
import { axe } from './axeAudit';
import { expectSameAnswer, keyAndEncrypt, loadSample } from './helpers';
import { applyGpuMode } from './webgpuOff';
import { METRIC_MEANINGS, VERDICT_TEXT } from '../src/apps/web/presenter/metricMeanings';
import type { LeakageMetrics } from '../src/apps/web/state/results';

const rootFontSize = (page: Page) =>
  page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));

test('presenter mode hides the internals, writes what each score means, and survives a reload', async ({
  page,
}, testInfo) => {
  test.setTimeout(240_000);
  await applyGpuMode(page, testInfo);
  await page.goto('/');
  await loadSample(page);
  await keyAndEncrypt(page);
  await page.getByTestId('diagnose').click();
  await expect(page.getByTestId('diagnosis-result')).toBeVisible({ timeout: 120_000 });
  // a scan the model is not sure about (or refuses) keeps its columns behind a disclosure: open it
  const result = page.getByTestId('diagnosis-result');
  if (
    (await result.getAttribute('data-uncertain')) === 'true' ||
    (await result.getAttribute('data-in-domain')) === 'false'
  )
    await page.getByTestId('domain-show-anyway').locator('summary').click();

  const internals = [
    page.getByTestId('model-facts'),
    page.getByTestId('inference-backend'),
    page.getByTestId('plain-latency'),
    page.getByTestId('encrypted-latency'),
    page.getByTestId('adaptation-time'),
    page.locator('.logit-difference'),
    page.locator('.status-bar .timing').first(),
  ];
  const scores = page.getByTestId('metrics-encrypted');
  // the working view: internals shown, meanings not
  for (const el of internals) await expect(el).toBeVisible();
  await expect(scores.getByTestId('metric-meaning')).toHaveCount(4);
  for (const m of await scores.getByTestId('metric-meaning').all()) await expect(m).toBeHidden();
  const normalSize = await rootFontSize(page);

  const toggle = page.getByTestId('presenter-toggle');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  for (const el of internals) await expect(el).toBeHidden();
  // the answer stays: both classes and whether they agree
  await expect(page.getByTestId('plain-class')).toBeVisible();
  await expect(page.getByTestId('encrypted-class')).toBeVisible();
  await expectSameAnswer(page);
  expect(await rootFontSize(page)).toBeGreaterThanOrEqual(normalSize * 1.2);

  // each score: its meaning in one line, and a verdict in words that matches its value
  for (const m of await scores.getByTestId('metric-meaning').all()) await expect(m).toBeVisible();
  await expect(scores).toContainText("Below 10 dB: the attacker's image is noise");
  for (const name of Object.keys(METRIC_MEANINGS) as (keyof LeakageMetrics)[]) {
    const row = scores.locator('.metric', { has: page.locator(`[data-metric="${name}"]`) });
    const value = parseFloat((await row.locator(`[data-metric="${name}"]`).textContent())!);
    const verdict = METRIC_MEANINGS[name].verdict(value);
    await expect(row.getByTestId('metric-verdict')).toBeVisible();
    await expect(row.getByTestId('metric-verdict')).toHaveText(VERDICT_TEXT[verdict]);
    await expect(row).toHaveAttribute('data-verdict', verdict);
  }

  // the verdicts' colours and the meaning lines read in either theme (axe: no serious or critical violation)
  expect((await axe(page, 'presenter, dark')).serious).toEqual([]);
  await page.getByTestId('theme-toggle').click();
  expect((await axe(page, 'presenter, light')).serious).toEqual([]);
  await page.getByTestId('theme-toggle').click();

  // remembered, and applied before the first render (no flash of the internals' type size)
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-presenter', 'on');
  await expect(page.getByTestId('presenter-toggle')).toHaveAttribute('aria-pressed', 'true');
  expect(await rootFontSize(page)).toBeGreaterThanOrEqual(normalSize * 1.2);
  await page.getByTestId('presenter-toggle').click();
  await page.reload();
  await expect(page.getByTestId('presenter-toggle')).toHaveAttribute('aria-pressed', 'false');
  await expect(page.locator('html')).not.toHaveAttribute('data-presenter', 'on');
  expect(await rootFontSize(page)).toBe(normalSize);
});
