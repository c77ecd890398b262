/**
 * Selective diagnosis (issue 18): a model answers only when its calibrated top
 * probability reaches the threshold fitted on validation (model.json
 * `calibration.minConfidence`, learn/evaluation/selective.ts); below it the
 * answer a person reads is "Uncertain — refer for review". The plain and
 * encrypted sides give the same probabilities, so the same verdict.
 */
import { softmaxT } from '../models/softmax';

export const UNCERTAIN_MESSAGE = 'Uncertain — refer for review';

/** A model's temperature and "Uncertain" threshold: what it needs to judge logits computed elsewhere. */
export interface Calibration {
  temperature: number;
  minConfidence: number;
}

export interface ConfidenceVerdict {
  /** the calibrated top probability */
  confidence: number;
  /** the model's threshold: it answers from here up */
  minConfidence: number;
  /** true: no class is given, the scan goes to a person */
  uncertain: boolean;
}

export function confidenceVerdict(probabilities: ArrayLike<number>, minConfidence: number): ConfidenceVerdict {
  let confidence = 0;
  for (let i = 0; i < probabilities.length; i++) confidence = Math.max(confidence, probabilities[i]);
  return { confidence, minConfidence, uncertain: confidence < minConfidence };
}

/**
 * The verdict on logits computed elsewhere (the server's head on ciphertext, decrypted here):
 * the model's temperature makes them the same calibrated probabilities the model gives.
 */
export function certaintyOfLogits(logits: ArrayLike<number>, calibration: Calibration): ConfidenceVerdict {
  return confidenceVerdict(softmaxT(logits, calibration.temperature), calibration.minConfidence);
}

/** A share as a percentage rounded down to `decimals`: never overstates a confidence. */
const pctDown = (v: number, decimals: number) => `${Math.floor(v * 100 * 10 ** decimals) / 10 ** decimals} %`;

/**
 * The reason in words, e.g. "the model is 71.3 % sure; it gives a class only from 94.8 %". Both round
 * down; where that makes them read alike (94.71 and 94.79 % are both "94.7 %"), more decimals, so the
 * sentence never reads as if the model were as sure as it needs to be.
 */
export function uncertainReason(v: ConfidenceVerdict): string {
  let decimals = 1;
  while (decimals < 4 && pctDown(v.confidence, decimals) === pctDown(v.minConfidence, decimals)) decimals++;
  return `the model is ${pctDown(v.confidence, decimals)} sure; it gives a class only from ${pctDown(v.minConfidence, decimals)}`;
}

/**
 * Of two sides' verdicts (plain and encrypted, or server and device), the one to explain: the less
 * sure. They agree to rounding (or CKKS noise), but near the threshold one side can be uncertain and
 * the other not, and the sentence must quote the side that made the answer "Uncertain".
 */
export function lessSure(a: ConfidenceVerdict, b: ConfidenceVerdict | undefined): ConfidenceVerdict {
  return b && b.confidence < a.confidence ? b : a;
}
