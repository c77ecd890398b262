/**
 * What a benchmark suite is, for bench/run.ts. To add one (e.g. model inference):
 * write bench/suites/<name>.ts exporting a `BenchSuite`, add its browser half to
 * bench/harness.ts if it needs the page, and list it in bench/suites/index.ts.
 */
import type { Page } from '@playwright/test';
import type { BenchRow } from '../results';

export interface BenchContext {
  /** bench/harness.html, loaded in headless Chromium with WebGPU enabled */
  page: Page;
  /** minimum measured time per row and round, ms (undefined: the suite's default) */
  minMs?: number;
  /** interleaved measurement rounds (undefined: the suite's default) */
  rounds?: number;
  /** only rows whose name contains this text */
  only?: string;
  /** progress lines (stderr), so stdout stays the result table */
  log(line: string): void;
}

export interface SuiteResult {
  rows: BenchRow[];
  /** extra facts for the JSON file (adapter, geometry, ratios) */
  meta: Record<string, unknown>;
  /** lines printed under the table (ratios against targets) */
  summary: string[];
}

export interface BenchSuite {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<SuiteResult>;
}
