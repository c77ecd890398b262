/**
 * `cipherscan invite --data DIR --name N --role R [--site S]`: makes an invitation
 * for a new account and prints its code (src/apps/server/main.ts invite: through
 * the running server's admin socket, or the database directly when no server
 * runs). Only someone with access to the data directory can invite.
 */
import type { ParsedArgs } from '../args';
import { exitWith, passOptions, runServerEntry } from '../serverProcess';
import { type CommandOptions } from '../args';

/** Every option this command reads (args.ts refuses any other before it runs). */
export const OPTIONS: CommandOptions = { values: ['data', 'name', 'role', 'site'], flags: [] };

export async function run(args: ParsedArgs): Promise<void> {
  exitWith(await runServerEntry('invite', passOptions(args, ['data', 'name', 'role'], ['site'])));
}
