/**
 * The original viewer, end to end: the scan at its native size (not the 200 × 200
 * model input); window/level by dragging, presets, reset and keys change the W/L
 * text and the canvas pixels, but never the model input; wheel, keys and cine
 * move through a multi-frame file; the metadata panel names identifying
 * attributes as "present" while their values appear nowhere in the page.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { dicomParser } from '../src/lib/decode/dicom/dicomParserModule';
import { applyGpuMode } from './webgpuOff';
import { firstFileReady, viewPixels } from './helpers';

const ROOT = new URL('..', import.meta.url).pathname;
const SAMPLES = join(ROOT, '../shared/dicom-samples');
const fixtures = JSON.parse(readFileSync(join(ROOT, 'src/testing/dicomFixtures/fixtures.json'), 'utf8')).fixtures;

/** The viewer canvas: its own size, whether anything is drawn (opaque), and a hash of its RGB. */
async function viewerCanvas(page: Page): Promise<{ width: number; height: number; drawn: boolean; hash: string }> {
  const got = await page.getByTestId('viewer-canvas').evaluate((c: HTMLCanvasElement) => {
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let text = '';
    for (let i = 0; i < data.length; i += 4) text += String.fromCharCode(data[i], data[i + 1], data[i + 2]);
    return { width: c.width, height: c.height, drawn: data[3] === 255, pixels: btoa(text) };
  });
  return { ...got, hash: createHash('sha256').update(got.pixels).digest('hex') };
}

const wlText = (page: Page) => page.getByTestId('viewer-wl').innerText();

async function open(page: Page, file: string): Promise<void> {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(join(SAMPLES, file));
  await firstFileReady(page);
  await expect(page.getByTestId('viewer-canvas')).toBeVisible();
  // drawing waits for an animation frame: a blank 300 × 150 canvas is not the picture yet
  await expect.poll(async () => (await viewerCanvas(page)).drawn).toBe(true);
}

/** Drags across the middle of the viewer box by (dx, dy) screen pixels. */
async function dragInViewer(page: Page, dx: number, dy: number): Promise<void> {
  await page.getByTestId('viewer-box').scrollIntoViewIfNeeded();
  const box = (await page.getByTestId('viewer-box').boundingBox())!;
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let k = 1; k <= 5; k++) await page.mouse.move(x + (dx * k) / 5, y + (dy * k) / 5);
  await page.mouse.up();
}

test('a CT at its native size: drag, presets and reset change the window and the pixels, never the model input', async ({
  page,
}, testInfo) => {
  await applyGpuMode(page, testInfo);
  await open(page, 'CT_small.dcm');
  const pinned = fixtures['CT_small.dcm'];
  const first = await viewerCanvas(page);
  expect([first.width, first.height]).toEqual([pinned.width, pinned.height]);
  const modelInput = await viewPixels(page, 'original');
  expect(modelInput.width).toBe(200);
  const initialText = await wlText(page);
  expect(initialText).toMatch(/^W -?[\d.]+ \/ L -?[\d.]+ HU$/);

  // drag right and down: wider window, higher level; the text and the pixels follow
  await dragInViewer(page, 120, 60);
  await expect.poll(() => wlText(page)).not.toBe(initialText);
  const [, w0, l0] = initialText.match(/W (-?[\d.]+) \/ L (-?[\d.]+)/)!.map(Number);
  const [, w1, l1] = (await wlText(page)).match(/W (-?[\d.]+) \/ L (-?[\d.]+)/)!.map(Number);
  expect(w1).toBeGreaterThan(w0);
  expect(l1).toBeGreaterThan(l0);
  await expect.poll(async () => (await viewerCanvas(page)).hash).not.toBe(first.hash);

  // CT presets in Hounsfield units: the exact window
  for (const [id, text] of [
    ['lung', 'W 1500 / L -600 HU'],
    ['bone', 'W 1800 / L 400 HU'],
    ['brain', 'W 80 / L 40 HU'],
    ['soft-tissue', 'W 400 / L 40 HU'],
  ]) {
    await page.getByTestId(`preset-${id}`).click();
    await expect(page.getByTestId('viewer-wl')).toHaveText(text);
    await expect(page.getByTestId(`preset-${id}`)).toHaveAttribute('aria-pressed', 'true');
  }
  await expect.poll(async () => (await viewerCanvas(page)).hash).not.toBe(first.hash);

  // reset: the first window and the first picture again
  await page.getByTestId('viewer-reset').click();
  await expect(page.getByTestId('viewer-wl')).toHaveText(initialText);
  await expect.poll(async () => (await viewerCanvas(page)).hash).toBe(first.hash);

  // the keyboard does what the drag does: Shift+Right widens, R resets
  await page.getByTestId('viewer-box').focus();
  await page.keyboard.press('Shift+ArrowRight');
  const [, w2] = (await wlText(page)).match(/W (-?[\d.]+)/)!.map(Number);
  expect(w2).toBeGreaterThan(w0);
  await page.keyboard.press('r');
  await expect(page.getByTestId('viewer-wl')).toHaveText(initialText);

  // exact values typed in the fields, the level's minus sign first
  const level = page.getByTestId('viewer-level');
  await level.fill('');
  await level.pressSequentially('-600');
  await page.getByTestId('viewer-width').fill('1500');
  await expect(page.getByTestId('viewer-wl')).toHaveText('W 1500 / L -600 HU');
  await expect(page.getByTestId('preset-lung')).toHaveAttribute('aria-pressed', 'true');

  // looking only: the model input is the same bytes after all of it
  const after = await viewPixels(page, 'original');
  expect(Buffer.from(after.data).equals(Buffer.from(modelInput.data))).toBe(true);
});

