/**
 * The page's own behaviour (issue 20, "Broken"): the split view's line where its handle is at any zoom
 * and pan, errors shown beside the control that caused them, a key replaced only after asking (random,
 * passphrase or key file), the AES report's wording, and the split view before anything is encrypted.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { applyGpuMode } from './webgpuOff';
import { compareSides, keyAndEncrypt, loadSample, sidesShowing, splitScreen, viewPixels, type Rgb } from './helpers';

async function expectSidesMatch(page: Page, left: Rgb, right: Rgb, what: string): Promise<void> {
  // retried for a few seconds: right after a step the views may still be redrawing (seen once in CI, WebGPU
  // off, straight after encryption); a wrong boundary stays wrong and still fails
  await expect(async () => {
    const sides = compareSides(await splitScreen(page), left, right);
    for (const side of ['left', 'right'] as const) {
      expect(sides[side].compared, `${what}: ${side} samples`).toBeGreaterThan(50);
      expect(sides[side].wrong / sides[side].compared, `${what}: ${side} of the line`).toBeLessThan(0.03);
    }
  }).toPass({ timeout: 10_000 });
}

test('the split view switches images exactly at its handle, at any zoom and pan; its keys move only the handle', async ({
  page,
}, testInfo) => {
  await applyGpuMode(page, testInfo);
  await page.goto('/');
  await loadSample(page);
  await keyAndEncrypt(page);
  const original = await viewPixels(page, 'original');
  const encrypted = await viewPixels(page, 'encrypted');
  const handle = page.getByTestId('split-handle');
  const frame = page.getByTestId('split-view');

  await expectSidesMatch(page, original, encrypted, '100 %, handle at 50 %');

  await page.getByTestId('zoom-in').click();
  await page.getByTestId('zoom-in').click();
  await expect(page.getByTestId('zoom-level')).toHaveText('225%');
  await expectSidesMatch(page, original, encrypted, '225 %, handle at 50 %');

  // drag the handle to about 23 % of the frame
  const box = (await frame.boundingBox())!;
  const hb = (await handle.boundingBox())!;
  await page.mouse.move(hb.x + hb.width / 2, hb.y + hb.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 0.23 * box.width, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect(handle).toHaveAttribute('aria-valuenow', '23');
  await expectSidesMatch(page, original, encrypted, '225 %, handle at 23 %');

  // pan by dragging the image (away from the handle)
  await page.mouse.move(box.x + 0.7 * box.width, box.y + 0.6 * box.height);
  await page.mouse.down();
  await page.mouse.move(box.x + 0.55 * box.width, box.y + 0.45 * box.height, { steps: 5 });
  await page.mouse.up();
  const canvas = frame.locator('canvas').first();
  const panned = await canvas.evaluate((c) => (c as HTMLElement).style.transform);
  expect(panned).not.toContain('translate(0%, 0%)');
  await expectSidesMatch(page, original, encrypted, '225 %, panned, handle at 23 %');

  // the handle's arrow keys move the handle, not the image
  await handle.focus();
  for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowRight');
  await expect(handle).toHaveAttribute('aria-valuenow', '63');
  expect(await canvas.evaluate((c) => (c as HTMLElement).style.transform)).toBe(panned);
  await expectSidesMatch(page, original, encrypted, '225 %, panned, handle at 63 %');

  // and back to 100 % with the pan kept: the frame shows black beside the image, still split at the handle
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Zoom out' }).click();
  await expectSidesMatch(page, original, encrypted, '100 %, panned, handle at 63 %');
});

test('an error shows beside the control that caused it, in view; Run attack says why it is off; an old attack image goes', async ({
  page,
}, testInfo) => {
  await applyGpuMode(page, testInfo);
  await page.goto('/');
  await loadSample(page);

  // Encrypt without a key: the message is next to the Encrypt button and on screen right after the click
  await page.getByTestId('encrypt').click();
  const error = page.getByRole('alert').filter({ hasText: 'make or load a key first' });
  await expect(error).toBeInViewport();
  await expect(page.locator('.views-panel').getByTestId('workspace-error')).toHaveText(/key first/);

  await keyAndEncrypt(page);
  await expect(page.getByTestId('workspace-error')).toHaveCount(0);

  // Known-plaintext with one scan: no known pair, so Run attack is off and says why
  await page.getByTestId('attack-kind').selectOption('known-plaintext');
  await expect(page.getByTestId('run-attack')).toBeDisabled();
  await expect(page.getByTestId('attack-blocked')).toContainText('needs a second scan');
  await expect(page.getByTestId('run-attack')).toHaveAccessibleDescription(/needs a second scan/);

  // a new attack removes the previous attack's image when it starts (it would pass for the new one's)
  await page.getByTestId('attack-kind').selectOption('leading-bit');
  await expect(page.getByTestId('run-attack')).toBeEnabled();
  await page.getByTestId('run-attack').click();
  await expect.poll(() => page.evaluate(() => window.__cipherscan.attack()?.kind)).toBe('leading-bit');
  await expect(page.getByTestId('canvas-attacked')).toBeVisible();
  await page.evaluate(() => {
    const w = window as unknown as { attackedCanvasRemoved: boolean };
    w.attackedCanvasRemoved = false;
    new MutationObserver((records) => {
      for (const r of records)
        for (const n of r.removedNodes)
          if ((n as Element).getAttribute?.('data-testid') === 'canvas-attacked') w.attackedCanvasRemoved = true;
    }).observe(document.querySelector('[data-testid="view-attacked"]')!, { childList: true, subtree: true });
  });
  await page.getByTestId('attack-kind').selectOption('min-difference');
  await page.getByTestId('run-attack').click();
  await expect
    .poll(() => page.evaluate(() => window.__cipherscan.attack()?.kind), { timeout: 60_000 })
    .toBe('min-difference');
  expect(
    await page.evaluate(() => (window as unknown as { attackedCanvasRemoved: boolean }).attackedCanvasRemoved),
  ).toBe(true);
});

test('Random key asks before replacing a key that has work: Cancel and Escape keep everything, Replace drops it', async ({
  page,
}, testInfo) => {
  await applyGpuMode(page, testInfo);
  await page.goto('/');
  await loadSample(page);
  await keyAndEncrypt(page); // the first key: nothing to lose, no question
  const check = await page.evaluate(() => window.__cipherscan.keyCheck);
  await Promise.all([page.waitForEvent('download'), page.getByTestId('export-package').click()]);
  await expect(page.getByTestId('package-footprint')).toBeVisible();

  const dialog = page.getByRole('dialog', { name: 'Replace the key in use?' });
  const stillTheSame = async () => {
    await expect(dialog).toHaveCount(0);
    expect(await page.evaluate(() => window.__cipherscan.keyCheck)).toBe(check);
    expect(await page.evaluate(() => window.__cipherscan.files()[0]?.status)).toBe('encrypted');
    await expect(page.getByTestId('package-footprint')).toBeVisible();
  };

  await page.getByTestId('generate-key').click();
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('1 scan loses the encrypted image made with it');
  await expect(dialog).toContainText('1 AES package');
  await expect(dialog).toContainText('Save the current key file first');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await stillTheSame();

  await page.getByTestId('generate-key').click();
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await stillTheSame();

  // save the key file from the dialog, then replace
  await page.getByTestId('generate-key').click();
  const [keyFile] = await Promise.all([
    page.waitForEvent('download'),
    dialog.getByRole('button', { name: 'Save key file first' }).click(),
  ]);
  expect(keyFile.suggestedFilename()).toMatch(/key.*\.json$/);
  await dialog.getByRole('button', { name: 'Replace key' }).click();
  await expect(dialog).toHaveCount(0);
  await expect.poll(() => page.evaluate(() => window.__cipherscan.keyCheck)).not.toBe(check);
  expect(await page.evaluate(() => window.__cipherscan.files()[0]?.status)).toBe('ready');
  await expect(page.getByTestId('package-footprint')).toHaveCount(0);
});

test('a passphrase or key-file key asks before replacing a different key that has work; the same key does not', async ({
  page,
}, testInfo) => {
  await applyGpuMode(page, testInfo);
  await page.goto('/');
  await loadSample(page);
  await keyAndEncrypt(page); // key A, random
  const keyCheck = () => page.evaluate(() => window.__cipherscan.keyCheck);
  const status = () => page.evaluate(() => window.__cipherscan.files()[0]?.status);
  const checkA = await keyCheck();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-key').click()]);
  const keyFileA = { name: 'key-a.json', mimeType: 'application/json', buffer: readFileSync(await download.path()) };
  const dialog = page.getByRole('dialog', { name: 'Replace the key in use?' });
  const keyState = page.getByTestId('key-state');

  // the same key from its own file replaces nothing: no question, the encrypted scan stays
  await page.getByTestId('key-file-input').setInputFiles(keyFileA);
  await expect(keyState).toContainText('(imported)');
  await expect(dialog).toHaveCount(0);
  expect(await keyCheck()).toBe(checkA);
  expect(await status()).toBe('encrypted');

  // a passphrase key: asked once it is derived; Cancel keeps key A, its work and the typed passphrase
  const passphrase = 'violet harbour lantern 7 quietly';
  await page.getByTestId('passphrase').fill(passphrase);
  await page.getByTestId('derive-key').click();
  await expect(dialog).toBeVisible({ timeout: 60_000 });
  await expect(dialog).toContainText('The key from this passphrase replaces the current one');
  await expect(dialog).toContainText('1 scan loses the encrypted image made with it');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('key-busy')).toHaveCount(0);
  expect(await keyCheck()).toBe(checkA);
  expect(await status()).toBe('encrypted');
  await expect(keyState).toContainText('(imported)');
  await expect(page.getByTestId('passphrase')).toHaveValue(passphrase);

  // ... Replace installs it and drops the work
  await page.getByTestId('derive-key').click();
  await expect(dialog).toBeVisible({ timeout: 60_000 });
  await dialog.getByRole('button', { name: 'Replace key' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(keyState).toContainText('(passphrase)');
  const checkB = await keyCheck();
  expect(checkB).not.toBe(checkA);
  expect(await status()).toBe('ready');
  await expect(page.getByTestId('passphrase')).toHaveValue('');

  // a key file of another key, over key B with work: asked; Escape keeps key B, Replace installs key A
  await page.getByTestId('encrypt').click();
  await expect.poll(status).toBe('encrypted');
  await page.getByTestId('key-file-input').setInputFiles(keyFileA);
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('The key from this key file replaces the current one');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  expect(await keyCheck()).toBe(checkB);
  expect(await status()).toBe('encrypted');
  await page.getByTestId('key-file-input').setInputFiles(keyFileA);
  await dialog.getByRole('button', { name: 'Replace key' }).click();
  await expect.poll(keyCheck).toBe(checkA);
  expect(await status()).toBe('ready');
});

test('before encryption the split view shows the original on its side only, and says the other is not encrypted yet', async ({
  page,
}, testInfo) => {
  await applyGpuMode(page, testInfo);
  await page.goto('/');
  await loadSample(page);
  const original = await viewPixels(page, 'original');
  await expect(page.getByTestId('split-empty-right')).toHaveText('encrypted: not encrypted yet');
  const sides = sidesShowing(await splitScreen(page), original);
  expect(sides.left.compared).toBeGreaterThan(50);
  expect(sides.right.compared).toBeGreaterThan(50);
  expect(sides.left.showing / sides.left.compared).toBeGreaterThan(0.97);
  expect(sides.right.showing / sides.right.compared).toBeLessThan(0.03);

  // once encrypted, the stand-in gives way to the encrypted view
  await keyAndEncrypt(page);
  await expect(page.getByTestId('split-empty-right')).toHaveCount(0);
  await expectSidesMatch(page, original, await viewPixels(page, 'encrypted'), 'after encryption');
});

test('the AES-CBC report counts bytes and pixels apart, says what SSIM and PSNR miss, and keeps the images level', async ({
  page,
}, testInfo) => {
  await applyGpuMode(page, testInfo);
  await page.goto('/');
  await loadSample(page);
  await keyAndEncrypt(page);
  await page.getByTestId('attack-kind').selectOption('aes-bit-flip');
  await page.getByTestId('run-attack').click();
  await expect
    .poll(() => page.evaluate(() => window.__cipherscan.attack()?.kind), { timeout: 60_000 })
    .toBe('aes-bit-flip');
  const note = page.getByTestId('attack-note');
  await expect(note).toContainText(/AES-CBC: accepted: \d+ bytes of the stored samples changed/);
  const text = (await note.textContent())!;
  const bytes = Number(/(\d+) bytes of the stored samples/.exec(text)![1]);
  const [, pixels, total] = /(\d+) of (\d+) pixels came back changed/.exec(text)!.map(Number);
  // an RGB sample of 8 bits: a changed pixel is one to three changed bytes
  expect(pixels).toBeGreaterThan(0);
  expect(pixels).toBeLessThanOrEqual(bytes);
  expect(bytes).toBeLessThanOrEqual(3 * pixels);
  const source = await page.evaluate(() => window.__cipherscan.getPixels('source'));
  expect(total).toBe(source!.width * source!.height);
  await expect(note).toContainText('SSIM and PSNR average over the whole image');
  await expect(note).toContainText('miss local damage');

  // the attacked view's title stays on one line: its image is level with the original's
  await expect(page.getByTestId('view-attacked').locator('figcaption')).toHaveText('Attacked: AES-CBC bit flip');
  const top = async (name: string) => (await page.getByTestId(`canvas-${name}`).boundingBox())!.y;
  expect(Math.abs((await top('attacked')) - (await top('original')))).toBeLessThan(1);
});
