/**
 * Which requests are API requests: one answer for every guard that applies to /api only
 * (the cross-site refusal, the rate limits' allow list, `Cache-Control: no-store`, and
 * "never the page under /api").
 *
 * The router matches the percent-decoded path (find-my-way routes `/%61pi/me` to
 * `/api/me`) and strips an absolute-form target (`GET http://host/api/me`), while
 * `request.url` keeps the raw text; a guard that tested the raw text was skipped for a
 * request the router still handed to an API route. Decoding in each guard would leave
 * every guard, and every guard written later, one forgotten call away from the same hole.
 * So the fix is at the door instead: `refuseNonCanonicalPath` runs before every other
 * hook and refuses (400) a request the guards would not take for /api but the router
 * might: a target that does not start with `/`, and a raw path outside /api whose
 * percent-decoding is /api or below (case-insensitively, to be safe). No API path needs
 * an escape (ids are `[A-Za-z0-9._-]`), so nothing legitimate is refused; escapes
 * elsewhere (a static file's name) pass, and so do escapes inside a raw /api path (the
 * guards apply to it already; a bad id there stays the contract's 404). A request that
 * gets past it and reaches an API route has a raw path that starts with `/api/`, so
 * `isApiUrl(request.url)` agrees with the router.
 */
import type { FastifyRequest } from 'fastify';
import { badRequest } from './errors';

/** The path of a request target: up to the query or fragment, where the router stops too. */
function pathOf(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

/** Whether a request target is under /api (raw text: sound once `refuseNonCanonicalPath` has run). */
export function isApiUrl(url: string): boolean {
  const path = pathOf(url);
  return path === '/api' || path.startsWith('/api/');
}

const notCanonical = () =>
  badRequest('bad-request', 'the request path is not canonical: send /api paths without percent-escapes');

/** The first onRequest hook of the server (see above). */
export async function refuseNonCanonicalPath(request: FastifyRequest): Promise<void> {
  const path = pathOf(request.url);
  if (!path.startsWith('/')) throw notCanonical();
  if (!path.includes('%') || isApiUrl(path)) return;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    throw notCanonical();
  }
  if (isApiUrl(decoded.toLowerCase())) throw notCanonical();
}
