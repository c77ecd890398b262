/**
 * Passphrase strength hint (zxcvbn-ts). Advisory only: Argon2id slows guessing,
 * but a weak passphrase is still the weakest link of a passphrase key.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

let factory: ZxcvbnFactory | undefined;

export interface StrengthHint {
  /** 0 (too guessable) .. 4 (very unguessable) */
  score: 0 | 1 | 2 | 3 | 4;
  label: string;
  warning: string;
  suggestions: string[];
}

const LABELS = ['very weak', 'weak', 'fair', 'strong', 'very strong'];

export function passphraseStrength(passphrase: string): StrengthHint {
  factory ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
  const r = factory.check(passphrase);
  return {
    score: r.score,
    label: LABELS[r.score],
    warning: r.feedback.warning ?? '',
    suggestions: r.feedback.suggestions,
  };
}
