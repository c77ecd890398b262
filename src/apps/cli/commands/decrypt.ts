/** `cli decrypt --key KEY.json --in ENCRYPTED.png --out PLAIN.png` (a wrong key is refused by its check value). */
import { writeFile } from 'node:fs/promises';
import { type ParsedArgs, optionalString, requireOption } from '../args';
import { loadKey, readInput } from '../io';
import { encodeRgbPng } from '../../../lib/image/png';
import { decryptImage } from '../../../lib/cipher/bpe/bpe';
import { decodeEncryptedPng } from '../../../lib/cipher/bpe/encryptedPng';
import { DEFAULT_BLOCK_SIZE, planForKey } from '../../../lib/cipher/bpe/plan';

export async function run(args: ParsedArgs): Promise<void> {
  const key = await loadKey(requireOption(args, 'key'), optionalString(args, 'passphrase'));
  const { image, header } = decodeEncryptedPng(await readInput(requireOption(args, 'in')), key);
  if (image.width !== image.height)
    throw new Error(`an encrypted image is square; this one is ${image.width}x${image.height}`);
  const geometry = header ?? { imageSize: image.width, blockSize: DEFAULT_BLOCK_SIZE };
  const plan = await planForKey(key, geometry);
  const out = requireOption(args, 'out');
  await writeFile(out, encodeRgbPng(decryptImage(plan, image)));
  console.log(
    JSON.stringify({
      written: out,
      scheme: plan.version,
      imageSize: geometry.imageSize,
      blockSize: geometry.blockSize,
    }),
  );
}
