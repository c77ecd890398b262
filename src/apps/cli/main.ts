/**
 * `npm run cli -- <command> ...` / `cipherscan <command> ...`.
 * Each command lives in commands/<name>.ts and exports `run(args)`. Errors a user
 * can fix print as one line on stderr with exit code 1 (2 for usage); only a
 * bug prints a stack, and only with CIPHERSCAN_DEBUG=1. An option the command does
 * not declare in its OPTIONS is refused (exit 2) before the command runs (args.ts).
 */
import { parseCommandArgs, UsageError, type CommandOptions, type ParsedArgs } from './args';

/** A command's module: `run`, and `OPTIONS`, every option it (and the helpers it hands args to) reads. */
export type CommandModule = { run: (args: ParsedArgs) => Promise<void>; OPTIONS: CommandOptions };
type Command = { summary: string; load: () => Promise<CommandModule> };

export const COMMANDS: Record<string, Command> = {
  info: {
    summary: 'info FILE                      JSON summary of an image or DICOM file (no patient values)',
    load: () => import('./commands/info'),
  },
  key: {
    summary: 'key new|derive --out KEY.json|--stdout  make a random key, or derive one from --passphrase',
    load: () => import('./commands/key'),
  },
  encrypt: {
    summary: 'encrypt --key K --in F --out O.png   block-pixel encrypt (S=200, B=25)',
    load: () => import('./commands/encrypt'),
  },
  decrypt: { summary: 'decrypt --key K --in E.png --out O.png', load: () => import('./commands/decrypt') },
  pack: {
    summary:
      'pack --key K --in F --out P.csp [--frame N] [--one-frame]   AES-256-GCM package of the full original, every frame',
    load: () => import('./commands/pack'),
  },
  unpack: {
    summary: 'unpack --key K --in P.csp --out O.png [--frame N]   one frame as PNG (+ --meta, --raw)',
    load: () => import('./commands/unpack'),
  },
  attack: {
    summary:
      'attack --kind leading-bit|min-difference|known-plaintext|bit-flip|gaussian|gradient-analytic|gradient-dlg|token-inversion|server-view ... --json',
    load: () => import('./commands/attack'),
  },
  inversion: {
    summary: 'inversion report --model DIR --data DS [--images 5] --json F --md F   model-inversion attacks, scored',
    load: () => import('./commands/inversion'),
  },
  train: {
    summary:
      'train --model vit|cnn --data DIR ... [--all-labelled [--cv-report CV.json]] [--groups G.json]   Training (+ Testing with --all-labelled: no Testing figure, the CV figure in the card; --groups: validation by whole near-duplicate groups)',
    load: () => import('./commands/train'),
  },
  eval: { summary: 'eval --model DIR --data DIR [--key K] --json OUT.json', load: () => import('./commands/eval') },
  calibrate: {
    summary: 'calibrate --model DIR --data DS [--dry-run]   fit the temperature on validation, ECE before/after',
    load: () => import('./commands/calibrate'),
  },
  selective: {
    summary:
      'selective --data DS --models DIR1,DIR2 [--write [--thresholds-from CV.json] [--ensemble-from CV.json] | --cross-validation]   abstention threshold + ensemble, fitted on validation or taken from a CV report',
    load: () => import('./commands/selective'),
  },
  guard: {
    summary: 'guard --model DIR --data DS [--limit N] [--report --other DS2]   fit / report the out-of-domain guard',
    load: () => import('./commands/guard'),
  },
  diagnose: {
    summary: 'diagnose --model DIR --in F [--key K] [--json]   plain vs key-adapted prediction for one scan',
    load: () => import('./commands/diagnose'),
  },
  bench: { summary: 'bench                          same as npm run bench', load: () => import('./commands/bench') },
  server: {
    summary: 'server --data DIR [--port P] [--static dist]   run the server; prints the URL it listens on',
    load: () => import('./commands/server'),
  },
  invite: {
    summary: 'invite --data DIR --name N --role R   an invitation code for a new account',
    load: () => import('./commands/invite'),
  },
  account: {
    summary:
      'account create --server URL --invite CODE --out A.json [--key K] | account disable --data DIR --name N   make account keys, redeem; off-board a person (kept, loses every right)',
    load: () => import('./commands/account'),
  },
  upload: {
    summary: 'upload --server URL --account A [--key K] --in FILE   seal and upload; prints {"id"}',
    load: () => import('./commands/upload'),
  },
  share: {
    summary: 'share --server URL --account A [--key K] --id ID --with NAME --purpose P [--until DATE]',
    load: () => import('./commands/share'),
  },
  revoke: {
    summary: 'revoke --server URL --account A --id ID --with NAME',
    load: () => import('./commands/revoke'),
  },
  consent: {
    summary: 'consent --server URL --account A --id ID --withdraw|--give   the patient withdrew (or gave) consent',
    load: () => import('./commands/consent'),
  },
  download: {
    summary: 'download --server URL --account A --id ID --out FILE.png   a scan shared with you, checked',
    load: () => import('./commands/download'),
  },
  federated: {
    summary:
      'federated simulate --data DS --hospitals 3 --split iid|dirichlet:0.5 --method ridge|fedavg --out DIR [--json R] [--transport http [--late SEAT:ROUND:SEC]]   CKKS ridge head, or FedAvg rounds beside it; http: hospitals as processes (federated hospital ...)',
    load: () => import('./commands/federated'),
  },
  he: {
    summary:
      'he keygen --out he.json | he infer --server URL --account A --he he.json --model DIR --in FILE [--json] | he share|receive ... (he --help)   CKKS head on the server; the network key between hospitals',
    load: () => import('./commands/he'),
  },
  audit: {
    summary: 'audit verify --data DIR        exit 0 only for an intact audit chain',
    load: () => import('./commands/audit'),
  },
};

function usage(): string {
  return ['usage: cipherscan <command> [options]', '', ...Object.values(COMMANDS).map((c) => '  ' + c.summary)].join(
    '\n',
  );
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new UsageError(`unknown command "${name}" (try --help)`);
    if (rest.includes('--help')) {
      console.log(`usage: cipherscan ${command.summary}`);
      return 0;
    }
    const module = await command.load();
    await module.run(parseCommandArgs(name, rest, module.OPTIONS)); // an undeclared option: UsageError, nothing run
    return 0;
  } catch (err) {
    const e = err as Error;
    if (process.env.CIPHERSCAN_DEBUG === '1') console.error(e);
    else console.error(`cipherscan ${name ?? ''}: ${e?.message ?? String(err)}`);
    return e instanceof UsageError ? 2 : 1;
  }
}

const isEntry = process.argv[1] && /cli[\\/]main\.ts$/.test(process.argv[1]); // the bin calls main() itself
if (isEntry) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
