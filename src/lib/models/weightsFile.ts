/**
 * The on-disk / over-the-wire form of a model: `model.json` (architecture config,
 * class names, weight names, shapes, byte offsets) plus one binary of float16 (or
 * float32) values. No Node or DOM imports: bytes in, arrays out, so the browser
 * (fetch) and the CLI (readFile) share it.
 */
import type { ModelConfig } from './config';
import { decodeFloat16, encodeFloat16 } from './float16';
import type { HostWeights } from './init';

export const MODEL_FORMAT = 'cipherscan-model-v1';
export const MANIFEST_FILE = 'model.json';

export interface WeightEntry {
  name: string;
  shape: number[];
  /** byte offset in the weights file */
  offset: number;
  /** set where this entry is stored in another type than the manifest's dtype */
  dtype?: 'float32';
}

/**
 * Kept in float32 even in a float16 file: the exact embedding's per-column scales
 * span 1e-6..1e-3, where float16 is subnormal and would change them by up to 1 %.
 * A few hundred values.
 */
const FULL_PRECISION = new Set(['patch.scale', 'patch.b']);

/**
 * Temperature scaling fitted after training (learn/evaluation/calibration.ts):
 * probabilities are softmax(logits / temperature). Logits are unchanged, so the
 * plain and key-adapted models still agree exactly.
 */
export interface ModelCalibration {
  temperature: number;
  /** which images it was fitted on, in words: never the test split */
  fittedOn: string;
  /** images it was fitted on */
  n: number;
  /**
   * Selective diagnosis (learn/evaluation/selective.ts): below this calibrated top
   * probability the answer is "Uncertain — refer for review". Fitted on the same
   * validation images; absent = always answer.
   */
  minConfidence?: number;
}

export interface ModelManifest {
  format: typeof MODEL_FORMAT;
  config: ModelConfig;
  dtype: 'float16' | 'float32';
  weightsFile: string;
  byteLength: number;
  weights: WeightEntry[];
  /** optional: absent = temperature 1 */
  calibration?: ModelCalibration;
}

export function serializeModel(
  config: ModelConfig,
  weights: HostWeights,
  dtype: 'float16' | 'float32' = 'float16',
): { manifest: ModelManifest; bytes: Uint8Array } {
  const names = Object.keys(weights).sort();
  const entries: WeightEntry[] = [];
  let offset = 0;
  for (const name of names) {
    const full = dtype === 'float16' && FULL_PRECISION.has(name) && weights['patch.scale'] !== undefined;
    entries.push({ name, shape: weights[name].shape, offset, ...(full ? { dtype: 'float32' as const } : {}) });
    offset += weights[name].data.length * (dtype === 'float16' && !full ? 2 : 4);
    offset = (offset + 3) & ~3; // keep every array 4-byte aligned for typed-array views
  }
  const bytes = new Uint8Array(offset);
  for (const e of entries) {
    const data = weights[e.name].data;
    const packed = dtype === 'float16' && !e.dtype ? encodeFloat16(data) : data;
    bytes.set(new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength), e.offset);
  }
  return {
    manifest: { format: MODEL_FORMAT, config, dtype, weightsFile: 'weights.bin', byteLength: offset, weights: entries },
    bytes,
  };
}

export function parseManifest(text: string): ModelManifest {
  const m = JSON.parse(text) as ModelManifest;
  if (m.format !== MODEL_FORMAT) throw new Error(`not a CipherScan model (format "${String(m.format)}")`);
  if (m.calibration !== undefined) {
    const t = (m.calibration as Partial<ModelCalibration> | null)?.temperature;
    if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0)
      throw new Error(`model.json: calibration.temperature must be a number > 0 (got ${String(t)})`);
    const c = m.calibration.minConfidence;
    if (c !== undefined && !(typeof c === 'number' && c >= 0 && c <= 1))
      throw new Error(`model.json: calibration.minConfidence must be a number in [0, 1] (got ${String(c)})`);
  }
  return m;
}

export function deserializeWeights(manifest: ModelManifest, bytes: Uint8Array): HostWeights {
  if (bytes.byteLength !== manifest.byteLength)
    throw new Error(`weights file has ${bytes.byteLength} bytes, manifest says ${manifest.byteLength}`);
  // copy once so the views below are aligned whatever buffer the bytes came in
  const own = new Uint8Array(bytes);
  const out: HostWeights = {};
  for (const e of manifest.weights) {
    const size = e.shape.reduce((a, b) => a * b, 1);
    const data =
      manifest.dtype === 'float16' && e.dtype !== 'float32'
        ? decodeFloat16(new Uint16Array(own.buffer, e.offset, size))
        : new Float32Array(own.buffer.slice(e.offset, e.offset + size * 4));
    out[e.name] = { shape: e.shape, data };
  }
  return out;
}
