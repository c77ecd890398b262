/**
 * One line per inversion attack, from its measured scores against the dataset's
 * average image (the guess that needs no leak): whether the image came back
 * exactly, recognisably, or no better than that guess. Thresholds, not adjectives
 * chosen per attack: the same rule judges the unprotected update and our server.
 */
import type { InversionKind } from '../../../../lib/attacks/inversion';
import type { LeakageMetrics } from '../../../../lib/metrics/leakage';

type Scores = Pick<LeakageMetrics, 'psnr' | 'ssim' | 'nmi'>;

export type Outcome = 'exact' | 'recognisable' | 'no-better';

/** PSNR of 40 dB or more with SSIM 0.99: the same image to the eye. */
export const EXACT_PSNR = 40;
/** what beating the average image means: this many dB more PSNR and a higher SSIM */
export const BETTER_BY_DB = 3;

export function outcome(m: Scores, baseline: Scores): Outcome {
  if (m.psnr >= EXACT_PSNR && m.ssim >= 0.99) return 'exact';
  if (m.psnr >= baseline.psnr + BETTER_BY_DB && m.ssim > baseline.ssim) return 'recognisable';
  return 'no-better';
}

const WHO: Record<InversionKind, string> = {
  'gradient-analytic': 'Unprotected update',
  'gradient-dlg': 'Unprotected update, optimised',
  'token-inversion': 'Plaintext class token',
  'server-view': 'What our server holds',
};

export function verdict(kind: InversionKind, m: Scores, baseline: Scores): string {
  const o = outcome(m, baseline);
  const what =
    o === 'exact'
      ? Number.isFinite(m.psnr)
        ? 'the image comes back exactly'
        : 'the image comes back exactly, byte for byte'
      : o === 'recognisable'
        ? `the image comes back recognisably (${(m.psnr - baseline.psnr).toFixed(1)} dB above the average image)`
        : 'no better than the average image';
  return `${WHO[kind]}: ${what}.`;
}
