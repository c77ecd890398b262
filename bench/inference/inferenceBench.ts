/**
 * Inference timings for the benchmark (bench/suites/inference.ts), on whatever
 * tfjs backend is current — Node's wasm, or the page's webgpu / webgl / wasm.
 * For one model: latency per image of the plain model on the original, of the
 * key-adapted model on the encrypted image, and of encryption + adapted
 * inference (the end-to-end cost of privacy); batch throughput for both models;
 * adaptation time; and a check that the adapted logits equal the plain ones.
 * Every run is timed on its own (prediction read back to the host, as the app
 * does); medians are reported beside the best run.
 *
 * Must never: report a row it did not run, or leak tensors between rows.
 */
import * as tf from '@tensorflow/tfjs';
import { gather } from '../../src/lib/cipher/bpe/bpe';
import type { BpePlan } from '../../src/lib/cipher/bpe/plan';
import { bpeProtectedInput } from '../../src/lib/cipher/bpe/protection';
import type { RgbImage } from '../../src/lib/image/rgb';
import { adaptModel, load, type DiagnosisModel, type ModelSource } from '../../src/lib/models/model';
import { encryptOnCpu, type EncryptForModel } from '../../src/lib/diagnosis/session';

export interface TimedRuns {
  runs: number;
  medianMs: number;
  bestMs: number;
}

/** Runs of one variant timed in rounds with others: every run's time in round order (run r belongs to round r). */
export interface InterleavedRuns extends TimedRuns {
  samplesMs: number[];
}

export interface InferenceRow {
  model: string;
  backend: string;
  /** what ran: "plain, 1 image", "encrypt (CPU) + adapted, 1 image", … */
  variant: string;
  images: number;
  timing: TimedRuns;
  /** adapted rows: largest |logit difference| from the plain model on the plain image(s) */
  maxAbsLogitDiff?: number;
}

export interface ModelBenchResult {
  model: string;
  backend: string;
  parameters: number;
  weightsBytes: number;
  loadMs: number;
  adapt: TimedRuns;
  rows: InferenceRow[];
  /**
   * (encrypt + adapted inference) / plain inference per encryption path: the
   * median over rounds of the ratio within a round (both ran in the same round,
   * a few runs apart, so load that drifts over the run mostly cancels out of each
   * ratio; medianMs elsewhere is the upper median of the times, this one interpolates)
   */
  privacyCost: Record<string, number>;
  /** the middle half (25th to 75th percentile) of those per-round ratios */
  privacyCostQuartiles: Record<string, [number, number]>;
  /** the same from the fastest run of each (less sensitive to other load on the machine) */
  privacyCostBest: Record<string, number>;
}

export interface InferenceBenchOptions {
  /** time spent per row at least (after a warm-up), ms */
  minMs: number;
  /**
   * the same for the one-image rows, timed together in rounds (default minMs): the cost-of-privacy
   * ratios need many rounds on a machine whose run times swing between two speeds
   */
  singleMinMs?: number;
  minRuns: number;
  maxRuns: number;
  batch: number;
  /** warm up only the first variant of each group (slow backends: the variants share their shaders) */
  warmUpOnce?: boolean;
  /** extra encryptors to time beside the CPU gather (the page's GPU-buffer path on webgpu) */
  encryptors?: Record<string, EncryptForModel>;
}

export const INFERENCE_BENCH_DEFAULTS: InferenceBenchOptions = { minMs: 600, minRuns: 3, maxRuns: 40, batch: 16 };

