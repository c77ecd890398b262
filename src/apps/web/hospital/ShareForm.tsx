/** Sharing one of my scans: the colleague's account name, why, and until when (optional). */
import { useId, useState } from 'react';
import { PURPOSES, type Purpose } from '../../../lib/serverClient';
import { PURPOSE_LABELS } from './messages';
import { shareStudy } from './studies';
import { slot, useServer } from './state';

export function ShareForm({ uid }: { uid: string }) {
  const id = useId();
  const [colleague, setColleague] = useState('');
  const [purpose, setPurpose] = useState<Purpose>('treatment');
  const [until, setUntil] = useState('');
  const busy = useServer((s) => s.busy);
  const busyHere = useServer((s) => s.busy === 'sharing' && s.busyStudy === uid);
  const error = useServer((s) => s.errors[slot.share(uid)]);
  const errorId = `${id}-error`;

  return (
    <form
      className="server-form share-form"
      aria-label="Share this scan"
      onSubmit={(e) => {
        e.preventDefault();
        void shareStudy(uid, { colleague, purpose, until }).then((shared) => {
          if (shared) setColleague('');
        });
      }}
    >
      <div className="share-fields">
        <label htmlFor={`${id}-with`}>Colleague&apos;s account</label>
        <input
          id={`${id}-with`}
          data-testid="share-with"
          autoComplete="off"
          value={colleague}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(e) => setColleague(e.target.value)}
        />
        <label htmlFor={`${id}-purpose`}>Purpose</label>
        <select
          id={`${id}-purpose`}
          data-testid="share-purpose"
          value={purpose}
          onChange={(e) => setPurpose(e.target.value as Purpose)}
        >
          {PURPOSES.map((p) => (
            <option key={p} value={p}>
              {PURPOSE_LABELS[p]}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-until`}>Until (optional)</label>
        <input
          id={`${id}-until`}
          type="date"
          data-testid="share-until"
          value={until}
          aria-describedby={error ? errorId : undefined}
          onChange={(e) => setUntil(e.target.value)}
        />
      </div>
      <button type="submit" data-testid="share-submit" disabled={busy !== null}>
        {busyHere ? 'Sharing…' : 'Share'}
      </button>
      {error && (
        <p className="error" id={errorId} role="alert" data-testid="share-error">
          {error}
        </p>
      )}
    </form>
  );
}
