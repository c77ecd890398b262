/**
 * Steps over one trainer's data: a run of consecutive steps of an epoch
 * (a federated client's K local steps) or the whole epoch (the loop), with a
 * progress callback, and the progress line with its ETAs that the loop logs.
 *
 * It only sequences data.ts and step.ts: no validation, no checkpoints, no
 * timing of its own (the caller owns the clock), and it must never draw a
 * random number outside epochDraws/drawBatch, or a resume would diverge.
 */
import { drawBatch, epochDraws, stepsPerEpoch, type EpochDraws, type LocalData } from './data';
import { trainStep, type TargetOptions } from './step';
import type { TrainingModel } from './trainingModel';

/** Running totals over the steps taken so far. */
export interface StepTotals {
  /** steps done (1-based count) and steps planned */
  step: number;
  steps: number;
  /** sum of per-image losses, images right, images seen */
  lossSum: number;
  correct: number;
  seen: number;
  /** the learning rate of the last step */
  lr: number;
}

/**
 * Steps `first` .. `first + count - 1` of the epoch whose draws are given (the
 * draws must be consumed from step 0, so a later `first` needs the same draws
 * object that ran the earlier steps). `lrAt`: learning rate by optimizer step.
 */
export function runSteps(
  model: TrainingModel,
  data: LocalData,
  draws: EpochDraws,
  first: number,
  count: number,
  lrAt: (step: number) => number,
  targets: TargetOptions,
  onStep?: (totals: StepTotals) => void,
): StepTotals {
  const totals: StepTotals = { step: 0, steps: count, lossSum: 0, correct: 0, seen: 0, lr: 0 };
  for (let s = first; s < first + count; s++) {
    const batch = drawBatch(data, draws, s);
    totals.lr = lrAt(model.optimizer.step);
    const result = trainStep(model, batch, totals.lr, targets);
    totals.lossSum += result.loss * result.images;
    totals.correct += result.correct;
    totals.seen += result.images;
    totals.step = s - first + 1;
    onStep?.(totals);
  }
  return totals;
}

/**
 * Epoch `epoch` (1-based) of a run seeded with `seed`: every full batch once,
 * in the epoch's seeded order. `onProgress` is called every 10 steps and after the last.
 */
export function runEpoch(
  model: TrainingModel,
  data: LocalData,
  seed: number,
  epoch: number,
  lrAt: (step: number) => number,
  targets: TargetOptions,
  onProgress?: (totals: StepTotals) => void,
): StepTotals {
  const draws = epochDraws(data.labels.length, seed, epoch);
  const steps = stepsPerEpoch(data);
  return runSteps(model, data, draws, 0, steps, lrAt, targets, (totals) => {
    if (totals.step % 10 === 0 || totals.step === steps) onProgress?.(totals);
  });
}

/** 1h02m03s / 4m05s */
export function fmt(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h ? h + 'h' : ''}${String(m).padStart(h ? 2 : 1, '0')}m${String(s % 60).padStart(2, '0')}s`;
}

/**
 * The loop's progress line, `elapsed` seconds into epoch `epoch` of `epochs`.
 * The total ETA adds 5 % to the remaining epochs for their validation.
 */
export function progressLine(run: string, epoch: number, epochs: number, t: StepTotals, elapsed: number): string {
  const perStep = elapsed / t.step;
  const epochLeft = perStep * (t.steps - t.step);
  const totalLeft = epochLeft + perStep * t.steps * (epochs - epoch) * 1.05;
  const bar = '#'.repeat(Math.round((t.step / t.steps) * 20)).padEnd(20, '.');
  return `${run} epoch ${epoch}/${epochs} [${bar}] step ${t.step}/${t.steps} loss ${(t.lossSum / t.seen).toFixed(4)} acc ${((t.correct / t.seen) * 100).toFixed(1)}% lr ${t.lr.toExponential(2)} | ${(t.seen / elapsed).toFixed(1)} img/s | epoch ETA ${fmt(epochLeft)} | total ETA ${fmt(totalLeft)}`;
}
