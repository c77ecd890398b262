/**
 * The audit log over HTTP (docs/server.md, "HTTP API"): an owner reads the entries of
 * their own study, an auditor those of any study or the whole log, and an auditor
 * checks the hash chain. Reading the log is itself a decision, so it is audited too.
 * A study the caller holds no key for answers 404, like an unknown one.
 */
import type { FastifyInstance } from 'fastify';
import { listAudit, verifyAuditChain } from '../audit';
import { notFound } from '../http/errors';
import { getStudy, getStudyForReader } from '../store';
import { decide, signedInCaller, type RouteContext } from './context';
import { studyUidParam } from './schemas';

const PAGE = 1000;

export function registerAuditRoutes(api: FastifyInstance, ctx: RouteContext): void {
  api.get<{ Querystring: { study?: string; after?: string } }>(
    '/audit',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            study: { type: 'string', maxLength: 64 },
            // a query value is text and the server's Ajv does not coerce: a seq in decimal, no sign, a safe integer
            after: { type: 'string', pattern: '^(0|[1-9][0-9]{0,14})$' },
          },
        },
      },
    },
    async (request) => {
      const caller = await signedInCaller(ctx, request);
      let resource: string | undefined;
      if (request.query.study === undefined) {
        const allowed = await decide(ctx, { caller, action: 'readAudit', resource: { kind: 'server' } });
        await ctx.db.transaction((tx) => allowed.audit(tx));
      } else {
        const uid = studyUidParam(request.query.study);
        const study = await getStudy(ctx.db, uid);
        if (!study) throw notFound();
        const holdsKey = study.ownerId === caller.id || (await getStudyForReader(ctx.db, uid, caller.id)) !== null;
        const allowed = await decide(ctx, {
          caller,
          action: 'readAudit',
          resource: { kind: 'study', uid, ownerId: study.ownerId, consent: study.consent },
          denyAs: holdsKey || caller.role === 'auditor' ? 'forbidden' : 'not-found',
        });
        await ctx.db.transaction((tx) => allowed.audit(tx));
        resource = `study:${uid}`;
      }
      const after = request.query.after === undefined ? undefined : Number(request.query.after);
      const entries = await listAudit(ctx.db, { resource, afterSeq: after, limit: PAGE });
      return entries.map(({ seq, at, actor, action, resource: r, decision, reason, hash }) => ({
        seq,
        at,
        actor,
        action,
        resource: r,
        decision,
        reason,
        hash,
      }));
    },
  );

  api.get('/audit/verify', async (request) => {
    const caller = await signedInCaller(ctx, request);
    const allowed = await decide(ctx, { caller, action: 'readAudit', resource: { kind: 'server' } });
    await ctx.db.transaction((tx) => allowed.audit(tx));
    return auditVerificationAnswer(await verifyAuditChain(ctx.db));
  });
}

/** The contract's `{ok, entries, firstBad?}` (firstBad = the seq), plus what went wrong there. */
export function auditVerificationAnswer(result: Awaited<ReturnType<typeof verifyAuditChain>>) {
  return {
    ok: result.ok,
    entries: result.entries,
    ...(result.firstBad ? { firstBad: result.firstBad.seq, problem: result.firstBad.problem } : {}),
  };
}
