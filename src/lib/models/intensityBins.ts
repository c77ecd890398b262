/**
 * How many bins the guard's intensity histogram has (intensityHistogram.ts computes it, the
 * guard file records it). A module of its own so the guard's format and words
 * (lib/diagnosis/domainGuard.ts), which the page's first paint reads, do not pull tfjs in
 * with the histogram's tensor code: tfjs belongs in the inference worker.
 */
export const INTENSITY_BINS = 32;
