/**
 * The page end to end, as a clinician would use it, in Debian's Chromium with
 * WebGPU on and off: load a PNG (a synthetic phantom written at test time), a
 * real brain-MRI JPEG and a real DICOM from ../shared, plus a corrupt file; type a
 * passphrase; encrypt; export the key file and check that the CLI, given the same
 * file and key, writes exactly the bytes the page exports; run every attack and
 * read its metrics; export, re-import and tamper with an AES package; and watch
 * that no request leaves the origin and no storage is used.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test, type Download, type Page } from '@playwright/test';
import { decodeRgbPng, encodeRgbPng } from '../src/lib/image/png';
import { brainPhantom } from '../src/lib/samples/phantom';
import type { CipherScanHooks } from '../src/apps/web/testHooks';
import { applyGpuMode } from './webgpuOff';
import { firstFileReady } from './helpers';

declare global {
  interface Window {
    __cipherscan: CipherScanHooks;
  }
}

const run = promisify(execFile);
const ROOT = new URL('..', import.meta.url).pathname;
const DICOM = join(ROOT, '../shared/dicom-samples/MR_small.dcm');
const JPEG_DIR = join(ROOT, '../shared/datasets/brain-mri/Training/glioma');
const PASSPHRASE = 'violet harbour lantern 7 quietly';

// Files this spec writes go to a private temp folder, not test-results/: other Playwright runs in
// the same checkout clean test-results/ when they start, which would pull files from under us.
let scratchDir = '';
const scratch = (name: string) => join(scratchDir, name);
test.beforeEach(() => {
  scratchDir = mkdtempSync(join(tmpdir(), 'cipherscan-app-e2e-'));
});
test.afterEach(() => {
  rmSync(scratchDir, { recursive: true, force: true });
});

async function saveDownload(page: Page, click: () => Promise<void>, path: string): Promise<Download> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  await download.saveAs(path);
  return download;
}

async function selectFile(page: Page, id: string): Promise<void> {
  await page.getByTestId(`file-${id}`).locator('.file-select').click();
  await expect.poll(() => page.evaluate(() => window.__cipherscan.selected())).toBe(id);
}

/** Waits until the first file in the list is decoded (again, after a frame or window change). */
async function pixels(page: Page, view: Parameters<CipherScanHooks['getPixels']>[0]) {
  return page.evaluate((v) => window.__cipherscan.getPixels(v), view);
}

async function cliEncrypt(keyPath: string, input: string, out: string): Promise<Uint8Array> {
  try {
    await run('npm', ['run', '--silent', 'cli', '--', 'encrypt', '--key', keyPath, '--in', input, '--out', out], {
      cwd: ROOT,
      env: { ...process.env, CIPHERSCAN_PASSPHRASE: PASSPHRASE },
    });
  } catch (err) {
    const e = err as { stderr?: string; code?: number };
    throw new Error(`cli encrypt failed (exit ${e.code}): ${e.stderr?.trim() ?? String(err)}`, { cause: err });
  }
  return new Uint8Array(readFileSync(out));
}

