/**
 * The accessibility audit (issue 20): axe-core (WCAG 2.0 A/AA and 2.1 AA rules) on every main state
 * of the page — empty, a sample loaded, key made and encrypted, an attack run, diagnosed, the reports
 * view, and the hospital panel signed out and signed in — with zero serious or critical violations
 * allowed and the rest counted in the log; then the keyboard and visual behaviours axe cannot judge:
 * arrow keys in the tab list and the model radios, canvases named after the scan and the view,
 * disabled buttons that look disabled, and the theme toggle.
 */
import { expect, test, type Page } from '@playwright/test';
import { axe, type StateAudit } from './axeAudit';
import { keyAndEncrypt, loadSample } from './helpers';
import { addVirtualAuthenticator, invite } from './serverHelpers';
import { applyGpuMode } from './webgpuOff';

/** axe in the dark theme (the default), then in the light one (by the toggle, as a user would), then back. */
async function audit(page: Page, state: string): Promise<StateAudit[]> {
  const dark = await axe(page, `${state} (dark)`);
  await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  const light = await axe(page, `${state} (light)`);
  await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  return [dark, light];
}

test('axe finds no serious or critical violation in any main state of the page', async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  await applyGpuMode(page, testInfo);
  const audits: StateAudit[] = [];
  await page.goto('/');
  await expect(page.getByTestId('diagnosis-panel')).toBeVisible();
  await expect.poll(() => page.evaluate(() => window.__cipherscanDiagnosis?.modelsStatus())).toBe('ready');
  audits.push(...(await audit(page, 'empty')));
  // a disabled button looks off: no fill (the primary blue gone), a dashed border
  const encryptLook = () =>
    page.getByTestId('encrypt').evaluate((b) => {
      const css = getComputedStyle(b);
      return { background: css.backgroundColor, border: css.borderTopStyle };
    });
  await expect(page.getByTestId('encrypt')).toBeDisabled();
  expect(await encryptLook()).toEqual({ background: 'rgba(0, 0, 0, 0)', border: 'dashed' });

  await loadSample(page);
  audits.push(...(await audit(page, 'sample loaded')));
  await expect(page.getByTestId('encrypt')).toBeEnabled();
  const enabled = await encryptLook();
  expect(enabled.border).toBe('solid');
  expect(enabled.background).not.toBe('rgba(0, 0, 0, 0)');

  await keyAndEncrypt(page);
  audits.push(...(await audit(page, 'key made, encrypted')));
  // each canvas is named after its view and the scan it shows
  const scan = await page.evaluate(() => window.__cipherscan.files()[0]);
  const names = page.getByRole('img');
  await expect(page.getByTestId('canvas-original')).toHaveAttribute(
    'aria-label',
    new RegExp(`^Original view of ${scan.label}, `),
  );
  await expect(page.getByTestId('canvas-encrypted')).toHaveAttribute(
    'aria-label',
    new RegExp(`^Encrypted \\(BPE\\) view of ${scan.label}, `),
  );
  await expect(page.getByTestId('split-view').getByRole('img')).toHaveCount(2);
  for (const side of ['left', 'right'])
    await expect(
      page
        .getByTestId('split-view')
        .getByRole('img', { name: new RegExp(`view of ${scan.label}, .*${side} of the line$`) }),
    ).toHaveCount(1);
  expect(await names.count()).toBeGreaterThanOrEqual(4);

  await page.getByTestId('run-attack').click();
  await expect(page.getByTestId('metrics-attacked')).toBeVisible({ timeout: 60_000 });
  audits.push(...(await audit(page, 'attacked')));

  // the model radios: one Tab stop, the arrow keys move the choice (and focus) to the other model
  const checked = page.locator('[role="radiogroup"] [role="radio"][aria-checked="true"]');
  const first = await checked.getAttribute('data-testid');
  await checked.focus();
  await page.keyboard.press('ArrowRight');
  await expect(checked).not.toHaveAttribute('data-testid', first!);
  await expect(checked).toBeFocused();
  await expect(page.locator('[role="radiogroup"] [role="radio"][tabindex="0"]')).toHaveCount(1);
  await page.keyboard.press('ArrowLeft');
  await expect(checked).toHaveAttribute('data-testid', first!);

  await page.getByTestId('diagnose').click();
  await expect(page.getByTestId('diagnose')).toBeEnabled({ timeout: 120_000 });
  await expect(page.getByTestId('diagnosis-result')).toBeVisible({ timeout: 120_000 });
  audits.push(...(await audit(page, 'diagnosed')));

  // the tab list: arrow keys move between tabs and select them (roving tabindex, ARIA tabs pattern)
  await page.getByTestId('tab-diagnose').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tab-reports')).toBeFocused();
  await expect(page.getByTestId('tab-reports')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('tab-reports')).toHaveAttribute('tabindex', '0');
  await expect(page.getByTestId('tab-diagnose')).toHaveAttribute('tabindex', '-1');
  await expect(page.getByRole('tabpanel')).toHaveAttribute('aria-labelledby', 'tab-reports');
  await expect(page.getByTestId('report-view')).toBeVisible({ timeout: 60_000 });
  // every folded section open, so axe sees its tables and charts
  await page
    .getByTestId('report-view')
    .locator('details')
    .evaluateAll((ds) => ds.forEach((d) => d.setAttribute('open', '')));
  audits.push(...(await audit(page, 'reports')));

  expect(audits.flatMap((a) => a.serious.map((s) => `${a.state}: ${s}`))).toEqual([]);
});

test('axe finds no serious or critical violation in the hospital panel, signed out and signed in', async ({
  browser,
  baseURL,
}) => {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await addVirtualAuthenticator(context, page);
  await page.goto('/');
  await expect(page.getByTestId('server-panel')).toBeVisible();
  await expect(page.getByTestId('join-submit')).toBeVisible();
  const audits = await audit(page, 'hospital signed out');

  const name = `a11y-${Date.now().toString(36)}`;
  await page.getByLabel('Invitation code').fill(await invite(name));
  await page.getByTestId('join-submit').click();
  await expect(page.getByTestId('signed-in-as')).toContainText(`Signed in as ${name}`);
  audits.push(...(await audit(page, 'hospital signed in')));
  await context.close();

  expect(audits.flatMap((a) => a.serious.map((s) => `${a.state}: ${s}`))).toEqual([]);
});

test('dark by default, light on request, remembered across a reload', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/');
  const background = () => page.evaluate(() => getComputedStyle(document.body.parentElement!).backgroundColor);
  // dark even when the system prefers light: scans are read on dark surroundings
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const toggle = page.getByTestId('theme-toggle');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  const dark = await background();
  await toggle.click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  const light = await background();
  expect(light).not.toBe(dark);
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await expect(page.getByTestId('theme-toggle')).toHaveAttribute('aria-pressed', 'true');
  expect(await background()).toBe(light);
});
