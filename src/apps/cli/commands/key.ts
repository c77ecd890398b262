/**
 * `cli key new --out KEY.json` and `cli key derive [--passphrase P] [--out KEY.json]
 * [--memory-kib M --iterations T --salt HEX]`. Prefer CIPHERSCAN_PASSPHRASE to
 * --passphrase: an argument shows in the process list and the shell history.
 */
import { writeFile } from 'node:fs/promises';
import { type ParsedArgs, UsageError, optionalNumber, optionalString, requireOption } from '../args';
import { DEFAULT_KDF, deriveKeyFromPassphrase, generateKey } from '../../../lib/keys/key';
import { exportKeyFile, kdfCostProblem, parseKeyFile } from '../../../lib/keys/keyFile';
import { passphraseStrength } from '../../../lib/keys/strength';

export async function run(args: ParsedArgs): Promise<void> {
  const [sub] = args.positionals;
  const out = optionalString(args, 'out');
  let key;
  if (sub === 'new') key = await generateKey();
  else if (sub === 'derive') {
    const passphrase = optionalString(args, 'passphrase') ?? process.env.CIPHERSCAN_PASSPHRASE;
    if (!passphrase) throw new UsageError('key derive needs --passphrase P (or CIPHERSCAN_PASSPHRASE)');
    const hint = passphraseStrength(passphrase);
    if (hint.score < 3)
      console.error(`warning: passphrase strength is ${hint.label}${hint.warning ? ` (${hint.warning})` : ''}`);
    const cost = {
      memoryKiB: optionalNumber(args, 'memory-kib', DEFAULT_KDF.memoryKiB),
      iterations: optionalNumber(args, 'iterations', DEFAULT_KDF.iterations),
    };
    const problem = kdfCostProblem({ ...cost, parallelism: DEFAULT_KDF.parallelism });
    if (problem) throw new UsageError(`key derive: ${problem} (the limits a key file may ask for)`);
    key = await deriveKeyFromPassphrase(passphrase, {
      ...cost,
      ...(optionalString(args, 'salt') ? { salt: requireOption(args, 'salt') } : {}),
    });
  } else throw new UsageError('key: expected "new" or "derive"');
  const text = exportKeyFile(key);
  // never write a key file this app would refuse to open (its cost limits, salt format)
  try {
    parseKeyFile(text);
  } catch (err) {
    throw new UsageError((err as Error).message.replace('key file: ', 'key derive: '));
  }
  if (out) {
    await writeFile(out, text, { mode: 0o600 });
    console.log(JSON.stringify({ written: out, kind: key.origin, check: key.check }));
  } else process.stdout.write(text);
}
