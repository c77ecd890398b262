/**
 * What the cross-validation scripts (cv-folds.ts, cv-report.ts, cv-guard.ts,
 * near-duplicates.ts) share:
 * reading `--name value` from their command line, and running a `cipherscan`
 * command (src/apps/cli/main.ts) in this Node, with its output on ours, so each
 * step of the protocol is the same command a person would type.
 * Must never: run anything but the CipherScan CLI.
 */
import { execFileSync } from 'node:child_process';

/** The value after `--name`, else the fallback; throws where neither is given. */
export function arg(name: string, fallback?: string, argv: readonly string[] = process.argv): string {
  const i = argv.indexOf(`--${name}`);
  const value = i > 0 ? argv[i + 1] : fallback;
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
}

/** Runs `cipherscan <argv…>` and waits for it; throws when it exits non-zero. */
export const cli = (...argv: string[]) =>
  execFileSync(process.execPath, ['--import', 'tsx', 'src/apps/cli/main.ts', ...argv], { stdio: 'inherit' });
