/**
 * `cipherscan audit verify --data DIR [--anchor FILE]`: checks the audit log's hash chain
 * (src/apps/server/main.ts audit-verify). Exit 0 only for an intact chain; the
 * server entry prints what it found. A chain cut short at its end still verifies by
 * itself: with --anchor, the length and head hash of the last intact check are kept in
 * FILE (keep it off the server) and a later check fails if the log no longer holds them.
 */
import { type ParsedArgs, UsageError, type CommandOptions } from '../args';
import { exitWith, passOptions, runServerEntry } from '../serverProcess';

/** Every option this command reads (args.ts refuses any other before it runs). */
export const OPTIONS: CommandOptions = { subcommands: { verify: { values: ['data', 'anchor'], flags: [] } } };

export async function run(args: ParsedArgs): Promise<void> {
  const [action, ...rest] = args.positionals;
  if (action !== 'verify' || rest.length > 0) throw new UsageError('usage: audit verify --data DIR [--anchor FILE]');
  exitWith(await runServerEntry('audit-verify', passOptions(args, ['data'], ['anchor'])));
}
