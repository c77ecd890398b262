/**
 * Passphrase entry with a strength hint as you type, and Argon2id derivation on
 * submit. A derived key empties the field: the passphrase re-derives the key, so it
 * must not stay in the page for the next person at the screen (Forget key forgets both).
 */
import { useEffect, useState } from 'react';
import type { StrengthHint } from '../../../lib/keys/strength';
import { useKey } from '../state/key';
import { keyFromPassphrase } from '../actions/keyActions';

export function PassphraseForm() {
  const [passphrase, setPassphrase] = useState('');
  const busy = useKey((s) => s.busy);
  const [hint, setHint] = useState<StrengthHint | null>(null);

  // zxcvbn's dictionaries are large: load them on the first keystroke, not with the page.
  useEffect(() => {
    if (!passphrase) {
      setHint(null);
      return;
    }
    let current = true;
    void import('../../../lib/keys/strength').then(({ passphraseStrength }) => {
      if (current) setHint(passphraseStrength(passphrase));
    });
    return () => {
      current = false;
    };
  }, [passphrase]);

  return (
    <form
      className="passphrase"
      onSubmit={(e) => {
        e.preventDefault();
        const submitted = passphrase;
        // only what was submitted is cleared: text typed meanwhile stays
        void keyFromPassphrase(submitted).then((derived) => {
          if (derived) setPassphrase((now) => (now === submitted ? '' : now));
        });
      }}
    >
      <label htmlFor="passphrase">Passphrase</label>
      <input
        id="passphrase"
        type="password"
        autoComplete="off"
        data-testid="passphrase"
        value={passphrase}
        onChange={(e) => setPassphrase(e.target.value)}
      />
      {hint && (
        <div className="strength" data-testid="passphrase-strength" data-score={hint.score}>
          <meter min={0} max={4} value={hint.score} aria-label="Passphrase strength" />
          <span>
            {hint.label}
            {hint.warning && ` — ${hint.warning}`}
          </span>
        </div>
      )}
      <button type="submit" data-testid="derive-key" disabled={!passphrase || busy !== null}>
        Derive key
      </button>
    </form>
  );
}