test('load, key, encrypt like the CLI, attack, package round trip, nothing leaves the page', async ({
  page,
}, testInfo) => {
  test.setTimeout(300_000);
  const mode = await applyGpuMode(page, testInfo);

  const origin = new URL(testInfo.project.use.baseURL ?? 'http://127.0.0.1:4173').origin;
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  const consoleText: string[] = [];
  page.on('console', (m) => consoleText.push(m.text()));

  // Inputs, made at test time: a synthetic phantom PNG, one real JPEG (read from ../shared, never copied
  // into the repo), a real DICOM, and a corrupt file that claims to be a PNG.
  const pngPath = scratch('phantom.png');
  writeFileSync(pngPath, encodeRgbPng(brainPhantom({ seed: 77, lesion: 0.15 })));
  const corruptPath = scratch('corrupt.png');
  const corrupt = readFileSync(pngPath).subarray(0, 300);
  writeFileSync(corruptPath, corrupt);
  const jpegs = existsSync(JPEG_DIR)
    ? readdirSync(JPEG_DIR)
        .filter((f) => f.endsWith('.jpg'))
        .sort()
    : [];
  const jpegPath = jpegs.length ? scratch('mri.jpg') : null;
  if (jpegPath) copyFileSync(join(JPEG_DIR, jpegs[0]), jpegPath);

  await page.goto('/');
  await expect(page.getByText('Built-in samples')).toBeVisible();

  // --- loading: a corrupt file fails alone, the others decode -------------------------------
  const inputs = [pngPath, DICOM, corruptPath, ...(jpegPath ? [jpegPath] : [])];
  await page.getByTestId('file-input').setInputFiles(inputs);
  await expect
    .poll(() => page.evaluate(() => window.__cipherscan.files().map((f) => f.status)), { timeout: 60_000 })
    .toEqual(inputs.map((p) => (p === corruptPath ? 'error' : 'ready')));
  const files = await page.evaluate(() => window.__cipherscan.files());
  const [pngFile, dicomFile, corruptFile, jpegFile] = files;
  expect(dicomFile.format).toBe('dicom');
  expect(corruptFile.error).toBeTruthy();
  await expect(page.getByTestId(`file-${corruptFile.id}`).getByTestId('file-error')).toHaveText(corruptFile.error!);
  // The DICOM's identifying attributes are flagged by name.
  await selectFile(page, dicomFile.id);
  if ((dicomFile.identifying ?? []).length > 0) {
    await expect(page.getByTestId('phi-warning')).toContainText('that can identify the patient or the scan');
    await expect(page.getByTestId('phi-warning')).toContainText(dicomFile.identifying![0]);
  }

  // --- key from a passphrase -----------------------------------------------------------------
  await page.getByTestId('passphrase').fill(PASSPHRASE);
  await expect(page.getByTestId('passphrase-strength')).toBeVisible();
  await page.getByTestId('derive-key').click();
  await expect(page.getByTestId('key-check')).toBeVisible({ timeout: 60_000 });
  const passphraseCheck = await page.evaluate(() => window.__cipherscan.keyCheck);
  // the passphrase re-derives the key: it does not stay in the form
  await expect(page.getByTestId('passphrase')).toHaveValue('');

  // --- encrypt, and the compute path the page reports ------------------------------------------
  await page.getByTestId('encrypt').click();
  await expect
    .poll(() => page.evaluate(() => window.__cipherscan.files().filter((f) => f.status === 'encrypted').length), {
      timeout: 60_000,
    })
    .toBe(files.length - 1);
  const path = await page.evaluate(() => window.__cipherscan.computePath);
  expect(path).toBe(mode === 'webgpu-on' ? 'webgpu' : 'cpu');
  await expect(page.getByTestId('compute-path')).toContainText(mode === 'webgpu-on' ? 'WebGPU' : 'CPU');
  await expect(page.getByTestId('timing-encrypt')).toBeVisible();
  await expect(page.getByTestId('metrics-encrypted')).toBeVisible();

  // --- the page's encrypted images are the CLI's, byte for byte --------------------------------
  const keyPath = scratch('key.json');
  const keyDownload = await saveDownload(page, () => page.getByTestId('export-key').click(), keyPath);
  expect(keyDownload.suggestedFilename()).toBe('cipherscan-key.json');
  expect(readFileSync(keyPath, 'utf8')).not.toContain(PASSPHRASE);
  const cases: Array<[typeof pngFile, string]> = [
    [pngFile, pngPath],
    [dicomFile, DICOM],
    ...(jpegFile && jpegPath ? [[jpegFile, jpegPath] as [typeof pngFile, string]] : []),
  ];
  for (const [file, input] of cases) {
    await selectFile(page, file.id);
    const pagePng = scratch(`${file.id}-page.png`);
    const d = await saveDownload(page, () => page.getByTestId('export-encrypted').click(), pagePng);
    expect(d.suggestedFilename()).toBe(`${file.label}-encrypted.png`); // neutral name, never the original file name
    const cliBytes = await cliEncrypt(keyPath, input, scratch(`${file.id}-cli.png`));
    const shown = await pixels(page, 'encrypted');
    expect(shown).not.toBeNull();
    const cliPixels = decodeRgbPng(cliBytes).image;
    expect(Buffer.from(shown!.base64, 'base64').equals(Buffer.from(cliPixels.data))).toBe(true);
    expect(Buffer.from(readFileSync(pagePng)).equals(Buffer.from(cliBytes))).toBe(true);
  }

  // --- decrypted export round-trips to the original model input --------------------------------
  await selectFile(page, pngFile.id);
  await saveDownload(page, () => page.getByTestId('export-decrypted').click(), scratch('decrypted.png'));
  const original = await pixels(page, 'original');
  expect(
    Buffer.from(decodeRgbPng(new Uint8Array(readFileSync(scratch('decrypted.png')))).image.data).toString('base64'),
  ).toBe(original!.base64);

  // --- every attack, with its metrics and note -------------------------------------------------
  const kinds = await page
    .getByTestId('attack-kind')
    .locator('option')
    .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(kinds).toEqual(['leading-bit', 'min-difference', 'known-plaintext', 'bit-flip', 'gaussian', 'aes-bit-flip']);
  const ssimByKind: Record<string, number> = {};
  for (const kind of kinds) {
    await page.getByTestId('attack-kind').selectOption(kind);
    // the attacker's one known pair: the textured real MRI when we have it (a flat image pins fewer positions)
    if (kind === 'known-plaintext') await page.getByTestId('param-known-pair').selectOption((jpegFile ?? dicomFile).id);
    await page.getByTestId('run-attack').click();
    await expect.poll(() => page.evaluate(() => window.__cipherscan.attack()?.kind), { timeout: 60_000 }).toBe(kind);
    await expect(page.getByTestId('workspace-error')).toHaveCount(0);
    const m = await page.evaluate(() => window.__cipherscan.metrics('attacked'));
    expect(m, kind).not.toBeNull();
    for (const v of [m!.ssim, m!.nmi, m!.phashDistance]) expect(Number.isFinite(v)).toBe(true);
    await expect(page.getByTestId('metrics-attacked')).toBeVisible();
    await expect(page.getByTestId('attack-note')).not.toBeEmpty();
    ssimByKind[kind] = m!.ssim;
    if (kind === 'leading-bit') expect(m!.ssim).toBeLessThan(0.5);
    if (kind === 'aes-bit-flip') await expect(page.getByTestId('attack-note')).toContainText('AES-GCM refused');
  }
  // one known pair reveals the key, as the page says: far more is recovered than by any ciphertext-only attack
  expect(ssimByKind['known-plaintext']).toBeGreaterThan(0.8);
  expect(ssimByKind['known-plaintext']).toBeGreaterThan(
    Math.max(ssimByKind['leading-bit'], ssimByKind['min-difference']) + 0.5,
  );
  await expect(page.getByTestId('known-weakness')).toContainText(
    'one known plain/encrypted image pair reveals the key',
  );

  // --- AES package: export, re-import, same pixels; tampered or wrong key: refused, nothing shown
  const pkgPath = scratch('scan.csp');
  const pkg = await saveDownload(page, () => page.getByTestId('export-package').click(), pkgPath);
  expect(pkg.suggestedFilename()).toBe(`${pngFile.label}.csp`);
  await expect(page.getByTestId('package-footprint')).toBeVisible();
  await page.getByTestId('protected-file-input').setInputFiles(pkgPath);
  await expect(page.getByTestId('opened-match')).toContainText(`Identical, bit for bit, to ${pngFile.label}`);
  expect((await pixels(page, 'opened'))!.base64).toBe((await pixels(page, 'source'))!.base64);

  const tampered = new Uint8Array(readFileSync(pkgPath));
  tampered[Math.floor(tampered.length * 0.6)] ^= 0x04;
  writeFileSync(scratch('tampered.csp'), tampered);
  await page.getByTestId('protected-file-input').setInputFiles(scratch('tampered.csp'));
  await expect(page.getByTestId('workspace-error')).toContainText('altered');
  await expect(page.getByTestId('opened-file')).toHaveCount(0);
  expect(await pixels(page, 'opened')).toBeNull();

  // another key (the page asks first: encrypted scans and an exported package would be lost):
  // the package says "wrong key"; the page's encrypted PNG too
  // Escape cancels, and focus goes back to the button that asked (not to the top of the page)
  await page.getByTestId('generate-key').click();
  await expect(page.getByTestId('replace-key-dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('replace-key-dialog')).toHaveCount(0);
  await expect(page.getByTestId('generate-key')).toBeFocused();
  await page.getByTestId('generate-key').click();
  await page.getByTestId('replace-key-confirm').click();
  await expect
    .poll(() => page.evaluate(() => window.__cipherscan.files().some((f) => f.status === 'encrypted')))
    .toBe(false);
  await page.getByTestId('protected-file-input').setInputFiles(pkgPath);
  await expect(page.getByTestId('workspace-error')).toContainText(/wrong key/i);
  await page.getByTestId('protected-file-input').setInputFiles(scratch(`${pngFile.id}-page.png`));
  await expect(page.getByTestId('workspace-error')).toContainText(/wrong key/i);
  await expect(page.getByTestId('opened-file')).toHaveCount(0);

  // a passphrase key file with the wrong passphrase: "wrong key"
  await page.getByTestId('key-file-input').setInputFiles(keyPath);
  await page.getByTestId('key-file-passphrase').fill('not the passphrase');
  await page.getByTestId('key-file-open').click();
  await expect(page.getByTestId('key-error')).toContainText(/wrong key/i, { timeout: 60_000 });
  // ... and with the right one it opens to the same key: the package opens again
  await page.getByTestId('key-file-input').setInputFiles(keyPath);
  await page.getByTestId('key-file-passphrase').fill(PASSPHRASE);
  await page.getByTestId('key-file-open').click();
  await expect.poll(() => page.evaluate(() => window.__cipherscan.keyCheck), { timeout: 60_000 }).toBe(passphraseCheck);
  await page.getByTestId('protected-file-input').setInputFiles(pkgPath);
  await expect(page.getByTestId('opened-match')).toContainText(`Identical, bit for bit, to ${pngFile.label}`);
  // the pipeline worker holds the key in use by handle, and none of the keys replaced before it
  expect(await page.evaluate(() => window.__cipherscan.workerKeys())).toBe(1);

  // --- privacy: same origin only, no storage, nothing secret in the console --------------------
  const foreign = requests.filter((u) => /^(https?|wss?):/.test(u) && new URL(u).origin !== origin);
  expect(foreign).toEqual([]);
  expect(requests.length).toBeGreaterThan(0);
  const storage = await page.evaluate(async () => ({
    local: localStorage.length,
    session: sessionStorage.length,
    idb: (await indexedDB.databases()).length,
  }));
  expect(storage).toEqual({ local: 0, session: 0, idb: 0 });
  expect(consoleText.join('\n')).not.toContain(PASSPHRASE);
  expect(consoleText.join('\n')).not.toContain('Content Security Policy'); // the page's CSP blocked nothing it needs
  expect(await page.evaluate(() => Object.keys(window.__cipherscan))).not.toContain('key');
});

test('drag and drop, multi-frame DICOM frame picker', async ({ page }, testInfo) => {
  await applyGpuMode(page, testInfo);
  await page.goto('/');
  const bytes = [...readFileSync(join(ROOT, '../shared/dicom-samples/SC_rgb_rle_2frame.dcm'))];
  const dataTransfer = await page.evaluateHandle((b) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(b)], 'two-frames.dcm', { type: 'application/dicom' }));
    return dt;
  }, bytes);
  await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer });
  await firstFileReady(page);
  const [file] = await page.evaluate(() => window.__cipherscan.files());
  expect(file.frames).toBe(2);
  expect(file.frame).toBe(0);
  const first = await pixels(page, 'original');
  await page.getByTestId('frame-picker').fill('2');
  await expect.poll(() => page.evaluate(() => window.__cipherscan.files()[0]?.frame), { timeout: 60_000 }).toBe(1);
  await firstFileReady(page);
  const second = await pixels(page, 'original');
  expect(second!.base64).not.toBe(first!.base64);

  // the AES package holds both frames and opens on the one on screen (frame 2)
  await page.getByTestId('generate-key').click();
  await expect(page.getByTestId('key-check')).toBeVisible();
  const pkgPath = scratch('two-frames.csp');
  await saveDownload(page, () => page.getByTestId('export-package').click(), pkgPath);
  await expect(page.getByTestId('package-footprint')).toContainText('2 frames');
  await page.getByTestId('protected-file-input').setInputFiles(pkgPath);
  await expect(page.getByTestId('opened-frames')).toContainText("2 of the file's 2 frames in this package");
  await expect(page.getByTestId('opened-frame-picker')).toHaveValue('1');
  await expect(page.getByTestId('opened-match')).toContainText('Identical, bit for bit');
  expect((await pixels(page, 'opened'))!.base64).toBe((await pixels(page, 'source'))!.base64);
  // its other frame is there too: the first, which is not the one on screen
  await page.getByTestId('opened-frame-picker').selectOption('0');
  await expect(page.getByTestId('opened-match')).toContainText('matches none of the loaded scans');
  expect((await pixels(page, 'opened'))!.base64).not.toBe((await pixels(page, 'source'))!.base64);
});

