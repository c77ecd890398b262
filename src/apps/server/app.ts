/**
 * The CipherScan server as one Fastify instance (docs/server.md, "HTTP API"): it
 * stores, shares and audits AES-GCM packages it cannot open. `buildServer` wires the
 * pieces — storage (db, blobs), the Cedar authorizer, the routes — behind the guards
 * every request passes: the cross-site refusal and rate limits on /api, the page's
 * security headers on every answer, JSON schemas on every body, and one error handler
 * that answers `{error, message}` and never a stack.
 *
 * Logging is off by default; when on, the request serializer keeps method, path and
 * status only (never a body, a query, a token or an Authorization header).
 */
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { resolveConfig, type ServerConfig, type ServerConfigInput } from './config';
import { isApiUrl, refuseNonCanonicalPath } from './http/apiPath';
import { errorAnswer } from './http/errors';
import { crossSiteRefusal } from './http/origin';
import { registerRateLimits } from './http/rateLimits';
import { registerSecurityHeaders } from './http/securityHeaders';
import { registerStaticFiles } from './http/staticFiles';
import { registerApiRoutes, type ServerDeps } from './routes';

export interface BuildServerOptions extends Omit<ServerDeps, 'config'> {
  config: ServerConfigInput;
}

/** JSON bodies are small (a record ≤ 16 KiB, a wrapped key ≤ 4 KiB, a passkey response a few KiB). */
const JSON_BODY_LIMIT = 128 * 1024;

export async function buildServer(options: BuildServerOptions): Promise<FastifyInstance> {
  const config: ServerConfig = resolveConfig(options.config);
  const app = Fastify({
    logger: config.logger ? loggerOptions(config.logger === true ? undefined : config.logger.stream) : false,
    bodyLimit: JSON_BODY_LIMIT,
    // Fastify's default 0 turns Node's request timeout off: a slow sender could hold a connection forever.
    requestTimeout: config.requestTimeoutMs,
    // Ids in paths are matched exactly; a percent-encoded slash is not a separator.
    routerOptions: { ignoreTrailingSlash: false, caseSensitive: true, maxParamLength: 128 },
    // Ajv defaults would coerce and strip; the contract refuses instead.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
    trustProxy: false,
    // A URL the router cannot decode (`/api/%ZZ`): the contract's 400 `{error, message}`, not Fastify's own body.
    frameworkErrors: (err, _request, reply) => {
      const { statusCode, body } = errorAnswer(err);
      void (reply as FastifyReply).status(statusCode).type('application/json; charset=utf-8').send(body);
    },
  });

  app.setErrorHandler((err, request, reply) => {
    const { statusCode, body } = errorAnswer(err);
    if (statusCode >= 500) request.log.error({ name: (err as Error)?.name }, 'request failed');
    return reply.status(statusCode).type('application/json; charset=utf-8').send(body);
  });
  // First of all hooks: past it, a raw path under /api is the router's path (http/apiPath.ts).
  app.addHook('onRequest', refuseNonCanonicalPath);
  registerSecurityHeaders(app);
  await registerRateLimits(app, config.rateLimit);
  const refuseCrossSite = crossSiteRefusal(config.origin);
  app.addHook('onRequest', async (request, reply) => {
    if (isApiUrl(request.url)) await refuseCrossSite(request, reply);
  });

  await app.register(async (api) => registerApiRoutes(api, { ...options, config }), { prefix: '/api' });
  await registerStaticFiles(app, config.staticDir);
  return app;
}

/** What may reach a log line: the method, the path without its query, the status. */
function loggerOptions(stream: NodeJS.WritableStream | undefined) {
  return {
    level: 'info',
    ...(stream ? { stream } : {}),
    redact: { paths: ['req.headers', 'req.body', 'req.query'], remove: true },
    serializers: {
      req: (request: { method: string; url: string }) => ({ method: request.method, url: request.url.split('?')[0] }),
      res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
    },
  };
}
