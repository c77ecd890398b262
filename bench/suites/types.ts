/**
 * What a benchmark suite is, for bench/run.ts. To add one (e.g. model inference):
 * write bench/suites/<name>.ts exporting a `BenchSuite`, add its browser half to
 * bench/harness.ts if it needs the page, and list it in bench/suites/index.ts.
 * A suite that needs no page is a `NodeBenchSuite` (`nodeOnly: true`).
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
  /** model folders timed beside the shipped ones (--candidates), for suites that take them */
  candidates?: string[];
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
  nodeOnly?: false;
  run(ctx: BenchContext): Promise<SuiteResult>;
}

/** What a suite that runs in Node alone gets: everything but the page. */
export type NodeBenchContext = Omit<BenchContext, 'page'>;

/**
 * A suite measured in Node only (e.g. `he`, node-seal's Node build): run.ts
 * starts Vite and Chromium only when a chosen suite is not `nodeOnly`.
 */
export interface NodeBenchSuite {
  name: string;
  description: string;
  nodeOnly: true;
  run(ctx: NodeBenchContext): Promise<SuiteResult>;
}

export type AnyBenchSuite = BenchSuite | NodeBenchSuite;
