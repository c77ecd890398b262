/**
 * `cipherscan audit verify --data DIR`: checks the audit log's hash chain
 * (src/apps/server/main.ts audit-verify). Exit 0 only for an intact chain; the
 * server entry prints what it found.
 */
import { type ParsedArgs, UsageError } from '../args';
import { exitWith, passOptions, runServerEntry } from '../serverProcess';

export async function run(args: ParsedArgs): Promise<void> {
  const [action, ...rest] = args.positionals;
  if (action !== 'verify' || rest.length > 0) throw new UsageError('usage: audit verify --data DIR');
  exitWith(await runServerEntry('audit-verify', passOptions(args, ['data'], [])));
}
