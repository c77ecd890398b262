/**
 * `cipherscan server --data DIR [--port P] [--static DIR]`: runs the CipherScan
 * server (src/apps/server/main.ts serve) in a child process (serverProcess.ts),
 * which prints the URL it listens on. Exits with the server's exit code.
 */
import type { ParsedArgs } from '../args';
import { exitWith, passOptions, runServerEntry } from '../serverProcess';

export async function run(args: ParsedArgs): Promise<void> {
  exitWith(await runServerEntry('serve', passOptions(args, ['data'], ['port', 'static', 'host', 'origin'])));
}
