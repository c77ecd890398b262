/**
 * DICOM fixture matrix over every file in ../shared/dicom-samples (decoded: size,
 * frames, SHA-256 of display pixels and raw samples; refused: the message), the
 * same image in several transfer syntaxes decoding to identical pixels, and
 * damaged input refused with a readable message.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encode as encodePng } from 'fast-png';
import { DecodeError, decodeImageFile, openImageFrames } from './index';
import { decodeDicom } from './dicom/decodeDicom';
import { describeFixture, type FixtureOutcome } from '../../testing/dicomFixtures/fixtureOutcome';
import pinned from '../../testing/dicomFixtures/fixtures.json';

const SAMPLES = resolve(process.cwd(), '../shared/dicom-samples');
const sampleFiles = readdirSync(SAMPLES)
  .filter((f) => f.toLowerCase().endsWith('.dcm'))
  .sort();
const fixtures = pinned.fixtures as Record<string, FixtureOutcome>;
const read = (file: string) => new Uint8Array(readFileSync(join(SAMPLES, file)));

/** Messages a clinician can act on: short, one line, no parser jargon or stack. */
const READABLE =
  /^(not a DICOM file( \(no transfer syntax\))?|not a PNG, JPEG or DICOM file|no pixel data|truncated file|unsupported compression \(.+\)|unsupported colour model \(.+\)|damaged .+)$/;

describe('DICOM fixture matrix (../shared/dicom-samples)', () => {
  it('pins every sample file, and only those', () => {
    expect(Object.keys(fixtures).sort()).toEqual(sampleFiles);
  });

  for (const file of sampleFiles) {
    it(`${file}: ${fixtures[file]?.outcome ?? 'not pinned'}`, async () => {
      const expected = fixtures[file];
      expect(
        expected,
        `${file} is not in fixtures.json; run scripts/pin-dicom-fixtures.ts after checking the image`,
      ).toBeDefined();
      const actual = await describeFixture(read(file), file);
      expect(actual).toEqual(expected);
      if (actual.outcome === 'refused') expect(actual.message).toMatch(READABLE);
    });
  }
});

describe('same image, different transfer syntaxes', () => {
  const groups: { name: string; files: string[]; frames?: number[]; compare: 'raw' | 'rgb' }[] = [
    {
      name: 'MR_small',
      files: [
        'MR_small.dcm',
        'MR_small_implicit.dcm',
        'MR_small_bigendian.dcm',
        'MR_small_expb.dcm',
        'MR_small_RLE.dcm',
        'MR_small_jp2klossless.dcm',
        'MR_small_jpeg_ls_lossless.dcm',
        'MR_small_padded.dcm',
      ],
      compare: 'raw',
    },
    { name: 'liver mask LE/BE', files: ['liver_1frame.dcm', 'liver_expb_1frame.dcm'], compare: 'raw' },
    { name: 'rtdose native/RLE', files: ['rtdose.dcm', 'rtdose_rle.dcm'], frames: [0, 7, 14], compare: 'raw' },
    // 8-, 16- and 32-bit versions of one RGB test card: same picture once reduced to 8 bits.
    {
      name: 'SC_rgb depths',
      files: [
        'SC_rgb_rle.dcm',
        'SC_rgb_rle_16bit.dcm',
        'SC_rgb_rle_32bit.dcm',
        'SC_rgb_rle_2frame.dcm',
        'SC_rgb_rle_16bit_2frame.dcm',
        'SC_rgb_rle_32bit_2frame.dcm',
      ],
      compare: 'rgb',
    },
    // One RGB card: RLE, JPEG Lossless (GDCM) and JPEG 2000 lossless (GDCM) must agree exactly.
    {
      name: 'SC_rgb lossless codecs',
      files: ['SC_rgb_rle.dcm', 'SC_rgb_jpeg_gdcm.dcm', 'SC_rgb_gdcm_KY.dcm'],
      compare: 'rgb',
    },
    {
      name: 'SC_rgb second frames',
      files: ['SC_rgb_rle_2frame.dcm', 'SC_rgb_rle_16bit_2frame.dcm', 'SC_rgb_rle_32bit_2frame.dcm'],
      frames: [1],
      compare: 'rgb',
    },
  ];
  for (const group of groups) {
    it(`${group.name}: identical ${group.compare === 'raw' ? 'stored samples and display pixels' : 'display pixels'}`, async () => {
      for (const frame of group.frames ?? [0]) {
        const decoded = await Promise.all(group.files.map((f) => decodeDicom(read(f), { frame })));
        const [reference, ...others] = decoded;
        others.forEach((d, k) => {
          const label = `${group.files[k + 1]} frame ${frame} vs ${group.files[0]}`;
          expect(d.image.width, label).toBe(reference.image.width);
          expect(Buffer.from(d.image.data).equals(Buffer.from(reference.image.data)), label).toBe(true);
          if (group.compare === 'raw') expect(Array.from(d.raw!.data), label).toEqual(Array.from(reference.raw!.data));
        });
      }
    });
  }

  it('lossy JPEGs match the decompressed copies made by DCMTK within IDCT rounding (1 count)', async () => {
    const pairs = [
      ['SC_rgb_jpeg.dcm', 'SC_rgb_jpeg_dcmd.dcm'], // RGB stream, truncated Adobe marker: no colour transform
      ['SC_jpeg_no_color_transform.dcm', 'SC_rgb_jpeg_dcmd.dcm'], // RGB stream, no Adobe marker
      ['SC_jpeg_no_color_transform_2.dcm', 'SC_rgb_jpeg_app14_dcmd.dcm'], // RGB stream, Adobe transform 0
    ];
    for (const [compressed, reference] of pairs) {
      const [a, b] = await Promise.all([decodeDicom(read(compressed)), decodeDicom(read(reference))]);
      let worst = 0;
      for (let i = 0; i < a.image.data.length; i++)
        worst = Math.max(worst, Math.abs(a.image.data[i] - b.image.data[i]));
      expect(worst, `${compressed} vs ${reference}`).toBeLessThanOrEqual(1);
    }
  });

  it('MR_small shows real anatomy, not a flat image (guards against pinning garbage)', async () => {
    const { image } = await decodeDicom(read('MR_small.dcm'));
    const grey = Array.from({ length: image.width * image.height }, (_, i) => image.data[3 * i]);
    expect(new Set(grey).size).toBeGreaterThan(100);
  });

  it('the second frame of the 2-frame RGB card differs from the first', async () => {
    const bytes = read('SC_rgb_rle_2frame.dcm');
    const [f0, f1] = await Promise.all([decodeDicom(bytes, { frame: 0 }), decodeDicom(bytes, { frame: 1 })]);
    expect(Buffer.from(f0.image.data).equals(Buffer.from(f1.image.data))).toBe(false);
    expect(f1.frame).toBe(1);
    expect(f1.frames).toBe(2);
  });
});

