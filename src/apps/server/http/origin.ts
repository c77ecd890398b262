/**
 * Cross-site request refusal for the API (docs/server.md, "HTTP API"). The API takes
 * Bearer tokens only, so a cross-site page has no ambient authority to borrow; this
 * check is a second wall: a request whose `Origin` is present and not the server's
 * own, or that the browser labels `Sec-Fetch-Site: cross-site`, gets 403 before any
 * body is read. Requests without either header (the CLI, curl) pass: they come from a
 * program, not from a page in someone's browser.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './errors';

export function crossSiteRefusal(origin: string): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const own = new URL(origin).origin;
  return async (request) => {
    const sent = request.headers.origin;
    if (sent !== undefined && sent !== own)
      throw new HttpError(403, 'cross-origin', 'requests from another site are refused');
    if (request.headers['sec-fetch-site'] === 'cross-site')
      throw new HttpError(403, 'cross-origin', 'requests from another site are refused');
  };
}
