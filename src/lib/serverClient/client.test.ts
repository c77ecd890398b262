import { compactVerify, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { createServerClient, type FetchLike } from './client';
import { ServerError, ServerProtocolError, ServerUnreachableError } from './errors';

interface Seen {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** A fake server: answers each request with the next of `answers`, and records what it was sent. */
function fakeFetch(answers: (Response | ((seen: Seen) => Response) | Error)[]): { fetch: FetchLike; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetch: FetchLike = async (url, init = {}) => {
    const record: Seen = {
      url,
      method: init.method ?? 'GET',
      headers: init.headers as Record<string, string>,
      body: init.body,
    };
    seen.push(record);
    if (init.signal?.aborted) throw init.signal.reason;
    const next = answers.shift();
    if (!next) throw new Error('unexpected request');
    if (next instanceof Error) throw next;
    return typeof next === 'function' ? next(record) : next;
  };
  return { fetch, seen };
}

const json = (value: unknown, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });

describe('createServerClient', () => {
  it('signs in with an ES256 JWS over the challenge and the server origin, then sends the token', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const session = {
      token: 'tok-1',
      expiresAt: '2026-12-02T22:00:00Z',
      account: { id: 'a1', name: 'alice', role: 'clinician' },
    };
    const { fetch, seen } = fakeFetch([
      json({ challenge: 'c-123', expiresAt: 'x' }),
      json(session),
      json(session.account),
    ]);
    const client = createServerClient({ baseUrl: 'http://127.0.0.1:8787/', fetch });
    expect(await client.signIn('alice', await exportJWK(privateKey))).toEqual(session);
    expect(seen[0].url).toBe('http://127.0.0.1:8787/api/auth/challenge');
    expect(JSON.parse(seen[0].body as string)).toEqual({ name: 'alice' });
    const sent = JSON.parse(seen[1].body as string);
    expect(sent.name).toBe('alice');
    expect(sent.challenge).toBe('c-123');
    const verified = await compactVerify(sent.signature, publicKey);
    expect(verified.protectedHeader.alg).toBe('ES256');
    expect(JSON.parse(new TextDecoder().decode(verified.payload))).toEqual({
      challenge: 'c-123',
      aud: 'http://127.0.0.1:8787',
    });
    expect(seen[1].headers.authorization).toBeUndefined();
    await client.me();
    expect(seen[2].headers.authorization).toBe('Bearer tok-1');
    expect(client.signedInAccount?.name).toBe('alice');
  });

  it("maps an error answer to ServerError with the server's sentence", async () => {
    const { fetch } = fakeFetch([
      json({ error: 'not-found', message: 'this scan is not shared with you (or does not exist)' }, 404),
      new Response('<html>bad gateway</html>', { status: 502 }),
      new Response('', { status: 401 }),
    ]);
    const client = createServerClient({ baseUrl: 'http://s', fetch, token: 't' });
    const first = await client.retrieve('2.25.1').catch((e: unknown) => e);
    expect(first).toBeInstanceOf(ServerError);
    expect(first).toMatchObject({
      status: 404,
      code: 'not-found',
      message: 'this scan is not shared with you (or does not exist)',
    });
    const second = await client.me().catch((e: unknown) => e);
    expect(second).toMatchObject({ status: 502, code: 'http-502' });
    expect((second as Error).message).not.toContain('html');
    expect(await client.me().catch((e: unknown) => e)).toMatchObject({
      status: 401,
      message: expect.stringMatching(/sign in/),
    });
  });

  it('says which server cannot be reached, and passes an abort through', async () => {
    const { fetch } = fakeFetch([new TypeError('fetch failed')]);
    const client = createServerClient({ baseUrl: 'http://10.0.0.9:1234/base', fetch, token: 't' });
    const err = await client.me().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerUnreachableError);
    expect((err as Error).message).toContain('cannot reach the server at http://10.0.0.9:1234');
    const controller = new AbortController();
    controller.abort();
    const aborted = await client.auditVerify({ signal: controller.signal }).catch((e: unknown) => e);
    expect((aborted as Error).name).toBe('AbortError');
  });

  it('refuses a signed-in call without a token before sending anything', async () => {
    const { fetch, seen } = fakeFetch([]);
    const err = await createServerClient({ baseUrl: 'http://s', fetch })
      .me()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 401 });
    expect(seen).toHaveLength(0);
  });

  it('uploads one STOW request per bundle, reports progress, and keeps refused parts with their index', async () => {
    const { fetch, seen } = fakeFetch([
      json({ stored: [{ id: '2.25.1', version: 1 }], failed: [] }),
      json({ error: 'bad-signature', message: 'the record signature does not verify' }, 400),
      json({ stored: [{ id: '2.25.3', version: 1 }], failed: [] }),
    ]);
    const client = createServerClient({ baseUrl: 'http://s', fetch, token: 't' });
    const progress: number[] = [];
    const result = await client.upload([new Uint8Array(10), new Uint8Array(20), new Uint8Array(30)], {
      onProgress: (p) => progress.push(p.bytesSent / p.bytesTotal),
    });
    expect(result.stored.map((s) => s.id)).toEqual(['2.25.1', '2.25.3']);
    expect(result.failed).toEqual([
      { part: 1, error: 'bad-signature', message: 'the record signature does not verify' },
    ]);
    expect(progress).toEqual([10 / 60, 30 / 60, 1]);
    expect(seen.every((s) => s.method === 'POST' && s.url === 'http://s/api/dicomweb/studies')).toBe(true);
    expect(seen[0].headers['content-type']).toMatch(/^multipart\/related; type="application\/vnd\.cipherscan\.bundle"/);
  });

  it('stops an upload at the next part once aborted', async () => {
    const controller = new AbortController();
    const { fetch, seen } = fakeFetch([
      () => {
        controller.abort();
        return json({ stored: [{ id: '2.25.1', version: 1 }], failed: [] });
      },
    ]);
    const client = createServerClient({ baseUrl: 'http://s', fetch, token: 't' });
    const err = await client
      .upload([new Uint8Array(1), new Uint8Array(1)], { signal: controller.signal })
      .catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    expect(seen).toHaveLength(1);
  });

  it('searches with QIDO and reads the DICOM JSON; a non-JSON answer is a protocol error', async () => {
    const study = {
      '0020000D': { vr: 'UI', Value: ['2.25.9'] },
      '00080061': { vr: 'CS', Value: ['CT'] },
      '00201208': { vr: 'IS', Value: ['1'] },
      '00111010': { vr: 'LO', Value: ['alice'] },
      '00111011': { vr: 'DT', Value: ['20261202120000'] },
      '00111012': { vr: 'UL', Value: [100] },
      '00111013': { vr: 'UL', Value: [1] },
    };
    const { fetch, seen } = fakeFetch([json([study]), new Response('oops', { status: 200 })]);
    const client = createServerClient({ baseUrl: 'http://s', fetch, token: 't' });
    const [found] = await client.search('shared');
    expect(found).toMatchObject({ uid: '2.25.9', modality: 'CT', ownerName: 'alice', frames: 1 });
    expect(seen[0].url).toBe('http://s/api/dicomweb/studies?scope=shared');
    expect(seen[0].headers.accept).toBe('application/dicom+json');
    await expect(client.search('mine')).rejects.toBeInstanceOf(ServerProtocolError);
  });

  it('puts names and UIDs into paths escaped, with the contract bodies', async () => {
    const { fetch, seen } = fakeFetch([
      json({ version: 2 }),
      json({ version: 3 }),
      json([]),
      json({ ok: true, entries: 4 }),
    ]);
    const client = createServerClient({ baseUrl: 'http://s', fetch, token: 't' });
    await client.share('2.25.1', 'b/o b', { record: 'r', wrappedKey: 'w', purpose: 'treatment' });
    await client.revoke('2.25.1', 'bob', { record: 'r2' });
    await client.audit({ study: '2.25.1' });
    expect(await client.auditVerify()).toEqual({ ok: true, entries: 4 });
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'PUT http://s/api/studies/2.25.1/readers/b%2Fo%20b',
      'DELETE http://s/api/studies/2.25.1/readers/bob',
      'GET http://s/api/audit?study=2.25.1',
      'GET http://s/api/audit/verify',
    ]);
    expect(JSON.parse(seen[0].body as string)).toEqual({ record: 'r', wrappedKey: 'w', purpose: 'treatment' });
  });
});
