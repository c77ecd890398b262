/**
 * Joining with an invitation code, and signing in with a passkey this device holds.
 * Each error is shown under its own control and tied to it for screen readers
 * (aria-describedby, aria-invalid).
 */
import { useState } from 'react';
import { joinWithInvitation, signInWithPasskey } from './session';
import { useServer } from './state';

export function SignIn() {
  const [code, setCode] = useState('');
  const busy = useServer((s) => s.busy);
  const joinError = useServer((s) => s.errors.join);
  const signInError = useServer((s) => s.errors['sign-in']);

  return (
    <div className="server-sign-in">
      <form
        className="server-form"
        aria-labelledby="server-join-title"
        onSubmit={(e) => {
          e.preventDefault();
          // the code is single-use: once it made an account it is worth nothing, so the field empties
          void joinWithInvitation(code).then((joined) => joined && setCode(''));
        }}
      >
        <h3 id="server-join-title">Join with an invitation</h3>
        <p className="hint">
          Your administrator gives you a code once. Joining makes your account&apos;s keys on this device and a passkey
          for this server; the keys never leave this browser.
        </p>
        <label htmlFor="server-invite">Invitation code</label>
        <input
          id="server-invite"
          data-testid="invite-code"
          autoComplete="off"
          spellCheck={false}
          value={code}
          aria-invalid={joinError ? true : undefined}
          aria-describedby={joinError ? 'server-join-error' : undefined}
          onChange={(e) => setCode(e.target.value)}
        />
        <button type="submit" data-testid="join-submit" disabled={busy !== null}>
          {busy === 'joining' ? 'Joining…' : 'Join with an invitation'}
        </button>
        {joinError && (
          <p className="error" id="server-join-error" role="alert" data-testid="join-error">
            {joinError}
          </p>
        )}
      </form>
      <div className="server-form">
        <h3>Already joined?</h3>
        <button
          type="button"
          data-testid="passkey-sign-in"
          disabled={busy !== null}
          aria-describedby={signInError ? 'server-sign-in-error' : undefined}
          onClick={() => void signInWithPasskey()}
        >
          {busy === 'signing-in' ? 'Signing in…' : 'Sign in with a passkey'}
        </button>
        {signInError && (
          <p className="error" id="server-sign-in-error" role="alert" data-testid="sign-in-error">
            {signInError}
          </p>
        )}
      </div>
    </div>
  );
}
