import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../args';
import { fileSource, packageSource } from './upload';
import { packFile, unpackImage } from '../../../lib/cipher/package';
import { generateKey } from '../../../lib/keys/key';
import { exportKeyFile } from '../../../lib/keys/keyFile';
import { imagePixelModule, syntheticDicom } from '../../../testing/syntheticDicom';

const dir = mkdtempSync(join(tmpdir(), 'cipherscan-upload-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A two-frame 12-bit MR with a patient name: what upload must pack (and never send in the clear). */
function twoFrameMr(): Uint8Array {
  const rows = 24;
  const columns = 20;
  const pixels = new Uint16Array(rows * columns * 2);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37 + (i >> 5) * 11) % 4096;
  const pixelModule = imagePixelModule({
    rows,
    columns,
    photometric: 'MONOCHROME2',
    bitsAllocated: 16,
    bitsStored: 12,
    pixelData: new Uint8Array(pixels.buffer),
  }).filter((e) => !(e.tag[0] === 0x0008 && e.tag[1] === 0x0060));
  return syntheticDicom([
    ...pixelModule,
    { tag: [0x0008, 0x0060], vr: 'CS', value: 'MR' },
    { tag: [0x0010, 0x0010], vr: 'PN', value: 'DOE^JANE' },
    { tag: [0x0028, 0x0008], vr: 'IS', value: '2' },
  ]);
}

describe('upload packers', () => {
  it('packs a DICOM as pack does and says its modality and frame count', async () => {
    const file = twoFrameMr();
    const source = await fileSource(file, 'mr.dcm', parseArgs([]));
    expect(source).toMatchObject({ modality: 'MR', frames: 2 });
    const key = await generateKey();
    const pkg = await source.pack(key);
    const opened = await unpackImage(pkg, key, { frame: 1 });
    const reference = await unpackImage((await packFile(file, 'mr.dcm', {}, key)).pkg, key, { frame: 1 });
    expect(opened.frameNumbers).toEqual([0, 1]);
    expect(opened.raw.data).toEqual(reference.raw.data);
    expect(opened.image.data).toEqual(reference.image.data);
  });

  it('re-packs every frame of a .csp under the new key, samples and display unchanged', async () => {
    const userKey = await generateKey();
    const keyPath = join(dir, 'user-key.json');
    writeFileSync(keyPath, exportKeyFile(userKey));
    const original = (await packFile(twoFrameMr(), 'mr.dcm', {}, userKey)).pkg;
    const source = await packageSource(original, parseArgs(['--key', keyPath]));
    expect(source).toMatchObject({ modality: 'MR', frames: 2 });
    const contentKey = await generateKey();
    const repacked = await source.pack(contentKey);
    await expect(unpackImage(repacked, userKey)).rejects.toThrow(); // only the new key opens it
    for (const position of [0, 1]) {
      const before = await unpackImage(original, userKey, { position });
      const after = await unpackImage(repacked, contentKey, { position });
      expect(after.raw.data).toEqual(before.raw.data);
      expect(after.image.data).toEqual(before.image.data);
      expect(after.metadata).toEqual(before.metadata);
      expect(after.shown).toBe(before.shown);
    }
  });

  it('asks for the key of a .csp', async () => {
    const pkg = (await packFile(twoFrameMr(), 'mr.dcm', {}, await generateKey())).pkg;
    await expect(packageSource(pkg, parseArgs([]))).rejects.toThrow(/--key/);
  });
});
