/**
 * Node-only measurement script (not part of the library, never imported by it):
 * package footprint (every frame, as the app packs) and pack/unpack time for a
 * few real files from ../shared.
 *   npx tsx bench/packageFootprint.ts
 * Prints a Markdown table. Times are medians of 5 runs, codec already started.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { encode as encodePng } from 'fast-png';
import { decodeImageFile } from '../src/lib/decode';
import { type CipherKey, generateKey } from '../src/lib/keys/key';
import {
  packFile,
  packImageDetailed,
  packageFootprint,
  unpackImage,
  type PackedFile,
} from '../src/lib/cipher/package/index';
import { syntheticRgb } from '../src/testing/packageImages';

const shared = resolve(process.cwd(), '../shared');
const mri = `${shared}/datasets/brain-mri/Testing/`;
const lung = `${shared}/datasets/lung-histopathology/Testing/lung_n/`;
const firstIn = (dir: string) => dir + readdirSync(dir).sort()[0];
const FILES = [
  ...['glioma', 'meningioma', 'notumor'].map((c) => firstIn(`${mri}${c}/`)),
  firstIn(lung),
  ...[
    'CT_small.dcm',
    'MR_small.dcm',
    'MR_small_jp2klossless.dcm',
    'JPEG2000.dcm',
    '693_J2KI.dcm',
    'J2K_pixelrep_mismatch.dcm',
    'image_dfl.dcm',
    'liver_1frame.dcm',
    'SC_rgb_rle_16bit.dcm',
    'SC_rgb_rle_2frame.dcm',
    'rtdose.dcm',
  ].map((f) => `${shared}/dicom-samples/${f}`),
];

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

async function measure(key: CipherKey, name: string, file: Uint8Array, reps = 5) {
  const decoded = await decodeImageFile(file, name);
  const packTimes: number[] = [];
  const unpackTimes: number[] = [];
  let packed: PackedFile | undefined;
  for (let i = 0; i < reps; i++) {
    let t = performance.now();
    packed = await packFile(file, name, {}, key); // every frame, as the app packs
    packTimes.push(performance.now() - t);
    t = performance.now();
    await unpackImage(packed.pkg, key);
    unpackTimes.push(performance.now() - t);
  }
  const f = packageFootprint(file.length, packed!);
  const r = decoded.raw!;
  console.log(
    `| ${name} | ${r.width}x${r.height}x${r.samplesPerPixel} ${r.bitsAllocated}-bit | ${packed!.frames} | ${f.originalBytes} | ${f.rawBytes} | ${f.jpeg2000Bytes} | ${f.packageBytes} | ${f.packageToOriginal} | ${median(packTimes).toFixed(1)} | ${median(unpackTimes).toFixed(1)} |`,
  );
  return decoded;
}

async function main(): Promise<void> {
  const key = await generateKey();
  const t0 = performance.now();
  await packImageDetailed(syntheticRgb(2, 2), key);
  console.log(`codec start + first pack: ${(performance.now() - t0).toFixed(0)} ms\n`);
  console.log(
    '| file | raw samples | frames | original B | raw B | JPEG 2000 B | package B | package/original | pack ms | unpack ms |',
  );
  console.log('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const path of FILES) {
    const name = path.split('/').pop()!;
    const decoded = await measure(key, name, new Uint8Array(readFileSync(path)));
    if (path.includes('notumor')) {
      // The same slice as a PNG, as a viewer export would give it.
      const { width, height, data } = decoded.image;
      await measure(
        key,
        `${name.replace(/\.jpe?g$/, '')} as PNG`,
        encodePng({ width, height, data, channels: 3, depth: 8 }),
      );
    }
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
