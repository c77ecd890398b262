/**
 * `cli key new --out KEY.json` and `cli key derive [--passphrase P] --out KEY.json
 * [--memory-kib M --iterations T --salt HEX]`; `--stdout` instead of --out prints the
 * key file (only when asked for by name: a mistyped --out must not print a key). Prefer CIPHERSCAN_PASSPHRASE to
 * --passphrase: an argument shows in the process list and the shell history.
 * `derive` refuses a passphrase too easy to guess and a cost below OWASP's floor,
 * and says that the file it writes must be kept as private as the passphrase
 * (it lets anyone who has it guess the passphrase offline).
 */
import {
  type ParsedArgs,
  UsageError,
  flag,
  optionalNumber,
  optionalString,
  requireOption,
  type CommandOptions,
} from '../args';
import { writePrivateFile } from '../io';
import { DEFAULT_KDF, deriveKeyFromPassphrase, generateKey } from '../../../lib/keys/key';
import { exportKeyFile, kdfCostProblem, parseKeyFile } from '../../../lib/keys/keyFile';
import { weakPassphraseProblem } from '../../../lib/keys/strength';

/** Said on stderr by every `key derive`: the file is an offline guessing target, not a harmless record. */
export const PASSPHRASE_KEY_FILE_NOTE =
  'note: keep this key file as private as the passphrase: it holds no key, but anyone who has it can try guesses at the passphrase offline.';

/** --stdout: print the key file instead of writing --out (it is the key: asked for by name, never by a typo). */
export const OPTIONS: CommandOptions = {
  subcommands: {
    new: { values: ['out'], flags: ['stdout'] },
    derive: { values: ['out', 'passphrase', 'memory-kib', 'iterations', 'salt'], flags: ['stdout'] },
  },
};

export async function run(args: ParsedArgs): Promise<void> {
  const [sub] = args.positionals;
  if (sub !== 'new' && sub !== 'derive') throw new UsageError('key: expected "new" or "derive"');
  const out = optionalString(args, 'out');
  const toStdout = flag(args, 'stdout');
  if (out !== undefined && toStdout) throw new UsageError(`key ${sub}: --out or --stdout, not both`);
  if (out === undefined && !toStdout)
    throw new UsageError(`key ${sub}: say where the key goes: --out KEY.json (or --stdout to print it)`);
  let key;
  if (sub === 'new') key = await generateKey();
  else {
    const passphrase = optionalString(args, 'passphrase') ?? process.env.CIPHERSCAN_PASSPHRASE;
    if (!passphrase) throw new UsageError('key derive needs --passphrase P (or CIPHERSCAN_PASSPHRASE)');
    // refused even when re-deriving with --salt: this writes a new key file, and a weak one is an easy target
    const weak = weakPassphraseProblem(passphrase);
    if (weak) throw new UsageError(`key derive: ${weak}`);
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
  }
  const text = exportKeyFile(key);
  // never write a key file this app would refuse to open (its cost limits, salt format)
  try {
    parseKeyFile(text);
  } catch (err) {
    throw new UsageError((err as Error).message.replace('key file: ', 'key derive: '));
  }
  if (key.origin === 'passphrase') console.error(PASSPHRASE_KEY_FILE_NOTE);
  if (out) {
    await writePrivateFile(out, text);
    console.log(JSON.stringify({ written: out, kind: key.origin, check: key.check }));
  } else process.stdout.write(text);
}
