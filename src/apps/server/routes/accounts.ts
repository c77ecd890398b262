/**
 * The account directory (docs/server.md, "HTTP API"): who am I, and another account's
 * public keys (to wrap a content key for it, or to check its signature). Signed-in
 * callers only; an unknown or malformed name is the contract's 404.
 */
import type { FastifyInstance } from 'fastify';
import { notFound } from '../http/errors';
import { getAccountByName } from '../store';
import { publicAccount } from './auth';
import { signedInCaller, type RouteContext } from './context';
import { accountNameParam } from './schemas';

export function registerAccountRoutes(api: FastifyInstance, ctx: RouteContext): void {
  api.get('/me', async (request) => publicAccount(await signedInCaller(ctx, request)));

  api.get<{ Params: { name: string } }>('/accounts/:name', async (request) => {
    await signedInCaller(ctx, request);
    const account = await getAccountByName(ctx.db, accountNameParam(request.params.name));
    if (!account) throw notFound();
    return { ...publicAccount(account), signJwk: account.signJwk, wrapJwk: account.wrapJwk };
  });
}
