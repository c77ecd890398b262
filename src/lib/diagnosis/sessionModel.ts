/**
 * What DiagnosisSession (session.ts) needs around a model: the optional guard
 * file beside its weights, one timed prediction, and the warm-up pass.
 *
 * Must never: log pixels, keys or plans; leave tensors behind.
 */
import * as tf from '@tensorflow/tfjs';
import type { DiagnosisModel, ModelInput, ModelSource, Prediction } from '../models/model';

/**
 * Reads the optional guard file from where the weights came from; a missing
 * file means "no guard" (older models), a malformed one is refused by the parser.
 */
export function guardFileGetter(source: ModelSource): (file: string) => Promise<Uint8Array | undefined> {
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

export async function timedPredict(
  model: DiagnosisModel,
  input: ModelInput,
): Promise<{ prediction: Prediction; ms: number }> {
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
