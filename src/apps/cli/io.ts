/** File I/O for the CLI (Node). The isomorphic library (src/lib) never touches the filesystem; the CLI reads and writes for it. */
import { statSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { decodeImageFile, type DecodedImage, type DecodeOptions } from '../../lib/decode';
import { encodeRgbPng } from '../../lib/image/png';
import type { RgbImage } from '../../lib/image/rgb';
import { type CipherKey } from '../../lib/keys/key';
import { importKeyFile, keyFileNeedsPassphrase } from '../../lib/keys/keyFile';
import { optionalString, UsageError, type ParsedArgs } from './args';

/** The options decodeOptionsFrom reads. */
export const DECODE_OPTIONS = { values: ['frame', 'window'] } as const;

export async function readInput(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT'
        ? `no such file: ${path}`
        : code === 'EISDIR'
          ? `${path} is a folder, not a file`
          : code === 'EACCES'
            ? `no permission to read ${path}`
            : `cannot read ${path} (${code ?? 'error'})`,
    );
  }
}

export async function loadImage(path: string, options: DecodeOptions = {}): Promise<DecodedImage> {
  return decodeImageFile(await readInput(path), basename(path), options);
}

/**
 * --frame N and --window N: which frame of a multi-frame DICOM, and which of a grey
 * DICOM's windows / VOI LUTs / full range (`cipherscan info` lists them), both from 0.
 */
export function decodeOptionsFrom(args: ParsedArgs): DecodeOptions {
  const whole = (name: string): number | undefined => {
    const text = optionalString(args, name);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0)
      throw new UsageError(`--${name} must be a whole number from 0, got "${text}"`);
    return value;
  };
  return { frame: whole('frame'), voi: whole('window') };
}

/**
 * Refuses to write an output over the input it was made from (`encrypt --in scan.jpg
 * --out scan.jpg` would replace the original scan with its encrypted PNG): the same
 * path once resolved, or the same file by another name (a link). Called before
 * anything is written.
 */
export function refuseOverwritingInput(inPath: string, outputs: Record<string, string | undefined>): void {
  const same = (a: string, b: string): boolean => {
    if (resolve(a) === resolve(b)) return true;
    const sa = statSync(a, { throwIfNoEntry: false });
    const sb = statSync(b, { throwIfNoEntry: false });
    return !!sa && !!sb && sa.dev === sb.dev && sa.ino === sb.ino;
  };
  for (const [name, path] of Object.entries(outputs))
    if (path !== undefined && same(inPath, path))
      throw new UsageError(
        `--${name} ${path} is the --in file itself: writing it would replace the original; choose another --${name} (nothing was written)`,
      );
}

/**
 * Writes a file only its owner may read or write (0600), as for key files: keys,
 * decrypted images, their metadata and raw samples. The mode is set before any
 * byte is written, also over an existing file (writeFile's `mode` only applies to
 * a file it creates, so an old 0644 file would stay readable by everyone).
 */
export async function writePrivateFile(path: string, data: Uint8Array | string): Promise<void> {
  const file = await open(path, 'w', 0o600).catch((err: unknown) => {
    // in words, not Node's "ENOENT: no such file or directory, open '…'"
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT'
        ? `cannot write ${path}: its folder does not exist`
        : code === 'EISDIR'
          ? `cannot write ${path}: it is a folder`
          : code === 'EACCES'
            ? `cannot write ${path}: no permission`
            : `cannot write ${path} (${code ?? 'error'})`,
    );
  });
  try {
    await file.chmod(0o600);
    await file.writeFile(data);
  } finally {
    await file.close();
  }
}

/** PNGs the CLI writes from a scan (decrypted, unpacked, reconstructed): private, like key files. */
export async function writePng(path: string, image: RgbImage): Promise<void> {
  await writePrivateFile(path, encodeRgbPng(image));
}

/** Opens --key KEYFILE; passphrase key files take --passphrase or CIPHERSCAN_PASSPHRASE. */
export async function loadKey(path: string, passphrase?: string): Promise<CipherKey> {
  const text = new TextDecoder().decode(await readInput(path));
  const pass = passphrase ?? process.env.CIPHERSCAN_PASSPHRASE;
  if (keyFileNeedsPassphrase(text) && pass === undefined)
    throw new UsageError('this key file needs its passphrase: --passphrase P or CIPHERSCAN_PASSPHRASE');
  return importKeyFile(text, pass);
}