describe('JPEG Extended 12-bit (hand-written decoder)', () => {
  it('matches pydicom reference samples of JPGExtended.dcm exactly (libjpeg integer IDCT)', async () => {
    const { raw } = await decodeDicom(read('JPGExtended.dcm'));
    const at = (row: number, col: number) => raw!.data[row * 256 + col];
    // pydicom pixels reference JPGE_16_12_1_0_1F_M2: arr[420, 140] == 244, arr[230, 120] == 95
    expect(at(420, 140)).toBe(244);
    expect(at(230, 120)).toBe(95);
    expect(raw!.data).toBeInstanceOf(Uint16Array);
  });

  it('JPEG-lossy.dcm (odd scan header) decodes to the same samples as its fixed copy', async () => {
    const [bad, fixed] = await Promise.all([decodeDicom(read('JPEG-lossy.dcm')), decodeDicom(read('JPGExtended.dcm'))]);
    expect(Array.from(bad.raw!.data)).toEqual(Array.from(fixed.raw!.data));
  });

  it('agrees with the JPEG 2000 encoding of the same NM image (PSNR > 30 dB over the 12-bit data)', async () => {
    const [jpeg, j2k] = await Promise.all([decodeDicom(read('JPGExtended.dcm')), decodeDicom(read('JPEG2000.dcm'))]);
    const a = jpeg.raw!.data;
    const b = j2k.raw!.data;
    let squared = 0;
    let peak = 0;
    for (let i = 0; i < a.length; i++) {
      squared += (a[i] - b[i]) ** 2;
      peak = Math.max(peak, a[i]);
    }
    expect(10 * Math.log10((peak * peak) / (squared / a.length))).toBeGreaterThan(30);
  });
});

