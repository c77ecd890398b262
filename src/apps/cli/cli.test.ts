import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from './main';
import { poisoningStudyKey } from './commands/train';
import { encodeRgbPng, decodeRgbPng } from '../../lib/image/png';
import { testImage } from '../../testing/bpeTestVectors';

let dir: string;
let stderr: string[];
let stdout: string[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cipherscan-cli-'));
  stderr = [];
  stdout = [];
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void stderr.push(a.join(' ')));
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void stdout.push(a.join(' ')));
});
afterEach(() => vi.restoreAllMocks());

/** The test image as in.png, a new key k.json, and its encryption e.png (all in `dir`), through the CLI. */
async function keyAndEncryptedImage(): Promise<{ png: string; key: string; encrypted: string }> {
  const png = join(dir, 'in.png');
  const key = join(dir, 'k.json');
  const encrypted = join(dir, 'e.png');
  await writeFile(png, encodeRgbPng({ width: 200, height: 200, data: testImage(200) }));
  expect(await main(['key', 'new', '--out', key])).toBe(0);
  expect(await main(['encrypt', '--key', key, '--in', png, '--out', encrypted])).toBe(0);
  return { png, key, encrypted };
}

describe('command line', () => {
  it('key new -> encrypt -> decrypt gives back the model input exactly', async () => {
    await keyAndEncryptedImage();
    expect(
      await main(['decrypt', '--key', join(dir, 'k.json'), '--in', join(dir, 'e.png'), '--out', join(dir, 'd.png')]),
    ).toBe(0);
    const d = decodeRgbPng(new Uint8Array(await readFile(join(dir, 'd.png'))));
    expect(d.image.data).toEqual(testImage(200));
    // plain pixels and the key file: owner only, like a password file (an existing file's mode is replaced too)
    if (process.platform !== 'win32') {
      expect((await stat(join(dir, 'd.png'))).mode & 0o777).toBe(0o600);
      expect((await stat(join(dir, 'k.json'))).mode & 0o777).toBe(0o600);
      await writeFile(join(dir, 'd2.png'), 'old', { mode: 0o644 });
      await writeFile(join(dir, 'k2.json'), 'old', { mode: 0o644 });
      expect(await main(['key', 'new', '--out', join(dir, 'k2.json')])).toBe(0);
      expect(
        await main(['decrypt', '--key', join(dir, 'k.json'), '--in', join(dir, 'e.png'), '--out', join(dir, 'd2.png')]),
      ).toBe(0);
      expect((await stat(join(dir, 'd2.png'))).mode & 0o777).toBe(0o600);
      expect((await stat(join(dir, 'k2.json'))).mode & 0o777).toBe(0o600);
    }
    const e = decodeRgbPng(new Uint8Array(await readFile(join(dir, 'e.png'))));
    expect(e.image.data).not.toEqual(testImage(200));
  });

  it('passphrase key files need the passphrase and refuse a wrong one in one line', async () => {
    const key = join(dir, 'p.json');
    expect(
      await main([
        'key',
        'derive',
        '--passphrase',
        'a long tumour board passphrase',
        '--memory-kib',
        '19456',
        '--iterations',
        '2',
        '--out',
        key,
      ]),
    ).toBe(0);
    const png = join(dir, 'in.png');
    await writeFile(png, encodeRgbPng({ width: 64, height: 64, data: testImage(64) }));
    expect(await main(['encrypt', '--key', key, '--in', png, '--out', join(dir, 'e.png')])).toBe(2);
    expect(stderr.at(-1)).toMatch(/needs its passphrase/);
    expect(
      await main(['encrypt', '--key', key, '--passphrase', 'wrong', '--in', png, '--out', join(dir, 'e.png')]),
    ).toBe(1);
    expect(stderr.at(-1)).toMatch(/^cipherscan encrypt: wrong key/);
    expect(stderr.at(-1)!.split('\n')).toHaveLength(1);
    // a cost the app would refuse to open is refused at derivation, before any file is written
    expect(
      await main([
        'key',
        'derive',
        '--passphrase',
        'a long tumour board passphrase',
        '--memory-kib',
        '19456',
        '--iterations',
        '99',
        '--out',
        join(dir, 'slow.json'),
      ]),
    ).toBe(2);
    expect(stderr.at(-1)).toMatch(/key derive: iterations 99 is outside 1–16/);
  });

  it('key derive refuses a weak passphrase or a cost below the floor, and says the file is as private as the passphrase', async () => {
    const out = join(dir, 'weak.json');
    expect(await main(['key', 'derive', '--passphrase', 'password1', '--out', out])).toBe(2);
    expect(stderr.at(-1)).toMatch(/^cipherscan key: key derive: This passphrase is too easy to guess \(strength: /);
    expect(stderr.at(-1)).toMatch(/four or more unrelated words/);
    const strong = 'violet harbour lantern 7 quietly';
    const cheap = ['key', 'derive', '--passphrase', strong, '--memory-kib', '8', '--iterations', '1', '--out', out];
    expect(await main(cheap)).toBe(2);
    expect(stderr.at(-1)).toMatch(/memoryKiB 8 is below 19456 \(19 MiB, OWASP's minimum for Argon2id\)/);
    await expect(readFile(out)).rejects.toThrow();

    const good = ['key', 'derive', '--passphrase', strong, '--memory-kib', '19456', '--iterations', '2'];
    expect(await main([...good, '--out', out])).toBe(0);
    expect(stderr.join('\n')).toMatch(/keep this key file as private as the passphrase/);
  });

  it('refuses a passphrase key file that asks for less than the cost floor or has an all-zero salt', async () => {
    const png = join(dir, 'in.png');
    await writeFile(png, encodeRgbPng({ width: 64, height: 64, data: testImage(64) }));
    const file = (kdf: Record<string, unknown>) =>
      JSON.stringify({
        format: 'cipherscan-key',
        version: 1,
        kind: 'passphrase',
        check: '0123456789abcdef',
        kdf: {
          algorithm: 'argon2id',
          memoryKiB: 65536,
          iterations: 3,
          parallelism: 1,
          salt: '5be0c4d1a2f3e4d5c6b7a8991a2b3c4d',
          ...kdf,
        },
      });
    for (const [kdf, message] of [
      [{ memoryKiB: 8, iterations: 1 }, /key file: memoryKiB 8 is below 19456/],
      [{ salt: '0'.repeat(32) }, /key file: the salt is not random/],
    ] as const) {
      const key = join(dir, 'hostile.json');
      await writeFile(key, file(kdf));
      const args = ['encrypt', '--key', key, '--passphrase', 'password', '--in', png, '--out', join(dir, 'e.png')];
      expect(await main(args)).not.toBe(0);
      expect(stderr.at(-1)).toMatch(message);
    }
  });

  it('user mistakes give one readable line and a non-zero exit, no stack', async () => {
    expect(await main(['encrypt', '--in', 'x'])).toBe(2);
    expect(stderr.at(-1)).toBe('cipherscan encrypt: missing --key <value>');
    expect(await main(['frobnicate'])).toBe(2);
    const notImage = join(dir, 'notes.txt');
    await writeFile(notImage, 'hello');
    expect(await main(['key', 'new', '--out', join(dir, 'k.json')])).toBe(0);
    expect(await main(['encrypt', '--key', join(dir, 'k.json'), '--in', notImage, '--out', join(dir, 'o.png')])).toBe(
      1,
    );
    expect(stderr.at(-1)).toMatch(/not a PNG, JPEG or DICOM file/);
    // a folder for a file, a file in a folder that does not exist: in words, not Node's error codes
    expect(await main(['encrypt', '--key', join(dir, 'k.json'), '--in', dir, '--out', join(dir, 'o.png')])).toBe(2);
    expect(stderr.at(-1)).toBe(`cipherscan encrypt: ${dir} is a folder, not a file`);
    await keyAndEncryptedImage();
    const nowhere = join(dir, 'no-such-folder', 'd.png');
    expect(await main(['decrypt', '--key', join(dir, 'k.json'), '--in', join(dir, 'e.png'), '--out', nowhere])).toBe(2);
    expect(stderr.at(-1)).toBe(`cipherscan decrypt: cannot write ${nowhere}: its folder does not exist`);
    expect(stderr.join('\n')).not.toMatch(/\s+at\s+\S+:\d+|ENOENT|EISDIR/);
  });

  it('decrypt says when a PNG carries no key check (no CipherScan header), so a wrong key cannot be noticed', async () => {
    await keyAndEncryptedImage();
    expect(
      await main(['decrypt', '--key', join(dir, 'k.json'), '--in', join(dir, 'e.png'), '--out', join(dir, 'd.png')]),
    ).toBe(0);
    expect(stderr.join('\n')).not.toMatch(/no CipherScan header/);
    // the same pixels without the header's text chunk
    const bare = decodeRgbPng(new Uint8Array(await readFile(join(dir, 'e.png')))).image;
    await writeFile(join(dir, 'bare.png'), encodeRgbPng(bare));
    expect(
      await main(['decrypt', '--key', join(dir, 'k.json'), '--in', join(dir, 'bare.png'), '--out', join(dir, 'b.png')]),
    ).toBe(0);
    expect(stderr.at(-1)).toMatch(/no CipherScan header, so the key could not be checked/);
  });

  it('derives the poisoning study key from the seed: a resumed run poisons the same way, another seed differently', async () => {
    const [a, b, c] = await Promise.all([poisoningStudyKey(1), poisoningStudyKey(1), poisoningStudyKey(2)]);
    expect(a.check).toBe(b.check);
    expect(a.check).not.toBe(c.check);
  });
});

describe('options the command does not take', () => {
  /** process.stdout.write, where `key --stdout` prints the key file */
  function rawStdout(): string[] {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    return written;
  }

  it('key new --output (a typo for --out) is refused: exit 2, no key printed, no file written', async () => {
    const raw = rawStdout();
    expect(await main(['key', 'new', '--output', join(dir, 'k.json')])).toBe(2);
    expect(stderr.at(-1)).toBe('cipherscan key: unknown option --output for "key new" (it takes: --out, --stdout)');
    expect([...stdout, ...raw].join('')).not.toMatch(/key/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('key new prints the key only when asked by --stdout, never by default', async () => {
    const raw = rawStdout();
    expect(await main(['key', 'new'])).toBe(2);
    expect(stderr.at(-1)).toMatch(/key new: say where the key goes: --out KEY.json \(or --stdout to print it\)/);
    expect(raw.join('') + stdout.join('')).toBe('');
    expect(await main(['key', 'new', '--stdout'])).toBe(0);
    expect(JSON.parse(raw.join(''))).toMatchObject({ format: 'cipherscan-key' });
  });

  it('an unknown option or a flag given a value is refused before the command runs', async () => {
    const png = join(dir, 'in.png');
    await writeFile(png, encodeRgbPng({ width: 64, height: 64, data: testImage(64) }));
    expect(await main(['key', 'new', '--out', join(dir, 'k.json')])).toBe(0);
    const encrypt = ['encrypt', '--key', join(dir, 'k.json'), '--in', png, '--out', join(dir, 'e.png')];
    expect(await main([...encrypt, '--blocksize', '50'])).toBe(2);
    expect(stderr.at(-1)).toMatch(
      /^cipherscan encrypt: unknown option --blocksize for "encrypt" \(it takes: .*--block-size/,
    );
    expect(await main(['diagnose', '--model', dir, '--in', png, '--json', join(dir, 'out.json')])).toBe(2);
    expect(stderr.at(-1)).toBe(
      `cipherscan diagnose: --json is a flag: it takes no value (got "${join(dir, 'out.json')}")`,
    );
    expect((await readdir(dir)).sort()).toEqual(['in.png', 'k.json']);
  });

  it('refuses an --out that is the --in file: the original stays as it was', async () => {
    const scan = join(dir, 'scan.png');
    const original = encodeRgbPng({ width: 64, height: 64, data: testImage(64) });
    await writeFile(scan, original);
    const key = join(dir, 'k.json');
    expect(await main(['key', 'new', '--out', key])).toBe(0);
    for (const command of ['encrypt', 'pack', 'decrypt', 'unpack']) {
      const out = command === 'pack' ? join(dir, '.', 'scan.png') : scan;
      expect(await main([command, '--key', key, '--in', scan, '--out', out])).toBe(2);
      expect(stderr.at(-1)).toBe(
        `cipherscan ${command}: --out ${out} is the --in file itself: writing it would replace the original; choose another --out (nothing was written)`,
      );
      expect(new Uint8Array(await readFile(scan))).toEqual(original);
    }
  });
});
