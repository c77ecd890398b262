/**
 * One diagnosis session: the plain models that are loaded (by name), the model
 * adapted to the current key for each, and the side-by-side run the app shows —
 * the plain model on the original model input, the key-adapted model on the
 * BPE-encrypted image — with latencies and whether the two agree.
 *
 * Runs wherever tfjs runs: the inference worker (browser), the CLI `diagnose`
 * command and the benchmark (Node, wasm backend) share this code, so the page
 * and the CLI give the same answer for the same file and key.
 *
 * The key's protected input comes from a ProtectionScheme (BPE by default, its
 * plans from the realm's one PlanCache; docs/ARCHITECTURE.md, Protection schemes).
 *
 * Must never: log or return keys, plans or pixels; keep an adapted model for a
 * key that has been replaced (one key per model, the old one is disposed), nor
 * let the scheme keep the replaced key's plans (forgotten on the change);
 * leave tensors behind (each call frees what it made; tested with tf.memory()).
 */
import * as tf from '@tensorflow/tfjs';
import { bpeScheme } from '../cipher/bpe/protection';
import type { RgbImage } from '../image/rgb';
import type { CipherKey } from '../keys/key';
import type { ProtectedInput, ProtectionScheme } from '../protection/protectedInput';
import { toProtectedTokens } from '../models/blockInput';
import {
  adaptModel,
  load,
  type DiagnosisModel,
  type ModelInput,
  type ModelSource,
  type Prediction,
} from '../models/model';
import { domainVerdict, loadDomainGuard, type DomainGuard, type DomainVerdict } from './domainGuard';
import { confidenceVerdict, type ConfidenceVerdict } from './abstention';

export interface TimedPrediction {
  prediction: Prediction;
  /** wall time of the model call, including reading the result back, ms */
  ms: number;
  /**
   * The model's out-of-domain guard on this image (absent when the model ships
   * none): show it before the class, and no class when `inDomain` is false.
   */
  domain?: DomainVerdict;
  /**
   * Whether the model is sure enough to give a class (absent when the model ships
   * no threshold): when `uncertain`, say "Uncertain — refer for review" first.
   */
  certainty?: ConfidenceVerdict;
}

export interface SideBySideDiagnosis {
  model: string;
  classes: string[];
  /** the plain model on the original (model input) */
  plain: TimedPrediction;
  /** the key-adapted model on the encrypted image */
  encrypted: TimedPrediction & {
    /** time to encrypt the model input (BPE), ms */
    encryptMs: number;
    /** time the adaptation took when it was made for this key, ms */
    adaptMs: number;
    /** true when the adapted model was made for this call (false: reused for the same key) */
    adaptedNow: boolean;
    /** how the encrypted image reached the model: bytes through the CPU, or a GPU buffer */
    inputPath: 'cpu' | 'gpu-buffer';
  };
  /** same class on both sides */
  agree: boolean;
  /** largest |plain logit - encrypted logit|: float rounding only, when adaptation is right */
  maxAbsLogitDiff: number;
  /** tfjs backend that ran both */
  backend: string;
}

export interface LoadedModelInfo {
  name: string;
  classes: string[];
  architecture: string;
  parameters: number;
  loadMs: number;
  warmUpMs: number;
  /** whether the model carries an out-of-domain guard (domain-guard.json) */
  hasDomainGuard: boolean;
}

/**
 * Puts the protected image in front of the model. The default protects on the
 * CPU in the same pass that lays the model input out in blocks (blockInput.ts:
 * the scheme's token layout, for BPE the gather composed with the block order,
 * so no extra sweep); the browser worker may pass one that encrypts on the GPU
 * and hands tfjs the GPU buffer (no CPU round trip).
 */
export type EncryptForModel = (
  protection: ProtectedInput,
  plain: RgbImage,
) => Promise<{ input: RgbImage | tf.Tensor4D | tf.Tensor3D; path: 'cpu' | 'gpu-buffer' }>;

export const encryptOnCpu: EncryptForModel = async (protection, plain) => ({
  input: toProtectedTokens([plain], protection),
  path: 'cpu',
});

interface Adapted {
  keyCheck: string;
  model: DiagnosisModel;
  adaptMs: number;
}

function maxAbsDiff(a: number[], b: number[]): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

