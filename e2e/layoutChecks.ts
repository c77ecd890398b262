/** Layout checks shared by the phone and tablet specs: no page-level sideways scroll, no control under the status bar. */
import { expect, type Page } from '@playwright/test';

/** The page is no wider than the screen: anything wide scrolls in its own box. */
export async function noSidewaysScrollAt(page: Page, screenWidth: number, state: string): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `page width in state "${state}"`).toBeLessThanOrEqual(screenWidth);
}

/**
 * Scrolls through the whole page; at each stop, the visible buttons, selects and inputs that the status
 * bar's box intersects. Returns their descriptions (empty when nothing is ever covered).
 */
export async function controlsUnderStatusBar(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const bar = document.querySelector('[data-testid="status-bar"]')!;
    const covered = new Set<string>();
    const step = Math.floor(window.innerHeight / 3);
    for (let y = 0; ; y += step) {
      window.scrollTo(0, y);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const b = bar.getBoundingClientRect();
      for (const el of document.querySelectorAll<HTMLElement>('button, select, input, [role="slider"]')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0 || r.bottom <= 0 || r.top >= window.innerHeight) continue;
        const overlaps = r.left < b.right && r.right > b.left && r.top < b.bottom && r.bottom > b.top;
        if (overlaps) covered.add(`${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 30)}"`);
      }
      if (y + window.innerHeight >= document.documentElement.scrollHeight) break;
    }
    window.scrollTo(0, 0);
    return [...covered];
  });
}

/**
 * Controls the status bar still covers when scrolled to the middle of the screen (a sticky bar may pass over
 * a control while scrolling; it must never hide one for good). Returns their descriptions.
 */
export async function controlsHiddenByStatusBar(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const bar = document.querySelector('[data-testid="status-bar"]')!;
    const hidden: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('button, select, input, [role="slider"]')) {
      if (el.getBoundingClientRect().width === 0 || el.getBoundingClientRect().height === 0) continue;
      el.scrollIntoView({ block: 'center' });
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const r = el.getBoundingClientRect();
      const b = bar.getBoundingClientRect();
      if (r.left < b.right && r.right > b.left && r.top < b.bottom && r.bottom > b.top)
        hidden.push(`${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 30)}"`);
    }
    window.scrollTo(0, 0);
    return hidden;
  });
}
