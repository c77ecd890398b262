/**
 * `cipherscan bench [--suite bpe] [--min-ms N] [--batch N]`: the same benchmark as
 * `npm run bench` (bench/run.ts) — headless Chromium with WebGPU plus Node rows.
 */
import type { ParsedArgs } from '../args';

export async function run(args: ParsedArgs): Promise<void> {
  // Loaded on demand: the benchmark pulls in Vite and Playwright, which no other command needs.
  const { runBench, benchOptionsFromArgs } = await import('../../../bench/run');
  await runBench(benchOptionsFromArgs(args));
}
