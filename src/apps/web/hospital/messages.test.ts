import { describe, expect, it } from 'vitest';
import { ServerError, ServerUnreachableError } from '../../../lib/serverClient';
import { SharingRefusedError } from '../../../lib/sharing/errors';
import {
  NO_LONGER_SHARED,
  actionLabel,
  decisionLabel,
  SESSION_ENDED,
  colleagueFromField,
  explain,
  formatBytes,
  modalityCode,
  purposeLabel,
  sentence,
  sessionEnded,
  untilFromField,
} from './messages';

describe('hospital-server messages', () => {
  it('says a refused open the same way for revoked and unknown scans, and keeps other server sentences', () => {
    const notFound = new ServerError(404, 'not-found', 'not found');
    expect(explain(notFound, 'open')).toBe(NO_LONGER_SHARED);
    expect(explain(notFound, 'other')).toBe('Not found.');
    expect(explain(new ServerError(409, 'stale-version', 'the record changed meanwhile'))).toBe(
      'The record changed meanwhile.',
    );
  });

  it('treats a 401 as an ended session, except while signing in', () => {
    const expired = new ServerError(401, 'unauthorized', 'the session has expired');
    expect(explain(expired)).toBe(SESSION_ENDED);
    expect(sessionEnded(expired)).toBe(true);
    expect(explain(new ServerError(401, 'bad-passkey', 'this passkey is not known'), 'sign-in')).toBe(
      'This passkey is not known.',
    );
    expect(sessionEnded(new ServerError(401, 'not-signed-in', 'not signed in'))).toBe(false);
    expect(sessionEnded(new ServerError(403, 'forbidden', 'no'))).toBe(false);
  });

  it('explains passkey dialogs, unreachable servers and failed checks', () => {
    const cancelled = Object.assign(new Error('x'), { name: 'NotAllowedError' });
    expect(explain(cancelled, 'join')).toMatch(/No passkey was made/);
    expect(explain(cancelled, 'sign-in')).toMatch(/No passkey was used/);
    expect(explain(Object.assign(new Error('x'), { code: 'ERROR_INVALID_RP_ID' }))).toMatch(/localhost/);
    expect(explain(new ServerUnreachableError('http://localhost:1'))).toMatch(/^Cannot reach the server/);
    expect(explain(new SharingRefusedError('wrong-study', 'this wrapped key belongs to another study'))).toMatch(
      /^Refused: this wrapped key belongs to another study\. Nothing from this scan is shown/,
    );
  });

  it('checks the share form fields', () => {
    const now = new Date(2027, 0, 10, 12);
    expect(untilFromField('', now)).toEqual({});
    expect(untilFromField('2027-01-09', now).error).toMatch(/passed/);
    expect(untilFromField('2027-02-30', now).error).toMatch(/does not exist/);
    expect(untilFromField('31/01/2027', now).error).toMatch(/year-month-day/);
    const until = untilFromField('2027-01-10', now).until!;
    expect(new Date(until).getDate()).toBe(10);
    expect(Date.parse(until)).toBeGreaterThan(now.getTime());
    expect(colleagueFromField('  bob ')).toEqual({ name: 'bob' });
    expect(colleagueFromField('   ').error).toBeDefined();
  });

  it('formats what the lists show', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MiB');
    expect(purposeLabel('second-opinion')).toBe('Second opinion');
    expect(purposeLabel(undefined)).toBe('—');
    expect(modalityCode(' mr ')).toBe('MR');
    expect(modalityCode('Head scan')).toBe('OT');
    expect(modalityCode(undefined)).toBe('OT');
    expect(sentence('done')).toBe('Done.');
    expect(actionLabel('read')).toBe('Open (download)');
    expect(actionLabel('somethingNew')).toBe('somethingNew');
    expect(decisionLabel('deny')).toBe('Refused');
  });
});
