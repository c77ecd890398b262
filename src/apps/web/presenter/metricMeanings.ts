/**
 * What each privacy score means, in one line for people, and whether a value is good or bad for
 * privacy. The scores compare an image an attacker has (the encrypted image, or what an attack
 * got back) with the original (src/lib/metrics/leakage.ts): similar means leaked.
 *
 * Thresholds, chosen to read one image, not to certify anything: two unrelated images score
 * SSIM ~0, PSNR 5–9 dB, NMI ~0 and pHash ~32 of 64 bits apart; a recognisable copy scores SSIM
 * above 0.5, PSNR above 20 dB, NMI above 0.3 and pHash within 10 bits (perceptual-hash
 * matching usually calls 10 bits or fewer "the same picture").
 */
import type { LeakageMetrics } from '../state/results';

export type PrivacyVerdict = 'good' | 'partial' | 'bad';

export interface MetricMeaning {
  /** one line, shown under the score in presenter mode */
  meaning: string;
  verdict(value: number): PrivacyVerdict;
}

/** good below `good`, bad from `bad` on (for scores where higher means more leaked) */
const rising =
  (good: number, bad: number) =>
  (v: number): PrivacyVerdict =>
    v < good ? 'good' : v >= bad ? 'bad' : 'partial';

export const METRIC_MEANINGS: Record<keyof LeakageMetrics, MetricMeaning> = {
  ssim: {
    meaning: 'SSIM: structure shared with the original, 0 to 1. Below 0.2: none of its shapes are left.',
    verdict: rising(0.2, 0.5),
  },
  psnr: {
    meaning: "PSNR: how close the pixel values are. Below 10 dB: the attacker's image is noise; above 20 dB: a copy.",
    verdict: rising(10, 20),
  },
  nmi: {
    meaning: 'NMI: information shared with the original, 0 to 1. Below 0.1: almost nothing to learn from it.',
    verdict: rising(0.1, 0.3),
  },
  phashDistance: {
    meaning: 'pHash: how different it looks, 0 to 64 bits. Above 22: looks unrelated; 10 or fewer: looks the same.',
    // lower distance = more alike = worse for privacy
    verdict: (v) => (v > 22 ? 'good' : v <= 10 ? 'bad' : 'partial'),
  },
};

/** The verdict as words (never colour alone): what the page writes beside the score. */
export const VERDICT_TEXT: Record<PrivacyVerdict, string> = {
  good: '✓ good for privacy',
  partial: '~ partly hidden',
  bad: '✗ bad for privacy: it leaks',
};
