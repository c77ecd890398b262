/**
 * `cipherscan bench [--suite bpe] [--min-ms N] [--batch N]`: runs `npm run bench`
 * (bench/run.ts: headless Chromium with WebGPU plus Node rows) in a child process.
 * A child, not an import: the benchmark is a development tool that lives beside the
 * product (it needs the repository, Vite and Playwright), and nothing under src/
 * may import bench/ (docs/ARCHITECTURE.md, "Layers").
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ParsedArgs } from '../args';
import { UsageError, type CommandOptions } from '../args';

const BENCH_ENTRY = fileURLToPath(new URL('../../../../bench/run.ts', import.meta.url));

/** The options as bench/run.ts reads them (it checks them itself). */
function toArgv(args: ParsedArgs): string[] {
  return [...args.options].flatMap(([name, value]) => (value === true ? [`--${name}`] : [`--${name}`, value]));
}

/** The options bench/run.ts reads (benchOptionsFromArgs), passed on to it. */
export const OPTIONS: CommandOptions = {
  values: ['suite', 'min-ms', 'rounds', 'only', 'candidates', 'batch', 'chromium'],
  flags: [],
};

export async function run(args: ParsedArgs): Promise<void> {
  const argv = toArgv(args);
  if (!existsSync(BENCH_ENTRY))
    throw new UsageError('the benchmark needs a checkout of the repository (bench/run.ts not found)');
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', BENCH_ENTRY, ...argv], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (status) => resolve(status ?? 1));
  });
  if (code !== 0) throw new Error(`benchmark failed (exit ${code})`);
}
