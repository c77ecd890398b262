/**
 * The key panel: random key or passphrase key, key files in and out, the short
 * key-check value, and "wrong key" when a key file and passphrase do not match.
 * The key itself is never displayed.
 */
import { useState } from 'react';
import { useKey, shortCheck } from '../state/key';
import { exportKey, forgetKey, newRandomKey } from '../actions/keyActions';
import { keyReplacementLoss, type ConfirmReplace, type KeySource, type ReplacementLoss } from '../actions/replaceKey';
import { KeyFileImport } from './KeyFileImport';
import { ReplaceKeyDialog } from './ReplaceKeyDialog';
import { PassphraseForm } from './PassphraseForm';

const BUSY_TEXT = {
  generating: 'Making a random key…',
  deriving: 'Deriving the key with Argon2id (64 MiB)…',
  importing: 'Opening the key file…',
};

export function KeyPanel() {
  const key = useKey((s) => s.key);
  const busy = useKey((s) => s.busy);
  const error = useKey((s) => s.error);
  const deriveMs = useKey((s) => s.deriveMs);
  // set while the replace-key dialog is open: what the replacement would lose, where the new key comes
  // from, and the answer's receiver
  const [asking, setAsking] = useState<{
    loss: ReplacementLoss;
    source: KeySource;
    answer: (replace: boolean) => void;
  } | null>(null);
  const confirmFor =
    (source: KeySource): ConfirmReplace =>
    (loss) =>
      new Promise<boolean>((resolve) =>
        setAsking({
          loss,
          source,
          answer: (replace) => {
            setAsking(null);
            resolve(replace);
          },
        }),
      );
  // a random key is asked about before it is made; a passphrase or key-file key once made (keyActions)
  const randomKey = async () => {
    const loss = keyReplacementLoss();
    if (!loss || (await confirmFor('random')(loss))) await newRandomKey();
  };

  return (
    <section className="panel" aria-labelledby="key-title" data-testid="key-panel">
      <h2 id="key-title">2. Key</h2>
      <div className="key-state" data-testid="key-state" aria-live="polite">
        {key ? (
          <>
            <span className="key-ok">Key ready</span> ({key.origin}) · check{' '}
            <code data-testid="key-check">{shortCheck(key)}</code>
            {deriveMs !== null && <span className="hint"> · derived in {Math.round(deriveMs)} ms</span>}
          </>
        ) : (
          <span>No key yet</span>
        )}
      </div>
      {busy && (
        <p className="busy" role="status" data-testid="key-busy">
          <span className="spinner" aria-hidden="true" /> {BUSY_TEXT[busy]}
        </p>
      )}
      {error && (
        <p className="error" role="alert" data-testid="key-error">
          {error}
        </p>
      )}
      <div className="button-row">
        <button type="button" data-testid="generate-key" onClick={() => void randomKey()} disabled={busy !== null}>
          Random key
        </button>
        <button type="button" data-testid="export-key" onClick={exportKey} disabled={!key}>
          Export key file
        </button>
        <button type="button" onClick={forgetKey} disabled={!key}>
          Forget key
        </button>
      </div>
      {asking && (
        <ReplaceKeyDialog
          loss={asking.loss}
          source={asking.source}
          onCancel={() => asking.answer(false)}
          onReplace={() => asking.answer(true)}
        />
      )}
      <PassphraseForm confirmReplace={confirmFor('passphrase')} />
      <KeyFileImport confirmReplace={confirmFor('key file')} />
      <p className="hint">
        The key lives in this tab's memory only. A random key's file holds the key itself: keep it like a password.
      </p>
    </section>
  );
}
