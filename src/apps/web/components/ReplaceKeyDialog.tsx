/**
 * Asks before a new key replaces one that has work made with it: the encrypted results are dropped, and
 * what was exported (packages, encrypted PNGs) opens only with the old key. A native modal <dialog>: it
 * takes focus, keeps it inside, and Escape cancels; Cancel keeps everything as it was. Closing gives focus
 * back to where it was.
 */
import { useEffect, useRef } from 'react';
import type { KeySource, ReplacementLoss } from '../actions/replaceKey';
import { exportKey } from '../actions/keyActions';

const NEW_KEY: Record<KeySource, string> = {
  random: 'A new random key',
  passphrase: 'The key from this passphrase',
  'key file': 'The key from this key file',
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

interface Props {
  loss: ReplacementLoss;
  /** where the new key comes from */
  source: KeySource;
  onReplace: () => void;
  onCancel: () => void;
}

export function ReplaceKeyDialog({ loss, source, onReplace, onCancel }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const d = dialog.current;
    // where focus was (the button that asked): an open modal removed from the page gives focus back to
    // nothing, so keyboard and screen-reader users would land at the top of the page
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (d && !d.open) d.showModal();
    cancel.current?.focus(); // the safe choice has the focus: Enter keeps everything
    return () => {
      if (d?.open) d.close();
      if (before?.isConnected) before.focus();
    };
  }, []);
  return (
    <dialog
      ref={dialog}
      className="confirm-dialog"
      aria-labelledby="replace-key-title"
      aria-describedby="replace-key-what"
      data-testid="replace-key-dialog"
      onCancel={(e) => {
        e.preventDefault(); // Escape: close through the same path as the Cancel button
        onCancel();
      }}
    >
      <h3 id="replace-key-title">Replace the key in use?</h3>
      <div id="replace-key-what">
        <p>{NEW_KEY[source]} replaces the current one, and then:</p>
        <ul>
          {loss.encrypted > 0 && (
            <li>{plural(loss.encrypted, 'scan loses', 'scans lose')} the encrypted image made with it;</li>
          )}
          <li>
            files exported with it ({plural(loss.packages, 'AES package', 'AES packages')} this session, and any
            encrypted PNG) open only with the current key: with the new one they say “wrong key”.
          </li>
        </ul>
        <p>Save the current key file first if you may need to open them again.</p>
      </div>
      <div className="button-row">
        <button type="button" data-testid="replace-key-export" onClick={exportKey}>
          Save key file first
        </button>
        <button type="button" className="danger" data-testid="replace-key-confirm" onClick={onReplace}>
          Replace key
        </button>
        <button type="button" data-testid="replace-key-cancel" ref={cancel} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
