/**
 * `he share` / `he receive` against the real server (issue 17): one hospital's
 * CKKS key reaches another sealed to its account and signed by the sender; the
 * received file is the same key, mode 0600; the secret never crosses the wire in
 * the clear (every request body searched); a token opened under the wrong sender
 * or network is refused and writes nothing.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ServerProcess, startServerProcess } from '../../../testing/serverProcess';
import { runCliChild, runCliHere } from '../cliTestHarness';

const dir = mkdtempSync(join(tmpdir(), 'cipherscan-he-share-'));
const data = join(dir, 'data');
let server: ServerProcess | undefined;
let url = '';
const sent: Buffer[] = [];
const realFetch = globalThis.fetch;

const cli = runCliHere;

async function account(name: string): Promise<string> {
  const invited = await runCliChild(['invite', '--data', data, '--name', name, '--role', 'clinician']);
  expect(invited.code, invited.err).toBe(0);
  const code = invited.out.trim().split(/\s+/).pop()!;
  const file = join(dir, `${name}.json`);
  const made = await cli('account', 'create', '--server', url, '--invite', code, '--out', file);
  expect(made.code, made.err).toBe(0);
  return file;
}

beforeAll(async () => {
  server = await startServerProcess({ dataDir: data, startTimeoutMs: 60_000 });
  url = server.url;
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const body = init?.body;
    if (typeof body === 'string') sent.push(Buffer.from(body));
    else if (body instanceof Uint8Array) sent.push(Buffer.from(body));
    return realFetch(input, init);
  });
}, 90_000);

afterAll(async () => {
  vi.restoreAllMocks();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('he share / he receive', () => {
  it('hands the CKKS key to another hospital sealed and signed, and refuses a wrong sender or network', async () => {
    const a = await account('hospital-a');
    const b = await account('hospital-b');
    const keyA = join(dir, 'he-a.json');
    expect((await cli('he', 'keygen', '--out', keyA)).code).toBe(0);
    const token = join(dir, 'to-b.jws');
    const shared = await cli(
      'he',
      'share',
      '--server',
      url,
      '--account',
      a,
      '--he',
      keyA,
      '--to',
      'hospital-b',
      '--network',
      'lung',
      '--out',
      token,
    );
    expect(shared.code, shared.err).toBe(0);
    const secret = (JSON.parse(readFileSync(keyA, 'utf8')) as { secretKey: string }).secretKey;
    expect(readFileSync(token, 'utf8')).not.toContain(secret.slice(100, 160));
    expect(sent.some((s) => s.includes(secret.slice(100, 160)))).toBe(false);

    const wrongSender = await cli(
      'he',
      'receive',
      '--server',
      url,
      '--account',
      b,
      '--in',
      token,
      '--from',
      'hospital-b',
      '--network',
      'lung',
      '--out',
      join(dir, 'x.json'),
    );
    expect(wrongSender.code).not.toBe(0);
    expect(wrongSender.err).toMatch(/signed/);
    const wrongNetwork = await cli(
      'he',
      'receive',
      '--server',
      url,
      '--account',
      b,
      '--in',
      token,
      '--from',
      'hospital-a',
      '--network',
      'brain',
      '--out',
      join(dir, 'x.json'),
    );
    expect(wrongNetwork.code).not.toBe(0);
    expect(existsSync(join(dir, 'x.json'))).toBe(false);

    const keyB = join(dir, 'he-b.json');
    const received = await cli(
      'he',
      'receive',
      '--server',
      url,
      '--account',
      b,
      '--in',
      token,
      '--from',
      'hospital-a',
      '--network',
      'lung',
      '--out',
      keyB,
    );
    expect(received.code, received.err).toBe(0);
    expect(readFileSync(keyB, 'utf8')).toBe(readFileSync(keyA, 'utf8'));
    expect(statSync(keyB).mode & 0o777).toBe(0o600);
  }, 180_000);
});
