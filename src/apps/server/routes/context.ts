/**
 * What every route needs: the server's dependencies, the signed-in caller, and the
 * one way a route asks the Cedar authorizer (`decide`), which writes every decision,
 * allow and deny, to the audit log with the deciding policy ids as its reason
 * (docs/server.md, DESIGN.md §8). An allow is audited in the transaction of the change
 * it allows; a deny in a transaction of its own, committed before the refusal.
 */
import type { FastifyRequest } from 'fastify';
import { appendAudit } from '../audit';
import { AuthError } from '../auth/authError';
import { verifySessionToken } from '../auth/tokens';
import type { BlobStore } from '../blobs';
import type { FederatedService } from '../federated/service';
import type { ServerConfig } from '../config';
import type { Database, Queryable } from '../db';
import { accountDisabled, forbidden, notFound } from '../http/errors';
import type { AccessResource, Action, Authorizer } from '../policy/authorizer';
import { getAccountById, type Account } from '../store';

export interface ServerDeps {
  db: Database;
  blobs: BlobStore;
  authorizer: Authorizer;
  config: ServerConfig;
  /** federated rounds' state; tests pass one with an injected clock (default: made by the routes) */
  federated?: FederatedService;
}

/** The deps plus what buildServer derives once (the session-token key from the database). */
export interface RouteContext extends ServerDeps {
  sessionSecret: Uint8Array;
}

/**
 * The account a Bearer token names, as the database has it now (role and keys fresh, not from the token).
 * A disabled account is refused here, 403, so its sessions lose every right at once, on the
 * routes that ask Cedar (which forbids it too) and on those that do not (`/me`, `/accounts/:name`).
 */
export async function signedInCaller(ctx: RouteContext, request: FastifyRequest): Promise<Account> {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9_.-]{1,4096})$/.exec(header) : null;
  if (!match) throw new AuthError('invalid', 'no bearer token');
  const claims = await verifySessionToken(ctx.sessionSecret, match[1]);
  const account = await getAccountById(ctx.db, claims.accountId);
  if (!account) throw new AuthError('invalid', 'token for an account that does not exist');
  if (account.role === 'disabled') throw accountDisabled();
  return account;
}

/**
 * The signed-in check for a route that takes a body over the server-wide 128 KiB (keys,
 * ciphertexts, uploads): run as the route's `onRequest`, on the request line and headers,
 * so a caller who is not signed in, or whose session has expired, gets the same 401 the
 * handler would give before Fastify reads and parses megabytes of body. The handler
 * takes the account found then with `caller(request)`.
 */
export function signedInBeforeBody(ctx: RouteContext): {
  onRequest: (request: FastifyRequest) => Promise<void>;
  caller: (request: FastifyRequest) => Account;
} {
  const callers = new WeakMap<FastifyRequest, Account>();
  return {
    onRequest: async (request) => void callers.set(request, await signedInCaller(ctx, request)),
    caller: (request) => {
      const account = callers.get(request);
      if (!account) throw new Error('signedInBeforeBody: the route has not run its onRequest');
      return account;
    },
  };
}

export interface DecisionRequest {
  caller: Account;
  action: Action;
  resource: AccessResource;
  purpose?: string;
  grant?: { purpose: string; until: Date | null } | null;
  /** how a deny is answered: 404 for study resources the caller may not even know of */
  denyAs?: 'forbidden' | 'not-found';
}

export interface Allowed {
  /**
   * Appends the allow to the audit log; call it inside the transaction that makes the change.
   * `resource` names what was made when the decision was about the server (an upload: the new study).
   */
  audit(tx: Queryable, resource?: string): Promise<void>;
}

/** Asks Cedar; a deny is audited now and thrown (403 or 404); an allow is returned for auditing with its change. */
export async function decide(ctx: RouteContext, request: DecisionRequest): Promise<Allowed> {
  const now = Date.now();
  const { caller, action, resource } = request;
  const decision = ctx.authorizer.decide({
    principal: { id: caller.id, role: caller.role, site: caller.site ?? '' },
    action,
    resource,
    context: {
      purpose: request.purpose ?? '',
      now: Math.floor(now / 1000),
      grant: request.grant
        ? {
            purpose: request.grant.purpose,
            until: request.grant.until ? Math.floor(request.grant.until.getTime() / 1000) : 0,
          }
        : null,
    },
  });
  const entry = {
    actor: caller.id,
    action,
    resource: resourceName(resource),
    reason:
      decision.reasons.length > 0 ? decision.reasons.join(',') : decision.errors.length > 0 ? 'error' : 'no-permit',
  };
  if (decision.decision === 'deny') {
    await ctx.db.transaction((tx) => appendAudit(tx, { ...entry, decision: 'deny' }));
    throw request.denyAs === 'not-found' ? notFound() : forbidden();
  }
  return {
    audit: async (tx, resource) =>
      void (await appendAudit(tx, { ...entry, resource: resource ?? entry.resource, decision: 'allow' })),
  };
}

/** How the audit log names a resource: `study:<uid>` or `server`. */
export function resourceName(resource: AccessResource): string {
  return resource.kind === 'study' ? `study:${resource.uid}` : 'server';
}
