/**
 * Sharing a study (docs/server.md, "HTTP API"): the owner lists readers, adds one
 * (a new signed record, version current + 1, whose readersHash covers the reader list
 * after the change, and the content key wrapped for the new reader), removes one (a
 * new record without them; their wrapped key and grant are deleted), and sets consent.
 * The server checks the record itself (`acceptRecordChange`): signature by the owner's
 * registered key, exact version, same study and package, and the reader hash against
 * the list the database will hold. The version bump is a compare-and-set, so of two
 * concurrent changes one is a 409.
 *
 * Study ids the caller holds no key for answer 404, like unknown ones.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { decodeRecordUnverified } from '../../../lib/sharing/record';
import { acceptRecordChange } from '../../../lib/sharing/serverChecks';
import type { Queryable } from '../db';
import { badRequest, conflict, HttpError, notFound } from '../http/errors';
import {
  getAccountByName,
  getStudy,
  getStudyForReader,
  listKeyHolders,
  listReaders,
  revokeStudyReader,
  setConsent,
  shareStudy,
  StoreError,
  type Account,
  type ShareChange,
  type Purpose,
  type Study,
} from '../store';
import type { Action } from '../policy/authorizer';
import { decide, signedInCaller, type Allowed, type RouteContext } from './context';
import { accountNameParam, closedBody, compactJweSchema, compactJwsSchema, studyUidParam } from './schemas';

const PURPOSES = ['treatment', 'second-opinion', 'research'];

/** The study and the caller's decision on it; a study the caller holds no key for is a 404 whatever Cedar says. */
async function studyFor(
  ctx: RouteContext,
  request: FastifyRequest<{ Params: { uid: string } }>,
  action: Action,
): Promise<{ caller: Account; study: Study; allowed: Allowed }> {
  const caller = await signedInCaller(ctx, request);
  const uid = studyUidParam(request.params.uid);
  const study = await getStudy(ctx.db, uid);
  if (!study) throw notFound();
  const mine = study.ownerId === caller.id ? null : await getStudyForReader(ctx.db, uid, caller.id);
  const allowed = await decide(ctx, {
    caller,
    action,
    resource: { kind: 'study', uid, ownerId: study.ownerId, consent: study.consent },
    grant: mine?.grant ?? null,
    denyAs: study.ownerId === caller.id || mine ? 'forbidden' : 'not-found',
  });
  return { caller, study, allowed };
}

/** A version conflict from the store (a concurrent change won) is the contract's 409. */
async function orConflict<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof StoreError && err.code === 'stale-version') throw conflict(err.message);
    if (err instanceof StoreError && err.code === 'not-found') throw notFound();
    throw err;
  }
}

/**
 * Share and revoke alike: the caller's decision on the study, the named reader (404
 * when unknown), the owner's next record checked against the reader list after the
 * change, then the store's compare-and-set and the audit record in one transaction.
 */
async function changeReaders(
  ctx: RouteContext,
  request: FastifyRequest<{ Params: { uid: string; name: string }; Body: { record: string } }>,
  action: 'share' | 'revoke',
  change: {
    /** refuses a reader this change cannot name, else gives the reader ids after the change */
    readersAfter: (reader: Account, study: Study, holders: string[]) => string[];
    /** checked by acceptRecordChange when given */
    wrappedKey?: string;
    store: (tx: Queryable, change: ShareChange) => Promise<number>;
  },
): Promise<{ version: number }> {
  const { caller, study, allowed } = await studyFor(ctx, request, action);
  const reader = await getAccountByName(ctx.db, accountNameParam(request.params.name));
  if (!reader) throw notFound();
  const holders = await listKeyHolders(ctx.db, study.uid);
  const readersAfter = change.readersAfter(reader, study, holders);
  const current = decodeRecordUnverified(study.recordJws);
  await acceptRecordChange({
    record: request.body.record,
    owner: { id: caller.id, signJwk: caller.signJwk },
    current,
    readersAfter,
    wrappedKey: change.wrappedKey,
  });
  const version = await orConflict(() =>
    ctx.db.transaction(async (tx) => {
      const bumped = await change.store(tx, {
        uid: study.uid,
        expectedVersion: current.version,
        recordJws: request.body.record,
        readerId: reader.id,
      });
      await allowed.audit(tx);
      return bumped;
    }),
  );
  return { version };
}

