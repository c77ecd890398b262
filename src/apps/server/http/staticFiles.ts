/**
 * The built app (`vite build`'s dist/) served by the API server itself, so one origin
 * serves page and API (the page's CSP allows `connect-src 'self'` only, and WebAuthn
 * binds passkeys to that origin). Files come from @fastify/static (which refuses
 * paths outside the folder); any other GET that is not under /api gets index.html, so
 * the page's own routes survive a reload (SPA fallback). Under /api an unknown route
 * is the contract's 404 `not-found`, never the page.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isApiUrl } from './apiPath';
import { notFound } from './errors';

export async function registerStaticFiles(app: FastifyInstance, staticDir: string | undefined): Promise<void> {
  if (staticDir !== undefined) {
    await app.register(fastifyStatic, { root: staticDir, prefix: '/', wildcard: true, index: ['index.html'] });
  }
  app.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) => {
    if (staticDir !== undefined && !isApiUrl(request.url) && (request.method === 'GET' || request.method === 'HEAD'))
      return reply.type('text/html; charset=utf-8').sendFile('index.html');
    throw notFound();
  });
}
