/**
 * `cipherscan server --data DIR [--port P] [--static DIR]`: runs the CipherScan
 * server (src/apps/server/main.ts serve) in a child process (serverProcess.ts),
 * which prints the URL it listens on. Exits with the server's exit code. The
 * other options of `main.ts serve` (--host, --origin, --blobs, --max-upload-bytes,
 * --rate-limit-*, --log) are passed through as they are.
 */
import type { ParsedArgs } from '../args';
import { exitWith, passOptions, runServerEntry } from '../serverProcess';

export async function run(args: ParsedArgs): Promise<void> {
  const optional = ['port', 'static', 'host', 'origin', 'blobs', 'max-upload-bytes'];
  const limits = ['rate-limit-auth', 'rate-limit-account', 'rate-limit-api'];
  exitWith(await runServerEntry('serve', passOptions(args, ['data'], [...optional, ...limits], ['log'])));
}
