/** The line under a diagnosis that says whether the encrypted side answered as the original did. Pure. */

/**
 * Whether the encrypted side gave the original's answer. Where no diagnosis is shown (refused, or
 * uncertain) the sentence must not say "diagnosis": what agrees is the verdict and the leaning.
 */
export function agreementSentence(agree: boolean, noDiagnosisShown: boolean): string {
  if (!agree) return 'The two sides DISAGREE';
  return noDiagnosisShown
    ? 'Same verdict and leaning on the encrypted image (no diagnosis shown)'
    : 'Same diagnosis on the encrypted image';
}