export class DiagnosisSession {
  private readonly models = new Map<string, DiagnosisModel>();
  private readonly guards = new Map<string, DomainGuard>();
  private readonly adapted = new Map<string, Adapted>();
  /** the last key seen: its material is forgotten in the scheme when another key comes (keep no history) */
  private keyCheck: string | undefined;

  /**
   * @param encryptForModel how the encrypted image reaches the adapted model (CPU gather by default)
   * @param uploadPlain how the original reaches the plain model (default: tfjs's own upload)
   * @param scheme how a key protects the model input (BPE, plans from the realm's one cache, by default)
   */
  constructor(
    private readonly encryptForModel: EncryptForModel = encryptOnCpu,
    private readonly uploadPlain?: (plain: RgbImage) => tf.Tensor4D,
    private readonly scheme: ProtectionScheme = bpeScheme(),
  ) {}

  has(name: string): boolean {
    return this.models.has(name);
  }

  /** Loads (or reuses) a plain model and runs it once on a blank image so the first real call is not the slow one. */
  async loadModel(
    name: string,
    source: ModelSource,
    onProgress?: (fraction: number) => void,
  ): Promise<LoadedModelInfo> {
    const t0 = performance.now();
    let model = this.models.get(name);
    if (!model) {
      model = await load(source, { onProgress });
      let guard: DomainGuard | undefined;
      try {
        guard = await loadDomainGuard(guardFileGetter(source), model.classes, 2 * model.config.width);
      } catch (err) {
        model.dispose(); // a malformed guard refuses the model: never diagnose without the guard it ships
        throw err;
      }
      this.models.set(name, model);
      if (guard) this.guards.set(name, guard);
      onProgress?.(1); // a progress-reporting fetch also reported the guard file's bytes
    } else {
      onProgress?.(1);
    }
    const loadMs = performance.now() - t0;
    const t1 = performance.now();
    await warmUp(model);
    const warmUpMs = performance.now() - t1;
    return {
      name,
      classes: model.classes,
      architecture: model.config.architecture,
      parameters: model.parameters,
      loadMs,
      warmUpMs,
      hasDomainGuard: this.guards.has(name),
    };
  }

  /** The model adapted to `key` (made once per key, timed). */
  async adaptedModel(name: string, key: CipherKey): Promise<Adapted> {
    const model = this.requireModel(name);
    const current = this.adapted.get(name);
    if (current?.keyCheck === key.check) return current;
    const protection = await this.protectionFor(key, model);
    const t0 = performance.now();
    const adapted = adaptModel(model, protection);
    const adaptMs = performance.now() - t0;
    current?.model.dispose();
    const entry = { keyCheck: key.check, model: adapted, adaptMs };
    this.adapted.set(name, entry);
    return entry;
  }

  /** The plain model alone on the original (no key). */
  async predictPlain(name: string, plainInput: RgbImage): Promise<TimedPrediction> {
    return this.judged(name, await this.timedPlain(this.requireModel(name), plainInput));
  }

  /**
   * The prediction with the model's domain verdict on its features and its
   * certainty against the model's threshold (each absent when the model ships none).
   */
  private judged(name: string, p: TimedPrediction): TimedPrediction {
    const guard = this.guards.get(name);
    const features = p.prediction.domainFeatures;
    const minConfidence = this.models.get(name)?.minConfidence;
    return {
      ...p,
      ...(guard && features ? { domain: domainVerdict(guard, features) } : {}),
      ...(minConfidence !== undefined
        ? { certainty: confidenceVerdict(p.prediction.probabilities, minConfidence) }
        : {}),
    };
  }

  private async timedPlain(model: DiagnosisModel, plainInput: RgbImage): Promise<TimedPrediction> {
    if (!this.uploadPlain) return timedPredict(model, plainInput);
    const t0 = performance.now();
    const input = this.uploadPlain(plainInput);
    try {
      const [prediction] = await model.predict(input);
      return { prediction, ms: performance.now() - t0 };
    } finally {
      input.dispose();
    }
  }

