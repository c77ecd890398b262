/** Parameters of the chosen attack: bit and fraction, mu/sigma/fraction, or the known pair. */
import { useFiles } from '../state/files';
import { useResults, type AttackKind } from '../state/results';
import { useSettings } from '../state/settings';
import { effectiveKnownPair, knownPairCandidates } from '../actions/attack';
import { BoundedNumberField } from './BoundedNumberField';

export function AttackParamsForm({ kind }: { kind: AttackKind }) {
  const p = useSettings((s) => s.attackParams);
  const set = useSettings((s) => s.setAttackParams);
  const files = useFiles((s) => s.files);
  const selectedId = useFiles((s) => s.selectedId);
  const byFile = useResults((s) => s.byFile);
  // both noise attacks touch a fraction of the values
  const fractionField = (
    <BoundedNumberField
      className="param"
      label="Fraction of values"
      value={p.fraction}
      min={0}
      max={1}
      step={0.05}
      onChange={(fraction) => set({ fraction })}
      testId="param-fraction"
    />
  );

  if (kind === 'bit-flip')
    return (
      <div className="params">
        <BoundedNumberField
          className="param"
          label="Bit (0 = least significant)"
          value={p.bit}
          min={0}
          max={7}
          step={1}
          onChange={(bit) => set({ bit })}
          testId="param-bit"
        />
        {fractionField}
      </div>
    );
  if (kind === 'gaussian')
    return (
      <div className="params">
        <BoundedNumberField
          className="param"
          label="μ"
          value={p.mu}
          min={-128}
          max={128}
          step={1}
          onChange={(mu) => set({ mu })}
          testId="param-mu"
        />
        <BoundedNumberField
          className="param"
          label="σ"
          value={p.sigma}
          min={0}
          max={128}
          step={1}
          onChange={(sigma) => set({ sigma })}
          testId="param-sigma"
        />
        {fractionField}
      </div>
    );
  if (kind === 'known-plaintext') {
    const candidates = knownPairCandidates(files, byFile, selectedId);
    const chosen = effectiveKnownPair(candidates, p.knownPairFileId);
    // with no candidate, the panel says beside Run attack what is missing
    return (
      <div className="params">
        {candidates.length > 0 && (
          <label className="param">
            Known pair (attacker has its plain and encrypted image)
            <select
              value={chosen ?? ''}
              data-testid="param-known-pair"
              onChange={(e) => set({ knownPairFileId: e.target.value })}
            >
              {candidates.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.label}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
    );
  }
  return null;
}
