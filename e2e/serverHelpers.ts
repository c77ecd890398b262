/**
 * Helpers of the hospital-server spec (e2e/server.spec.ts): invitations from the
 * server's own `invite` subcommand, a virtual passkey authenticator per page (CDP),
 * a recorder of every request a browser context makes (URL and body), a scan with
 * planted markers, and a search for those markers in request bodies and in every
 * file the server wrote.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BrowserContext, Page } from '@playwright/test';
import { imagePixelModule, syntheticDicom } from '../src/testing/syntheticDicom';

const run = promisify(execFile);
export const ROOT = new URL('..', import.meta.url).pathname;
/** The e2e server's data folder (playwright.config.ts empties it before the server starts). */
export const DATA_DIR = join(ROOT, '.e2e-server');

/** An invitation code for a new clinician account, made by the server's admin command (its admin socket). */
export async function invite(name: string): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'src/apps/server/main.ts', 'invite', '--data', DATA_DIR, '--name', name, '--role', 'clinician'],
    { cwd: ROOT, timeout: 60_000 },
  );
  // the code is the last word printed
  const code = stdout.trim().split(/\s+/).pop() ?? '';
  if (!code) throw new Error(`invite printed no code for ${name}`);
  return code;
}

/** A platform authenticator for this page, that always says yes: passkeys are made and used without a dialog. */
export async function addVirtualAuthenticator(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}

export interface RecordedRequest {
  url: string;
  method: string;
  body: Buffer | null;
}

/** Records every request the context's pages and workers make, with its body. */
export function recordRequests(context: BrowserContext, into: RecordedRequest[]): void {
  context.on('request', (r) => into.push({ url: r.url(), method: r.method(), body: r.postDataBuffer() }));
}

/** The PatientName planted in the scan. */
export const NAME_MARKER = 'ZZPLANTEDZZ';
/** A run of pixel values that spells this, in the scan's pixel data. */
export const PIXEL_MARKER = 'QQPIXELMARKERQQ';

/**
 * A 64 x 64 8-bit MONOCHROME2 DICOM: a gradient (something to see and diagnose), PatientName = NAME_MARKER,
 * and row 20 starting with the bytes of PIXEL_MARKER.
 */
export function markedDicom(): Uint8Array {
  const size = 64;
  const pixels = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) pixels[y * size + x] = (x * 3 + y * 2) & 0xff;
  pixels.set(Buffer.from(PIXEL_MARKER, 'latin1'), 20 * size);
  return syntheticDicom([
    { tag: [0x0010, 0x0010], vr: 'PN', value: NAME_MARKER },
    { tag: [0x0010, 0x0020], vr: 'LO', value: 'ID-4711' },
    ...imagePixelModule({
      rows: size,
      columns: size,
      photometric: 'MONOCHROME2',
      bitsAllocated: 8,
      bitsStored: 8,
      pixelData: pixels,
    }),
  ]);
}

/**
 * What to search for, for one marker: its bytes, and its base64 and base64url at each of the three byte
 * alignments (the middle part that does not depend on the bytes around it), so a marker sent inside JSON
 * as base64 is found too.
 */
export function needles(marker: string): Buffer[] {
  const raw = Buffer.from(marker, 'latin1');
  const out = [raw];
  for (let shift = 0; shift < 3; shift++) {
    const b64 = Buffer.concat([Buffer.alloc(shift), raw]).toString('base64');
    // the first 4 characters hold the padding bytes when shifted; the last 4 depend on what follows
    const stable = b64.slice(shift ? 4 : 0, -4);
    if (stable.length >= 8) out.push(Buffer.from(stable), Buffer.from(stable.replace(/\+/g, '-').replace(/\//g, '_')));
  }
  return out;
}

/** Every file under `dir`, recursively (the database's files included). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile()) out.push(path);
    // a Unix socket (admin.sock) holds no bytes
  }
  return out;
}

/** The files under `dir` in which any of the markers' needles occurs, and how many bytes were read. */
export function markerHits(dir: string, markers: string[]): { hits: string[]; files: number; bytes: number } {
  const all = markers.flatMap(needles);
  const hits: string[] = [];
  let bytes = 0;
  const files = filesUnder(dir);
  for (const path of files) {
    if (!statSync(path).isFile()) continue;
    const data = readFileSync(path);
    bytes += data.length;
    if (all.some((n) => data.includes(n))) hits.push(path);
  }
  return { hits, files: files.length, bytes };
}

/** The requests whose URL or body holds any of the markers' needles. */
export function requestHits(requests: RecordedRequest[], markers: string[]): string[] {
  const all = markers.flatMap(needles);
  return requests
    .filter((r) => all.some((n) => Buffer.from(r.url).includes(n) || (r.body !== null && r.body.includes(n))))
    .map((r) => `${r.method} ${r.url}`);
}
