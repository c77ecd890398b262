/**
 * A server failure in the middle of a STOW upload (the disk fails on the second study's
 * blob): the 500 says which parts are stored and which are not, and the stored one is
 * whole and listed; the error handler's "nothing was changed" is kept for a failure before
 * any part is stored. Runs on PGlite and PostgreSQL.
 */
import { afterEach, expect, it } from 'vitest';
import { describeOnBothDatabases } from '../../../testing/databases';
import { openDatabase } from '../db';
import type { BlobStore } from '../blobs';
import { bearer, newUser, sealStudy, startHarness, stow, type Harness, HOOK_TIMEOUT_MS } from './routeHarness';

/** A blob store whose put fails from the `failFrom`-th call on (1-based), as a full disk would. */
function failingPuts(failFrom: number): (store: BlobStore) => BlobStore {
  return (store) => {
    let puts = 0;
    return {
      ...store,
      put: (bytes, sha) => (++puts >= failFrom ? Promise.reject(new Error('disk full')) : store.put(bytes, sha)),
    };
  };
}

describeOnBothDatabases('routes: a server failure mid-upload', (suite) => {
  let h: Harness | undefined;
  afterEach(async () => h?.close(), HOOK_TIMEOUT_MS);

  it(
    'says which parts are stored when a later part fails, and the stored one is listed whole',
    async () => {
      h = await startHarness(await openDatabase(await suite.freshDatabase()), {}, { wrapBlobs: failingPuts(2) });
      const alice = await newUser(h, 'alice');
      const [first, second, third] = await Promise.all([sealStudy(alice), sealStudy(alice), sealStudy(alice)]);
      const answer = await stow(h.app, alice, [first.bundle, second.bundle, third.bundle]);
      expect(answer.statusCode, answer.body).toBe(500);
      const body = answer.json();
      expect(body.error).toBe('internal');
      expect(body.message).toMatch(
        /failed on part 1: the 1 part\(s\) listed in "stored" are kept; part 1 and the parts after it were not stored/,
      );
      expect(body.message).not.toMatch(/nothing was changed|disk full/);
      expect(body.stored).toHaveLength(1);
      const listed = await h.app.inject({ method: 'GET', url: '/api/dicomweb/studies', headers: bearer(alice) });
      expect(listed.json()).toHaveLength(1);
    },
    HOOK_TIMEOUT_MS,
  );

  it(
    'says nothing was changed when the first part fails',
    async () => {
      h = await startHarness(await openDatabase(await suite.freshDatabase()), {}, { wrapBlobs: failingPuts(1) });
      const alice = await newUser(h, 'alice');
      const answer = await stow(h.app, alice, [(await sealStudy(alice)).bundle]);
      expect(answer.statusCode).toBe(500);
      expect(answer.json().message).toBe('the server failed; nothing was changed by this request');
      const listed = await h.app.inject({ method: 'GET', url: '/api/dicomweb/studies', headers: bearer(alice) });
      expect(listed.json()).toEqual([]);
    },
    HOOK_TIMEOUT_MS,
  );
});
