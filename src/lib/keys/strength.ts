/**
 * Passphrase strength (zxcvbn-ts): a hint as the user types, and a gate when a
 * new key is derived. Argon2id slows guessing, but a passphrase key file lets
 * anyone who holds it guess offline, so a weak passphrase is refused, not merely
 * flagged.
 *
 * Must never: keep, log or send the passphrase; let a key be made from a
 * passphrase scoring below MIN_PASSPHRASE_SCORE.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { MIN_PASSPHRASE_SCORE } from './kdfPolicy';

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

export { MIN_PASSPHRASE_SCORE };

/** A passphrase too easy to guess to make a key from; the message says why and what to do. */
export class WeakPassphraseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeakPassphraseError';
  }
}

/** Why this passphrase may not make a new key, in words for the user; undefined when it may. */
export function weakPassphraseProblem(passphrase: string): string | undefined {
  const hint = passphraseStrength(passphrase);
  if (hint.score >= MIN_PASSPHRASE_SCORE) return undefined;
  const why = hint.warning ? ` ${hint.warning.replace(/\.?$/, '.')}` : '';
  return (
    `This passphrase is too easy to guess (strength: ${hint.label}).${why} ` +
    `Anyone who gets the key file can try guesses against it offline, so a passphrase key needs a strong passphrase: ` +
    `use four or more unrelated words, or a long sentence only you would write.`
  );
}
