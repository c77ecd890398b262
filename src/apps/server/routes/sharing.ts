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
import { badRequest, conflict, notFound } from '../http/errors';
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
      const { caller, study, allowed } = await studyFor(ctx, request, 'share');
      const reader = await getAccountByName(ctx.db, accountNameParam(request.params.name));
      if (!reader) throw notFound();
      if (reader.id === study.ownerId) throw badRequest('bad-request', 'the owner is a reader of their study already');
      const until = untilDate(request.body.until);
      const current = decodeRecordUnverified(study.recordJws);
      const holders = await listKeyHolders(ctx.db, study.uid);
      const header = await acceptRecordChange({
        record: request.body.record,
        owner: { id: caller.id, signJwk: caller.signJwk },
        current,
        readersAfter: [...new Set([...holders, reader.id])],
        wrappedKey: request.body.wrappedKey,
      });
      const version = await orConflict(() =>
        ctx.db.transaction(async (tx) => {
          const bumped = await shareStudy(tx, {
            uid: study.uid,
            expectedVersion: current.version,
            recordJws: request.body.record,
            readerId: reader.id,
            wrappedKey: request.body.wrappedKey,
            purpose: request.body.purpose,
            until,
          });
          await allowed.audit(tx);
          return bumped;
        }),
      );
      return { version: version ?? header.version };
    },
  );

  api.delete<{ Params: { uid: string; name: string }; Body: { record: string } }>(
    '/studies/:uid/readers/:name',
    { schema: { body: closedBody({ record: compactJwsSchema }, ['record']) } },
    async (request) => {
      const { caller, study, allowed } = await studyFor(ctx, request, 'revoke');
      const reader = await getAccountByName(ctx.db, accountNameParam(request.params.name));
      const holders = await listKeyHolders(ctx.db, study.uid);
      if (!reader || reader.id === study.ownerId || !holders.includes(reader.id)) throw notFound();
      const current = decodeRecordUnverified(study.recordJws);
      await acceptRecordChange({
        record: request.body.record,
        owner: { id: caller.id, signJwk: caller.signJwk },
        current,
        readersAfter: holders.filter((id) => id !== reader.id),
      });
      const version = await orConflict(() =>
        ctx.db.transaction(async (tx) => {
          const bumped = await revokeStudyReader(tx, {
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
    },
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
