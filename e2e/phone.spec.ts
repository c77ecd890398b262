/**
 * The page on a phone (issue 20), 390 × 844 CSS pixels, touch: the three views each large enough
 * to read (one per row), a slim status bar that never covers a button at any scroll position, and
 * no page-level horizontal scroll in any main state (wide tables scroll inside their own box); and no
 * serious or critical axe violation at this width either (a table scrolling in its own box must be
 * reachable by keyboard, for one).
 */
import { expect, test, type Page } from '@playwright/test';
import { axe } from './axeAudit';
import { keyAndEncrypt, loadSample } from './helpers';
import { applyGpuMode } from './webgpuOff';
import { controlsUnderStatusBar, noSidewaysScrollAt } from './layoutChecks';

const PHONE = { width: 390, height: 844 };

test.use({ viewport: PHONE, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });

const noSidewaysScroll = (page: Page, state: string) => noSidewaysScrollAt(page, PHONE.width, state);

test('on a phone: views one per row and readable, a slim status bar covering no button, no sideways scroll', async ({
  page,
}, testInfo) => {
  test.setTimeout(300_000);
  await applyGpuMode(page, testInfo);
  await page.goto('/');
  await expect(page.getByTestId('diagnosis-panel')).toBeVisible();
  await noSidewaysScroll(page, 'empty');

  await loadSample(page);
  await keyAndEncrypt(page);
  await page.getByTestId('run-attack').click();
  await expect(page.getByTestId('metrics-attacked')).toBeVisible({ timeout: 60_000 });
  await noSidewaysScroll(page, 'encrypted and attacked');
  const serious = (await axe(page, 'phone, attacked')).serious;

  // each view on a row of its own, wide enough to read a 200 × 200 model input at 1:1 or better
  const boxes = await page
    .locator('.view-grid .view-box')
    .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
  expect(boxes).toHaveLength(3);
  for (const b of boxes) expect(b.width).toBeGreaterThanOrEqual(300);
  expect(boxes[1].top).toBeGreaterThanOrEqual(boxes[0].bottom);
  expect(boxes[2].top).toBeGreaterThanOrEqual(boxes[1].bottom);
  // the split view too
  const split = await page.getByTestId('split-view').boundingBox();
  expect(split!.width).toBeGreaterThanOrEqual(300);

  // the status bar: slim (one line), and no control is ever under it
  const bar = await page.getByTestId('status-bar').boundingBox();
  expect(bar!.height).toBeLessThanOrEqual(40);
  expect(await controlsUnderStatusBar(page)).toEqual([]);

  // a second scan, diagnose all: the all-scans table; then the reports' wide tables
  await page.getByTestId('sample-gallery').locator('button.sample').nth(1).click();
  await expect
    .poll(() => page.evaluate(() => window.__cipherscan.files()[1]?.status), { timeout: 60_000 })
    .toBe('ready');
  await page.getByTestId('encrypt').click();
  await page.getByTestId('diagnose-all').click();
  await expect(page.getByTestId('all-scans')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('all-scans')).not.toContainText('not diagnosed yet', { timeout: 120_000 });
  await noSidewaysScroll(page, 'diagnosed');
  expect(await controlsUnderStatusBar(page)).toEqual([]);

  await page.getByTestId('tab-reports').click();
  await expect(page.getByTestId('report-view')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('confusion-matrix').first()).toBeVisible({ timeout: 60_000 });
  // every folded section open, so its tables are laid out too
  await page
    .getByTestId('report-view')
    .locator('details')
    .evaluateAll((ds) => ds.forEach((d) => d.setAttribute('open', '')));
  await expect(page.getByTestId('report-table').first()).toBeVisible();
  await noSidewaysScroll(page, 'reports');
  expect(await controlsUnderStatusBar(page)).toEqual([]);
  serious.push(...(await axe(page, 'phone, reports')).serious);
  expect(serious).toEqual([]);
});
