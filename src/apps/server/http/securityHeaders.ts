/**
 * The headers on every response of the server: the page's own security headers
 * (src/lib/pageSecurity, exactly what `vite preview` sends, so the built app served
 * from here runs under the same policy the e2e tests check), and for the API
 * `Cache-Control: no-store` — answers carry wrapped keys, records and audit entries
 * that no shared cache should keep.
 */
import type { FastifyInstance } from 'fastify';
import { isApiUrl } from './apiPath';
import { securityHeaders } from '../../../lib/pageSecurity/securityHeaders';

export function registerSecurityHeaders(app: FastifyInstance): void {
  const headers = securityHeaders(false);
  app.addHook('onSend', async (request, reply, payload) => {
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    if (isApiUrl(request.url)) reply.header('Cache-Control', 'no-store');
    return payload;
  });
}
