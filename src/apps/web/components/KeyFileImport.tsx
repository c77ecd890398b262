/** Importing a key file; a passphrase key file asks for its passphrase before it opens. */
import { useRef, useState } from 'react';
import { useKey } from '../state/key';
import { importKey, keyFileWantsPassphrase } from '../actions/keyActions';
import { readableError } from '../actions/loadFiles';
import type { ConfirmReplace } from '../actions/replaceKey';

/** `confirmReplace` asks before the file's key replaces a different key that has work. */
export function KeyFileImport({ confirmReplace }: { confirmReplace: ConfirmReplace }) {
  const input = useRef<HTMLInputElement>(null);
  const [pending, setPending] = useState<string | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const busy = useKey((s) => s.busy);

  const onFile = async (file: File) => {
    const text = await file.text();
    try {
      if (keyFileWantsPassphrase(text)) {
        setPending(text);
        return;
      }
      await importKey(text, undefined, confirmReplace);
    } catch (err) {
      useKey.getState().setError(readableError(err));
    }
  };

  return (
    <div className="key-import">
      <button type="button" onClick={() => input.current?.click()} disabled={busy !== null}>
        Import key file…
      </button>
      <input
        ref={input}
        type="file"
        hidden
        accept=".json,application/json"
        data-testid="key-file-input"
        aria-label="Key file"
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) void onFile(f);
          e.target.value = '';
        }}
      />
      {pending && (
        <form
          className="passphrase"
          onSubmit={(e) => {
            e.preventDefault();
            const text = pending;
            setPending(null);
            void importKey(text, passphrase, confirmReplace).finally(() => setPassphrase(''));
          }}
        >
          <label htmlFor="key-file-passphrase">This key file needs its passphrase</label>
          <input
            id="key-file-passphrase"
            type="password"
            autoComplete="off"
            data-testid="key-file-passphrase"
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
          />
          <button type="submit" data-testid="key-file-open" disabled={!passphrase}>
            Open key file
          </button>
        </form>
      )}
    </div>
  );
}
