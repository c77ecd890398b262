/**
 * Signing in with account keys (docs/server.md, "HTTP API"): redeeming an invitation
 * registers the account's two public keys; a session starts with a single-use,
 * 60-second challenge that the account signs (ES256, audience = this server's
 * origin). Each challenge is taken from the database with DELETE … RETURNING, so it is
 * answered at most once even by two replicas. Unknown names get a challenge like
 * known ones, so the challenge route does not tell which accounts exist.
 */
import type { FastifyInstance } from 'fastify';
import { importPublicKey, parsePublicJwk } from '../../../lib/sharing/accountKeys';
import { AuthError } from '../auth/authError';
import { newChallenge, verifySignedChallenge } from '../auth/challenge';
import { hashInvitationCode } from '../auth/invitations';
import { issueSessionToken } from '../auth/tokens';
import { accountDisabled, HttpError } from '../http/errors';
import { authRouteLimits } from '../http/rateLimits';
import {
  createAccount,
  createChallenge,
  deleteExpiredChallenges,
  getAccountByName,
  redeemInvitation,
  StoreError,
  takeChallenge,
  type Account,
} from '../store';
import type { RouteContext } from './context';
import { accountNameSchema, closedBody, compactJwsSchema, invitationCodeSchema, publicJwkSchema } from './schemas';

export const CHALLENGE_TTL_MS = 60_000;

export interface SessionAnswer {
  token: string;
  expiresAt: string;
  account: { id: string; name: string; role: string };
}

export const publicAccount = (account: Account) => ({ id: account.id, name: account.name, role: account.role });

/**
 * The session token for an account that has just proved who it is (signed challenge or
 * passkey); a disabled account gets none. Only its key's holder learns it is disabled:
 * the challenge route answers every name alike.
 */
export async function sessionFor(ctx: RouteContext, account: Account): Promise<SessionAnswer> {
  if (account.role === 'disabled') throw accountDisabled();
  const session = await issueSessionToken(ctx.sessionSecret, account);
  return { token: session.token, expiresAt: session.expiresAt.toISOString(), account: publicAccount(account) };
}

/** Both public keys, checked to the contract's exact form (src/lib/sharing); a bad key is a 400. */
export async function registeredKeys(
  signJwk: unknown,
  wrapJwk: unknown,
): Promise<{ signJwk: JsonWebKey; wrapJwk: JsonWebKey }> {
  try {
    const keys = { signJwk: parsePublicJwk(signJwk), wrapJwk: parsePublicJwk(wrapJwk) };
    // Imported once to be sure each point is on the curve (a bad point would only fail later, at someone else's).
    await importPublicKey(keys.signJwk, 'sign');
    await importPublicKey(keys.wrapJwk, 'wrap');
    return keys as { signJwk: JsonWebKey; wrapJwk: JsonWebKey };
  } catch {
    throw new HttpError(400, 'bad-key', 'a public key is not a P-256 public key of the contract’s form');
  }
}

/** Creates the account an invitation names, using the invitation up, in one transaction. */
export async function redeem(
  ctx: RouteContext,
  code: string,
  keys: { signJwk: JsonWebKey; wrapJwk: JsonWebKey },
  also?: (tx: Parameters<Parameters<RouteContext['db']['transaction']>[0]>[0], account: Account) => Promise<void>,
): Promise<Account> {
  try {
    return await ctx.db.transaction(async (tx) => {
      const invitation = await redeemInvitation(tx, hashInvitationCode(code));
      if (!invitation) throw new AuthError('invalid', 'invitation unknown, used or expired');
      const account = await createAccount(tx, {
        name: invitation.name,
        role: invitation.role,
        site: invitation.site,
        ...keys,
      });
      await also?.(tx, account);
      return account;
    });
  } catch (err) {
    if (err instanceof StoreError && err.code === 'conflict')
      throw new HttpError(409, 'conflict', 'an account with this name exists already');
    throw err;
  }
}

export function registerAuthRoutes(api: FastifyInstance, ctx: RouteContext): void {
  const limits = authRouteLimits(api, ctx.config.rateLimit);

  api.post<{ Body: { code: string; signJwk: unknown; wrapJwk: unknown } }>(
    '/auth/invitations/redeem',
    {
      ...limits,
      schema: {
        body: closedBody({ code: invitationCodeSchema, signJwk: publicJwkSchema, wrapJwk: publicJwkSchema }, [
          'code',
          'signJwk',
          'wrapJwk',
        ]),
      },
    },
    async (request, reply) => {
      const keys = await registeredKeys(request.body.signJwk, request.body.wrapJwk);
      const account = await redeem(ctx, request.body.code, keys);
      return reply.status(201).send({ account: publicAccount(account) });
    },
  );

  api.post<{ Body: { name: string } }>(
    '/auth/challenge',
    { ...limits, schema: { body: closedBody({ name: accountNameSchema }, ['name']) } },
    async (request) => {
      const now = new Date();
      const challenge = newChallenge();
      const expiresAt = new Date(now.getTime() + CHALLENGE_TTL_MS);
      await deleteExpiredChallenges(ctx.db, now);
      await createChallenge(ctx.db, { challenge, kind: 'session', subject: request.body.name, expiresAt });
      return { challenge, expiresAt: expiresAt.toISOString() };
    },
  );

  api.post<{ Body: { name: string; challenge: string; signature: string } }>(
    '/auth/session',
    {
      ...limits,
      schema: {
        body: closedBody(
          { name: accountNameSchema, challenge: { type: 'string', maxLength: 128 }, signature: compactJwsSchema },
          ['name', 'challenge', 'signature'],
        ),
      },
    },
    async (request) => {
      const { name, challenge, signature } = request.body;
      // Taken before anything else is checked: a wrong answer uses the challenge up too.
      const issued = await takeChallenge(ctx.db, challenge, 'session');
      if (!issued || issued.subject !== name)
        throw new AuthError('invalid', 'challenge unknown, used, expired or for another name');
      const account = await getAccountByName(ctx.db, name);
      if (!account) throw new AuthError('invalid', 'no such account');
      await verifySignedChallenge({
        signature,
        expectedChallenge: issued.challenge,
        expectedAudience: ctx.config.origin,
        signJwk: account.signJwk as Parameters<typeof verifySignedChallenge>[0]['signJwk'],
      });
      return sessionFor(ctx, account);
    },
  );
}
