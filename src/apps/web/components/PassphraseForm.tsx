/**
 * Passphrase entry with a strength hint as you type, and Argon2id derivation on
 * submit. A passphrase below "strong" cannot make a key: the button stays off and
 * the form says why (the worker refuses it too, lib/keys/strength.ts). A derived
 * key empties the field: the passphrase re-derives the key, so it must not stay in
 * the page for the next person at the screen (Forget key forgets both).
 */
import { useEffect, useState } from 'react';
import type { StrengthHint } from '../../../lib/keys/strength';
import { MIN_PASSPHRASE_SCORE } from '../../../lib/keys/kdfPolicy';
import { useKey } from '../state/key';
import { keyFromPassphrase } from '../actions/keyActions';
import type { ConfirmReplace } from '../actions/replaceKey';

/** `confirmReplace` asks before the derived key replaces a different key that has work. */
export function PassphraseForm({ confirmReplace }: { confirmReplace: ConfirmReplace }) {
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

  const tooWeak = hint !== null && hint.score < MIN_PASSPHRASE_SCORE;

  return (
    <form
      className="passphrase"
      onSubmit={(e) => {
        e.preventDefault();
        const submitted = passphrase;
        // only what was submitted is cleared: text typed meanwhile stays; a replacement declined keeps it
        void keyFromPassphrase(submitted, confirmReplace).then((derived) => {
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
      {tooWeak && (
        <p className="hint" data-testid="passphrase-too-weak">
          Too easy to guess: a passphrase key needs a strong passphrase, because anyone who gets its key file can try
          guesses offline. Use four or more unrelated words, or a long sentence only you would write.
        </p>
      )}
      <button type="submit" data-testid="derive-key" disabled={!passphrase || tooWeak || busy !== null}>
        Derive key
      </button>
      <p className="hint">
        A passphrase key's file holds no key, but anyone who has it can try guesses at the passphrase offline: keep it
        as private as the passphrase.
      </p>
    </form>
  );
}
