/**
 * The out-of-domain guard a shipped model carries (issue 18): "is this the kind
 * of image the model was trained on?", answered before any diagnosis is shown.
 *
 * Score: the smallest squared Mahalanobis distance of the image's class-token
 * (ViT) / pooled (CNN) features — the features the head reads — to the class
 * means, under one shared covariance with shrinkage (Lee et al. 2018). Fitted in
 * Node (src/learn/evaluation/domainGuardFit.ts) on Training images outside the
 * validation split; the threshold is set on that validation split. A key-adapted
 * model yields the same features on the encrypted image as the plain model on
 * the plain image, so the verdict is the same on both paths.
 *
 * Version 2 adds a second, image-level score (issue 18: the brain models took
 * the synthetic phantoms for MRI): squared Mahalanobis distance of the log
 * intensity histogram (lib/models/intensityHistogram.ts, appended to the
 * features by the model, unchanged by encryption) to its Training mean. The
 * image is refused when either score is over its threshold. Version 1 files
 * (features only) still parse and score the features alone.
 *
 * File `domain-guard.json` beside model.json: means and the packed upper
 * triangle of the precision matrices as base64 float32. Isomorphic (browser,
 * worker, CLI); parsing refuses a malformed file rather than guessing.
 */
// the bin count alone, not the histogram's tfjs code: the page's main chunk reads this module
import { INTENSITY_BINS } from '../models/intensityBins';

export const DOMAIN_GUARD_FILE = 'domain-guard.json';
export const DOMAIN_GUARD_FORMAT = 'cipherscan-domain-guard';

export interface DomainGuard {
  /** feature width d */
  width: number;
  classes: string[];
  /** class means, [classes][d] */
  means: Float32Array[];
  /** precision matrix (inverse shrunk covariance), full [d * d], row-major */
  precision: Float32Array;
  /** accept when score <= threshold */
  threshold: number;
  /** how it was fitted (provenance, shown in model cards) */
  fit: DomainGuardFitInfo;
  /** version 2: the intensity-histogram score (absent in version 1 files) */
  intensity?: IntensityGuard;
}

/** One Gaussian over log(share + epsilon) of the INTENSITY_BINS histogram bins. */
export interface IntensityGuard {
  epsilon: number;
  mean: Float32Array;
  /** [bins * bins], row-major */
  precision: Float32Array;
  threshold: number;
  fit: DomainGuardFitInfo;
}

export interface DomainGuardFitInfo {
  shrinkage: number;
  /** Training images (outside validation) the means and covariance came from */
  nFit: number;
  /** validation images the threshold was set on, and the share they accept */
  nValidation: number;
  validationAccepted: number;
  targetAcceptance: number;
  fittedOn: string;
}

export interface DomainVerdict {
  /** both scores at or under their thresholds */
  inDomain: boolean;
  /** smallest squared Mahalanobis distance of the network's features to a class mean */
  score: number;
  threshold: number;
  /** version 2 guards: the intensity-histogram score and its own verdict */
  intensity?: { score: number; threshold: number; inDomain: boolean };
}

/**
 * Checks the model's guard features: the network's d features, then (models
 * since guard version 2) the INTENSITY_BINS histogram shares. A version 1 guard
 * reads the first d; a version 2 guard needs both.
 */
function checkLength(guard: DomainGuard, features: ArrayLike<number>): void {
  const d = guard.width;
  const withHistogram = d + INTENSITY_BINS;
  const ok = guard.intensity ? features.length === withHistogram : [d, withHistogram].includes(features.length);
  if (!ok)
    throw new Error(`domain guard needs ${guard.intensity ? withHistogram : d} features; got ${features.length}`);
}

/** Squared Mahalanobis distance of x[offset .. offset + d) to mean under a full precision matrix, float64. */
function mahalanobis(x: ArrayLike<number>, offset: number, mean: Float32Array, precision: Float32Array, d: number) {
  const diff = new Float64Array(d);
  for (let i = 0; i < d; i++) diff[i] = x[offset + i] - mean[i];
  let s = 0;
  for (let i = 0; i < d; i++) {
    const row = i * d;
    let acc = 0;
    for (let j = 0; j < d; j++) acc += precision[row + j] * diff[j];
    s += diff[i] * acc;
  }
  return s;
}

/** The features score: smallest squared Mahalanobis distance to a class mean. Pure; float64 arithmetic. */
export function domainScore(guard: DomainGuard, features: ArrayLike<number>): number {
  checkLength(guard, features);
  let best = Infinity;
  for (const mean of guard.means) best = Math.min(best, mahalanobis(features, 0, mean, guard.precision, guard.width));
  return best;
}