test('a DICOM with several windows: each, and the full range, can be chosen; the image shown follows', async ({
  page,
}, testInfo) => {
  await applyGpuMode(page, testInfo);
  await page.goto('/');
  // three Window Center/Width pairs in this sample (pydicom's test files)
  await page.getByTestId('file-input').setInputFiles(join(ROOT, '../shared/dicom-samples/J2K_pixelrep_mismatch.dcm'));
  await firstFileReady(page);
  const [file] = await page.evaluate(() => window.__cipherscan.files());
  expect(file.voi).toBe(0);
  expect(file.voiChoices).toHaveLength(4);
  expect(file.voiChoices![3]).toBe('full range of the frame');
  await expect(page.getByTestId('voi-picker').locator('option')).toHaveCount(4);
  const first = await pixels(page, 'original');
  await page.getByTestId('voi-picker').selectOption('3');
  await expect.poll(() => page.evaluate(() => window.__cipherscan.files()[0]?.voi), { timeout: 60_000 }).toBe(3);
  await firstFileReady(page);
  const range = await pixels(page, 'original');
  expect(range!.base64).not.toBe(first!.base64);
  // back to the default: the same pixels as at first
  await page.getByTestId('voi-picker').selectOption('0');
  await expect.poll(() => page.evaluate(() => window.__cipherscan.files()[0]?.voi), { timeout: 60_000 }).toBe(0);
  await expect.poll(async () => (await pixels(page, 'original'))?.base64).toBe(first!.base64);
});

