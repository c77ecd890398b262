/**
 * The whole sharing script of docs/server.md "CLI", against the real server in a
 * child process (127.0.0.1, a free port, a temporary data directory, PGlite):
 * invite, account create ×2, upload a DICOM, share, download as the reader (the
 * same pixels `unpack` gives the owner), revoke, download refused, the reader's
 * account disabled (through the admin socket, then offline), audit verify
 * intact, then one audit row altered and audit verify failing. Throughout, a
 * patient name and a pixel pattern planted in the DICOM are looked for in every
 * byte the client sent and every file the server wrote: they must never appear.
 *
 * The CLI commands that talk HTTP run in this process (main()), so `fetch` can be
 * watched; `invite`, `account disable` and `audit verify` run as the user runs
 * them, as a child.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { type ServerProcess, startServerProcess } from '../../../testing/serverProcess';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCliChild, runCliHere } from '../cliTestHarness';
import { decodeRgbPng } from '../../../lib/image/png';
import { generateKey } from '../../../lib/keys/key';
import { exportKeyFile } from '../../../lib/keys/keyFile';
import { imagePixelModule, syntheticDicom } from '../../../testing/syntheticDicom';

const NAME_MARKER = 'ZZMARKERZZ';
const PIXEL_MARKER = 'PIXMARK0123456789PIXMARK';

/** A 64×64 8-bit MR whose patient name and first pixel row are markers no ciphertext would contain. */
function markedDicom(): Uint8Array {
  const side = 64;
  const pixels = new Uint8Array(side * side);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i % side) * 3 + Math.floor(i / side);
  pixels.set(new TextEncoder().encode(PIXEL_MARKER), 0);
  const pixelModule = imagePixelModule({
    rows: side,
    columns: side,
    photometric: 'MONOCHROME2',
    bitsAllocated: 8,
    bitsStored: 8,
    pixelData: pixels,
  }).filter((e) => !(e.tag[0] === 0x0008 && e.tag[1] === 0x0060));
  return syntheticDicom([
    ...pixelModule,
    { tag: [0x0008, 0x0060], vr: 'CS', value: 'MR' },
    { tag: [0x0010, 0x0010], vr: 'PN', value: `${NAME_MARKER}^JANE` },
    { tag: [0x0010, 0x0020], vr: 'LO', value: `${NAME_MARKER}-ID` },
  ]);
}

/** The marker's bytes as they could travel: raw, hex, and base64 / base64url at each of the three alignments. */
function markerForms(marker: string): Buffer[] {
  const raw = Buffer.from(marker, 'latin1');
  const forms = [raw, Buffer.from(raw.toString('hex')), Buffer.from(raw.toString('hex').toUpperCase())];
  for (let pad = 0; pad < 3; pad++) {
    const b64 = Buffer.concat([Buffer.alloc(pad), raw]).toString('base64');
    // drop the characters that depend on the padding bytes or the bytes after the marker
    const inner = b64.slice(Math.ceil((pad * 4) / 3) + 1, Math.floor(((pad + raw.length) * 4) / 3) - 1);
    forms.push(Buffer.from(inner), Buffer.from(inner.replace(/\+/g, '-').replace(/\//g, '_')));
  }
  return forms;
}

function hits(haystack: Buffer, markers: Buffer[]): number {
  return markers.filter((m) => haystack.includes(m)).length;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? filesUnder(path) : e.isFile() ? [path] : [];
  });
}

/** Everything fetch sent during the test: URLs, headers and bodies. */
const sent: Buffer[] = [];
const realFetch = globalThis.fetch;

/** A CLI command in this process (fetch stays watched), its console output captured. */
const cli = runCliHere;

const dir = mkdtempSync(join(tmpdir(), 'cipherscan-sharing-'));
const data = join(dir, 'data');
let server: ServerProcess | undefined;
let url = '';

async function startServer(): Promise<string> {
  server = await startServerProcess({ dataDir: data, startTimeoutMs: 60_000 });
  return server.url;
}

async function stopServer(): Promise<void> {
  const running = server;
  server = undefined;
  await running?.stop();
}

beforeAll(async () => {
  url = await startServer();
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    sent.push(Buffer.from(`${String(input)} ${JSON.stringify(init?.headers ?? {})}`));
    const body = init?.body;
    if (typeof body === 'string') sent.push(Buffer.from(body));
    else if (body instanceof Uint8Array) sent.push(Buffer.from(body));
    else if (body !== undefined && body !== null) throw new Error('the test cannot see this request body');
    return realFetch(input, init);
  });
}, 90_000);

