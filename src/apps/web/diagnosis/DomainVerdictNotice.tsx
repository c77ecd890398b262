/**
 * The out-of-domain guard's verdict in words, shown before any diagnosis
 * (issue 18): a clinician must read "this is not what the model knows" before a
 * class name. Plain and encrypted verdicts are shown as one sentence when they
 * agree (they do when adaptation is right) and flagged when they do not.
 * An ensemble is refused when either member's guard refuses: `refusedBy` names them.
 * A DICOM file that declares another modality (a CT for a brain-MRI model) is refused
 * on that declaration first, in its words.
 */
import type { DomainVerdict } from '../../../lib/diagnosis/domainGuard';
import { domainNameFor, outOfDomainMessage } from '../../../lib/diagnosis/domainGuard';
import { modalityMessage, type ModalityVerdict } from '../../../lib/diagnosis/declaredModality';

export function DomainVerdictNotice(props: {
  classes: string[];
  plain?: DomainVerdict;
  encrypted?: DomainVerdict;
  /** an ensemble: the members (for people: "ViT") whose guard refused */
  refusedBy?: string[];
  /** what the DICOM file declared it is (declaredModality.ts): a mismatch refuses before the image guard */
  declared?: ModalityVerdict;
}) {
  const { classes, plain, encrypted, refusedBy = [], declared } = props;
  const domain = domainNameFor(classes);
  if (declared?.inDomain === false)
    return (
      <p
        className="domain-verdict out-of-domain error"
        role="alert"
        data-testid="domain-verdict"
        data-in-domain={false}
        data-refused-by="declared-modality"
      >
        {modalityMessage(declared, classes)}{' '}
        {plain ? (
          <span className="hint">
            (the image check alone would have {plain.inDomain ? 'accepted' : 'refused'} it: distance{' '}
            {plain.score.toFixed(0)}, limit {plain.threshold.toFixed(0)})
          </span>
        ) : null}
      </p>
    );
  if (!plain)
    return (
      <p className="hint" data-testid="domain-verdict" data-in-domain="unknown">
        This model has no out-of-domain check: it answers every image, whatever it shows.
      </p>
    );
  const refused = !plain.inDomain || encrypted?.inDomain === false;
  const disagree = encrypted !== undefined && encrypted.inDomain !== plain.inDomain;
  return (
    <p
      className={refused ? 'domain-verdict out-of-domain error' : 'domain-verdict hint'}
      role={refused ? 'alert' : undefined}
      data-testid="domain-verdict"
      data-in-domain={!refused}
    >
      {refused ? outOfDomainMessage(domain) : `Looks like a ${domain} the model was trained on.`}{' '}
      {refused && refusedBy.length > 0 ? (
        <span data-testid="domain-refused-by">Refused by the {refusedBy.join(' and the ')} check. </span>
      ) : null}
      <span className="hint">
        (distance {plain.score.toFixed(0)}, limit {plain.threshold.toFixed(0)}
        {plain.intensity
          ? `; intensity histogram ${plain.intensity.score.toFixed(0)}, limit ${plain.intensity.threshold.toFixed(0)}`
          : ''}
        {disagree ? '; the plain and encrypted checks DISAGREE' : ''})
      </span>
    </p>
  );
}
