import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodePng, decode as decodePng } from 'fast-png';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../main';
import { generateKey } from '../../../lib/keys/key';
import { exportKeyFile } from '../../../lib/keys/keyFile';
import { syntheticDicom, syntheticRgb } from '../../../testing/packageImages';
import { packWithMetadata } from '../../../testing/craftedPackage';

const dir = mkdtempSync(join(tmpdir(), 'cipherscan-pack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((s: unknown) => void out.push(String(s)));
  const error = vi.spyOn(console, 'error').mockImplementation((s: unknown) => void err.push(String(s)));
  try {
    return { code: await main(argv), out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('cli pack / unpack', () => {
  it('packs, prints the footprint, unpacks to the same pixels, and refuses a tampered package', async () => {
    const keyPath = join(dir, 'key.json');
    writeFileSync(keyPath, exportKeyFile(await generateKey()));
    const img = syntheticRgb(30, 20, 2).image;
    const pngPath = join(dir, 'in.png');
    writeFileSync(pngPath, encodePng({ width: 30, height: 20, data: img.data, channels: 3, depth: 8 }));
    const pkgPath = join(dir, 'in.csp');

    const packed = await cli('pack', '--key', keyPath, '--in', pngPath, '--out', pkgPath);
    expect(packed.code).toBe(0);
    const footprint = JSON.parse(packed.out);
    expect(footprint).toMatchObject({
      originalBytes: readFileSync(pngPath).length,
      rawBytes: 30 * 20 * 3,
      packageBytes: readFileSync(pkgPath).length,
    });
    expect(footprint.jpeg2000Bytes).toBeGreaterThan(0);

    const outPng = join(dir, 'out.png');
    const metaPath = join(dir, 'out.json');
    const unpacked = await cli('unpack', '--key', keyPath, '--in', pkgPath, '--out', outPng, '--meta', metaPath);
    expect(unpacked.code).toBe(0);
    const back = decodePng(readFileSync(outPng));
    expect(Buffer.from(back.data as Uint8Array).equals(Buffer.from(img.data))).toBe(true);
    expect(JSON.parse(readFileSync(metaPath, 'utf8')).source.format).toBe('png');

    // a --meta that cannot be written (a folder): nothing is left behind, not even the image written first
    const leftPng = join(dir, 'left.png');
    const unwritable = await cli('unpack', '--key', keyPath, '--in', pkgPath, '--out', leftPng, '--meta', dir);
    expect(unwritable.code).not.toBe(0);
    expect(unwritable.err).toMatch(/cannot write .*: it is a folder/);
    expect(existsSync(leftPng)).toBe(false);

    const tampered = new Uint8Array(readFileSync(pkgPath));
    tampered[tampered.length - 20] ^= 1;
    writeFileSync(pkgPath, tampered);
    const refusedPng = join(dir, 'refused.png');
    const refused = await cli('unpack', '--key', keyPath, '--in', pkgPath, '--out', refusedPng);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^cipherscan unpack: This package was altered or the key is wrong/);
    expect(refused.err.split('\n')).toHaveLength(1);
    expect(existsSync(refusedPng)).toBe(false);
  });

  const twoFrames = join(process.cwd(), '../shared/dicom-samples/SC_rgb_rle_2frame.dcm');
  it.skipIf(!existsSync(twoFrames))(
    'packs every frame of a multi-frame DICOM; unpack writes the shown one or the one asked for',
    async () => {
      const keyPath = join(dir, 'key2.json');
      writeFileSync(keyPath, exportKeyFile(await generateKey()));
      const pkgPath = join(dir, 'two.csp');
      const packed = await cli('pack', '--key', keyPath, '--in', twoFrames, '--out', pkgPath, '--frame', '1');
      expect(packed.code).toBe(0);
      expect(JSON.parse(packed.out)).toMatchObject({ frames: 2, framesPacked: 2, frame: 1 });
      const png = (k: string) => join(dir, `frame-${k}.png`);
      const shown = JSON.parse((await cli('unpack', '--key', keyPath, '--in', pkgPath, '--out', png('shown'))).out);
      expect(shown).toMatchObject({ frame: 1, framesInPackage: 2 });
      expect(
        JSON.parse((await cli('unpack', '--key', keyPath, '--in', pkgPath, '--out', png('0'), '--frame', '0')).out)
          .frame,
      ).toBe(0);
      expect(Buffer.from(readFileSync(png('0'))).equals(Buffer.from(readFileSync(png('shown'))))).toBe(false);
      const missing = await cli('unpack', '--key', keyPath, '--in', pkgPath, '--out', png('5'), '--frame', '5');
      expect(missing.code).not.toBe(0);
      expect(missing.err).toMatch(/holds frames 0, 1 of its file, not 5/);
      expect(existsSync(png('5'))).toBe(false);
      const negative = await cli('unpack', '--key', keyPath, '--in', pkgPath, '--out', png('neg'), '--frame', '-2');
      expect(negative.err).toMatch(/--frame must be a frame number of the file/);
      const one = await cli(
        'pack',
        '--key',
        keyPath,
        '--in',
        twoFrames,
        '--out',
        pkgPath,
        '--frame',
        '1',
        '--one-frame',
      );
      expect(JSON.parse(one.out)).toMatchObject({ frames: 2, framesPacked: 1, frame: 1 });
    },
  );

  it('unpack --meta writes only allow-listed metadata, whatever the package carries', async () => {
    const key = await generateKey();
    const keyPath = join(dir, 'key-meta.json');
    writeFileSync(keyPath, exportKeyFile(key));
    const decoded = syntheticDicom({ width: 8, height: 8, bits: 16, signed: false });
    const pkgPath = join(dir, 'phi.csp');
    writeFileSync(
      pkgPath,
      await packWithMetadata(decoded, key, (m) => ({
        ...m,
        patientName: 'Doe^Jane',
        source: { ...(m.source as object), institution: 'St Example Hospital' },
      })),
    );
    const metaPath = join(dir, 'phi.json');
    const unpacked = await cli(
      'unpack',
      '--key',
      keyPath,
      '--in',
      pkgPath,
      '--out',
      join(dir, 'phi.png'),
      '--meta',
      metaPath,
    );
    expect(unpacked.code).toBe(0);
    const meta = readFileSync(metaPath, 'utf8');
    expect(meta).not.toMatch(/Doe|Example|patientName|institution/);
    expect(JSON.parse(meta).source).toMatchObject({ format: 'dicom', modality: 'CT' });
  });

  it.skipIf(process.platform === 'win32')(
    'unpack writes the image, metadata and raw samples with mode 0600, also over existing files',
    async () => {
      const key = await generateKey();
      const keyPath = join(dir, 'key-mode.json');
      writeFileSync(keyPath, exportKeyFile(key));
      const pkgPath = join(dir, 'mode.csp');
      writeFileSync(
        pkgPath,
        await packWithMetadata(syntheticDicom({ width: 8, height: 8, bits: 16, signed: true }), key, (m) => m),
      );
      const outputs = ['mode.png', 'mode.json', 'mode.bin'].map((f) => join(dir, f));
      // an existing world-readable file must not keep its mode
      writeFileSync(outputs[1], 'old', { mode: 0o644 });
      const unpacked = await cli(
        'unpack',
        '--key',
        keyPath,
        '--in',
        pkgPath,
        '--out',
        outputs[0],
        '--meta',
        outputs[1],
        '--raw',
        outputs[2],
      );
      expect(unpacked.code).toBe(0);
      for (const path of outputs) expect(statSync(path).mode & 0o777, path).toBe(0o600);
      expect(readFileSync(outputs[2]).length).toBe(8 * 8 * 2);
    },
  );
});
