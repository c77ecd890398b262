/**
 * The server around the routes: the built app served with an SPA fallback (never for
 * /api), the page's security headers on every answer, and a logger that, when on,
 * writes no token, Authorization header, body or query. Also the admin socket: mode
 * 0600, invitations that redeem, the audit chain's verdict. PGlite only: nothing here
 * depends on the database kind (the route suites run on both).
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, expect, it } from 'vitest';
import { describeOnBothDatabases } from '../../testing/databases';
import { callAdminSocket } from '../../platform/node/adminSocket';
import { startAdminSocket } from './admin/adminSocket';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './config';
import { openDatabase } from './db';
import { bearer, HOOK_TIMEOUT_MS, newUser, startHarness, type Harness } from './routes/routeHarness';

describeOnBothDatabases('server shell', (suite) => {
  if (suite.kind !== 'pglite') {
    it.skip('runs on PGlite only', () => {});
    return;
  }
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  }, HOOK_TIMEOUT_MS);

  async function harness(config: Parameters<typeof startHarness>[1] = {}): Promise<Harness> {
    const h = await startHarness(await openDatabase(await suite.freshDatabase()), config);
    cleanup.push(() => h.close());
    return h;
  }

  it('serves the built app with an SPA fallback, headers on every answer, and never the page under /api', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cipherscan-static-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>CipherScan</title>');
    writeFileSync(join(dir, 'app.js'), 'console.log(1)');
    const h = await harness({ staticDir: dir });
    const script = await h.app.inject({ method: 'GET', url: '/app.js' });
    expect(script.body).toBe('console.log(1)');
    expect(script.headers['cross-origin-opener-policy']).toBe('same-origin');
    const deep = await h.app.inject({ method: 'GET', url: '/studies/some/page' });
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toContain('<title>CipherScan</title>');
    expect(deep.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const api = await h.app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toEqual({ error: 'not-found', message: 'not found' });
    const traversal = await h.app.inject({ method: 'GET', url: '/..%2f..%2fetc%2fpasswd' });
    expect(traversal.body).not.toContain('root:');
    const post = await h.app.inject({ method: 'POST', url: '/somewhere', payload: {} });
    expect(post.statusCode).toBe(404);
    // /api with a query, or in escapes the router decodes, is still /api: never the page
    for (const url of ['/api?x=1', '/api#x']) {
      const answer = await h.app.inject({ method: 'GET', url });
      expect([answer.statusCode, answer.headers['cache-control']], url).toEqual([404, 'no-store']);
    }
    for (const url of ['/%61pi/nothing-here', '/%61pi/me']) {
      const answer = await h.app.inject({ method: 'GET', url });
      expect([answer.statusCode, answer.json().error], url).toEqual([400, 'bad-request']);
    }
    // a file name in escapes is served as before
    writeFileSync(join(dir, 'a b.js'), 'console.log(2)');
    expect((await h.app.inject({ method: 'GET', url: '/a%20b.js' })).body).toBe('console.log(2)');
  });

  it('an absolute-form request target (GET http://host/api/me) is not a way around the /api guards', async () => {
    const h = await harness();
    const alice = await newUser(h, 'alice');
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = h.app.server.address() as AddressInfo;
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      socket.on('data', (chunk) => (text += chunk));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      socket.write(
        `GET http://localhost:4173/api/me HTTP/1.1\r\nHost: localhost:4173\r\nOrigin: https://evil.example\r\n` +
          `Authorization: Bearer ${alice.token}\r\nConnection: close\r\n\r\n`,
      );
    });
    expect(answer).toMatch(/^HTTP\/1\.1 (400|403) /);
    expect(answer).not.toContain(alice.id);
  });

  it('a request must arrive whole within the request timeout (Fastify would turn Node’s off)', async () => {
    const h = await harness();
    expect(h.app.server.requestTimeout).toBe(DEFAULT_REQUEST_TIMEOUT_MS);
    expect(DEFAULT_REQUEST_TIMEOUT_MS).toBeGreaterThanOrEqual(120_000);
    const quick = await harness({ requestTimeoutMs: 5_000 });
    expect(quick.app.server.requestTimeout).toBe(5_000);
  });

  it('with the logger on, no token, header, body or query reaches the log', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const h = await harness({ logger: { stream } });
    const alice = await newUser(h, 'alice');
    await h.app.inject({ method: 'GET', url: '/api/me', headers: bearer(alice) });
    await h.app.inject({ method: 'GET', url: '/api/audit?study=2.25.42', headers: bearer(alice) });
    const log = lines.join('');
    expect(log).toContain('"url":"/api/me"');
    expect(log).not.toContain(alice.token);
    expect(log).not.toContain(alice.token.split('.')[2]);
    expect(log).not.toMatch(/authorization|bearer|"signature"|"challenge"|2\.25\.42/i);
  });

  it('the admin socket is 0600, makes invitations that redeem, and verifies the audit chain', async () => {
    const h = await harness();
    const dir = mkdtempSync(join(tmpdir(), 'cipherscan-admin-'));
    const socketPath = join(dir, 'admin.sock');
    const admin = await startAdminSocket(h.db, socketPath);
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    cleanup.push(() => admin.close());
    expect(statSync(socketPath).mode & 0o777).toBe(0o600);
    const made = await callAdminSocket(socketPath, 'POST', '/invitations', { name: 'carol', role: 'clinician' });
    expect(made?.status).toBe(200);
    const code = (made?.body as { code: string }).code;
    expect(code).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/);
    const bad = await callAdminSocket(socketPath, 'POST', '/invitations', { name: 'Carol!', role: 'clinician' });
    expect(bad?.status).toBe(400);
    const badRole = await callAdminSocket(socketPath, 'POST', '/invitations', { name: 'dan', role: 'root' });
    expect(badRole?.status).toBe(400);
    const { generateAccountKeys } = await import('../../lib/sharing/accountKeys');
    const keys = await generateAccountKeys({ extractable: false });
    const redeemed = await h.app.inject({
      method: 'POST',
      url: '/api/auth/invitations/redeem',
      // typed the way people type it: lower case, no dashes
      payload: { code: code.toLowerCase().replace(/-/g, ''), signJwk: keys.signJwk, wrapJwk: keys.wrapJwk },
    });
    expect(redeemed.statusCode, redeemed.body).toBe(201);
    expect(redeemed.json().account).toMatchObject({ name: 'carol', role: 'clinician' });
    const again = await h.app.inject({
      method: 'POST',
      url: '/api/auth/invitations/redeem',
      payload: { code, signJwk: keys.signJwk, wrapJwk: keys.wrapJwk },
    });
    expect(again.statusCode).toBe(401);
    const verified = await callAdminSocket(socketPath, 'GET', '/audit/verify');
    expect(verified?.body).toMatchObject({ ok: true, entries: 1 });
    await h.db.query("UPDATE audit_log SET decision = 'deny' WHERE seq = 1");
    const broken = await callAdminSocket(socketPath, 'GET', '/audit/verify');
    expect(broken?.body).toMatchObject({ ok: false, firstBad: 1 });
    // a second server on the same socket is refused while the first answers
    await expect(startAdminSocket(h.db, socketPath)).rejects.toThrow(/another server/);
  });
});
