/** `cli encrypt --key KEY.json --in FILE --out OUT.png [--frame N] [--window N] [--image-size 200] [--block-size 25]` */
import { writeFile } from 'node:fs/promises';
import { type ParsedArgs, optionalNumber, optionalString, requireOption, type CommandOptions, options } from '../args';
import { decodeOptionsFrom, loadImage, loadKey, refuseOverwritingInput, DECODE_OPTIONS } from '../io';
import { toModelInput } from '../../../lib/image/resize';
import { encryptImage } from '../../../lib/cipher/bpe/bpe';
import { encodeEncryptedPng } from '../../../lib/cipher/bpe/encryptedPng';
import { DEFAULT_BLOCK_SIZE, DEFAULT_IMAGE_SIZE } from '../../../lib/cipher/bpe/plan';
import { bpePlans } from '../../../lib/cipher/bpe/planCache';

/** Every option this command reads (args.ts refuses any other before it runs). */
export const OPTIONS: CommandOptions = options(DECODE_OPTIONS, {
  values: ['key', 'passphrase', 'image-size', 'block-size', 'in', 'out'],
});

export async function run(args: ParsedArgs): Promise<void> {
  const key = await loadKey(requireOption(args, 'key'), optionalString(args, 'passphrase'));
  // before anything is written: --out over --in would replace the original scan
  refuseOverwritingInput(requireOption(args, 'in'), { out: requireOption(args, 'out') });
  const geometry = {
    imageSize: optionalNumber(args, 'image-size', DEFAULT_IMAGE_SIZE),
    blockSize: optionalNumber(args, 'block-size', DEFAULT_BLOCK_SIZE),
  };
  const plan = await bpePlans.plan(key, geometry);
  const decoded = await loadImage(requireOption(args, 'in'), decodeOptionsFrom(args));
  const encrypted = encryptImage(plan, toModelInput(decoded.image, geometry.imageSize));
  const out = requireOption(args, 'out');
  await writeFile(out, encodeEncryptedPng(encrypted, key, geometry));
  console.log(
    JSON.stringify({
      written: out,
      scheme: plan.version,
      ...geometry,
      frame: decoded.frame,
      frames: decoded.frames,
      ...(decoded.dicom?.voiChoices ? { window: decoded.dicom.voiChoices[decoded.dicom.voi ?? 0] } : {}),
    }),
  );
}
