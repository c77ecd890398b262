/**
 * The hospital server end to end (issue 16, docs/server.md), with the built page
 * served by the CipherScan server itself (playwright.config.ts): two clinicians,
 * Alice and Bob, each in their own browser context with a virtual passkey
 * authenticator, join with invitation codes from the server's `invite` command.
 * Alice loads a DICOM with a planted PatientName and a run of pixel bytes spelling a
 * marker, uploads it and shares it with Bob for a second opinion; Bob opens it from
 * "Shared with me" and sees the very pixels Alice sees. Alice reloads (the token
 * was in memory only), signs in again with her passkey (her keys come back from
 * IndexedDB), revokes Bob and reads the audit trail; Bob's next open is refused.
 * Then every request of both browsers went to the page's own origin, and neither
 * marker is in any request or in any file the server wrote.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type { CipherScanHooks } from '../src/apps/web/testHooks';
import { firstFileReady } from './helpers';
import {
  DATA_DIR,
  NAME_MARKER,
  PIXEL_MARKER,
  addVirtualAuthenticator,
  invite,
  markedDicom,
  markerHits,
  recordRequests,
  requestHits,
  type RecordedRequest,
} from './serverHelpers';

declare global {
  interface Window {
    __cipherscan: CipherScanHooks;
  }
}

let scratchDir = '';
/** What both pages wrote to the console (searched for the markers at the end). */
const consoleText: string[] = [];
test.beforeEach(() => {
  scratchDir = mkdtempSync(join(tmpdir(), 'cipherscan-server-e2e-'));
});
test.afterEach(() => {
  rmSync(scratchDir, { recursive: true, force: true });
});

interface Clinician {
  context: BrowserContext;
  page: Page;
  name: string;
}

/** A browser context of its own (its own IndexedDB and passkeys), requests recorded, WebGPU as the project says. */
async function clinician(browser: Browser, baseURL: string, name: string, log: RecordedRequest[]): Promise<Clinician> {
  const context = await browser.newContext({ baseURL });
  await context.addInitScript(() => {
    // the CPU path: nothing here needs the GPU, and this project runs with WebGPU off
    Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
  });
  recordRequests(context, log);
  context.on('console', (m) => consoleText.push(m.text()));
  const page = await context.newPage();
  await addVirtualAuthenticator(context, page);
  await page.goto('/');
  await expect(page.getByTestId('server-panel')).toBeVisible();
  return { context, page, name };
}

async function joinServer({ page, name }: Clinician): Promise<void> {
  const code = await invite(name);
  await page.getByLabel('Invitation code').fill(code);
  await page.getByTestId('join-submit').click();
  await expect(page.getByTestId('signed-in-as')).toContainText(`Signed in as ${name}`);
  await expect(page.getByTestId('invite-code')).toHaveCount(0);
}

async function pixels(page: Page, view: 'source' | 'original') {
  const p = await page.evaluate((v) => window.__cipherscan.getPixels(v), view);
  if (!p) throw new Error(`no ${view} pixels`);
  return p;
}

