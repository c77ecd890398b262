/** Helpers shared by the page specs: waiting on the test hooks, and reading what the split view draws. */
import { expect, type Page } from '@playwright/test';
import { decodeRgbPng } from '../src/lib/image/png';
import type { CipherScanHooks } from '../src/apps/web/testHooks';
import { agreementSentence } from '../src/apps/web/diagnosis/agreement';

declare global {
  interface Window {
    __cipherscan: CipherScanHooks;
  }
}

/** Waits until the first file in the list is decoded. */
export async function firstFileReady(page: Page): Promise<void> {
  await expect
    .poll(() => page.evaluate(() => window.__cipherscan.files()[0]?.status), { timeout: 60_000 })
    .toBe('ready');
}

/** Loads the first built-in sample and waits for it to decode. */
export async function loadSample(page: Page): Promise<void> {
  await page.getByTestId('sample-gallery').locator('button.sample').first().click();
  await firstFileReady(page);
}

/** Makes a random key (the page must have none yet: a replacement asks first) and encrypts every ready scan. */
export async function keyAndEncrypt(page: Page): Promise<void> {
  await page.getByTestId('generate-key').click();
  await expect(page.getByTestId('key-check')).toBeVisible();
  await page.getByTestId('encrypt').click();
  await expect.poll(() => page.evaluate(() => window.__cipherscan.files()[0]?.status)).toBe('encrypted');
}

export interface Rgb {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A view's model-input pixels, from the hooks. */
export async function viewPixels(page: Page, view: 'original' | 'encrypted'): Promise<Rgb> {
  const p = await page.evaluate((v) => window.__cipherscan.getPixels(v), view);
  if (!p) throw new Error(`no ${view} image`);
  return { width: p.width, height: p.height, data: new Uint8Array(Buffer.from(p.base64, 'base64')) };
}

/**
 * What the split view draws, as screen pixels (the handle hidden so it covers nothing), with where the
 * line should be (--split of the frame) and where the zoomed, panned canvas lies, both relative to the frame.
 */
export async function splitScreen(page: Page) {
  const frame = page.getByTestId('split-view');
  // centred, so that the fixed status bar at the bottom of the window covers none of it
  await frame.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  // viewport coordinates; the shot is clipped at whole pixels we choose, so a screen pixel's place is exact
  const g = await frame.evaluate((el) => {
    const f = el.getBoundingClientRect();
    const c = el.querySelector('canvas')!.getBoundingClientRect();
    const split = parseFloat((el as HTMLElement).style.getPropertyValue('--split'));
    return {
      frame: { x: f.left, y: f.top, w: f.width, h: f.height },
      canvas: { x: c.left, y: c.top, w: c.width, h: c.height },
      split,
    };
  });
  const clip = {
    x: Math.ceil(g.frame.x),
    y: Math.ceil(g.frame.y),
    width: Math.floor(g.frame.w) - 1,
    height: Math.floor(g.frame.h) - 1,
  };
  const png = await page.screenshot({ clip, style: '.two-up-handle { visibility: hidden; }', animations: 'disabled' });
  const shot = decodeRgbPng(new Uint8Array(png)).image;
  // everything relative to the shot's top-left pixel corner
  const lineX = g.frame.x + (g.split / 100) * g.frame.w - clip.x;
  return { shot, lineX, canvas: { x: g.canvas.x - clip.x, y: g.canvas.y - clip.y, w: g.canvas.w, h: g.canvas.h } };
}

function at(img: Rgb, x: number, y: number): number[] {
  const i = 3 * (y * img.width + x);
  return [img.data[i], img.data[i + 1], img.data[i + 2]];
}

const dist = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));

/**
 * Compares the split view's screen pixels with the two source images: every sampled screen pixel left of
 * the line must show `left`'s pixel under it, every one right of it `right`'s. Samples near the line, off
 * the image, near an image pixel's edge (nearest-neighbour rounding) or where both images agree are skipped.
 * Returns, per side, how many samples were compared and how many showed the wrong image.
 */
export function compareSides(screen: Awaited<ReturnType<typeof splitScreen>>, left: Rgb, right: Rgb) {
  const { shot, lineX, canvas } = screen;
  const out = { left: { compared: 0, wrong: 0 }, right: { compared: 0, wrong: 0 } };
  for (let y = 1; y < shot.height; y += 3) {
    for (let x = 1; x < shot.width; x += 3) {
      if (Math.abs(x + 0.5 - lineX) < 3) continue;
      const u = ((x + 0.5 - canvas.x) / canvas.w) * left.width;
      const v = ((y + 0.5 - canvas.y) / canvas.h) * left.height;
      if (u < 0 || v < 0 || u >= left.width || v >= left.height) continue;
      if (u % 1 < 0.25 || u % 1 > 0.75 || v % 1 < 0.25 || v % 1 > 0.75) continue;
      const a = at(left, Math.floor(u), Math.floor(v));
      const b = at(right, Math.floor(u), Math.floor(v));
      if (dist(a, b) < 40) continue;
      const seen = at(shot, x, y);
      const side = x + 0.5 < lineX ? 'left' : 'right';
      const [want, other] = side === 'left' ? [a, b] : [b, a];
      out[side].compared++;
      if (!(dist(seen, want) <= 8 && dist(seen, other) > dist(seen, want))) out[side].wrong++;
    }
  }
  return out;
}

/**
 * For one image: per side of the split line, how many sampled screen pixels over a bright image pixel
 * (a dark stand-in could pass for the dark background) show that image's pixel.
 */
export function sidesShowing(screen: Awaited<ReturnType<typeof splitScreen>>, img: Rgb) {
  const { shot, lineX, canvas } = screen;
  const out = { left: { compared: 0, showing: 0 }, right: { compared: 0, showing: 0 } };
  for (let y = 1; y < shot.height; y += 3) {
    for (let x = 1; x < shot.width; x += 3) {
      if (Math.abs(x + 0.5 - lineX) < 3) continue;
      const u = ((x + 0.5 - canvas.x) / canvas.w) * img.width;
      const v = ((y + 0.5 - canvas.y) / canvas.h) * img.height;
      if (u < 0 || v < 0 || u >= img.width || v >= img.height) continue;
      if (u % 1 < 0.25 || u % 1 > 0.75 || v % 1 < 0.25 || v % 1 > 0.75) continue;
      const want = at(img, Math.floor(u), Math.floor(v));
      if (Math.max(...want) < 80) continue;
      const side = x + 0.5 < lineX ? 'left' : 'right';
      out[side].compared++;
      if (dist(at(shot, x, y), want) <= 8) out[side].showing++;
    }
  }
  return out;
}

/**
 * The agreement line under the shown diagnosis says the encrypted side answered the same: "Same diagnosis"
 * where a class is shown, "Same verdict and leaning" under a refusal or an "Uncertain".
 */
export async function expectSameAnswer(page: Page): Promise<void> {
  const result = page.getByTestId('diagnosis-result');
  const noDiagnosis =
    (await result.getAttribute('data-uncertain')) === 'true' ||
    (await result.getAttribute('data-in-domain')) === 'false';
  await expect(result).toHaveAttribute('data-agree', 'true');
  await expect(page.getByTestId('diagnosis-agreement')).toContainText(agreementSentence(true, noDiagnosis));
}
