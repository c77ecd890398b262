/**
 * The ceiling row of the server benchmark, as its own process (like the real
 * server, so both rows pay the same process boundary): a bare Fastify 5 route at
 * the STOW-RS path that reads the whole multipart/related body into memory and
 * discards it — no auth, no parsing, no signature check, no storage, no audit.
 * Whatever the full upload path costs above this is the server's own work.
 *
 *   node --import tsx bench/server/bareServer.ts     # prints "listening on http://127.0.0.1:PORT"
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
app.addContentTypeParser('multipart/related', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
app.post('/api/dicomweb/studies', async (request) => {
  const bytes = (request.body as Buffer).length;
  return { stored: [], failed: [], bytes };
});

const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(`bare Fastify listening on ${address}`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