describe('refusals a clinician can read', () => {
  it('a truncated copy of MR_small is refused as "truncated file"', async () => {
    const bytes = read('MR_small.dcm');
    for (const keep of [bytes.length - 1, bytes.length - 3000, 1200]) {
      await expect(decodeImageFile(bytes.slice(0, keep), 'cut.dcm')).rejects.toThrow(/^truncated file$/);
    }
  });

  it('random bytes are refused, with or without a DICM preamble', async () => {
    let seed = 12345;
    const random = new Uint8Array(4096).map(() => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    await expect(decodeImageFile(random, 'noise.bin')).rejects.toThrow(/not a PNG, JPEG or DICOM file/);
    await expect(decodeDicom(random)).rejects.toThrow(/^not a DICOM file$/);
    const withPreamble = random.slice();
    withPreamble.set([0x44, 0x49, 0x43, 0x4d], 128);
    const err = await decodeImageFile(withPreamble, 'noise.dcm').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as Error).message).toMatch(READABLE);
  });

  it('a frame that does not exist is refused with the frame count', async () => {
    await expect(decodeDicom(read('rtdose.dcm'), { frame: 15 })).rejects.toThrow(
      'frame 15 does not exist (this file has 15 frames, numbered from 0)',
    );
  });

  it('unknown compression is refused by name', async () => {
    const bytes = read('MR_small_RLE.dcm');
    // Rewrite the transfer syntax UID in the meta header to an HTJ2K one of the same length.
    const text = new TextDecoder('latin1').decode(bytes);
    const at = text.indexOf('1.2.840.10008.1.2.5');
    const patched = bytes.slice();
    patched.set(new TextEncoder().encode('1.2.840.10008.1.2.4.201'.slice(0, 19)), at);
    await expect(decodeDicom(patched)).rejects.toThrow(/^unsupported compression \(/);
  });

  it('identifying attributes are named, their values never returned', async () => {
    const decoded = await decodeDicom(read('MR_small.dcm'));
    expect(decoded.dicom!.identifyingAttributes).toContain('PatientName');
    expect(decoded.dicom!.identifyingAttributes).toContain('PatientID');
    const bytes = read('MR_small.dcm');
    const text = new TextDecoder('latin1').decode(bytes);
    const nameAt = text.indexOf('\x10\x00\x10\x00PN');
    const nameLength = bytes[nameAt + 6] | (bytes[nameAt + 7] << 8);
    const name = text.slice(nameAt + 8, nameAt + 8 + nameLength).trim();
    expect(name.length).toBeGreaterThan(0);
    expect(JSON.stringify(decoded.dicom)).not.toContain(name);
  });
});

describe('damaged copies of every sample never hang or crash', () => {
  it('cut short or with a burst of corrupted bytes: decoded or refused with a DecodeError', async () => {
    let seed = 99;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (const file of sampleFiles) {
      const bytes = read(file);
      const variants = [0.3, 0.9, 0.99].map((f) => bytes.slice(0, Math.floor(bytes.length * f)));
      for (let k = 0; k < 2; k++) {
        const v = bytes.slice();
        const start = Math.floor(bytes.length * (0.5 + random() * 0.5));
        for (let j = 0; j < 16 && start + j < v.length; j++) v[start + j] = Math.floor(random() * 256);
        variants.push(v);
      }
      for (const variant of variants) {
        const started = Date.now();
        const outcome = await decodeImageFile(variant, file).then(
          () => 'decoded',
          (err: unknown) => err,
        );
        if (outcome !== 'decoded') {
          expect(outcome, file).toBeInstanceOf(DecodeError);
          expect((outcome as Error).message, file).not.toMatch(/\d{5,}|undefined|\[object/);
        }
        expect(Date.now() - started, file).toBeLessThan(5000);
      }
    }
  });
});

describe('frame by frame from one parse (openImageFrames, used to pack every frame)', () => {
  it.each(['rtdose.dcm', 'SC_rgb_rle_2frame.dcm', 'SC_rgb_rle_32bit_2frame.dcm'])(
    '%s: each frame equals decodeImageFile of that frame',
    async (file) => {
      const bytes = read(file);
      const frames = await openImageFrames(bytes, file);
      expect(frames.frames).toBe((await decodeImageFile(bytes, file)).frames);
      expect(frames.frames).toBeGreaterThan(1);
      for (let k = 0; k < frames.frames; k++) {
        const alone = await decodeImageFile(bytes, file, { frame: k });
        const fromOne = await frames.decode(k);
        expect(fromOne.frame).toBe(k);
        expect(Buffer.from(fromOne.image.data).equals(Buffer.from(alone.image.data))).toBe(true);
        expect(
          Buffer.from(fromOne.raw!.data.buffer, fromOne.raw!.data.byteOffset, fromOne.raw!.data.byteLength).equals(
            Buffer.from(alone.raw!.data.buffer, alone.raw!.data.byteOffset, alone.raw!.data.byteLength),
          ),
        ).toBe(true);
      }
      await expect(frames.decode(frames.frames)).rejects.toThrow(new RegExp(`frame ${frames.frames} does not exist`));
    },
  );

  it('a PNG or JPEG has one frame; asking for another is an error, not frame 0', async () => {
    const png = encodePng({ width: 3, height: 2, data: new Uint8Array(18), channels: 3, depth: 8 });
    const frames = await openImageFrames(png, 'x.png');
    expect(frames.frames).toBe(1);
    await expect(decodeImageFile(png, 'x.png', { frame: 1 })).rejects.toThrow(/frame 1 does not exist/);
  });
});