export async function timeRuns(
  work: () => Promise<unknown>,
  o: Pick<InferenceBenchOptions, 'minMs' | 'minRuns' | 'maxRuns'>,
): Promise<TimedRuns> {
  await work(); // warm-up: shader compilation, buffer allocation
  const times: number[] = [];
  const start = performance.now();
  while (times.length < o.minRuns || (times.length < o.maxRuns && performance.now() - start < o.minMs)) {
    const t0 = performance.now();
    await work();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { runs: times.length, medianMs: times[Math.floor(times.length / 2)], bestMs: times[0] };
}

async function logitsOf(model: DiagnosisModel, input: RgbImage | RgbImage[] | tf.Tensor4D): Promise<number[][]> {
  return (await model.predict(input)).map((p) => p.logits);
}

function maxDiff(a: number[][], b: number[][]): number {
  let m = 0;
  a.forEach((row, i) => row.forEach((v, k) => (m = Math.max(m, Math.abs(v - b[i][k])))));
  return m;
}

function encryptImage(plan: BpePlan, img: RgbImage): RgbImage {
  return { width: img.width, height: img.height, data: gather(plan, img.data) };
}

interface Variant {
  variant: string;
  images: number;
  work: () => Promise<unknown>;
}

/**
 * Runs the variants in rounds — each once per round, the order rotated from
 * round to round — so a machine whose load drifts (others training, here) slows
 * them all alike and the ratios between them stay fair.
 */
export async function timeInterleaved(
  variants: Variant[],
  o: Pick<InferenceBenchOptions, 'minMs' | 'minRuns' | 'maxRuns' | 'warmUpOnce'>,
): Promise<InterleavedRuns[]> {
  // warm-up: shader compilation, buffer allocation (the variants share the model's programs: once is enough on slow backends)
  for (const v of o.warmUpOnce ? variants.slice(0, 1) : variants) await v.work();
  const times: number[][] = variants.map(() => []);
  const start = performance.now();
  let rounds = 0;
  while (rounds < o.minRuns || (rounds < o.maxRuns && performance.now() - start < o.minMs)) {
    // each round starts one variant later: a slow-down that recurs every few runs (garbage collection,
    // a periodic task) would otherwise hit the same variant in every round and bias the ratios
    for (let j = 0; j < variants.length; j++) {
      const i = (rounds + j) % variants.length;
      const t0 = performance.now();
      await variants[i].work();
      times[i].push(performance.now() - t0);
    }
    rounds++;
  }
  return times.map((t) => {
    const sorted = [...t].sort((a, b) => a - b);
    return { runs: sorted.length, medianMs: sorted[Math.floor(sorted.length / 2)], bestMs: sorted[0], samplesMs: t };
  });
}

/** The q-quantile (linear interpolation) of values. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (at - lo);
}

/** Per-round ratios of two interleaved variants (numerator / denominator), round by round. */
export function pairedRatios(numerator: InterleavedRuns, denominator: InterleavedRuns): number[] {
  const b = denominator.samplesMs;
  return numerator.samplesMs.slice(0, b.length).map((t, r) => t / b[r]);
}

/**
 * Times one model on the current backend. `images` are model inputs (S x S); at
 * least `batch` of them. `batch` 0 skips the batch rows (very slow backends).
 */
export async function benchModel(
  name: string,
  source: ModelSource,
  weightsBytes: number,
  images: RgbImage[],
  plan: BpePlan,
  o: InferenceBenchOptions,
): Promise<ModelBenchResult> {
  const backend = tf.getBackend();
  const t0 = performance.now();
  const model = await load(source);
  const loadMs = performance.now() - t0;
  const { parameters } = model;
  const protection = bpeProtectedInput(plan);
  const adapt = await timeRuns(async () => adaptModel(model, protection).dispose(), {
    minMs: 200,
    minRuns: 5,
    maxRuns: 20,
  });
  const adapted = adaptModel(model, protection);
  const rows: InferenceRow[] = [];
  const privacyCost: Record<string, number> = {};
  const privacyCostQuartiles: Record<string, [number, number]> = {};
  const privacyCostBest: Record<string, number> = {};
  try {
    const one = images[0];
    const encOne = encryptImage(plan, one);
    const plainLogits = await logitsOf(model, one);
    const encryptors: Record<string, EncryptForModel> = { CPU: encryptOnCpu, ...o.encryptors };
    const diffs: Array<number | undefined> = [undefined, maxDiff(plainLogits, await logitsOf(adapted, encOne))];
    const singles: Variant[] = [
      { variant: 'plain model, original, 1 image', images: 1, work: () => model.predict(one) },
      { variant: 'adapted model, encrypted, 1 image', images: 1, work: () => adapted.predict(encOne) },
    ];
    for (const [label, encrypt] of Object.entries(encryptors)) {
      const run = async () => {
        const { input } = await encrypt(protection, one);
        try {
          return await adapted.predict(input);
        } finally {
          if (input instanceof tf.Tensor) input.dispose();
        }
      };
      diffs.push(
        maxDiff(
          plainLogits,
          (await run()).map((p) => p.logits),
        ),
      );
      singles.push({ variant: `encrypt (${label}) + adapted model, 1 image`, images: 1, work: run });
    }
    const singleTimes = await timeInterleaved(singles, { ...o, minMs: o.singleMinMs ?? o.minMs });
    singles.forEach((v, i) =>
      rows.push({
        model: name,
        backend,
        variant: v.variant,
        images: 1,
        timing: singleTimes[i],
        maxAbsLogitDiff: diffs[i],
      }),
    );
    Object.keys(encryptors).forEach((label, k) => {
      const ratios = pairedRatios(singleTimes[2 + k], singleTimes[0]);
      privacyCost[label] = quantile(ratios, 0.5);
      privacyCostQuartiles[label] = [quantile(ratios, 0.25), quantile(ratios, 0.75)];
      privacyCostBest[label] = singleTimes[2 + k].bestMs / singleTimes[0].bestMs;
    });

    if (o.batch > 0) {
      const batch = images.slice(0, o.batch);
      const encBatch = batch.map((im) => encryptImage(plan, im));
      const batchDiff = maxDiff(await logitsOf(model, batch), await logitsOf(adapted, encBatch));
      const batches: Variant[] = [
        {
          variant: `plain model, original, batch ${batch.length}`,
          images: batch.length,
          work: () => model.predict(batch),
        },
        {
          variant: `adapted model, encrypted, batch ${batch.length}`,
          images: batch.length,
          work: () => adapted.predict(encBatch),
        },
      ];
      const batchTimes = await timeInterleaved(batches, {
        ...o,
        minRuns: Math.max(1, Math.floor(o.minRuns / 2)),
        maxRuns: Math.max(1, Math.floor(o.maxRuns / 4)),
      });
      batches.forEach((v, i) =>
        rows.push({
          model: name,
          backend,
          variant: v.variant,
          images: v.images,
          timing: batchTimes[i],
          maxAbsLogitDiff: i === 1 ? batchDiff : undefined,
        }),
      );
    }
  } finally {
    adapted.dispose();
    model.dispose();
  }
  return {
    model: name,
    backend,
    parameters,
    weightsBytes,
    loadMs,
    adapt,
    rows,
    privacyCost,
    privacyCostQuartiles,
    privacyCostBest,
  };
}