test('a DICOM with private vendor attributes: they are counted in the scan details, the identifiers named', async ({
  page,
}, testInfo) => {
  await applyGpuMode(page, testInfo);
  await page.goto('/');
  const pinned = JSON.parse(readFileSync(join(ROOT, 'src/testing/dicomFixtures/fixtures.json'), 'utf8')).fixtures[
    'CT_small.dcm'
  ];
  await page.getByTestId('file-input').setInputFiles(join(ROOT, '../shared/dicom-samples/CT_small.dcm'));
  await firstFileReady(page);
  const [file] = await page.evaluate(() => window.__cipherscan.files());
  await selectFile(page, file.id);
  expect(pinned.hiddenIdentifierRisks.privateAttributes).toBeGreaterThan(0);
  await expect(page.getByTestId('hidden-attributes-note')).toContainText(
    `${pinned.hiddenIdentifierRisks.privateAttributes} private vendor attributes`,
  );
  await expect(page.getByTestId('phi-warning')).toContainText(pinned.identifyingAttributes[0]);
  await expect(page.getByTestId('burned-in-warning')).toHaveCount(0);
});

test('the server sends the security policy as a header on every response, worker scripts included, and forbids framing', async ({
  page,
}, testInfo) => {
  await applyGpuMode(page, testInfo);
  const policies = new Map<string, string | undefined>();
  page.on('response', (r) => policies.set(new URL(r.url()).pathname, r.headers()['content-security-policy']));
  const response = await page.goto('/');
  expect(response!.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  const policy = response!.headers()['content-security-policy'];
  const scriptSrc = policy
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith('script-src '));
  expect(scriptSrc).toBeDefined();
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  // a decode starts the pipeline worker: its script must come with the policy too
  await page.getByTestId('file-input').setInputFiles(join(ROOT, '../shared/dicom-samples/CT_small.dcm'));
  await firstFileReady(page);
  const workers = [...policies.keys()].filter((p) => /worker/i.test(p) && p.endsWith('.js'));
  expect(workers.length).toBeGreaterThan(0);
  for (const path of [...policies.keys()].filter((p) => p.endsWith('.js') || p.endsWith('.wasm') || p === '/'))
    expect(policies.get(path), path).toContain("default-src 'self'");
  // the build carries the same headers for other hosts (Netlify/Cloudflare _headers, nginx add_header lines)
  const sent = response!.headers();
  const netlify = readFileSync(join(ROOT, 'dist-e2e/_headers'), 'utf8');
  const nginx = readFileSync(join(ROOT, 'dist-e2e/security-headers.nginx.conf'), 'utf8');
  for (const name of [
    'Content-Security-Policy',
    'X-Content-Type-Options',
    'Referrer-Policy',
    'Cross-Origin-Opener-Policy',
    'Permissions-Policy',
  ]) {
    expect(sent[name.toLowerCase()], name).toBeTruthy();
    expect(netlify).toContain(`  ${name}: ${sent[name.toLowerCase()]}\n`);
    expect(nginx).toContain(`add_header ${name} "${sent[name.toLowerCase()]}" always;`);
  }
});

