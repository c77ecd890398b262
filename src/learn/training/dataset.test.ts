/** The decoded-dataset cache: keyed by the files' contents as well as their names, private, and a bad file names itself. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeRgbPng } from '../../lib/image/png';
import { createRgbImage } from '../../lib/image/rgb';
import { loadImageSet } from './dataset';

const root = mkdtempSync(join(tmpdir(), 'cipherscan-dataset-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A flat grey PNG, 8 x 8. */
function greyPng(level: number): Uint8Array {
  const image = createRgbImage(8, 8);
  image.data.fill(level);
  return encodeRgbPng(image);
}

function dataset(name: string): string {
  const dir = join(root, name, 'Testing');
  for (const c of ['a', 'b']) {
    mkdirSync(join(dir, c), { recursive: true });
    writeFileSync(join(dir, c, '1.png'), greyPng(c === 'a' ? 40 : 200));
  }
  return dir;
}

describe('loadImageSet', () => {
  it('decodes again a file replaced under the same name, and keeps its cache private', async () => {
    const dir = dataset('replaced');
    const cache = join(root, 'cache-replaced');
    const first = await loadImageSet(dir, 16, cache);
    expect(first.pixels[0]).toBe(40);
    writeFileSync(join(dir, 'a', '1.png'), greyPng(90));
    // a replacement within the file system's time resolution must still be seen: move the time on
    utimesSync(join(dir, 'a', '1.png'), new Date(), new Date(Date.now() + 5_000));
    const second = await loadImageSet(dir, 16, cache);
    expect(second.pixels[0]).toBe(90);
    for (const name of readdirSync(cache)) expect(statSync(join(cache, name)).mode & 0o077).toBe(0);
  });

  it('names the damaged file when one cannot be decoded', async () => {
    const dir = dataset('damaged');
    writeFileSync(join(dir, 'b', '1.png'), greyPng(200).subarray(0, 30));
    await expect(loadImageSet(dir, 16, join(root, 'cache-damaged'))).rejects.toThrow(/^b\/1\.png in .*damaged/);
  });
});
