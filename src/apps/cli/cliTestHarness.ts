/**
 * Running the CLI from a test, the two ways the tests need: as the user runs it,
 * in its own process (`runCliChild`), or in this process with its console output
 * captured (`runCliHere`: fetch stays spy-able, so a test can search every
 * request body); and the set-up the diagnose tests share (`useCliTestFolder`).
 * Imported by tests only.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach } from 'vitest';
import { encodeRgbPng } from '../../lib/image/png';
import { brainPhantom } from '../../lib/samples/phantom';
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

/** main(argv) in this process, its console lines captured (console restored after, also on a throw). */
async function captured(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    return { code: await main(argv), out, err };
  } finally {
    console.log = log;
    console.error = error;
  }
}

export async function runCliHere(...argv: string[]): Promise<CliRun> {
  const { code, out, err } = await captured(argv);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A test's own temporary folder and the CLI run in this process (`useCliTestFolder`). */
export interface CliTestFolder {
  /** this test's temporary folder (a new one per test, removed after it) */
  readonly dir: string;
  /** the console lines of the last `run` */
  readonly stdout: string[];
  readonly stderr: string[];
  /** `cipherscan ...argv` in this process; its exit code */
  run(...argv: string[]): Promise<number>;
  /** the model folder `dir/name` with a fixture model's files (model.json, weights.bin) */
  modelFolder(name: string, files: { manifestText: string; weights: Uint8Array }): Promise<string>;
  /** a brain phantom as `dir/scan.png` */
  scan(params: { seed: number; lesion?: number }): Promise<string>;
  /** `cipherscan key new` into `dir/k.json` */
  newKey(): Promise<string>;
}

/** Registers this test file's beforeEach / afterEach: a fresh temporary folder per test, named `prefix…`. */
export function useCliTestFolder(prefix: string): CliTestFolder {
  let dir = '';
  let stdout: string[] = [];
  let stderr: string[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
    stdout = [];
    stderr = [];
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));
  const folder: CliTestFolder = {
    get dir() {
      return dir;
    },
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    async run(...argv) {
      const r = await captured(argv);
      stdout = r.out;
      stderr = r.err;
      return r.code;
    },
    async modelFolder(name, files) {
      const model = join(dir, name);
      await mkdir(model, { recursive: true });
      await writeFile(join(model, 'model.json'), files.manifestText);
      await writeFile(join(model, 'weights.bin'), files.weights);
      return model;
    },
    async scan(params) {
      const png = join(dir, 'scan.png');
      await writeFile(png, encodeRgbPng(brainPhantom(params)));
      return png;
    },
    async newKey() {
      const key = join(dir, 'k.json');
      const code = await folder.run('key', 'new', '--out', key);
      if (code !== 0) throw new Error(`key new failed: ${stderr.join(' ')}`);
      return key;
    },
  };
  return folder;
}
