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
 * An ensemble (ensemble.ts, `models/ensemble-<dataset>/`) is diagnosed under its
 * own name: its members load as models of their own, the image is encrypted
 * once, each member runs plain and key-adapted, and ensembleSession.ts combines.
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
import { adaptModel, load, type DiagnosisModel, type ModelSource, type Prediction } from '../models/model';
import type { ModalityVerdict } from './declaredModality';
import { domainVerdict, loadDomainGuard, type DomainGuard, type DomainVerdict } from './domainGuard';
import { confidenceVerdict, type Calibration, type ConfidenceVerdict } from './abstention';
import type { EnsembleSpec } from './ensemble';
import { guardFileGetter, timedPredict, warmUp } from './sessionModel';
import {
  checkMember,
  combinePlainOnly,
  combineSideBySide,
  maxAbsDiff,
  type EnsembleSource,
  type LabelledMember,
  type MemberDiagnosis,
} from './ensembleSession';

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

/** Encrypted inference's client side: features, local answer, calibration (where a threshold ships). */
export type PlainFeatures = TimedPrediction & { features: Float32Array; calibration?: Calibration };

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
  /** an ensemble: largest |plain - encrypted| of the combined probabilities */
  maxAbsProbabilityDiff?: number;
  /** an ensemble: each member's own result (the combined one is plain / encrypted above) */
  members?: MemberDiagnosis[];
  /** an ensemble: the members whose out-of-domain guard refused the image (either side) */
  domainRefusedBy?: LabelledMember[];
  /**
   * What the DICOM file declared it is, judged against the model's domain (declaredModality.ts);
   * set by the caller that holds the file (the page, the CLI), absent for PNG/JPEG or "OT"
   */
  declaredModality?: ModalityVerdict;
}

export interface LoadedModelInfo {
  name: string;
  classes: string[];
  architecture: string;
  parameters: number;
  loadMs: number;
  warmUpMs: number;
  /** whether the model carries an out-of-domain guard (domain-guard.json); an ensemble: every member does */
  hasDomainGuard: boolean;
  /** an ensemble: its members' names */
  members?: string[];
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

export class DiagnosisSession {
  private readonly models = new Map<string, DiagnosisModel>();
  private readonly guards = new Map<string, DomainGuard>();
  private readonly adapted = new Map<string, Adapted>();
  private readonly ensembles = new Map<string, EnsembleSpec>();
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
    const ensemble = this.ensembles.get(name);
    return ensemble ? ensemble.members.every((m) => this.models.has(m.name)) : this.models.has(name);
  }