  async diagnose(name: string, plainInput: RgbImage, key: CipherKey): Promise<SideBySideDiagnosis> {
    const model = this.requireModel(name);
    const hadAdapted = this.adapted.get(name)?.keyCheck === key.check;
    const adapted = await this.adaptedModel(name, key);
    const protection = await this.protectionFor(key, model);

    const plain = this.judged(name, await this.timedPlain(model, plainInput));

    const t0 = performance.now();
    const { input, path } = await this.encryptForModel(protection, plainInput);
    const encryptMs = performance.now() - t0;
    let encrypted: TimedPrediction;
    try {
      encrypted = this.judged(name, await timedPredict(adapted.model, input));
    } finally {
      if (input instanceof tf.Tensor) input.dispose();
    }
    return {
      model: name,
      classes: model.classes,
      plain,
      encrypted: { ...encrypted, encryptMs, adaptMs: adapted.adaptMs, adaptedNow: !hadAdapted, inputPath: path },
      agree: plain.prediction.classIndex === encrypted.prediction.classIndex,
      maxAbsLogitDiff: maxAbsDiff(plain.prediction.logits, encrypted.prediction.logits),
      backend: tf.getBackend(),
    };
  }

  /**
   * The plain model's class-token features and its prediction on the same model input (the client side
   * of encrypted inference: the features go out only CKKS-encrypted, the prediction is the local answer).
   */
  async plainFeatures(
    name: string,
    plainInput: RgbImage,
  ): Promise<{ features: Float32Array; prediction: Prediction; ms: number }> {
    const model = this.requireModel(name);
    const t0 = performance.now();
    const [features] = await model.classTokenFeatures([plainInput]);
    const [prediction] = await model.predict([plainInput]);
    return { features, prediction, ms: performance.now() - t0 };
  }

  /** Frees one model (and its adapted twin), or all of them. */
  unload(name?: string): void {
    for (const n of name ? [name] : [...this.models.keys()]) {
      this.adapted.get(n)?.model.dispose(); // shares tensors with the plain model: free it first
      this.adapted.delete(n);
      this.models.get(n)?.dispose();
      this.models.delete(n);
      this.guards.delete(n);
    }
  }

  /** Forget everything made for the current key (the user replaced or dropped it). */
  forgetKey(): void {
    for (const a of this.adapted.values()) a.model.dispose();
    this.adapted.clear();
    if (this.keyCheck !== undefined) this.scheme.forget(this.keyCheck);
    this.keyCheck = undefined;
  }

  dispose(): void {
    this.forgetKey();
    this.unload();
  }

  private requireModel(name: string): DiagnosisModel {
    const model = this.models.get(name);
    if (!model) throw new Error(`model ${name} is not loaded`);
    return model;
  }

  /** The key's protected input at the model's geometry (the scheme caches it); a new key makes the scheme forget the old one. */
  private protectionFor(key: CipherKey, model: DiagnosisModel): Promise<ProtectedInput> {
    if (this.keyCheck !== key.check) {
      if (this.keyCheck !== undefined) this.scheme.forget(this.keyCheck);
      this.keyCheck = key.check;
    }
    return this.scheme.forKey(key, { imageSize: model.config.imageSize, blockSize: model.config.patchSize });
  }
}

/**
 * Reads the optional guard file from where the weights came from; a missing
 * file means "no guard" (older models), a malformed one is refused by the parser.
 */
function guardFileGetter(source: ModelSource): (file: string) => Promise<Uint8Array | undefined> {
  if ('manifest' in source) return async () => undefined;
  if ('loader' in source)
    return async (file) => {
      try {
        return await source.loader(file);
      } catch {
        return undefined;
      }
    };
  const fetcher = source.fetch ?? ((u: string) => fetch(u));
  const base = source.url.endsWith('/') ? source.url : source.url + '/';
  return async (file) => {
    const res = await fetcher(base + file).catch(() => undefined);
    if (!res?.ok) return undefined;
    const bytes = new Uint8Array(await res.arrayBuffer());
    return bytes[0] === 0x3c ? undefined : bytes; // '<': a dev server's HTML fallback for a missing file
  };
}

async function timedPredict(model: DiagnosisModel, input: ModelInput): Promise<TimedPrediction> {
  const t0 = performance.now();
  const [prediction] = await model.predict(input);
  return { prediction, ms: performance.now() - t0 };
}

/**
 * One blank image through the model: compiles shaders / fills caches on the
 * backend. Read back asynchronously: a synchronous read on webgpu blocks, and in
 * a worker on SwiftShader it left later buffer mappings failing.
 */
export async function warmUp(model: DiagnosisModel): Promise<void> {
  const s = model.config.imageSize;
  const out = tf.tidy(() => model.logits(tf.zeros([1, s, s, 3]) as tf.Tensor4D));
  try {
    await out.data();
  } finally {
    out.dispose();
  }
}
