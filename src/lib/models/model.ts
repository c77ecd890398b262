/**
 * The diagnosis model object shared by the browser, the CLI and training, shaped
 * like tfjs-models: `load(source)` -> `{ predict, classTokenFeatures, dispose }`,
 * and `adaptModel(model, protectedInput)` -> the same object for one key, in
 * milliseconds. A model meets protected input only through `ProtectedInput`
 * (docs/ARCHITECTURE.md, Protection schemes): this file, branches.ts, vit.ts and cnn.ts never
 * import a scheme (cipher/*), so another scheme plugs in without touching them.
 * No Node or DOM imports: weights arrive as bytes from a fetch-like loader.
 * Never logs pixels, keys or plans.
 */
import * as tf from '@tensorflow/tfjs';
import type { RgbImage } from '../image/rgb';
import type { ProtectedInput } from '../protection/protectedInput';
import { checkPlanFits } from './adapt';
import { forwardViews, makeBranches, relativeBiases, type Branch } from './branches';
import { isRelativeBiasTable } from './relativeBias';
import { gridSide, type ModelConfig } from './config';
import { cnnTrunk } from './cnn';
import type { HostWeights } from './init';
import type { ModelTensorInput, Weights } from './ops';
import { attentionProjections, isFusedQkv, vitTrunk } from './vit';
import { plainBlockLayout, toBlockTensor } from './blockInput';
import { deserializeWeights, MANIFEST_FILE, parseManifest, type ModelManifest } from './weightsFile';
import { intensityHistogramTensor } from './intensityHistogram';

/** Images as bytes, an image tensor [N, S, S, 3], or the same already in block order [N, T, B*B*3] (blockInput.ts). */
export type ModelInput = RgbImage | RgbImage[] | tf.Tensor4D | tf.Tensor3D;

export interface Prediction {
  classIndex: number;
  className: string;
  probabilities: number[];
  logits: number[];
  /** what the out-of-domain guard scores (cnn.ts / vit.ts `domainFeatures`, then the input's intensity histogram), read in the same pass */
  domainFeatures?: number[];
}

export interface DiagnosisModel {
  readonly config: ModelConfig;
  readonly classes: string[];
  /** true for a model adapted to a key: it expects protected (for BPE: encrypted) images */
  readonly keyed: boolean;
  /** Logits [N, classes] for images [N, S, S, 3] valued 0..255. Synchronous; the caller owns the result. */
  logits(images: ModelTensorInput): tf.Tensor2D;
  /**
   * Logits from patch-embedded tokens [N, T, width] in plain block order (no
   * keyed gather): used to distil into another model on shared block features.
   */
  embeddedLogits(tokens: tf.Tensor3D): tf.Tensor2D;
  /** Class-token (ViT) or pooled (CNN) features [N, width]. The caller owns the result. */
  features(images: ModelTensorInput): tf.Tensor2D;
  /**
   * The out-of-domain guard's features [N, 2 * width + INTENSITY_BINS] (same for plain and
   * adapted): the network's (cnn.ts / vit.ts) then the input's intensity histogram
   * (intensityHistogram.ts). The caller owns the result.
   */
  domainFeatures(images: ModelTensorInput): tf.Tensor2D;
  predict(input: ModelInput): Promise<Prediction[]>;
  /** predict and classTokenFeatures of one forward pass */
  predictWithFeatures(input: ModelInput): Promise<{ predictions: Prediction[]; features: Float32Array[] }>;
  classTokenFeatures(input: ModelInput): Promise<Float32Array[]>;
  /**
   * The weights a key changes (patch embedding, positions) as host arrays; empty
   * for an adapted model. Training compares a teacher's embedding with its own.
   */
  readonly hostKeyed: HostWeights;
  /** Learned values the model file holds (not the attention-bias matrices derived from them at load time). */
  readonly parameters: number;
  /**
   * Temperature T the probabilities are computed with, softmax(logits / T): 1, or
   * the manifest's fitted `calibration.temperature`. Logits never change with it.
   */
  readonly temperature: number;
  /**
   * Calibrated top probability below which the diagnosis is "Uncertain — refer for
   * review" (the manifest's `calibration.minConfidence`, fitted on validation);
   * undefined: the model answers every image.
   */
  readonly minConfidence?: number;
  /** Frees the tensors this object owns (an adapted model owns only its keyed tensors). */
  dispose(): void;
}

/** The weights a key changes, kept on the host so adaptation needs no GPU read-back. */
const KEYED_NAMES = ['patch.w', 'patch.b', 'pos'];
/** ViT relative-bias tables are permuted per key too, so kept on the host */
const isKeyed = (name: string) => KEYED_NAMES.includes(name) || isRelativeBiasTable(name);

class TfjsDiagnosisModel implements DiagnosisModel {
  readonly classes: string[];
  private disposed = false;
  constructor(
    readonly config: ModelConfig,
    /** the plain model's weights (adapted models share the unkeyed ones) */
    private readonly shared: Weights,
    private readonly branches: Branch[],
    private readonly owned: tf.Tensor[],
    readonly hostKeyed: HostWeights,
    readonly keyed: boolean,
    readonly parameters: number,
    readonly temperature: number,
    readonly minConfidence?: number,
  ) {
    this.classes = config.classes;
  }

