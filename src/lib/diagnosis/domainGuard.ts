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
 * File `domain-guard.json` beside model.json: means and the packed upper
 * triangle of the precision matrix as base64 float32. Isomorphic (browser,
 * worker, CLI); parsing refuses a malformed file rather than guessing.
 */

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
  inDomain: boolean;
  /** smallest squared Mahalanobis distance to a class mean */
  score: number;
  threshold: number;
}

/** The guard's score for one feature vector (length d). Pure; float64 arithmetic. */
export function domainScore(guard: DomainGuard, features: ArrayLike<number>): number {
  const d = guard.width;
  if (features.length !== d) throw new Error(`domain guard needs ${d} features; got ${features.length}`);
  const diff = new Float64Array(d);
  let best = Infinity;
  for (const mean of guard.means) {
    for (let i = 0; i < d; i++) diff[i] = features[i] - mean[i];
    let s = 0;
    for (let i = 0; i < d; i++) {
      const row = i * d;
      let acc = 0;
      for (let j = 0; j < d; j++) acc += guard.precision[row + j] * diff[j];
      s += diff[i] * acc;
    }
    if (s < best) best = s;
  }
  return best;
}

export function domainVerdict(guard: DomainGuard, features: ArrayLike<number>): DomainVerdict {
  const score = domainScore(guard, features);
  return { inDomain: score <= guard.threshold, score, threshold: guard.threshold };
}

/** What a person reads when the guard refuses, e.g. for a brain-MRI model. */
export function outOfDomainMessage(domainName: string): string {
  return `This does not look like a ${domainName} the model was trained on: no diagnosis shown.`;
}

/** The kind of image a model reads, in words, from its class list. */
export function domainNameFor(classes: string[]): string {
  if (classes.includes('notumor') || classes.includes('glioma')) return 'brain MRI';
  if (classes.some((c) => c.startsWith('lung'))) return 'lung histopathology slide';
  return 'scan';
}

// --- file format ---------------------------------------------------------

interface DomainGuardFileJson {
  format: string;
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
}

export function serializeDomainGuard(guard: DomainGuard): string {
  const d = guard.width;
  const means = new Float32Array(guard.means.length * d);
  guard.means.forEach((m, c) => means.set(m, c * d));
  const packed = new Float32Array((d * (d + 1)) / 2);
  let k = 0;
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) packed[k++] = guard.precision[i * d + j];
  const file: DomainGuardFileJson = {
    format: DOMAIN_GUARD_FORMAT,
    version: 1,
    score: 'min over classes of squared Mahalanobis distance, shared covariance with shrinkage',
    width: d,
    classes: guard.classes,
    means: toBase64(new Uint8Array(means.buffer)),
    precision: toBase64(new Uint8Array(packed.buffer)),
    threshold: guard.threshold,
    fit: guard.fit,
  };
  return JSON.stringify(file);
}

/** Parses a guard file; throws on anything malformed (wrong format, sizes, non-finite numbers). */
export function parseDomainGuard(text: string, expectClasses?: string[], expectWidth?: number): DomainGuard {
  let raw: Partial<DomainGuardFileJson>;
  try {
    raw = JSON.parse(text) as Partial<DomainGuardFileJson>;
  } catch {
    throw new Error('domain guard file is not JSON');
  }
  const bad = (why: string) => new Error(`malformed domain guard file: ${why}`);
  if (!raw || typeof raw !== 'object' || raw.format !== DOMAIN_GUARD_FORMAT) throw bad('wrong format tag');
  if (raw.version !== 1) throw bad(`unsupported version ${String(raw.version)}`);
  const d = raw.width;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 4096) throw bad('width');
  if (expectWidth !== undefined && d !== expectWidth) throw bad(`width ${d}, the model gives ${expectWidth} features`);
  if (!Array.isArray(raw.classes) || raw.classes.length < 1 || raw.classes.some((c) => typeof c !== 'string'))
    throw bad('classes');
  if (expectClasses && raw.classes.join() !== expectClasses.join())
    throw bad(`classes ${raw.classes.join(', ')} differ from the model's ${expectClasses.join(', ')}`);
  if (typeof raw.threshold !== 'number' || !Number.isFinite(raw.threshold) || raw.threshold <= 0)
    throw bad('threshold');
  if (typeof raw.means !== 'string' || typeof raw.precision !== 'string') throw bad('means / precision');
  const means = floats(raw.means, raw.classes.length * d, 'means', bad);
  const packed = floats(raw.precision, (d * (d + 1)) / 2, 'precision', bad);
  const precision = new Float32Array(d * d);
  let k = 0;
  for (let i = 0; i < d; i++)
    for (let j = i; j < d; j++) {
      precision[i * d + j] = packed[k];
      precision[j * d + i] = packed[k++];
    }
  for (let i = 0; i < d; i++) if (!(precision[i * d + i] > 0)) throw bad('precision diagonal must be positive');
  return {
    width: d,
    classes: raw.classes,
    means: raw.classes.map((_, c) => means.slice(c * d, (c + 1) * d)),
    precision,
    threshold: raw.threshold,
    fit: raw.fit as DomainGuardFitInfo,
  };
}

function floats(b64: string, n: number, what: string, bad: (w: string) => Error): Float32Array {
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
