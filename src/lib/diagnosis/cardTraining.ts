/**
 * What a shipped model's card says about the data it learned from (model-card.json
 * `data`, written by learn/training/allLabelledCard.ts for `cipherscan train
 * --all-labelled`): whether it was trained on all labelled data (Training + Testing,
 * issue 18), so that Testing images of its dataset are in-sample for it, and the
 * dataset's name. The registry reads it once per model at discovery; the report view
 * reads whole cards with the same test (apps/web/diagnosis/inSample.ts).
 *
 * Must never: call a model all-labelled unless its card says `data.allLabelled: true`.
 */
import { isObject } from '../json/isObject';

export interface CardTraining {
  /** true: trained on all labelled data, no held-out Testing split */
  allLabelled: boolean;
  /** the card's `data.dataset`, where it names one */
  dataset?: string;
}

/** A parsed model-card.json's training data, as far as it says; a card without `data` says nothing. */
export function cardTraining(card: unknown): CardTraining {
  const data = isObject(card) ? card.data : undefined;
  if (!isObject(data)) return { allLabelled: false };
  return {
    allLabelled: data.allLabelled === true,
    ...(typeof data.dataset === 'string' ? { dataset: data.dataset } : {}),
  };
}
