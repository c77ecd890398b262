/**
 * Passkeys, the page's way in (docs/server.md, "HTTP API"): registration redeems an
 * invitation (the account is created with its passkey and its two public keys), login
 * uses a discoverable credential (no name asked). Every WebAuthn challenge is kept in
 * the `challenges` table, single use and 60 s, and found again from the challenge the
 * browser echoes in clientDataJSON, so the server keeps no session state between the
 * two calls of a ceremony. The WebAuthn checks themselves are in auth/passkeys.ts.
 */
import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { AuthError } from '../auth/authError';
import { hashInvitationCode } from '../auth/invitations';
import {
  authenticationOptions,
  credentialIdOf,
  registrationOptions,
  relyingPartyFor,
  verifyAuthentication,
  verifyRegistration,
  type RelyingParty,
} from '../auth/passkeys';
import { HttpError } from '../http/errors';
import { authRouteLimits } from '../http/rateLimits';
import {
  addPasskey,
  createChallenge,
  deleteExpiredChallenges,
  findUsableInvitation,
  getAccountById,
  getPasskey,
  takeChallenge,
  updatePasskeyCounter,
  type ChallengeKind,
} from '../store';
import { CHALLENGE_TTL_MS, redeem, registeredKeys, sessionFor } from './auth';
import type { RouteContext } from './context';
import { closedBody, invitationCodeSchema, publicJwkSchema, webauthnResponseSchema } from './schemas';

const RP_NAME = 'CipherScan';

type WebAuthnResponse = Parameters<typeof verifyAuthentication>[0]['response'];
type RegistrationResponse = Parameters<typeof verifyRegistration>[0]['response'];

function relyingParty(origin: string): RelyingParty {
  try {
    return relyingPartyFor(origin);
  } catch (err) {
    throw new HttpError(400, 'passkeys-unavailable', (err as Error).message);
  }
}

/** The challenge a browser signed, read from its clientDataJSON (verified again by @simplewebauthn). */
function echoedChallenge(response: { response?: { clientDataJSON?: unknown } }): string {
  const data = response.response?.clientDataJSON;
  if (typeof data !== 'string' || data.length > 4096) throw new AuthError('invalid', 'no clientDataJSON');
  try {
    const challenge = (JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as { challenge?: unknown })
      .challenge;
    if (typeof challenge === 'string' && /^[A-Za-z0-9_-]{16,128}$/.test(challenge)) return challenge;
  } catch {
    // fall through: malformed
  }
  throw new AuthError('invalid', 'clientDataJSON without a challenge');
}

async function keepChallenge(ctx: RouteContext, challenge: string, kind: ChallengeKind, subject: string | null) {
  const now = new Date();
  await deleteExpiredChallenges(ctx.db, now);
  await createChallenge(ctx.db, { challenge, kind, subject, expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS) });
}

export function registerPasskeyRoutes(api: FastifyInstance, ctx: RouteContext): void {
  const limits = authRouteLimits(api, ctx.config.rateLimit);

  api.post<{ Body: { code: string } }>(
    '/auth/passkey/register/options',
    { ...limits, schema: { body: closedBody({ code: invitationCodeSchema }, ['code']) } },
    async (request) => {
      const rp = relyingParty(ctx.config.origin);
      const codeHash = hashInvitationCode(request.body.code);
      const invitation = await findUsableInvitation(ctx.db, codeHash);
      if (!invitation) throw new AuthError('invalid', 'invitation unknown, used or expired');
      // A random user handle: browsers may show or sync it, so it says nothing about the person.
      const options = await registrationOptions({
        rpId: rp.rpId,
        rpName: RP_NAME,
        accountName: invitation.name,
        userId: randomBytes(16).toString('base64url'),
      });
      await keepChallenge(ctx, options.challenge, 'passkey-register', codeHash);
      return options;
    },
  );

  api.post<{ Body: { code: string; response: RegistrationResponse; signJwk: unknown; wrapJwk: unknown } }>(
    '/auth/passkey/register/verify',
    {
      ...limits,
      schema: {
        body: closedBody(
          {
            code: invitationCodeSchema,
            response: webauthnResponseSchema,
            signJwk: publicJwkSchema,
            wrapJwk: publicJwkSchema,
          },
          ['code', 'response', 'signJwk', 'wrapJwk'],
        ),
      },
    },
    async (request) => {
      const rp = relyingParty(ctx.config.origin);
      const keys = await registeredKeys(request.body.signJwk, request.body.wrapJwk);
      const codeHash = hashInvitationCode(request.body.code);
      const issued = await takeChallenge(ctx.db, echoedChallenge(request.body.response), 'passkey-register');
      if (!issued || issued.subject !== codeHash)
        throw new AuthError('invalid', 'registration challenge unknown or used');
      const passkey = await verifyRegistration({
        response: request.body.response,
        expectedChallenge: issued.challenge,
        relyingParty: rp,
      });
      const account = await redeem(ctx, request.body.code, keys, (tx, created) =>
        addPasskey(tx, { ...passkey, accountId: created.id }),
      );
      return sessionFor(ctx, account);
    },
  );

  api.post('/auth/passkey/login/options', { ...limits, schema: { body: closedBody({}, []) } }, async () => {
    const rp = relyingParty(ctx.config.origin);
    const options = await authenticationOptions({ rpId: rp.rpId });
    await keepChallenge(ctx, options.challenge, 'passkey-login', null);
    return options;
  });

  api.post<{ Body: { response: WebAuthnResponse } }>(
    '/auth/passkey/login/verify',
    { ...limits, schema: { body: closedBody({ response: webauthnResponseSchema }, ['response']) } },
    async (request) => {
      const rp = relyingParty(ctx.config.origin);
      const { response } = request.body;
      const issued = await takeChallenge(ctx.db, echoedChallenge(response), 'passkey-login');
      if (!issued) throw new AuthError('invalid', 'login challenge unknown or used');
      const passkey = await getPasskey(ctx.db, credentialIdOf(response));
      if (!passkey) throw new AuthError('invalid', 'unknown passkey');
      const { newCounter } = await verifyAuthentication({
        response,
        expectedChallenge: issued.challenge,
        relyingParty: rp,
        passkey,
      });
      if (!(await updatePasskeyCounter(ctx.db, passkey.credentialId, passkey.counter, newCounter)))
        throw new AuthError('invalid', 'passkey counter moved meanwhile');
      const account = await getAccountById(ctx.db, passkey.accountId);
      if (!account) throw new AuthError('invalid', 'passkey of a deleted account');
      return sessionFor(ctx, account);
    },
  );
}
