/** File I/O for the CLI only (Node). The library itself never touches the filesystem. */
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { encode as encodePng } from 'fast-png';
import { decodeImageFile, type DecodedImage } from '../decode';
import type { RgbImage } from '../image/rgb';
import { type CipherKey } from '../keys/key';
import { importKeyFile, keyFileNeedsPassphrase } from '../keys/keyFile';
import { UsageError } from './args';

export async function readInput(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path} (${code ?? 'error'})`);
  }
}

export async function loadImage(path: string, frame?: number): Promise<DecodedImage> {
  return decodeImageFile(await readInput(path), basename(path), { frame });
}

export async function writePng(path: string, image: RgbImage): Promise<void> {
  await writeFile(path, encodePng({ width: image.width, height: image.height, data: image.data, channels: 3, depth: 8 }));
}

/** Opens --key KEYFILE; passphrase key files take --passphrase or CIPHERSCAN_PASSPHRASE. */
export async function loadKey(path: string, passphrase?: string): Promise<CipherKey> {
  const text = new TextDecoder().decode(await readInput(path));
  const pass = passphrase ?? process.env.CIPHERSCAN_PASSPHRASE;
  if (keyFileNeedsPassphrase(text) && pass === undefined) throw new UsageError('this key file needs its passphrase: --passphrase P or CIPHERSCAN_PASSPHRASE');
  return importKeyFile(text, pass);
}
