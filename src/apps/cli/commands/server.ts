/**
 * `cipherscan server --data DIR [--port P] [--static DIR]`: runs the CipherScan
 * server (src/apps/server/main.ts serve) in a child process (serverProcess.ts),
 * which prints the URL it listens on. Exits with the server's exit code. The
 * other options of `main.ts serve` (--host, --origin, --blobs, --max-upload-bytes,
 * --rate-limit-*, --log) are passed through as they are.
 */
import type { ParsedArgs } from '../args';
import { exitWith, passOptions, runServerEntry } from '../serverProcess';
import { type CommandOptions } from '../args';

const OPTIONAL = ['port', 'static', 'host', 'origin', 'blobs', 'max-upload-bytes'];
const LIMITS = ['rate-limit-auth', 'rate-limit-account', 'rate-limit-api'];

/** Every option this command passes on (args.ts refuses any other before it runs). */
export const OPTIONS: CommandOptions = { values: ['data', ...OPTIONAL, ...LIMITS], flags: ['log'] };

export async function run(args: ParsedArgs): Promise<void> {
  exitWith(await runServerEntry('serve', passOptions(args, ['data'], [...OPTIONAL, ...LIMITS], ['log'])));
}
