/** For the webgpu-off project: remove navigator.gpu before any page script runs, so the CPU path is taken. */
import type { Page, TestInfo } from '@playwright/test';

export async function applyGpuMode(page: Page, testInfo: TestInfo): Promise<'webgpu-on' | 'webgpu-off'> {
  const mode = testInfo.project.name === 'webgpu-off' ? 'webgpu-off' : 'webgpu-on';
  if (mode === 'webgpu-off') {
    await page.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
    });
  }
  return mode;
}