test('outside automation the page has no test hooks (they would hand out plain pixels)', async ({ page }, testInfo) => {
  await applyGpuMode(page, testInfo);
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'webdriver', { get: () => false }));
  await page.goto('/');
  await expect(page.getByTestId('dropzone')).toBeVisible();
  expect(await page.evaluate(() => navigator.webdriver)).toBe(false);
  expect(await page.evaluate(() => typeof window.__cipherscan)).toBe('undefined');
  expect(await page.evaluate(() => typeof window.__cipherscanDiagnosis)).toBe('undefined');
});

test('built-in samples are labelled synthetic and the split handle moves with the keyboard', async ({
  page,
}, testInfo) => {
  const mode = await applyGpuMode(page, testInfo);
  await page.goto('/');
  const tiles = page.getByTestId('sample-gallery').locator('button.sample');
  expect(await tiles.count()).toBeGreaterThanOrEqual(4);
  for (const tile of await tiles.all()) await expect(tile).toContainText(/synthetic/i);
  await tiles.first().click();
  await firstFileReady(page);
  await page.getByTestId('generate-key').click();
  await expect(page.getByTestId('key-check')).toBeVisible();
  // a random key's file round-trips: forget the key, import the file, same key-check value
  const randomCheck = await page.evaluate(() => window.__cipherscan.keyCheck);
  const keyPath = scratch('random-key.json');
  await saveDownload(page, () => page.getByTestId('export-key').click(), keyPath);
  await page.getByRole('button', { name: 'Forget key' }).click();
  await expect(page.getByTestId('key-check')).toHaveCount(0);
  await page.getByTestId('key-file-input').setInputFiles(keyPath);
  await expect.poll(() => page.evaluate(() => window.__cipherscan.keyCheck)).toBe(randomCheck);
  await page.getByTestId('encrypt').click();
  await expect.poll(() => page.evaluate(() => window.__cipherscan.files()[0]?.status)).toBe('encrypted');

  // the original shown is the model input: not all one value, and different from the encrypted view
  const original = await pixels(page, 'original');
  const encrypted = await pixels(page, 'encrypted');

  // the engine that encrypted keeps that key's plan (GPU tables when WebGPU ran it) until the key is forgotten
  const gpuRan = (await page.evaluate(() => window.__cipherscan.computePath)) === 'webgpu';
  expect(gpuRan).toBe(mode === 'webgpu-on'); // else the plan checks below would pass without a GPU engine
  if (gpuRan) expect(await page.evaluate(() => window.__cipherscan.bpePlans())).toBeGreaterThan(0);

  // switching WebGPU off gives the CPU path and the very same bytes
  await page.getByTestId('prefer-gpu').uncheck();
  await page.getByTestId('encrypt').click();
  await expect.poll(() => page.evaluate(() => window.__cipherscan.computePath)).toBe('cpu');
  await expect(page.getByTestId('compute-path')).toContainText('CPU');
  expect((await pixels(page, 'encrypted'))!.base64).toBe(encrypted!.base64);
  expect(original!.width).toBe(200);
  expect(original!.base64).not.toBe(encrypted!.base64);

  // canvas pixels match the data (threshold check, not a screenshot): read the encrypted canvas back
  const drawn = await page.getByTestId('canvas-encrypted').evaluate((c) => {
    const canvas = c as HTMLCanvasElement;
    const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const rgb: number[] = [];
    for (let i = 0; i < d.length; i += 4) rgb.push(d[i], d[i + 1], d[i + 2]);
    return rgb;
  });
  const expected = Buffer.from(encrypted!.base64, 'base64');
  let maxDiff = 0;
  for (let i = 0; i < expected.length; i++) maxDiff = Math.max(maxDiff, Math.abs(expected[i] - drawn[i]));
  expect(maxDiff).toBeLessThanOrEqual(1);

  const handle = page.getByTestId('split-handle');
  await expect(handle).toHaveAttribute('role', 'slider');
  await expect(handle).toHaveAttribute('aria-valuenow', '50');
  await handle.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Shift+ArrowLeft');
  await expect(handle).toHaveAttribute('aria-valuenow', '42');
  await page.keyboard.press('End');
  await expect(handle).toHaveAttribute('aria-valuenow', '100');
  expect(
    await page.getByTestId('split-view').evaluate((el) => (el as HTMLElement).style.getPropertyValue('--split')),
  ).toBe('100%');

  // linked zoom: one control zooms every view
  await page.getByTestId('zoom-in').click();
  const transforms = await page
    .locator('.view-box canvas')
    .evaluateAll((cs) => cs.map((c) => (c as HTMLElement).style.transform));
  expect(transforms.length).toBeGreaterThanOrEqual(2);
  expect(new Set(transforms).size).toBe(1);
  expect(transforms[0]).toContain('scale(1.5)');

  // keyboard pan on one view moves all of them
  await page.getByTestId('view-encrypted').locator('.view-box').focus();
  await page.keyboard.press('ArrowRight');
  const panned = await page
    .locator('.view-box canvas')
    .evaluateAll((cs) => cs.map((c) => (c as HTMLElement).style.transform));
  expect(new Set(panned).size).toBe(1);
  expect(panned[0]).not.toBe(transforms[0]);
  // wheel zoom over a view: still linked
  await page.getByTestId('view-original').locator('.view-box').hover();
  await page.mouse.wheel(0, -100);
  await expect.poll(() => page.getByTestId('zoom-level').textContent()).toBe('188%');

  // Forget key: the GPU engine's tables for that key go too (a plan decrypts what its key encrypted)
  if (gpuRan) expect(await page.evaluate(() => window.__cipherscan.bpePlans())).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Forget key' }).click();
  await expect(page.getByTestId('key-check')).toHaveCount(0);
  await expect.poll(() => page.evaluate(() => window.__cipherscan.bpePlans())).toBe(0);
  await expect.poll(() => page.evaluate(() => window.__cipherscan.workerKeys())).toBe(0);
});