  /**
   * Loads (or reuses) each member of an ensemble as a model of its own, checks it
   * is the model the ensemble was fitted with, and keeps the ensemble under `name`.
   */
  async loadEnsemble(
    name: string,
    source: EnsembleSource,
    onProgress?: (fraction: number) => void,
  ): Promise<LoadedModelInfo> {
    const { spec } = source;
    const infos: LoadedModelInfo[] = [];
    const n = spec.members.length;
    for (const [i, m] of spec.members.entries()) {
      const info = await this.loadModel(m.name, source.member(m.name), (f) => onProgress?.((i + f) / n));
      const model = this.models.get(m.name)!;
      try {
        checkMember(spec, m.name, { ...info, temperature: model.temperature });
      } catch (err) {
        this.unload(m.name);
        throw err;
      }
      infos.push(info);
    }
    this.ensembles.set(name, spec);
    return {
      name,
      classes: spec.classes,
      architecture: 'ensemble',
      parameters: infos.reduce((s, x) => s + x.parameters, 0),
      loadMs: infos.reduce((s, x) => s + x.loadMs, 0),
      warmUpMs: infos.reduce((s, x) => s + x.warmUpMs, 0),
      hasDomainGuard: infos.every((x) => x.hasDomainGuard),
      members: infos.map((x) => x.name),
    };
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

  /** The plain model alone on the original (no key); an ensemble: the mean of its members, and each member. */
  async predictPlain(
    name: string,
    plainInput: RgbImage,
  ): Promise<TimedPrediction & { members?: MemberDiagnosis[]; domainRefusedBy?: LabelledMember[] }> {
    const ensemble = this.ensembles.get(name);
    if (ensemble) {
      const sides: TimedPrediction[] = [];
      for (const m of ensemble.members) sides.push(await this.predictPlain(m.name, plainInput));
      const { plain, members, domainRefusedBy } = combinePlainOnly(ensemble, sides);
      return { ...plain, members, domainRefusedBy };
    }
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
    const ensemble = this.ensembles.get(name);
    if (!ensemble) return (await this.sideBySide([name], plainInput, key))[0];
    const names = ensemble.members.map((m) => m.name);
    return combineSideBySide(name, ensemble, await this.sideBySide(names, plainInput, key));
  }

  /**
   * Each model plain on the original and key-adapted on the encrypted image; the
   * image is encrypted once for all of them (they must share image and block size).
   */
  private async sideBySide(names: string[], plainInput: RgbImage, key: CipherKey): Promise<SideBySideDiagnosis[]> {
    const models = names.map((n) => this.requireModel(n));
    const geometry = (m: DiagnosisModel) => `${m.config.imageSize}/${m.config.patchSize}`;
    if (models.some((m) => geometry(m) !== geometry(models[0])))
      throw new Error(`${names.join(' and ')} read different block geometries: one encrypted image cannot serve both`);
    const hadAdapted = names.map((n) => this.adapted.get(n)?.keyCheck === key.check);
    const adapted: Adapted[] = [];
    for (const n of names) adapted.push(await this.adaptedModel(n, key));
    const protection = await this.protectionFor(key, models[0]);

    const plain: TimedPrediction[] = [];
    for (const [i, n] of names.entries()) plain.push(this.judged(n, await this.timedPlain(models[i], plainInput)));

    const t0 = performance.now();
    const { input, path } = await this.encryptForModel(protection, plainInput);
    const encryptMs = performance.now() - t0;
    const encrypted: TimedPrediction[] = [];
    try {
      for (const [i, n] of names.entries()) encrypted.push(this.judged(n, await timedPredict(adapted[i].model, input)));
    } finally {
      if (input instanceof tf.Tensor) input.dispose();
    }
    return names.map((n, i) => ({
      model: n,
      classes: models[i].classes,
      plain: plain[i],
      encrypted: {
        ...encrypted[i],
        encryptMs,
        adaptMs: adapted[i].adaptMs,
        adaptedNow: !hadAdapted[i],
        inputPath: path,
      },
      agree: plain[i].prediction.classIndex === encrypted[i].prediction.classIndex,
      maxAbsLogitDiff: maxAbsDiff(plain[i].prediction.logits, encrypted[i].prediction.logits),
      backend: tf.getBackend(),
    }));
  }

  /**
   * The plain model's class-token features and its prediction of one pass (encrypted inference's client side:
   * the features go out only CKKS-encrypted), with the model's calibration to judge the logits that come back.
   */
  async plainFeatures(name: string, plainInput: RgbImage): Promise<PlainFeatures> {
    const model = this.requireModel(name);
    const t0 = performance.now();
    const { predictions, features } = await model.predictWithFeatures([plainInput]);
    // with the model's domain and certainty verdicts: the caller refuses before any feature leaves the device
    const judged = this.judged(name, { prediction: predictions[0], ms: performance.now() - t0 });
    const { temperature, minConfidence } = model;
    const calibration = minConfidence === undefined ? {} : { calibration: { temperature, minConfidence } };
    return { features: features[0], ...calibration, ...judged };
  }

  /** Frees one model (and its adapted twin), or all of them. */
  unload(name?: string): void {
    if (name && this.ensembles.delete(name)) return; // its members stay loaded as models of their own
    if (!name) this.ensembles.clear();
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

export { warmUp };
