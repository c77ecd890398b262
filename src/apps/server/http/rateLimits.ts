/**
 * Rate limits (@fastify/rate-limit): a generous one per client IP on every API route,
 * and on the sign-in routes (invitation redeem, challenge, session, passkeys) a strict
 * one per IP and another per account name, so guessing at one account from many
 * addresses, or at many accounts from one, is slowed either way. Counters live in
 * memory (one process; replicas behind a load balancer would need the plugin's Redis
 * store). A refusal is the contract's 429 `rate-limited`.
 */
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { RateLimitConfig } from '../config';
import { isApiUrl } from './apiPath';
import { HttpError } from './errors';

const rateLimited = () => new HttpError(429, 'rate-limited', 'too many requests: wait a moment and try again');

export async function registerRateLimits(app: FastifyInstance, config: RateLimitConfig): Promise<void> {
  await app.register(fastifyRateLimit, {
    global: true,
    max: config.apiPerIp,
    timeWindow: config.windowMs,
    // The built app's files are not limited: a page load fetches many of them, and they are public.
    allowList: (request: FastifyRequest) => !isApiUrl(request.url),
    errorResponseBuilder: () => rateLimited(),
  });
}

/** Route options for a sign-in route: the strict per-IP limit, and the per-account one once the body is parsed. */
export function authRouteLimits(
  app: FastifyInstance,
  config: RateLimitConfig,
): { config: { rateLimit: { max: number; timeWindow: number } }; preHandler: preHandlerAsyncHookHandler } {
  const perAccount = app.createRateLimit({
    max: config.authPerAccount,
    timeWindow: config.windowMs,
    keyGenerator: (request) => `account:${accountKey(request)}`,
  });
  return {
    config: { rateLimit: { max: config.authPerIp, timeWindow: config.windowMs } },
    // createRateLimit, not rateLimit: the plugin's own handler skips a request it has already limited (per IP).
    preHandler: async (request) => {
      const counted = await perAccount(request);
      // isAllowed means "on the allow list"; over the limit is isExceeded
      if (!counted.isAllowed && counted.isExceeded) throw rateLimited();
    },
  };
}

/**
 * The account a sign-in names: its name, or an invitation code's first characters (a
 * code is the account-to-be). Routes without either (passkey login, whose account is
 * only known after the signature) share one counter per IP.
 */
function accountKey(request: FastifyRequest): string {
  const body = request.body as { name?: unknown; code?: unknown } | undefined;
  if (typeof body?.name === 'string') return `name:${body.name}`;
  if (typeof body?.code === 'string') return `code:${body.code.slice(0, 64)}`;
  return `ip:${request.ip}`;
}
