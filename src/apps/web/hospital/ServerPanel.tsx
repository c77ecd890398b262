/**
 * The "Hospital server" panel (issue 16, docs/server.md): join or sign in with a
 * passkey; once signed in, upload the scan on screen, share and revoke my scans,
 * read their audit trail, and open scans colleagues shared. The server is this
 * page's own origin, and it only ever receives sealed packages, wrapped keys,
 * signed records and public keys.
 */
import { useEffect } from 'react';
import { SignIn } from './SignIn';
import { StudyLists } from './StudyLists';
import { UploadControl } from './UploadControl';
import { signOut } from './session';
import { refreshLists } from './studies';
import { useServer } from './state';
import './server.css';

function SignedIn() {
  const account = useServer((s) => s.account)!;
  const hasKeys = useServer((s) => s.hasKeys);
  const busy = useServer((s) => s.busy);

  useEffect(() => {
    void refreshLists();
  }, [account.id]);

  return (
    <>
      <p className="signed-in">
        <span data-testid="signed-in-as">
          Signed in as <strong>{account.name}</strong> ({account.role})
        </span>{' '}
        <button type="button" data-testid="sign-out" disabled={busy !== null} onClick={() => signOut()}>
          Sign out
        </button>
      </p>
      {!hasKeys && (
        <p className="error" role="alert" data-testid="no-account-keys">
          This browser does not hold your account&apos;s keys, so it can list your scans but not upload, share or open
          them. Use the browser (and profile) you joined with.
        </p>
      )}
      <UploadControl />
      <StudyLists />
    </>
  );
}

export function ServerPanel() {
  const signedIn = useServer((s) => s.account !== null);
  const notice = useServer((s) => s.notice);
  return (
    <section className="panel server-panel" aria-labelledby="server-title" data-testid="server-panel">
      <h2 id="server-title">Hospital server</h2>
      <p className="hint">
        Upload a scan to share it with colleagues. It is sealed in this browser first: the server stores and audits it
        but cannot open it.
      </p>
      <p className="server-notice" role="status" aria-live="polite" data-testid="server-notice">
        {notice}
      </p>
      {signedIn ? <SignedIn /> : <SignIn />}
    </section>
  );
}
