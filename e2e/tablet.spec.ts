/**
 * The page on a tablet (issue 20), 820 × 1180 CSS pixels portrait, touch: no page-level sideways
 * scroll in any main state (the original viewer and wide tables stay in their boxes), the model views
 * large enough to read a 200 × 200 input at 1:1, the original viewer on screen, and a slim status bar
 * that hides no control for good (it stays at the bottom, as on a desktop, so it may pass over one while
 * scrolling; on a phone it is not sticky at all: phone.spec.ts).
 */
import { expect, test } from '@playwright/test';
import { keyAndEncrypt, loadSample } from './helpers';
import { applyGpuMode } from './webgpuOff';
import { axe } from './axeAudit';
import { controlsHiddenByStatusBar, noSidewaysScrollAt } from './layoutChecks';

const TABLET = { width: 820, height: 1180 };

test.use({ viewport: TABLET, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });

test('on a tablet: readable views, the original viewer in its box, no sideways scroll, no covered control', async ({
  page,
}, testInfo) => {
  test.setTimeout(240_000);
  await applyGpuMode(page, testInfo);
  await page.goto('/');
  await expect(page.getByTestId('diagnosis-panel')).toBeVisible();
  await noSidewaysScrollAt(page, TABLET.width, 'empty');

  await loadSample(page);
  await keyAndEncrypt(page);
  await noSidewaysScrollAt(page, TABLET.width, 'encrypted');
  const boxes = await page
    .locator('.view-grid .view-box')
    .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
  expect(boxes).toHaveLength(3);
  for (const b of boxes) expect(b.width).toBeGreaterThanOrEqual(200);
  expect((await page.getByTestId('status-bar').boundingBox())!.height).toBeLessThanOrEqual(48);
  const viewer = (await page.getByTestId('original-viewer').boundingBox())!;
  expect(viewer.x).toBeGreaterThanOrEqual(0);
  expect(viewer.x + viewer.width).toBeLessThanOrEqual(TABLET.width);
  expect(await controlsHiddenByStatusBar(page)).toEqual([]);

  await page.getByTestId('diagnose').click();
  await expect(page.getByTestId('diagnosis-result')).toBeVisible({ timeout: 120_000 });
  await noSidewaysScrollAt(page, TABLET.width, 'diagnosed');
  expect(await controlsHiddenByStatusBar(page)).toEqual([]);

  await page.getByTestId('tab-reports').click();
  await expect(page.getByTestId('report-view')).toBeVisible({ timeout: 60_000 });
  await page
    .getByTestId('report-view')
    .locator('details')
    .evaluateAll((ds) => ds.forEach((d) => d.setAttribute('open', '')));
  await noSidewaysScrollAt(page, TABLET.width, 'reports');
  expect(await controlsHiddenByStatusBar(page)).toEqual([]);
  // a table scrolling in its own box, and the one-line status bar, must be reachable by keyboard
  expect((await axe(page, 'tablet, reports')).serious).toEqual([]);
});