  private outputs(images: ModelTensorInput) {
    if (this.disposed) throw new Error('this model has been disposed');
    const { imageSize } = this.config;
    if (
      images.rank === 4 &&
      (images.shape[1] !== imageSize || images.shape[2] !== imageSize || images.shape[3] !== 3)
    ) {
      throw new Error(`model needs [N, ${imageSize}, ${imageSize}, 3] images; got [${images.shape.join(', ')}]`);
    }
    const blockLength = this.config.patchSize ** 2 * 3;
    if (images.rank === 3 && (images.shape[1] !== gridSide(this.config) ** 2 || images.shape[2] !== blockLength)) {
      throw new Error(
        `model needs blocks [N, ${gridSide(this.config) ** 2}, ${blockLength}]; got [${images.shape.join(', ')}]`,
      );
    }
    // all views in one batch through the shared trunk (branches.ts)
    return forwardViews(this.config, this.shared, this.branches, images);
  }

  logits(images: ModelTensorInput): tf.Tensor2D {
    return tf.tidy(() => this.outputs(images).logits);
  }

  embeddedLogits(tokens: tf.Tensor3D): tf.Tensor2D {
    if (this.keyed) throw new Error('embeddedLogits needs the plain model');
    return tf.tidy(
      () =>
        (this.config.architecture === 'vit'
          ? vitTrunk(this.config, this.shared, tokens)
          : cnnTrunk(this.config, this.shared, tokens)
        ).logits,
    );
  }

  features(images: ModelTensorInput): tf.Tensor2D {
    return tf.tidy(() => this.outputs(images).features);
  }

  domainFeatures(images: ModelTensorInput): tf.Tensor2D {
    return tf.tidy(() => withHistogram(this.outputs(images).domainFeatures, images));
  }

  async predict(input: ModelInput): Promise<Prediction[]> {
    return (await this.run(input, false)).predictions;
  }

  /**
   * The predictions and the class-token features of one forward pass (the client side of encrypted
   * inference sends the features and compares the server's answer with these logits: one pass, so
   * the two come from the same computation, at the cost of one).
   */
  async predictWithFeatures(input: ModelInput): Promise<{ predictions: Prediction[]; features: Float32Array[] }> {
    return this.run(input, true);
  }

  /** One forward pass; the class-token features are read back only when asked (else none). */
  private async run(
    input: ModelInput,
    withFeatures: boolean,
  ): Promise<{ predictions: Prediction[]; features: Float32Array[] }> {
    const outputs = tf.tidy((): tf.Tensor2D[] => {
      const batch = toBatch(input, this.config);
      const out = this.outputs(batch);
      const l = out.logits;
      const guardFeatures = withHistogram(out.domainFeatures, batch);
      const p = tf.softmax(this.temperature === 1 ? l : tf.div<tf.Tensor2D>(l, this.temperature));
      return withFeatures ? [l, p, guardFeatures, out.features] : [l, p, guardFeatures];
    });
    try {
      const [logits, probs, guard, token] = outputs;
      const [l, p, f] = await Promise.all([logits.array(), probs.array(), guard.array()]);
      const features = token ? await rowsOf(token) : [];
      const predictions = l.map((row, i) => {
        const probabilities = p[i];
        const classIndex = probabilities.indexOf(Math.max(...probabilities));
        return { classIndex, className: this.classes[classIndex], probabilities, logits: row, domainFeatures: f[i] };
      });
      return { predictions, features };
    } finally {
      for (const t of outputs) t.dispose(); // also when a read fails (a lost GPU context)
    }
  }

  async classTokenFeatures(input: ModelInput): Promise<Float32Array[]> {
    const f = tf.tidy(() => this.features(toBatch(input, this.config)));
    try {
      return await rowsOf(f);
    } finally {
      f.dispose();
    }
  }

  /** shared tensors, for adaptation */
  get weightMap(): Weights {
    return this.shared;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of this.owned) t.dispose();
  }
}

/** A [N, W] tensor's rows, each its own Float32Array (the caller disposes the tensor). */
async function rowsOf(t: tf.Tensor2D): Promise<Float32Array[]> {
  const data = (await t.data()) as Float32Array;
  const width = t.shape[1];
  return Array.from({ length: t.shape[0] }, (_, i) => data.slice(i * width, (i + 1) * width));
}

/** The network's guard features with the input's intensity histogram appended. */
function withHistogram(features: tf.Tensor2D, images: ModelTensorInput): tf.Tensor2D {
  return tf.concat([features, intensityHistogramTensor(images)], 1);
}

/**
 * RgbImage(s) -> block-ordered float tensor [N, T, B*B*3] (values 0..255), cut on
 * the host in the same pass that converts bytes to floats (blockInput.ts);
 * tensors pass through.
 */