function untilDate(until: string | undefined): Date | null {
  if (until === undefined) return null;
  const date = new Date(until);
  if (Number.isNaN(date.getTime())) throw badRequest('bad-request', 'until is not a date');
  if (date.getTime() <= Date.now()) throw badRequest('bad-request', 'until is in the past');
  return date;
}

export function registerSharingRoutes(api: FastifyInstance, ctx: RouteContext): void {
  api.get<{ Params: { uid: string } }>('/studies/:uid/readers', async (request) => {
    // Its own action, so the audit trail says "listed readers", not "revoked".
    const { study, allowed } = await studyFor(ctx, request, 'listReaders');
    await ctx.db.transaction((tx) => allowed.audit(tx));
    return (await listReaders(ctx.db, study.uid)).map((grant) => ({
      name: grant.readerName,
      purpose: grant.purpose,
      until: grant.until ? grant.until.toISOString() : null,
      grantedAt: grant.grantedAt.toISOString(),
    }));
  });

  api.put<{
    Params: { uid: string; name: string };
    Body: { record: string; wrappedKey: string; purpose: Purpose; until?: string };
  }>(
    '/studies/:uid/readers/:name',
    {
      schema: {
        body: closedBody(
          {
            record: compactJwsSchema,
            wrappedKey: compactJweSchema,
            purpose: { type: 'string', enum: PURPOSES },
            until: { type: 'string', maxLength: 40 },
          },
          ['record', 'wrappedKey', 'purpose'],
        ),
      },
    },
    async (request) => {
      let until: Date | null = null;
      return changeReaders(ctx, request, 'share', {
        readersAfter: (reader, study, holders) => {
          if (reader.id === study.ownerId)
            throw badRequest('bad-request', 'the owner is a reader of their study already');
          // Refused before the record is checked or anything stored: no key is wrapped for an off-boarded person.
          if (reader.role === 'disabled')
            throw new HttpError(
              409,
              'reader-disabled',
              `the account ${reader.name} is disabled: it cannot be given a study`,
            );
          until = untilDate(request.body.until);
          return [...new Set([...holders, reader.id])];
        },
        wrappedKey: request.body.wrappedKey,
        store: (tx, change) =>
          shareStudy(tx, { ...change, wrappedKey: request.body.wrappedKey, purpose: request.body.purpose, until }),
      });
    },
  );

  api.delete<{ Params: { uid: string; name: string }; Body: { record: string } }>(
    '/studies/:uid/readers/:name',
    { schema: { body: closedBody({ record: compactJwsSchema }, ['record']) } },
    (request) =>
      changeReaders(ctx, request, 'revoke', {
        readersAfter: (reader, study, holders) => {
          if (reader.id === study.ownerId || !holders.includes(reader.id)) throw notFound();
          return holders.filter((id) => id !== reader.id);
        },
        store: revokeStudyReader,
      }),
  );

  api.put<{ Params: { uid: string }; Body: { consent: 'given' | 'withdrawn' } }>(
    '/studies/:uid/consent',
    { schema: { body: closedBody({ consent: { type: 'string', enum: ['given', 'withdrawn'] } }, ['consent']) } },
    async (request) => {
      const { study, allowed } = await studyFor(ctx, request, 'setConsent');
      await ctx.db.transaction(async (tx) => {
        if (!(await setConsent(tx, study.uid, request.body.consent))) throw notFound();
        await allowed.audit(tx);
      });
      return { consent: request.body.consent };
    },
  );
}
