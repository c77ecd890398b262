/**
 * What the import rules in eslint.config.js cannot see (docs/ARCHITECTURE.md, "Layers"):
 *  - no cycle between folders of src/ (product code: tests and src/testing are left
 *    out, since a test may import the fixtures that import what it tests; a folder
 *    and its subfolders may import each other);
 *  - no module over 400 lines, except the data tables listed below.
 * `npm run lint` runs it; exit 1 with one line per finding.
 *   npx tsx scripts/check-architecture.ts [ROOT]
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const MAX_LINES = 400;
/** Data tables: long because they list things, not because they do many things. */
const DATA_TABLES = new Set(['src/lib/decode/dicom/confidentialityProfile.ts']);
const SOURCE = /\.(ts|tsx)$/;
/**
 * A folder and its own subfolders are one feature (decode/ and decode/dicom/, the web
 * app and its components/): imports between them are the feature's inside, not a cycle.
 */
const nested = (a: string, b: string) => a.startsWith(b + '/') || b.startsWith(a + '/');
const isTest = (path: string) => /\.test\.tsx?$/.test(path) || path.startsWith('src/testing/');

function sourceFiles(dir: string, root: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path, root);
    return SOURCE.test(name) && !name.endsWith('.d.ts') ? [relative(root, path)] : [];
  });
}

/** The repository files a module imports by relative path (type-only imports included: they tie folders too). */
function relativeImports(root: string, file: string, known: Set<string>): string[] {
  const info = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
  const out: string[] = [];
  for (const ref of info.importedFiles) {
    const spec = ref.fileName.split('?')[0];
    if (!spec.startsWith('.')) continue;
    const base = relative(root, resolve(root, dirname(file), spec));
    const hit = ['', '.ts', '.tsx', '/index.ts', '/index.tsx'].map((s) => base + s).find((p) => known.has(p));
    if (hit) out.push(hit);
  }
  return out;
}

/** Every elementary cycle is not needed: one shortest cycle per strongly connected folder group says enough. */
function folderCycles(edges: Map<string, Set<string>>): string[][] {
  const cycles: string[][] = [];
  const reported = new Set<string>();
  for (const start of [...edges.keys()].sort()) {
    // breadth-first from start's successors back to start: the shortest cycle through start
    const previous = new Map<string, string>();
    const queue = [...(edges.get(start) ?? [])].sort();
    for (const n of queue) previous.set(n, start);
    while (queue.length) {
      const node = queue.shift()!;
      if (node === start) break;
      for (const next of [...(edges.get(node) ?? [])].sort()) {
        if (!previous.has(next)) {
          previous.set(next, node);
          queue.push(next);
        }
      }
    }
    if (!previous.has(start)) continue;
    const cycle = [start];
    for (let n = previous.get(start)!; n !== start; n = previous.get(n)!) cycle.unshift(n);
    cycle.unshift(start);
    const key = [...new Set(cycle)].sort().join(' ');
    if (!reported.has(key)) {
      reported.add(key);
      cycles.push(cycle);
    }
  }
  return cycles;
}

export function checkArchitecture(root: string): string[] {
  const files = sourceFiles(join(root, 'src'), root);
  const known = new Set(files);
  const findings: string[] = [];
  for (const file of files) {
    const lines = readFileSync(join(root, file), 'utf8').split('\n').length - 1;
    if (lines > MAX_LINES && !DATA_TABLES.has(file))
      findings.push(`${file}: ${lines} lines (at most ${MAX_LINES}; split it)`);
  }
  const edges = new Map<string, Set<string>>();
  const why = new Map<string, string>();
  for (const file of files.filter((f) => !isTest(f))) {
    const from = dirname(file);
    for (const target of relativeImports(root, file, known)) {
      const to = dirname(target);
      if (to === from || isTest(target) || nested(from, to)) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
      if (!why.has(`${from} ${to}`)) why.set(`${from} ${to}`, `${file} -> ${target}`);
    }
  }
  for (const cycle of folderCycles(edges)) {
    const steps = cycle.slice(1).map((to, i) => why.get(`${cycle[i]} ${to}`));
    findings.push(`folder cycle ${cycle.join(' -> ')}\n    ${steps.join('\n    ')}`);
  }
  return findings;
}

const isEntry = process.argv[1] && /check-architecture\.ts$/.test(process.argv[1]);
if (isEntry) {
  const root = resolve(process.argv[2] ?? '.');
  const findings = checkArchitecture(root);
  for (const f of findings) console.error(f);
  console.error(
    findings.length
      ? `check-architecture: ${findings.length} finding(s)`
      : 'check-architecture: no folder cycle, no module over 400 lines',
  );
  process.exit(findings.length ? 1 : 0);
}