export function toBatch(input: ModelInput, geometry: { imageSize: number; patchSize: number }): ModelTensorInput {
  if (input instanceof tf.Tensor) return input;
  return toBlockTensor(
    Array.isArray(input) ? input : [input],
    plainBlockLayout(geometry.imageSize, geometry.patchSize),
    geometry.patchSize,
  );
}

/** Builds a plain model from host weights (training output or a loaded file); `temperature`, `minConfidence` as in DiagnosisModel. */
export function createModel(
  config: ModelConfig,
  host: HostWeights,
  temperature = 1,
  minConfidence?: number,
): DiagnosisModel {
  if (!(temperature > 0 && Number.isFinite(temperature)))
    throw new Error(`temperature must be > 0 (got ${temperature})`);
  // ViT: the attention's q/k/v blocks, cut from the fused projection once here rather than per pass;
  // the fused qkv.w/qkv.b are then read by nothing (a key changes only the keyed weights, kept on the
  // host), so they never become tensors: that memory is not held twice
  const qkv = config.architecture === 'vit' ? attentionProjections(config, host) : undefined;
  const weights: Weights = {};
  for (const [name, t] of Object.entries(host))
    if (!(qkv && isFusedQkv(name))) weights[name] = tf.tensor(t.data, t.shape);
  for (const [name, t] of Object.entries(qkv ?? {})) weights[name] = tf.tensor(t.data, t.shape);
  const parameters = Object.values(host).reduce((n, t) => n + t.data.length, 0);
  const hostKeyed: HostWeights = {};
  for (const name of Object.keys(host)) if (isKeyed(name)) hostKeyed[name] = host[name];
  // the plain slot order's bias matrices, computed once here rather than per forward pass
  Object.assign(
    weights,
    relativeBiases(
      config,
      hostKeyed,
      Array.from({ length: gridSide(config) ** 2 }, (_, j) => j),
    ),
  );
  const { branches, own } = makeBranches(config, weights, hostKeyed);
  return new TfjsDiagnosisModel(
    config,
    weights,
    branches,
    [...Object.values(weights), ...own],
    hostKeyed,
    false,
    parameters,
    temperature,
    minConfidence,
  );
}

/**
 * The model for one key's protected input: same predictions on protected images
 * as `model` on the plain images. Takes a plain model. For BPE pass
 * `bpeProtectedInput(plan)` (src/lib/cipher/bpe/protection.ts). The result shares
 * the unkeyed tensors with `model`: dispose it before (or together with) `model`.
 */
export function adaptModel(model: DiagnosisModel, protection: ProtectedInput): DiagnosisModel {
  if (!(model instanceof TfjsDiagnosisModel))
    throw new Error('adaptModel needs a model made by load() or createModel()');
  if (model.keyed) throw new Error('this model is already adapted to a key; adapt the plain model');
  const cfg = model.config;
  checkPlanFits(protection, cfg);
  const { branches, own } = makeBranches(cfg, model.weightMap, model.hostKeyed, protection);
  return new TfjsDiagnosisModel(
    cfg,
    model.weightMap,
    branches,
    own,
    {},
    true,
    model.parameters,
    model.temperature,
    model.minConfidence,
  );
}

/** Where weights come from: a base URL (browser, same origin), a loader (Node: readFile), or bytes. */
export type ModelSource =
  | {
      url: string;
      fetch?: (url: string) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }>;
    }
  | { loader: (fileName: string) => Promise<Uint8Array> }
  | { manifest: ModelManifest; weights: Uint8Array };

export interface LoadOptions {
  /** 0..1 as the weights arrive */
  onProgress?: (fraction: number) => void;
}

export async function loadManifestAndBytes(
  source: ModelSource,
  onProgress?: (f: number) => void,
): Promise<{ manifest: ModelManifest; bytes: Uint8Array }> {
  if ('manifest' in source) return { manifest: source.manifest, bytes: source.weights };
  let get: (name: string) => Promise<Uint8Array>;
  if ('loader' in source) get = source.loader;
  else {
    const fetcher = source.fetch ?? ((u: string) => fetch(u));
    const base = source.url.endsWith('/') ? source.url : source.url + '/';
    get = async (name) => {
      const res = await fetcher(base + name);
      if (!res.ok) throw new Error(`could not fetch model file ${base + name} (HTTP ${res.status})`);
      return new Uint8Array(await res.arrayBuffer());
    };
  }
  onProgress?.(0);
  const manifest = parseManifest(new TextDecoder().decode(await get(MANIFEST_FILE)));
  onProgress?.(0.1);
  const bytes = await get(manifest.weightsFile);
  onProgress?.(0.9);
  return { manifest, bytes };
}

export async function load(source: ModelSource, options: LoadOptions = {}): Promise<DiagnosisModel> {
  const { manifest, bytes } = await loadManifestAndBytes(source, options.onProgress);
  const model = createModel(
    manifest.config,
    deserializeWeights(manifest, bytes),
    manifest.calibration?.temperature,
    manifest.calibration?.minConfidence,
  );
  options.onProgress?.(1);
  return model;
}