test('upload, share, open, revoke and audit through the server; nothing identifying leaves the browser', async ({
  browser,
}, testInfo) => {
  test.skip(testInfo.project.name !== 'webgpu-off', 'one run covers it: nothing here depends on the GPU');
  test.setTimeout(240_000);
  const baseURL = testInfo.project.use.baseURL ?? 'http://localhost:4173';
  const origin = new URL(baseURL).origin;
  const requests: RecordedRequest[] = [];
  const t0 = Date.now();
  const lap = (what: string) =>
    testInfo.annotations.push({ type: 'timing', description: `${what}: ${Date.now() - t0} ms` });
  // unique per run, so a reused server's earlier accounts do not collide
  const run = Date.now().toString(36);

  const scan = join(scratchDir, 'marked.dcm');
  writeFileSync(scan, markedDicom());

  // --- Alice joins, loads the marked scan and uploads it ------------------------------------------
  const alice = await clinician(browser, baseURL, `alice-${run}`, requests);
  await joinServer(alice);
  lap('alice joined');
  await alice.page.getByTestId('file-input').setInputFiles(scan);
  await firstFileReady(alice.page);
  const [loaded] = await alice.page.evaluate(() => window.__cipherscan.files());
  expect(loaded.format).toBe('dicom');
  expect(loaded.identifying).toContain('PatientName'); // the marker really is in what was loaded
  await alice.page.getByTestId('upload-scan').click();
  await expect(alice.page.getByTestId('server-notice')).toContainText('Uploaded scan-1');
  await expect(alice.page.getByTestId('my-scan')).toHaveCount(1);
  await expect(alice.page.getByTestId('my-scan')).toContainText('OT · 1 frame');
  lap('alice uploaded');

  // --- Bob joins; Alice shares the scan with him for a second opinion ------------------------------
  const bob = await clinician(browser, baseURL, `bob-${run}`, requests);
  await joinServer(bob);
  await expect(bob.page.getByTestId('shared-scan')).toHaveCount(0);
  const myScan = alice.page.getByTestId('my-scan');
  await myScan.getByTestId('my-scan-manage').click();
  await expect(myScan.getByTestId('no-readers')).toBeVisible();
  await myScan.getByLabel("Colleague's account").fill('nobody-here');
  await myScan.getByTestId('share-submit').click();
  await expect(myScan.getByTestId('share-error')).toContainText('There is no account named "nobody-here"');
  await myScan.getByLabel("Colleague's account").fill(bob.name);
  await myScan.getByLabel('Purpose').selectOption('second-opinion');
  await myScan.getByTestId('share-submit').click();
  await expect(myScan.getByTestId('reader')).toHaveCount(1);
  await expect(myScan.getByTestId('reader')).toContainText(`${bob.name} · Second opinion`);
  lap('alice shared');

  // --- Bob opens it and sees exactly Alice's pixels ------------------------------------------------
  await bob.page.getByTestId('refresh-lists').click();
  const shared = bob.page.getByTestId('shared-scan');
  await expect(shared).toHaveCount(1);
  await expect(shared).toContainText(`From ${alice.name}`);
  await expect(shared).toContainText('For second opinion');
  await shared.getByTestId('open-shared').click();
  await firstFileReady(bob.page);
  await expect(bob.page.getByTestId('server-notice')).toContainText(`Opened the scan ${alice.name} shared`);
  for (const view of ['source', 'original'] as const) {
    const mine = await pixels(alice.page, view);
    const theirs = await pixels(bob.page, view);
    expect({ width: theirs.width, height: theirs.height }).toEqual({ width: mine.width, height: mine.height });
    expect(theirs.base64 === mine.base64, `${view} pixels equal`).toBe(true);
  }
  const [opened] = await bob.page.evaluate(() => window.__cipherscan.files());
  expect(opened.identifying ?? []).toEqual([]); // nothing identifying came with it
  // reloaded as PNG, it keeps the modality the DICOM declared: the diagnosis's modality check still reads it
  expect({ format: opened.format, modality: opened.modality }).toEqual({ format: 'png', modality: 'OT' });
  lap('bob opened');

  // --- Alice comes back after a reload: passkey sign-in, keys from IndexedDB; revokes Bob ----------
  await alice.page.reload();
  await expect(alice.page.getByTestId('passkey-sign-in')).toBeVisible();
  await alice.page.getByTestId('passkey-sign-in').click();
  await expect(alice.page.getByTestId('signed-in-as')).toContainText(`Signed in as ${alice.name}`);
  await expect(alice.page.getByTestId('no-account-keys')).toHaveCount(0);
  // what the browser keeps: the account's private keys as non-extractable CryptoKeys, public JWKs, nothing else
  const kept = await alice.page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('cipherscan-account-keys');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const all = await new Promise<Record<string, unknown>[]>((resolve) => {
      const r = db.transaction('accounts').objectStore('accounts').getAll();
      r.onsuccess = () => resolve(r.result);
    });
    db.close();
    const entry = all[0] as { signKey: CryptoKey; wrapKey: CryptoKey };
    const exported = await crypto.subtle.exportKey('jwk', entry.signKey).then(
      () => 'exported',
      (e: Error) => e.name,
    );
    return {
      entries: all.length,
      fields: Object.keys(all[0]).sort(),
      extractable: [entry.signKey.extractable, entry.wrapKey.extractable],
      exported,
      local: localStorage.length + sessionStorage.length,
    };
  });
  expect(kept).toEqual({
    entries: 1,
    fields: ['accountId', 'origin', 'signJwk', 'signKey', 'wrapJwk', 'wrapKey'],
    extractable: [false, false],
    exported: 'InvalidAccessError',
    local: 0,
  });
  const again = alice.page.getByTestId('my-scan');
  await expect(again).toHaveCount(1);
  await again.getByTestId('my-scan-manage').click();
  await expect(again.getByTestId('reader')).toHaveCount(1);
  await again.getByRole('button', { name: `Revoke ${bob.name}` }).click();
  await expect(again.getByTestId('no-readers')).toBeVisible();
  await expect(alice.page.getByTestId('server-notice')).toContainText(`${bob.name} can no longer open this scan`);
  await again.getByTestId('audit-show').click();
  const audit = again.getByTestId('audit-entry');
  await expect(audit.first()).toBeVisible();
  const actions = await audit.evaluateAll((rows) =>
    rows.map((r) => `${(r as HTMLElement).dataset.action}:${(r as HTMLElement).dataset.decision}`),
  );
  for (const expected of ['upload:allow', 'share:allow', 'read:allow', 'revoke:allow', 'listReaders:allow'])
    expect(actions, expected).toContain(expected);
  // Bob's read is named: Alice's page learnt his id when it looked up the readers to revoke
  await expect(again.getByTestId('audit-table')).toContainText(bob.name);
  lap('alice revoked');

  // --- Bob's next open is refused ----------------------------------------------------------------
  await shared.getByTestId('open-shared').click();
  await expect(shared.getByTestId('open-error')).toHaveText(
    'This scan is no longer shared with you (or does not exist).',
  );
  expect(await bob.page.evaluate(() => window.__cipherscan.files().length)).toBe(1);
  lap('bob refused');

  // --- what left the browsers, and what the server keeps -------------------------------------------
  expect(requests.length).toBeGreaterThan(20);
  const elsewhere = requests.filter((r) => !r.url.startsWith('data:') && new URL(r.url).origin !== origin);
  expect(elsewhere.map((r) => r.url)).toEqual([]);
  const uploads = requests.filter((r) => r.method === 'POST' && r.url.endsWith('/api/dicomweb/studies'));
  expect(uploads).toHaveLength(1);
  expect(uploads[0].body!.length).toBeGreaterThan(1000); // the sealed package really went in a body we searched
  expect(requestHits(requests, [NAME_MARKER, PIXEL_MARKER])).toEqual([]);
  expect(consoleText.filter((t) => t.includes(NAME_MARKER) || t.includes(PIXEL_MARKER))).toEqual([]);

  await alice.context.close();
  await bob.context.close();
  const stored = markerHits(DATA_DIR, [NAME_MARKER, PIXEL_MARKER]);
  expect(stored.files).toBeGreaterThan(3);
  expect(stored.hits).toEqual([]);
  // the search can find what is there: the account names are stored in the clear, and the scan has both markers
  expect(markerHits(DATA_DIR, [alice.name]).hits.length).toBeGreaterThan(0);
  expect(markerHits(scratchDir, [NAME_MARKER]).hits).toHaveLength(1);
  expect(markerHits(scratchDir, [PIXEL_MARKER]).hits).toHaveLength(1);
  lap(`searched ${stored.files} server files (${stored.bytes} bytes)`);
});