/** The log shares the intensity score reads (also what the fit uses). */
export function logShares(shares: ArrayLike<number>, epsilon: number, offset = 0): Float64Array {
  return Float64Array.from({ length: INTENSITY_BINS }, (_, i) => Math.log(shares[offset + i] + epsilon));
}

/** The intensity score of a version 2 guard: squared Mahalanobis distance of the log histogram. */
export function intensityScore(intensity: IntensityGuard, features: ArrayLike<number>, offset: number): number {
  if (features.length < offset + INTENSITY_BINS) throw new Error('no intensity histogram in these features');
  return mahalanobis(
    logShares(features, intensity.epsilon, offset),
    0,
    intensity.mean,
    intensity.precision,
    INTENSITY_BINS,
  );
}

export function domainVerdict(guard: DomainGuard, features: ArrayLike<number>): DomainVerdict {
  const score = domainScore(guard, features);
  const featuresIn = score <= guard.threshold;
  if (!guard.intensity) return { inDomain: featuresIn, score, threshold: guard.threshold };
  const t = guard.intensity.threshold;
  const s = intensityScore(guard.intensity, features, guard.width);
  return {
    inDomain: featuresIn && s <= t,
    score,
    threshold: guard.threshold,
    intensity: { score: s, threshold: t, inDomain: s <= t },
  };
}

/** What a person reads when the guard refuses, e.g. for a brain-MRI model. */
export function outOfDomainMessage(domainName: string): string {
  return `This does not look like a ${domainName} the model was trained on: no diagnosis shown.`;
}

/** The kinds of image the shipped models read, known from a model's class list. */
export type ImageDomain = 'brain-mri' | 'lung-histopathology';

/** The kind of image a model reads, from its class list (undefined: none we know, such as a test model). */
export function domainOf(classes: string[]): ImageDomain | undefined {
  if (classes.includes('notumor') || classes.includes('glioma')) return 'brain-mri';
  if (classes.some((c) => c.startsWith('lung'))) return 'lung-histopathology';
  return undefined;
}

const DOMAIN_WORDS: Record<ImageDomain, string> = {
  'brain-mri': 'brain MRI',
  'lung-histopathology': 'lung histopathology slide',
};

/** The kind of image a model reads, in words, from its class list. */
export function domainNameFor(classes: string[]): string {
  const domain = domainOf(classes);
  return domain ? DOMAIN_WORDS[domain] : 'scan';
}

// --- file format ---------------------------------------------------------

interface DomainGuardFileJson {
  format: string;
  /** 1: features only; 2: features and intensity histogram */
  version: number;
  score: string;
  width: number;
  classes: string[];
  /** base64 float32, classes * width */
  means: string;
  /** base64 float32, packed upper triangle row by row, width * (width + 1) / 2 */
  precision: string;
  threshold: number;
  fit: DomainGuardFitInfo;
  intensity?: {
    bins: number;
    epsilon: number;
    /** base64 float32 [bins] and packed upper triangle, as above */
    mean: string;
    precision: string;
    threshold: number;
    fit: DomainGuardFitInfo;
  };
}

function packUpper(m: Float32Array, d: number): string {
  const packed = new Float32Array((d * (d + 1)) / 2);
  let k = 0;
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) packed[k++] = m[i * d + j];
  return toBase64(new Uint8Array(packed.buffer));
}

export function serializeDomainGuard(guard: DomainGuard): string {
  const d = guard.width;
  const means = new Float32Array(guard.means.length * d);
  guard.means.forEach((m, c) => means.set(m, c * d));
  const it = guard.intensity;
  const file: DomainGuardFileJson = {
    format: DOMAIN_GUARD_FORMAT,
    version: it ? 2 : 1,
    score:
      'min over classes of squared Mahalanobis distance, shared covariance with shrinkage' +
      (it
        ? '; and squared Mahalanobis distance of log(intensity histogram share + epsilon); refused if either is over'
        : ''),
    width: d,
    classes: guard.classes,
    means: toBase64(new Uint8Array(means.buffer)),
    precision: packUpper(guard.precision, d),
    threshold: guard.threshold,
    fit: guard.fit,
    ...(it
      ? {
          intensity: {
            bins: INTENSITY_BINS,
            epsilon: it.epsilon,
            mean: toBase64(new Uint8Array(Float32Array.from(it.mean).buffer)),
            precision: packUpper(it.precision, INTENSITY_BINS),
            threshold: it.threshold,
            fit: it.fit,
          },
        }
      : {}),
  };
  return JSON.stringify(file);
}

type Bad = (why: string) => Error;

function unpackUpper(b64: string, d: number, what: string, bad: Bad): Float32Array {
  const packed = floats(b64, (d * (d + 1)) / 2, what, bad);
  const m = new Float32Array(d * d);
  let k = 0;
  for (let i = 0; i < d; i++)
    for (let j = i; j < d; j++) {
      m[i * d + j] = packed[k];
      m[j * d + i] = packed[k++];
    }
  for (let i = 0; i < d; i++) if (!(m[i * d + i] > 0)) throw bad(`${what} diagonal must be positive`);
  return m;
}

