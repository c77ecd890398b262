/**
 * Attack picker with its parameters and plain-language note, and the standing
 * statement of BPE's known weakness (ARCHITECTURE.md §3): one known plain/encrypted
 * pair reveals the key.
 */
import { useFiles } from '../state/files';
import { useResults } from '../state/results';
import { useSettings } from '../state/settings';
import { ATTACKS, knownPairCandidates, runSelectedAttack } from '../actions/attack';
import { AttackParamsForm } from './AttackParamsForm';
import { WorkspaceError } from './WorkspaceError';

export function AttackPanel() {
  const kind = useSettings((s) => s.attackKind);
  const setKind = useSettings((s) => s.setAttackKind);
  const selectedId = useFiles((s) => s.selectedId);
  const outcome = useResults((s) => (selectedId ? s.byFile[selectedId]?.attack : undefined));
  const encrypted = useResults((s) => (selectedId ? s.byFile[selectedId]?.encrypted !== undefined : false));
  const busy = useResults((s) => s.busy);
  const spec = ATTACKS.find((a) => a.kind === kind)!;
  const files = useFiles((s) => s.files);
  const byFile = useResults((s) => s.byFile);
  const pairs = knownPairCandidates(files, byFile, selectedId).length;
  // why Run attack is off, said beside it (a disabled button alone does not say what is missing)
  const blocked = !encrypted
    ? 'Encrypt the selected scan first.'
    : kind === 'known-plaintext' && pairs === 0
      ? 'Known-plaintext needs a second scan encrypted with the same key: its plain and encrypted images are the attacker’s one known pair.'
      : null;

  return (
    <section className="panel attack-panel" aria-labelledby="attack-title">
      <h2 id="attack-title">4. Attack it</h2>
      <p className="weakness" role="note" data-testid="known-weakness">
        Known weakness: block-pixel encryption uses the same in-block scrambling for every block, so{' '}
        <strong>one known plain/encrypted image pair reveals the key</strong>. Use BPE for computing on images; use the
        AES package to store and send them.
      </p>
      <label>
        Attack{' '}
        <select value={kind} data-testid="attack-kind" onChange={(e) => setKind(e.target.value as typeof kind)}>
          {ATTACKS.map((a) => (
            <option key={a.kind} value={a.kind}>
              {a.title}
            </option>
          ))}
        </select>
      </label>
      <p className="hint">{spec.what}</p>
      <p className="hint" data-testid="inversion-link">
        Attacks on what hospitals would share instead (updates, class tokens, our server&apos;s ciphertexts):{' '}
        <a href="#inv-title">model-inversion attacks, in Hospital network</a>.
      </p>
      <AttackParamsForm kind={kind} />
      <button
        type="button"
        className="primary"
        data-testid="run-attack"
        disabled={blocked !== null || busy === 'attacking'}
        aria-describedby={blocked ? 'attack-blocked' : undefined}
        onClick={() => void runSelectedAttack()}
      >
        {busy === 'attacking' ? 'Attacking…' : 'Run attack'}
      </button>
      {blocked && (
        <p className="hint" id="attack-blocked" data-testid="attack-blocked">
          {blocked}
        </p>
      )}
      <WorkspaceError at="attack" />
      {outcome && (
        <div className="attack-outcome" data-testid="attack-note" aria-live="polite">
          <p>{outcome.note}</p>
          {outcome.details && (
            <ul>
              {outcome.details.map((d) => (
                <li key={d}>{d}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
