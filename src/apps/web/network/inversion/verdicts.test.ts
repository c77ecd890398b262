import { describe, expect, it } from 'vitest';
import { outcome, verdict } from './verdicts';

const baseline = { psnr: 15.6, ssim: 0.4, nmi: 0.005 };

describe('inversion verdicts', () => {
  it('calls an identical reconstruction exact, byte for byte', () => {
    expect(outcome({ psnr: Infinity, ssim: 1, nmi: 1 }, baseline)).toBe('exact');
    expect(verdict('gradient-analytic', { psnr: Infinity, ssim: 1, nmi: 1 }, baseline)).toBe(
      'Unprotected update: the image comes back exactly, byte for byte.',
    );
  });

  it('calls a reconstruction well above the average image recognisable, with the margin', () => {
    const v = verdict('gradient-dlg', { psnr: 33.4, ssim: 0.98, nmi: 0.67 }, baseline);
    expect(v).toContain('recognisably');
    expect(v).toContain('17.8 dB');
  });

  it('does not credit a reconstruction that scores like the average image', () => {
    expect(outcome({ psnr: 14.7, ssim: 0.15, nmi: 0.003 }, baseline)).toBe('no-better');
    expect(verdict('server-view', { psnr: 14.7, ssim: 0.15, nmi: 0.003 }, baseline)).toBe(
      'What our server holds: no better than the average image.',
    );
    // high PSNR alone, with a structure worse than the average image's, is not a leak
    expect(outcome({ psnr: 20, ssim: 0.3, nmi: 0.1 }, baseline)).toBe('no-better');
  });
});
