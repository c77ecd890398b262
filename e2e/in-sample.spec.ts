/**
 * The report view of a model trained on all labelled data (issue 18), in the built
 * app: the served lung ViT card is replaced by one that says `data.allLabelled`
 * (made by the release's own builders, with Testing blocks it must not show). Its
 * card shows the 5-fold out-of-fold figure with its 95 % interval and no Testing
 * block, and the committed eval report of that model on Testing draws nothing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { fixtureAllLabelledCard } from '../src/testing/fixtureAllLabelledCard';
import { applyGpuMode } from './webgpuOff';

const ROOT = new URL('..', import.meta.url).pathname;
const MODEL = 'vit-lung-histopathology';
const confusion = [
  [90, 5, 5],
  [5, 90, 5],
  [3, 3, 94],
];
const testing = { n: 300, accuracy: 0.9123, classes: ['lung_aca', 'lung_n', 'lung_scc'], confusion };

test('an all-labelled model: its CV figure, no Testing figure, in the card and the reports', async ({
  page,
}, testInfo) => {
  test.skip(!existsSync(join(ROOT, 'public/models', MODEL, 'model.json')), `no ${MODEL} to serve`);
  await applyGpuMode(page, testInfo);
  const card = { ...fixtureAllLabelledCard(MODEL), test: { plain: testing } };
  await page.route(`**/models/${MODEL}/model-card.json`, (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(card) }),
  );
  await page.goto('/');
  await page.getByTestId('tab-reports').click();
  await expect(page.getByTestId('report-view')).toBeVisible({ timeout: 60_000 });

  const cardView = page.locator('details', { has: page.locator('summary', { hasText: `${MODEL} (model card)` }) });
  await cardView.locator('summary').click();
  await expect(cardView.getByTestId('accuracy-claim')).toContainText(
    'Accuracy 96.67 % (95 % interval 95.67–97.17 %; 2,900 of 3,000 right), 5-fold cross-validation (out of fold)',
  );
  await expect(cardView.getByTestId('accuracy-claim')).toContainText('no held-out Testing split');
  await expect(cardView.getByTestId('testing-withheld')).toBeVisible();
  await expect(cardView.getByTestId('report-block')).toHaveCount(0);
  await expect(cardView).not.toContainText('91.23');

  const evalReport = `docs/reports/${MODEL}.json`;
  if (existsSync(join(ROOT, evalReport))) {
    const reportView = page.locator('details', { has: page.locator('summary', { hasText: evalReport }) });
    await reportView.locator('summary').click();
    await expect(reportView.getByTestId('testing-withheld')).toContainText(`${MODEL} was trained on all labelled data`);
    await expect(reportView.getByTestId('report-block')).toHaveCount(0);
    await expect(reportView.getByTestId('roc-chart')).toHaveCount(0);
  }
});