test('Cancel stops a long batch: decoded files stay, the rest say "decoding cancelled", the next batch runs', async ({
  page,
}, testInfo) => {
  await applyGpuMode(page, testInfo);
  await page.goto('/');
  // 40 JPEG 2000 DICOMs: long enough a batch to cancel part-way
  const j2k = readFileSync(join(ROOT, '../shared/dicom-samples/J2K_pixelrep_mismatch.dcm'));
  const batch = Array.from({ length: 40 }, (_, i) => ({
    name: `scan-${String(i + 1).padStart(2, '0')}.dcm`,
    mimeType: 'application/dicom',
    buffer: j2k,
  }));
  await page.getByTestId('file-input').setInputFiles(batch);
  await expect(page.getByTestId('batch-progress')).toBeVisible();
  await expect
    .poll(() => page.evaluate(() => window.__cipherscan.files().filter((f) => f.status === 'ready').length), {
      timeout: 60_000,
    })
    .toBeGreaterThanOrEqual(1);
  await page.getByTestId('cancel-batch').click();
  await expect(page.getByTestId('batch-progress')).toHaveCount(0, { timeout: 60_000 });
  const files = await page.evaluate(() => window.__cipherscan.files());
  expect(files).toHaveLength(40);
  // every file ended: decoded, or cancelled with a message; none left queued or decoding
  for (const f of files)
    expect(f.status === 'ready' || (f.status === 'error' && f.error === 'decoding cancelled')).toBe(true);
  const ready = files.filter((f) => f.status === 'ready').length;
  expect(ready).toBeGreaterThanOrEqual(1);
  expect(ready).toBeLessThan(40);
  // files keep their order: the cancelled ones are the tail
  const firstCancelled = files.findIndex((f) => f.status === 'error');
  expect(files.slice(firstCancelled).every((f) => f.status === 'error')).toBe(true);

  // a new batch after Cancel decodes normally
  await page.getByTestId('file-input').setInputFiles(DICOM);
  await expect
    .poll(() => page.evaluate(() => window.__cipherscan.files()[40]?.status), { timeout: 60_000 })
    .toBe('ready');
});
