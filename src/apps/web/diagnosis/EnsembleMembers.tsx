/**
 * An ensemble's result in small print (issue 18): each member's own class on the
 * plain and the encrypted side, under the combined answer. Shown with the
 * classes (inside "show anyway" when the scan is refused or uncertain), never
 * before the verdicts.
 */
import type { SideBySideDiagnosis } from '../../../lib/diagnosis/session';
import { MEMBER_LABELS } from '../../../lib/diagnosis/ensemble';
import { classLabel } from '../../../lib/models/classNames';

export function EnsembleMembers({ result }: { result: SideBySideDiagnosis }) {
  if (!result.members) return null;
  return (
    <p className="hint ensemble-members" data-testid="ensemble-members">
      Mean of the members&apos; calibrated probabilities. Each member:{' '}
      {result.members.map((m, i) => {
        const plain = classLabel(m.plain.prediction.className);
        const enc = m.encrypted ? classLabel(m.encrypted.prediction.className) : undefined;
        return (
          <span
            key={m.model}
            data-testid={`ensemble-member-${m.architecture}`}
            data-class={m.plain.prediction.className}
          >
            {i > 0 ? ' · ' : ''}
            {MEMBER_LABELS[m.architecture]}: {plain}
            {enc !== undefined && enc !== plain ? ` (encrypted: ${enc})` : ''}
          </span>
        );
      })}
      {result.maxAbsProbabilityDiff !== undefined
        ? ` · largest probability difference ${result.maxAbsProbabilityDiff.toExponential(1)}`
        : ''}
    </p>
  );
}
