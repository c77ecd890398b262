/**
 * `cli decrypt --key KEY.json --in ENCRYPTED.png --out PLAIN.png` (a wrong key is refused by the header's check
 * value; a bare PNG has none, and the command says so).
 */
import { type ParsedArgs, optionalString, requireOption, type CommandOptions } from '../args';
import { loadKey, readInput, refuseOverwritingInput, writePng } from '../io';
import { openEncryptedPng } from '../../../lib/cipher/bpe/openEncryptedPng';

/** Every option this command reads (args.ts refuses any other before it runs). */
export const OPTIONS: CommandOptions = { values: ['key', 'passphrase', 'in', 'out'], flags: [] };

export async function run(args: ParsedArgs): Promise<void> {
  const key = await loadKey(requireOption(args, 'key'), optionalString(args, 'passphrase'));
  // before anything is written: --out over --in would replace the original scan
  refuseOverwritingInput(requireOption(args, 'in'), { out: requireOption(args, 'out') });
  // the page's rules, with a bare PNG (no header) accepted at the default block size
  const opened = await openEncryptedPng(await readInput(requireOption(args, 'in')), key, { reader: 'the CLI' });
  if (!opened) throw new Error('the image could not be opened'); // only a caller's stillWanted stops it; none here
  const out = requireOption(args, 'out');
  // a bare PNG carries no key check: any key "decrypts" it, a wrong one into noise; say so, not silently
  if (!opened.header)
    console.error(
      'cipherscan decrypt: this PNG has no CipherScan header, so the key could not be checked: if the image looks like noise, the key is wrong',
    );
  await writePng(out, opened.image); // 0600: plain pixels, private like a key file
  console.log(
    JSON.stringify({
      written: out,
      scheme: opened.scheme,
      imageSize: opened.geometry.imageSize,
      blockSize: opened.geometry.blockSize,
    }),
  );
}
