/**
 * `cli unpack --key KEY.json --in P.csp --out IMG.png [--frame N] [--meta META.json] [--raw SAMPLES.bin]`
 * Opens an AES-256-GCM package: writes the display image of one frame as PNG
 * (the one marked to show, or frame N of the file), optionally its de-identified
 * metadata and raw stored samples (little-endian), all mode 0600. A package
 * that fails authentication writes nothing, and neither does one whose outputs cannot all be written. `--cbc-comparison` is needed to open
 * an AES-CBC comparison file, which has no integrity check.
 */
import { rm } from 'node:fs/promises';
import { type ParsedArgs, UsageError, flag, optionalString, requireOption, type CommandOptions } from '../args';
import { loadKey, readInput, refuseOverwritingInput, writePng, writePrivateFile } from '../io';
import {
  FrameNotInPackageError,
  unpackCbcForComparison,
  unpackImage,
  type UnpackedPackage,
} from '../../../lib/cipher/package';
import { CBC_MAGIC } from '../../../lib/cipher/package/format';
import { rawBytes } from '../../../lib/cipher/package/rawSamples';

/** Every option this command reads (args.ts refuses any other before it runs). */
export const OPTIONS: CommandOptions = {
  values: ['key', 'passphrase', 'in', 'out', 'meta', 'raw', 'frame'],
  flags: ['cbc-comparison'],
};

export async function run(args: ParsedArgs): Promise<void> {
  const out = requireOption(args, 'out');
  if (!/\.png$/i.test(out))
    throw new UsageError(
      'unpack writes the display image as PNG: --out must end in .png (use --raw for the stored samples)',
    );
  const metaPath = optionalString(args, 'meta');
  const rawPath = optionalString(args, 'raw');
  refuseOverwritingInput(requireOption(args, 'in'), { out, meta: metaPath, raw: rawPath });
  const key = await loadKey(requireOption(args, 'key'), optionalString(args, 'passphrase'));
  const pkg = await readInput(requireOption(args, 'in'));
  const started = performance.now();
  const isCbc = new TextDecoder().decode(pkg.subarray(0, 4)) === CBC_MAGIC;
  if (isCbc && !flag(args, 'cbc-comparison'))
    throw new UsageError(
      'this is an AES-CBC comparison file with no integrity check; pass --cbc-comparison to open it anyway',
    );
  if (isCbc) console.error('warning: AES-CBC comparison file: opened without any integrity check');
  const frameArg = optionalString(args, 'frame');
  if (frameArg !== undefined && !/^\d+$/.test(frameArg))
    throw new UsageError(`--frame must be a frame number of the file (0, 1, …), not "${frameArg}"`);
  const choice = frameArg === undefined ? {} : { frame: Number(frameArg) };
  let opened: UnpackedPackage;
  try {
    opened = isCbc ? await unpackCbcForComparison(pkg, key, choice) : await unpackImage(pkg, key, choice);
  } catch (err) {
    if (err instanceof FrameNotInPackageError) throw new UsageError(err.message);
    throw err;
  }
  const { frameNumbers } = opened;
  const unpackMs = Math.round((performance.now() - started) * 10) / 10;
  // Everything is decrypted and verified before the first byte is written; every output is 0600, like a key file.
  // all or nothing: where a later output cannot be written, the ones already written go again, so no
  // decrypted image is left behind without the summary that says it exists
  const written: string[] = [];
  try {
    await writePng(out, opened.image);
    written.push(out);
    if (metaPath) {
      await writePrivateFile(metaPath, JSON.stringify(opened.metadata, null, 2) + '\n');
      written.push(metaPath);
    }
    if (rawPath) await writePrivateFile(rawPath, rawBytes(opened.raw));
  } catch (err) {
    await Promise.all(written.map((path) => rm(path, { force: true })));
    throw err;
  }
  const { width, height, samplesPerPixel, bitsAllocated, signed } = opened.metadata.raw;
  console.log(
    JSON.stringify({
      written: out,
      meta: metaPath,
      raw: rawPath,
      frame: opened.metadata.source.frame,
      framesInPackage: frameNumbers.length,
      width,
      height,
      samplesPerPixel,
      bitsAllocated,
      signed,
      verified: !isCbc,
      unpackMs,
    }),
  );
}
