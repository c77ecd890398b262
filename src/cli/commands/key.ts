/** `cli key new --out KEY.json` and `cli key derive --passphrase P [--out KEY.json]`. */
import { writeFile } from 'node:fs/promises';
import { type ParsedArgs, UsageError, optionalNumber, optionalString, requireOption } from '../args';
import { DEFAULT_KDF, deriveKeyFromPassphrase, generateKey } from '../../keys/key';
import { exportKeyFile } from '../../keys/keyFile';
import { passphraseStrength } from '../../keys/strength';

export async function run(args: ParsedArgs): Promise<void> {
  const [sub] = args.positionals;
  const out = optionalString(args, 'out');
  let key;
  if (sub === 'new') key = await generateKey();
  else if (sub === 'derive') {
    const passphrase = optionalString(args, 'passphrase') ?? process.env.CIPHERSCAN_PASSPHRASE;
    if (!passphrase) throw new UsageError('key derive needs --passphrase P (or CIPHERSCAN_PASSPHRASE)');
    const hint = passphraseStrength(passphrase);
    if (hint.score < 3) console.error(`warning: passphrase strength is ${hint.label}${hint.warning ? ` (${hint.warning})` : ''}`);
    key = await deriveKeyFromPassphrase(passphrase, {
      memoryKiB: optionalNumber(args, 'memory-kib', DEFAULT_KDF.memoryKiB),
      iterations: optionalNumber(args, 'iterations', DEFAULT_KDF.iterations),
      ...(optionalString(args, 'salt') ? { salt: requireOption(args, 'salt') } : {}),
    });
  } else throw new UsageError('key: expected "new" or "derive"');
  const text = exportKeyFile(key);
  if (out) {
    await writeFile(out, text, { mode: 0o600 });
    console.log(JSON.stringify({ written: out, kind: key.origin, check: key.check }));
  } else process.stdout.write(text);
}
