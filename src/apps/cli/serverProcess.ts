/**
 * The server's entry (src/apps/server/main.ts) run as a child process, for
 * `server`, `invite`, `account disable` and `audit verify`. A child, not an import:
 * one app may not import another (docs/ARCHITECTURE.md, "Layers"), and the server is its own
 * process anyway. The child gets the terminal's stdio (so its URL line, its
 * invitation code, its verdict are printed as it prints them); Ctrl-C and SIGTERM
 * are passed on so it closes its database cleanly; the CLI exits with its code.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ParsedArgs, UsageError, flag, optionalString, requireOption } from './args';

export const SERVER_ENTRY = fileURLToPath(new URL('../server/main.ts', import.meta.url));

/** Runs `main.ts <subcommand> ...argv` with the terminal's stdio; resolves to its exit code. */
export async function runServerEntry(subcommand: string, argv: string[]): Promise<number> {
  if (!existsSync(SERVER_ENTRY))
    throw new UsageError('the server needs a checkout of the repository (src/apps/server/main.ts not found)');
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER_ENTRY, subcommand, ...argv], { stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1)));
    });
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

/** Options passed through as `--name value`, only the ones named (the child checks their values). */
export function passOptions(args: ParsedArgs, required: string[], optional: string[], flags: string[] = []): string[] {
  const argv: string[] = [];
  for (const name of flags) if (flag(args, name)) argv.push(`--${name}`);
  for (const name of required) argv.push(`--${name}`, requireOption(args, name));
  for (const name of optional) {
    const value = optionalString(args, name);
    if (value !== undefined) argv.push(`--${name}`, value);
  }
  const known = new Set([...required, ...optional, ...flags]);
  for (const name of args.options.keys()) if (!known.has(name)) throw new UsageError(`unknown option --${name}`);
  return argv;
}

/** Ends the CLI with the child's exit code when it failed: the child has already said what went wrong. */
export function exitWith(code: number): void {
  if (code !== 0) process.exit(code);
}
