/**
 * Every API route of docs/server.md, registered under /api (app.ts adds the prefix
 * and the guards). The session-token key is read (or made, by the first server to
 * start) from the database once, here, so replicas share it.
 */
import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { MIN_SECRET_BYTES } from '../auth/tokens';
import { getOrCreateSecret } from '../store';
import { registerAccountRoutes } from './accounts';
import { registerAuditRoutes } from './audit';
import { registerAuthRoutes } from './auth';
import type { RouteContext, ServerDeps } from './context';
import { registerDicomwebRoutes } from './dicomweb';
import { registerFederatedRoutes } from './federated';
import { registerHeRoutes } from './he';
import { registerPasskeyRoutes } from './passkeys';
import { registerSharingRoutes } from './sharing';

export type { ServerDeps } from './context';

export const SESSION_SECRET_NAME = 'session-jwt-hs256';

export async function registerApiRoutes(api: FastifyInstance, deps: ServerDeps): Promise<void> {
  const sessionSecret = await getOrCreateSecret(deps.db, SESSION_SECRET_NAME, () => randomBytes(MIN_SECRET_BYTES));
  const ctx: RouteContext = { ...deps, sessionSecret };
  registerAuthRoutes(api, ctx);
  registerPasskeyRoutes(api, ctx);
  registerAccountRoutes(api, ctx);
  registerDicomwebRoutes(api, ctx);
  registerSharingRoutes(api, ctx);
  registerAuditRoutes(api, ctx);
  registerHeRoutes(api, ctx);
  registerFederatedRoutes(api, ctx, deps.federated);
}
