import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
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

describe('command line', () => {
  it('key new -> encrypt -> decrypt gives back the model input exactly', async () => {
    const png = join(dir, 'in.png');
    await writeFile(png, encodeRgbPng({ width: 200, height: 200, data: testImage(200) }));
    expect(await main(['key', 'new', '--out', join(dir, 'k.json')])).toBe(0);
    expect(await main(['encrypt', '--key', join(dir, 'k.json'), '--in', png, '--out', join(dir, 'e.png')])).toBe(0);
    expect(
      await main(['decrypt', '--key', join(dir, 'k.json'), '--in', join(dir, 'e.png'), '--out', join(dir, 'd.png')]),
    ).toBe(0);
    const d = decodeRgbPng(new Uint8Array(await readFile(join(dir, 'd.png'))));
    expect(d.image.data).toEqual(testImage(200));
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
        '1024',
        '--iterations',
        '1',
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
        '1024',
        '--iterations',
        '99',
        '--out',
        join(dir, 'slow.json'),
      ]),
    ).toBe(2);
    expect(stderr.at(-1)).toMatch(/key derive: iterations 99 is outside 1–16/);
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
    expect(stderr.join('\n')).not.toMatch(/\s+at\s+\S+:\d+/);
  });

  it('derives the poisoning study key from the seed: a resumed run poisons the same way, another seed differently', async () => {
    const [a, b, c] = await Promise.all([poisoningStudyKey(1), poisoningStudyKey(1), poisoningStudyKey(2)]);
    expect(a.check).toBe(b.check);
    expect(a.check).not.toBe(c.check);
  });
});
