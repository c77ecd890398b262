/** File I/O for the CLI (Node). The isomorphic library (src/lib) never touches the filesystem; the CLI reads and writes for it. */
import { open, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { decodeImageFile, type DecodedImage, type DecodeOptions } from '../../lib/decode';
import { encodeRgbPng } from '../../lib/image/png';
import type { RgbImage } from '../../lib/image/rgb';
import { type CipherKey } from '../../lib/keys/key';
import { importKeyFile, keyFileNeedsPassphrase } from '../../lib/keys/keyFile';
import { optionalString, UsageError, type ParsedArgs } from './args';

export async function readInput(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path} (${code ?? 'error'})`);
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
 * Writes a file only its owner may read or write (0600), as for key files: keys,
 * decrypted images, their metadata and raw samples. The mode is set before any
 * byte is written, also over an existing file (writeFile's `mode` only applies to
 * a file it creates, so an old 0644 file would stay readable by everyone).
 */
export async function writePrivateFile(path: string, data: Uint8Array | string): Promise<void> {
  const file = await open(path, 'w', 0o600);
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