test('a multi-frame file: wheel, arrow, Page and Home/End keys and cine change the frame shown', async ({
  page,
}, testInfo) => {
  await applyGpuMode(page, testInfo);
  await open(page, 'rtdose.dcm');
  const frames = fixtures['rtdose.dcm'].frames as number;
  expect(frames).toBeGreaterThan(2);
  const frameText = page.getByTestId('viewer-frame');
  await expect(frameText).toHaveText(`1 / ${frames}`);
  const frame1 = await viewerCanvas(page);
  expect([frame1.width, frame1.height]).toEqual([fixtures['rtdose.dcm'].width, fixtures['rtdose.dcm'].height]);

  await page.getByTestId('viewer-box').scrollIntoViewIfNeeded();
  const box = (await page.getByTestId('viewer-box').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, 100);
  await expect(frameText).toHaveText(`2 / ${frames}`);
  await expect.poll(async () => (await viewerCanvas(page)).hash).not.toBe(frame1.hash);

  await page.getByTestId('viewer-box').focus();
  await page.keyboard.press('ArrowDown');
  await expect(frameText).toHaveText(`3 / ${frames}`);
  await page.keyboard.press('ArrowUp');
  await expect(frameText).toHaveText(`2 / ${frames}`);
  await page.keyboard.press('PageDown');
  await expect(frameText).toHaveText(`${2 + Math.round(frames / 10)} / ${frames}`);
  await page.keyboard.press('End');
  await expect(frameText).toHaveText(`${frames} / ${frames}`);
  await page.keyboard.press('Home');
  await expect(frameText).toHaveText(`1 / ${frames}`);
  await expect.poll(async () => (await viewerCanvas(page)).hash).toBe(frame1.hash);

  // cine plays at the rate set, and pauses
  await page.getByTestId('viewer-fps').fill('30');
  await page.getByTestId('viewer-play').click();
  await expect(frameText).not.toHaveText(`1 / ${frames}`);
  await page.getByTestId('viewer-play').click();
  await expect(page.getByTestId('viewer-play')).toHaveAttribute('aria-pressed', 'false');
  const paused = await frameText.innerText();
  await page.waitForTimeout(300);
  await expect(frameText).toHaveText(paused);

  // the model input keeps the scan's chosen frame: the viewer's frames are for looking only
  expect(await page.evaluate(() => window.__cipherscan.files()[0].frame)).toBe(0);
});

test('the metadata panel names identifying attributes as present; their values appear nowhere in the page', async ({
  page,
}, testInfo) => {
  await applyGpuMode(page, testInfo);
  const bytes = new Uint8Array(readFileSync(join(SAMPLES, 'CT_small.dcm')));
  // read here, in the test, only to look for them in the page
  const dataSet = dicomParser.parseDicom(bytes);
  const secrets = ['x00100010', 'x00100020', 'x00100030', 'x00080080', 'x00080090', 'x00081010']
    .map((tag) => dataSet.string(tag)?.trim())
    .filter((v): v is string => !!v && v.length > 2);
  expect(secrets.length).toBeGreaterThan(1);
  await open(page, 'CT_small.dcm');
  const privacy = page.getByTestId('metadata-privacy');
  await expect(privacy).toContainText('PatientName');
  await expect(privacy).toContainText('present');
  await expect(page.getByTestId('metadata-image')).toContainText('128 × 128');
  const text = await page.evaluate(() => document.body.innerText);
  const html = await page.content();
  for (const secret of secrets) {
    expect(text).not.toContain(secret);
    expect(html).not.toContain(secret);
  }
});
