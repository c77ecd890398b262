/**
 * `he keygen` and `he infer` as the user runs them (child processes), against the
 * real server in a child process (127.0.0.1, a free port, a temporary data
 * directory, PGlite), with the shipped
 * vit-brain-mri: the key file is 0600 and not overwritten; the phantom, not a brain
 * MRI, is refused before anything is sent; on a real brain MRI (../shared) the encrypted
 * logits agree with plain inference of the same model within 1e-4, and the answer
 * carries the figures and its certainty verdict; no byte of the CKKS secret key is in anything the server wrote; an
 * unknown model is refused in one sentence.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ServerProcess, startServerProcess } from '../../../testing/serverProcess';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRgbPng } from '../../../lib/image/png';
import { brainPhantom } from '../../../lib/samples/phantom';
import { BRAIN_MRI_TESTING, hasBrainMri } from '../../../testing/brainMri';
import { runCliChild as runCli } from '../cliTestHarness';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const MODEL = join(REPO, 'public/models/vit-brain-mri');

const dir = mkdtempSync(join(tmpdir(), 'cipherscan-he-'));
const data = join(dir, 'data');
let server: ServerProcess | undefined;
let url = '';

async function startServer(): Promise<string> {
  server = await startServerProcess({ dataDir: data, startTimeoutMs: 90_000 });
  return server.url;
}

async function stopServer(): Promise<void> {
  const running = server;
  server = undefined;
  await running?.stop();
}

function filesUnder(path: string): string[] {
  return readdirSync(path, { withFileTypes: true }).flatMap((e) => {
    const p = join(path, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

const present = existsSync(join(MODEL, 'model.json'));

/** The shipped model without its guard, under `name` (the server serves vit-brain-mri, not others). */
function unguarded(name: string): string {
  const copy = join(dir, `models-${name}`, name);
  mkdirSync(copy, { recursive: true });
  for (const f of ['model.json', 'weights.bin']) copyFileSync(join(MODEL, f), join(copy, f));
  return copy;
}

/** The `index`-th image file (sorted by name) of a brain-MRI Testing class folder. */
function brainMriFile(className: string, index: number): string {
  const folder = join(BRAIN_MRI_TESTING, className);
  const images = readdirSync(folder)
    .filter((n) => /\.(jpe?g|png)$/i.test(n))
    .sort();
  return join(folder, images[index]);
}

describe.skipIf(!present)('encrypted inference from the command line', () => {
  beforeAll(async () => {
    url = await startServer();
  }, 120_000);
  afterAll(async () => {
    await stopServer();
    rmSync(dir, { recursive: true, force: true });
  });

  it('he keygen, he infer: agrees with plain inference, within 1e-4, and the secret key stays here', async () => {
    const invited = await runCli(['invite', '--data', data, '--name', 'alice', '--role', 'clinician']);
    expect(invited.code, invited.err).toBe(0);
    const code = invited.out.trim().split(/\s+/).pop()!;
    const account = join(dir, 'alice.json');
    const made = await runCli(['account', 'create', '--server', url, '--invite', code, '--out', account]);
    expect(made.code, made.err).toBe(0);

    const he = join(dir, 'he.json');
    const keygen = await runCli(['he', 'keygen', '--out', he]);
    expect(keygen.code, keygen.err).toBe(0);
    expect(statSync(he).mode & 0o777).toBe(0o600);
    const again = await runCli(['he', 'keygen', '--out', he]);
    expect(again.code).toBe(2); // never overwrites a key

    // a synthetic phantom is not a brain MRI: refused before anything is sent (no server, no account needed)
    const png = join(dir, 'phantom.png');
    writeFileSync(png, encodeRgbPng(brainPhantom({ seed: 7, lesion: 0.2 })));
    const nowhere = ['--server', 'http://127.0.0.1:9', '--account', join(dir, 'none.json'), '--he', he];
    const phantom = await runCli(['he', 'infer', ...nowhere, '--in', png, '--json', '--model', MODEL]);
    expect(phantom.code, phantom.err).toBe(0);
    expect(JSON.parse(phantom.out.trim().split('\n').pop()!)).toMatchObject({
      inDomain: false,
      diagnosisWithheld: true,
      sentToServer: false,
      reason: expect.stringMatching(/brain MRI/),
    });

    // a real brain MRI where ../shared is here; else the phantom, through the served model without its guard
    const scan = hasBrainMri ? brainMriFile('glioma', 3) : png;
    const model = hasBrainMri ? MODEL : unguarded('vit-brain-mri');
    const args = ['--server', url, '--account', account, '--he', he, '--in', scan, '--repeat', '2', '--json'];
    const ran = await runCli(['he', 'infer', ...args, '--model', model]);
    expect(ran.code, ran.err).toBe(0);
    const out = JSON.parse(ran.out.trim().split('\n').pop()!);
    expect(out).toMatchObject({ agree: true, className: out.plainClassName });
    expect(out.maxAbsLogitDiff).toBeLessThan(1e-4);
    // the decrypted answer is judged as the local diagnosis judges the same file
    const local = await runCli(['diagnose', '--model', model, '--in', scan, '--json']);
    expect(local.code, local.err).toBe(0);
    const diagnosed = JSON.parse(local.out.trim().split('\n').pop()!);
    expect(out.uncertain).toBe(diagnosed.uncertain);
    expect(out.minConfidence).toBe(diagnosed.minConfidence);
    expect(out.confidence).toBeCloseTo(diagnosed.confidence, 4);
    expect(out.plainConfidence).toBeCloseTo(diagnosed.confidence, 6);
    expect(out.msPerImage).toBeGreaterThan(0);
    expect(out.bytesUp).toBeGreaterThan(50_000);
    expect(out.bytesUp).toBeLessThan(200_000);
    expect(out.bytesDown).toBeGreaterThan(50_000);
    console.log(
      `he infer over loopback: ${out.msPerImage.toFixed(1)} ms/image, ${out.bytesUp} B up, ${out.bytesDown} B down, ` +
        `logit diff ${out.maxAbsLogitDiff.toExponential(2)}, confidence ${out.confidence.toFixed(3)}`,
    );

    // a 48-byte run from the middle of the secret key: in nothing the server wrote
    const secret = Buffer.from(JSON.parse(readFileSync(he, 'utf8')).secretKey, 'base64');
    const probe = secret.subarray(secret.length >> 1, (secret.length >> 1) + 48);
    for (const f of filesUnder(data)) expect(readFileSync(f).includes(probe), f).toBe(false);

    // the same model under a name the server does not ship: refused in one sentence
    const unknown = await runCli(['he', 'infer', ...args, '--model', unguarded('vit-not-shipped')]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/no model named vit-not-shipped/);
  }, 240_000);
});
