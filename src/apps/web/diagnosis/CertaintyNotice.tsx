/**
 * Selective diagnosis in words (issue 18): below the model's threshold, fitted
 * on validation, the page says "Uncertain — refer for review" before any class;
 * above it, how sure the model is against what it needs. Plain and encrypted
 * sides give the same probabilities, so one sentence serves both.
 */
import {
  UNCERTAIN_MESSAGE,
  lessSure,
  uncertainReason,
  type ConfidenceVerdict,
} from '../../../lib/diagnosis/abstention';
import { percent } from '../../../lib/diagnosis/percent';

/** Uncertain when either side is (they agree when adaptation is right). */
export function isUncertain(plain?: ConfidenceVerdict, encrypted?: ConfidenceVerdict): boolean {
  return plain?.uncertain === true || encrypted?.uncertain === true;
}

export function CertaintyNotice(props: { plain?: ConfidenceVerdict; encrypted?: ConfidenceVerdict }) {
  const { plain, encrypted } = props;
  if (!plain) return null;
  if (isUncertain(plain, encrypted))
    return (
      <p className="certainty-verdict uncertain" role="status" data-testid="certainty-verdict" data-uncertain="true">
        <strong>{UNCERTAIN_MESSAGE}</strong>: {uncertainReason(lessSure(plain, encrypted))}.
      </p>
    );
  return (
    <p className="certainty-verdict hint" data-testid="certainty-verdict" data-uncertain="false">
      {/* rounded as the probability bars are (percent): sure means at or above, and rounding keeps that order */}
      Sure enough to answer: {percent(plain.confidence)} (the model answers from {percent(plain.minConfidence)}).
    </p>
  );
}
