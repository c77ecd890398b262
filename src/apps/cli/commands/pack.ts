/**
 * `cli pack --key KEY.json --in FILE --out OUT.csp [--frame N] [--one-frame] [--window N] [--passphrase P]`
 * AES-256-GCM package of the full-resolution original (lossless JPEG 2000 +
 * de-identified metadata): every frame of a multi-frame file, frame N (default 0)
 * the one shown on opening; `--one-frame` packs frame N alone. Prints the storage
 * footprint as JSON.
 * `--cbc-comparison` writes the unauthenticated AES-CBC variant instead: for
 * showing the tampering difference only, never for storing data.
 */
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { type ParsedArgs, flag, optionalString, requireOption, type CommandOptions, options } from '../args';
import { decodeOptionsFrom, loadKey, readInput, refuseOverwritingInput, DECODE_OPTIONS } from '../io';
import { decodeImageFile } from '../../../lib/decode';
import { packCbcForComparison, packFile, packageFootprint } from '../../../lib/cipher/package';

/** Every option this command reads (args.ts refuses any other before it runs). */
export const OPTIONS: CommandOptions = options(DECODE_OPTIONS, {
  values: ['key', 'passphrase', 'in', 'out'],
  flags: ['cbc-comparison', 'one-frame'],
});

export async function run(args: ParsedArgs): Promise<void> {
  const key = await loadKey(requireOption(args, 'key'), optionalString(args, 'passphrase'));
  const inPath = requireOption(args, 'in');
  const out = requireOption(args, 'out');
  refuseOverwritingInput(inPath, { out });
  const file = await readInput(inPath);
  const options = decodeOptionsFrom(args);
  const started = performance.now();
  if (flag(args, 'cbc-comparison')) {
    console.error('warning: AES-CBC comparison file: no integrity protection; for demonstrating tampering only');
    const cbc = await packCbcForComparison(await decodeImageFile(file, basename(inPath), options), key);
    await writeFile(out, cbc);
    console.log(
      JSON.stringify({
        written: out,
        cipher: 'aes-256-cbc-comparison-only',
        originalBytes: file.length,
        packageBytes: cbc.length,
        packMs: ms(started),
      }),
    );
    return;
  }
  const packed = await packFile(
    file,
    basename(inPath),
    options,
    key,
    flag(args, 'one-frame') ? 'chosen-frame' : 'all-frames',
  );
  const packMs = ms(started);
  await writeFile(out, packed.pkg);
  console.log(
    JSON.stringify({
      written: out,
      cipher: 'aes-256-gcm',
      format: packed.format,
      frame: packed.frame,
      frames: packed.fileFrames,
      framesPacked: packed.frames,
      ...packageFootprint(file.length, packed),
      packMs,
    }),
  );
}

function ms(since: number): number {
  return Math.round((performance.now() - since) * 10) / 10;
}
