/**
 * Makes docs/screenshot.png, the README's picture: the built app (run `npm run build`
 * first) served on 127.0.0.1, a built-in synthetic phantom loaded, a random key made,
 * the scan encrypted and diagnosed, the whole page at 1440 px wide in Debian's Chromium.
 *   npx tsx scripts/screenshot.ts [OUT.png]      (DIST=folder: another build folder)
 * Uses only synthetic data: no real scan ever goes into the repository.
 */
import { chromium } from '@playwright/test';
import { preview } from 'vite';

const out = process.argv[2] ?? 'docs/screenshot.png';
const server = await preview({
  build: { outDir: process.env.DIST ?? 'dist' },
  preview: { host: '127.0.0.1', port: 4180, strictPort: true },
  logLevel: 'warn',
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto('http://127.0.0.1:4180/');
  await page.getByTestId('sample-gallery').locator('button.sample').first().click();
  // only what a user sees: the production build has no test hooks
  const firstFile = page.getByTestId('file-list').locator('[data-status]').first();
  await firstFile.and(page.locator('[data-status="ready"]')).waitFor({ timeout: 60_000 });
  await page.getByTestId('generate-key').click();
  await page.getByTestId('encrypt').click();
  await firstFile.and(page.locator('[data-status="encrypted"]')).waitFor({ timeout: 60_000 });
  await page.getByTestId('model-dataset').selectOption('brain-mri');
  await page.getByTestId('model-arch-cnn').click();
  await page.getByTestId('diagnose').click();
  await page.getByTestId('diagnosis-result').waitFor({ timeout: 120_000 });
  // the status bar is fixed to the viewport: in a full-page picture it would float mid-page
  await page.addStyleTag({ content: '.status-bar { position: static; }' });
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  server.httpServer.close();
}
