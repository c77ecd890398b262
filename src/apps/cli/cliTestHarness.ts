/**
 * Running the CLI from a test, the two ways the tests need: as the user runs it,
 * in its own process (`runCliChild`), or in this process with its console output
 * captured (`runCliHere`: fetch stays spy-able, so a test can search every
 * request body). Imported by tests only.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from './main';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const CLI_ENTRY = join(REPO, 'src/apps/cli/main.ts');

export function runCliChild(argv: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI_ENTRY, ...argv], { cwd: REPO });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? 1, out, err }));
  });
}

export async function runCliHere(...argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    return { code: await main(argv), out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}