afterAll(async () => {
  vi.restoreAllMocks();
  await stopServer();
  rmSync(dir, { recursive: true, force: true });
});

/** The invitation code the server entry prints (its last word on stdout). */
async function invite(name: string): Promise<string> {
  const ran = await runCliChild(['invite', '--data', data, '--name', name, '--role', 'clinician']);
  expect(ran.code, ran.err).toBe(0);
  const code = ran.out.trim().split(/\s+/).pop();
  expect(code).toBeTruthy();
  return code!;
}

describe('sharing through the server, from the command line', () => {
  it('upload, share, download, revoke, audit: and no name or pixel reaches the server', async () => {
    const dcm = join(dir, 'scan.dcm');
    const file = markedDicom();
    writeFileSync(dcm, file);
    const markers = [...markerForms(NAME_MARKER), ...markerForms(PIXEL_MARKER)];
    expect(hits(Buffer.from(file), markers)).toBeGreaterThanOrEqual(2); // the markers are findable where they are

    const aliceCode = await invite('alice');
    const bobCode = await invite('bob');
    const keyPath = join(dir, 'alice-key.json');
    writeFileSync(keyPath, exportKeyFile(await generateKey()));
    const alice = join(dir, 'alice.json');
    const bob = join(dir, 'bob.json');

    const wrongInvite = await cli(
      'account',
      'create',
      '--server',
      url,
      '--invite',
      'not-a-code',
      '--out',
      join(dir, 'x.json'),
    );
    expect(wrongInvite.code).toBe(1);
    expect(wrongInvite.err).toMatch(/invitation/i);

    const made = await cli(
      'account',
      'create',
      '--server',
      url,
      '--invite',
      aliceCode,
      '--out',
      alice,
      '--key',
      keyPath,
    );
    expect(made.code, made.err).toBe(0);
    expect(statSync(alice).mode & 0o777).toBe(0o600);
    expect(readFileSync(alice, 'utf8')).not.toMatch(/"d"/); // sealed: no private JWK member in the clear
    expect((await cli('account', 'create', '--server', url, '--invite', bobCode, '--out', bob)).code).toBe(0);
    expect((await cli('account', 'create', '--server', url, '--invite', bobCode, '--out', bob)).err).toMatch(/exists/);

    const uploaded = await cli('upload', '--server', url, '--account', alice, '--key', keyPath, '--in', dcm);
    expect(uploaded.code, uploaded.err).toBe(0);
    const { id, version } = JSON.parse(uploaded.out) as { id: string; version: number };
    expect(id).toMatch(/^2\.25\.\d+$/);
    expect(version).toBe(1);

    const bobPng = join(dir, 'bob.png');
    const early = await cli('download', '--server', url, '--account', bob, '--id', id, '--out', bobPng);
    expect(early.code).toBe(1);
    expect(early.err).toContain('this scan is not shared with you (or does not exist)');

    const shared = await cli(
      'share',
      '--server',
      url,
      '--account',
      alice,
      '--key',
      keyPath,
      '--id',
      id,
      '--with',
      'bob',
      '--purpose',
      'second-opinion',
      '--until',
      '2099-01-31',
    );
    expect(shared.code, shared.err).toBe(0);
    expect(JSON.parse(shared.out)).toMatchObject({ id, version: 2, with: 'bob', purpose: 'second-opinion' });

    const downloaded = await cli('download', '--server', url, '--account', bob, '--id', id, '--out', bobPng);
    expect(downloaded.code, downloaded.err).toBe(0);
    expect(statSync(bobPng).mode & 0o777).toBe(0o600);

    // what `unpack` gives alice for the same file, with her own key
    const csp = join(dir, 'alice.csp');
    const alicePng = join(dir, 'alice.png');
    expect((await cli('pack', '--key', keyPath, '--in', dcm, '--out', csp)).code).toBe(0);
    expect((await cli('unpack', '--key', keyPath, '--in', csp, '--out', alicePng)).code).toBe(0);
    const bobImage = decodeRgbPng(new Uint8Array(readFileSync(bobPng))).image;
    const aliceImage = decodeRgbPng(new Uint8Array(readFileSync(alicePng))).image;
    expect([bobImage.width, bobImage.height]).toEqual([64, 64]);
    expect(bobImage.data).toEqual(aliceImage.data);

    // the patient withdraws consent: bob's grant no longer opens it; given again, it does
    const account = ['--server', url, '--account', alice, '--key', keyPath, '--id', id];
    const withdrawn = await cli('consent', ...account, '--withdraw');
    expect(withdrawn.code, withdrawn.err).toBe(0);
    expect(JSON.parse(withdrawn.out)).toEqual({ id, consent: 'withdrawn' });
    const refused = await cli('download', '--server', url, '--account', bob, '--id', id, '--out', join(dir, 'w.png'));
    expect(refused.code).toBe(1);
    expect((await cli('consent', ...account, '--give')).code).toBe(0);
    const again = await cli('download', '--server', url, '--account', bob, '--id', id, '--out', join(dir, 'g.png'));
    expect(again.code, again.err).toBe(0);

    const revoked = await cli(
      'revoke',
      '--server',
      url,
      '--account',
      alice,
      '--key',
      keyPath,
      '--id',
      id,
      '--with',
      'bob',
    );
    expect(revoked.code, revoked.err).toBe(0);
    expect(JSON.parse(revoked.out)).toMatchObject({ id, version: 3 });
    const late = await cli('download', '--server', url, '--account', bob, '--id', id, '--out', join(dir, 'late.png'));
    expect(late.code).toBe(1);
    expect(late.err).toContain('this scan is not shared with you (or does not exist)');

    // the hospital off-boards bob (through the running server's admin socket): his account file signs in no more
    const disabled = await runCliChild(['account', 'disable', '--data', data, '--name', 'bob']);
    expect(disabled.code, disabled.err).toBe(0);
    expect(disabled.out).toContain('account bob disabled (was clinician)');
    const twice = await runCliChild(['account', 'disable', '--data', data, '--name', 'bob']);
    expect(twice.code).toBe(1);
    expect(twice.err).toContain('disabled already');
    const offboarded = await cli(
      'download',
      '--server',
      url,
      '--account',
      bob,
      '--id',
      id,
      '--out',
      join(dir, 'x.png'),
    );
    expect(offboarded.code).toBe(1);
    expect(offboarded.err).toContain("this account is disabled: ask your hospital's administrator");

    const intact = await runCliChild(['audit', 'verify', '--data', data]);
    expect(intact.code, intact.out + intact.err).toBe(0);

    // nothing identifying left this process, nothing identifying is stored
    expect(sent.length).toBeGreaterThan(10);
    expect(hits(Buffer.concat(sent), markers)).toBe(0);
    await stopServer();
    const stored = filesUnder(data);
    expect(stored.length).toBeGreaterThan(0);
    for (const path of stored) expect(hits(readFileSync(path), markers), path).toBe(0);

    // with the server stopped, `account disable` opens the database itself
    const offline = await runCliChild(['account', 'disable', '--data', data, '--name', 'alice']);
    expect(offline.code, offline.err).toBe(0);
    expect(offline.out).toContain('account alice disabled (was clinician)');
    expect((await runCliChild(['account', 'disable', '--data', data, '--name', 'nobody'])).err).toContain(
      'there is no account named nobody',
    );

    // one audit row altered while the server is down: the chain no longer verifies
    const db = new PGlite(join(data, 'db'));
    const altered = await db.query("UPDATE audit_log SET decision = 'deny' WHERE seq = 2 AND decision = 'allow'");
    const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
    await db.close();
    expect(altered.affectedRows).toBe(1);
    expect(rows.rows[0].n).toBeGreaterThan(5);
    const broken = await runCliChild(['audit', 'verify', '--data', data]);
    expect(broken.code, broken.out + broken.err).not.toBe(0);
  }, 300_000);
});