const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/**
 * Parses a guard file (version 1 or 2); throws on anything malformed (wrong
 * format or version, sizes, non-finite numbers). `expectWidth`: the network's
 * feature width d (the model appends the intensity histogram after it).
 */
export function parseDomainGuard(text: string, expectClasses?: string[], expectWidth?: number): DomainGuard {
  let raw: Partial<DomainGuardFileJson>;
  try {
    raw = JSON.parse(text) as Partial<DomainGuardFileJson>;
  } catch {
    throw new Error('domain guard file is not JSON');
  }
  const bad: Bad = (why: string) => new Error(`malformed domain guard file: ${why}`);
  if (!raw || typeof raw !== 'object' || raw.format !== DOMAIN_GUARD_FORMAT) throw bad('wrong format tag');
  if (raw.version !== 1 && raw.version !== 2)
    throw bad(`unsupported version ${String(raw.version)} (this app reads 1 and 2)`);
  const d = raw.width;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 4096) throw bad('width');
  if (expectWidth !== undefined && d !== expectWidth) throw bad(`width ${d}, the model gives ${expectWidth} features`);
  if (!Array.isArray(raw.classes) || raw.classes.length < 1 || raw.classes.some((c) => typeof c !== 'string'))
    throw bad('classes');
  if (expectClasses && raw.classes.join() !== expectClasses.join())
    throw bad(`classes ${raw.classes.join(', ')} differ from the model's ${expectClasses.join(', ')}`);
  if (!positive(raw.threshold)) throw bad('threshold');
  if (typeof raw.means !== 'string' || typeof raw.precision !== 'string') throw bad('means / precision');
  const means = floats(raw.means, raw.classes.length * d, 'means', bad);
  const guard: DomainGuard = {
    width: d,
    classes: raw.classes,
    means: raw.classes.map((_, c) => means.slice(c * d, (c + 1) * d)),
    precision: unpackUpper(raw.precision, d, 'precision', bad),
    threshold: raw.threshold,
    fit: raw.fit as DomainGuardFitInfo,
  };
  if (raw.version === 1) {
    if (raw.intensity !== undefined) throw bad('a version 1 file has no intensity part');
    return guard;
  }
  const it = raw.intensity;
  if (!it || typeof it !== 'object') throw bad('version 2 needs the intensity part');
  if (it.bins !== INTENSITY_BINS) throw bad(`intensity bins ${String(it.bins)}, this app computes ${INTENSITY_BINS}`);
  if (!positive(it.epsilon) || !positive(it.threshold)) throw bad('intensity epsilon / threshold');
  if (typeof it.mean !== 'string' || typeof it.precision !== 'string') throw bad('intensity mean / precision');
  guard.intensity = {
    epsilon: it.epsilon,
    mean: floats(it.mean, INTENSITY_BINS, 'intensity mean', bad),
    precision: unpackUpper(it.precision, INTENSITY_BINS, 'intensity precision', bad),
    threshold: it.threshold,
    fit: it.fit,
  };
  return guard;
}

function floats(b64: string, n: number, what: string, bad: Bad): Float32Array {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(b64);
  } catch {
    throw bad(`${what} is not base64`);
  }
  if (bytes.length !== n * 4) throw bad(`${what} holds ${bytes.length / 4} numbers, needs ${n}`);
  const out = new Float32Array(bytes.slice().buffer);
  if (out.some((v) => !Number.isFinite(v))) throw bad(`${what} has non-finite numbers`);
  return out;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    s += ALPHABET[(n >> 18) & 63] + ALPHABET[(n >> 12) & 63];
    s += i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63] : '=';
    s += i + 2 < bytes.length ? ALPHABET[n & 63] : '=';
  }
  return s;
}

function fromBase64(s: string): Uint8Array {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new Error('not base64');
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    const v = [0, 1, 2, 3].map((k) => (s[i + k] === '=' ? 0 : ALPHABET.indexOf(s[i + k])));
    const n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    for (const b of [(n >> 16) & 255, (n >> 8) & 255, n & 255]) if (o < out.length) out[o++] = b;
  }
  return out;
}

/** Loads the guard file beside a model (same loader / base URL as its weights); undefined when the model has none. */
export async function loadDomainGuard(
  get: (fileName: string) => Promise<Uint8Array | undefined>,
  classes: string[],
  width?: number,
): Promise<DomainGuard | undefined> {
  const bytes = await get(DOMAIN_GUARD_FILE);
  return bytes ? parseDomainGuard(new TextDecoder().decode(bytes), classes, width) : undefined;
}
