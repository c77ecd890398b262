/**
 * A dataset's default where no cross-validation chose one (the brain models: a brain
 * cross-validation is about 30 training-hours here): the single network with more right
 * answers on the validation split both were trained and calibrated with — the same rule
 * as the cross-validation's ("more right answers"), on the split the cards already report
 * (model-card.json `selective.validation`, written by `cipherscan selective`; the split
 * named by `data.validation`). Never on Testing. The line for people says the basis, the
 * figures and what each gives a class to above its "Uncertain" threshold on that split.
 *
 * Must never: compare figures of different splits (both cards must name the same split and
 * count the same images), or choose on a tie.
 */
import { isObject } from '../json/isObject';
import { readRate } from './cvChoice';
import { MEMBER_LABELS, type EnsembleRate } from './ensemble';
import { percent } from './percent';

/** What a card says about its validation split. */
export interface CardValidation {
  /** the split, as the card names it (`data.validation`), e.g. "stratified 10 % of Training, seed 1; …" */
  split: string;
  accuracy: EnsembleRate;
  /** the share of the split given a class at the model's "Uncertain" threshold */
  answered: number;
}

/** A parsed model-card.json's validation figures, or undefined where it has none or they do not read. */
export function cardValidation(card: unknown): CardValidation | undefined {
  if (!isObject(card) || !isObject(card.data) || !isObject(card.selective)) return undefined;
  const split = card.data.validation;
  const validation = card.selective.validation;
  if (typeof split !== 'string' || !split || !isObject(validation)) return undefined;
  const accuracy = readRate(validation.accuracy);
  const at = isObject(validation.atThreshold) ? validation.atThreshold.coverage : undefined;
  if (!accuracy || typeof at !== 'number' || !(at >= 0 && at <= 1)) return undefined;
  return { split, accuracy, answered: at };
}

type Single = { architecture: 'vit' | 'cnn'; validation?: CardValidation };

/** how the split was drawn, as the card says it, without what it was used for: "stratified 10 % of Training, seed 1" */
const splitWords = (split: string) => split.split(';')[0].trim();

/**
 * The one of the two with more right answers on their shared validation split, and the line that
 * says why; undefined where either lacks the figures, the splits differ, or they tie.
 */
export function validationDefault<T extends Single>(a: T, b: T): { entry: T; why: string } | undefined {
  const [va, vb] = [a.validation, b.validation];
  if (!va || !vb || va.split !== vb.split || va.accuracy.n !== vb.accuracy.n) return undefined;
  if (va.accuracy.k === vb.accuracy.k) return undefined;
  const [chosen, other] = va.accuracy.k > vb.accuracy.k ? [a, b] : [b, a];
  const [mine, theirs] = [chosen.validation!, other.validation!];
  const name = (m: T) => MEMBER_LABELS[m.architecture];
  return {
    entry: chosen,
    why:
      `more right answers on the validation split (${mine.accuracy.n} scans, ${splitWords(mine.split)}; ` +
      `no cross-validation of these models yet) — ${name(chosen)} ${percent(mine.accuracy.rate)} vs ` +
      `${name(other)} ${percent(theirs.accuracy.rate)}; it gives a class to ${percent(mine.answered)} of them ` +
      `at its "Uncertain" threshold, against the ${name(other)}'s ${percent(theirs.answered)}`,
  };
}
