import { describe, expect, it } from 'vitest';
import { authorizedCall, readJson } from './authorizedCall';
import type { FetchLike } from './client';
import { ServerError, ServerProtocolError, ServerUnreachableError } from './errors';

const server = { baseUrl: 'http://127.0.0.1:9/base/', token: 'tok-1' };
const error = (status: number, code: string) =>
  new Response(JSON.stringify({ error: code, message: `says ${code}` }), {
    status,
    headers: { 'content-type': 'application/json' },
  });

describe('authorizedCall', () => {
  it('sends the bearer token, the accept and content types and the body to base + path', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const fetch: FetchLike = async (url, init = {}) => {
      seen.push({ url, init });
      return new Response('ok');
    };
    const body = new Uint8Array(new ArrayBuffer(3));
    await authorizedCall(
      server,
      '/api/x',
      { method: 'POST', body, type: 'application/octet-stream', accept: 'a/b' },
      { fetch },
    );
    await authorizedCall(server, '/api/y', { method: 'GET', type: 'text/plain', accept: 'c/d' }, { fetch });
    expect(seen[0].url).toBe('http://127.0.0.1:9/base/api/x');
    expect(seen[0].init.body).toBe(body);
    expect(seen[0].init.headers).toEqual({
      accept: 'a/b',
      authorization: 'Bearer tok-1',
      'content-type': 'application/octet-stream',
    });
    // no body, no content type
    expect(seen[1].init.headers).toEqual({ accept: 'c/d', authorization: 'Bearer tok-1' });
  });

  it('refuses to send without a token', async () => {
    let called = false;
    const fetch: FetchLike = async () => ((called = true), new Response('ok'));
    const call = authorizedCall({ baseUrl: server.baseUrl }, '/x', { method: 'GET', accept: 'a/b' }, { fetch });
    await expect(call).rejects.toMatchObject({ status: 401, code: 'not-signed-in' });
    expect(called).toBe(false);
  });

  it('maps no answer to ServerUnreachableError with the origin, and keeps an abort an abort', async () => {
    const refused: FetchLike = async () => {
      throw new TypeError('fetch failed');
    };
    const unreachable = authorizedCall(server, '/x', { method: 'GET', accept: 'a/b' }, { fetch: refused });
    await expect(unreachable).rejects.toBeInstanceOf(ServerUnreachableError);
    await expect(unreachable).rejects.toMatchObject({ url: 'http://127.0.0.1:9' });

    const controller = new AbortController();
    controller.abort();
    const aborting: FetchLike = async (_url, init = {}) => {
      throw init.signal?.reason;
    };
    const aborted = authorizedCall(
      server,
      '/x',
      { method: 'GET', accept: 'a/b' },
      { fetch: aborting, signal: controller.signal },
    );
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('answers error statuses as the server’s ServerError unless the caller reads them itself', async () => {
    const fetch: FetchLike = async () => error(410, 'gone');
    const thrown = authorizedCall(server, '/x', { method: 'GET', accept: 'a/b' }, { fetch });
    await expect(thrown).rejects.toBeInstanceOf(ServerError);
    await expect(thrown).rejects.toMatchObject({ status: 410, code: 'gone', message: 'says gone' });
    const read = await authorizedCall(
      server,
      '/x',
      { method: 'GET', accept: 'a/b', okStatuses: [202, 410] },
      { fetch },
    );
    expect(read.status).toBe(410);
  });
});

describe('readJson', () => {
  it('reads JSON and names the call when the answer is not JSON', async () => {
    expect(await readJson<{ a: number }>(new Response('{"a":1}'), 'GET /x')).toEqual({ a: 1 });
    const page = readJson(new Response('<html>proxy</html>'), 'GET /x');
    await expect(page).rejects.toBeInstanceOf(ServerProtocolError);
    await expect(page).rejects.toThrow('GET /x did not answer JSON');
  });
});
