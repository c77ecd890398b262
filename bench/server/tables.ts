/** The server benchmark's own tables (run.ts's table is per image; these are per upload and per call). */
import type { MicroResult } from './micro';
import type { LoadRow } from './suite';

function table(header: string[], body: string[][], right: (column: number) => boolean): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (right(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
}

export function formatLoadTable(loads: LoadRow[]): string[] {
  const bare = (c: number) => loads.find((l) => l.target === 'bare' && l.connections === c);
  return table(
    ['row', 'conc.', 'requests', 'uploads/s', 'p50 ms', 'p99 ms', 'errors', 'vs bare'],
    loads.map((l) => {
      const ceiling = bare(l.connections);
      return [
        l.label,
        String(l.connections),
        String(l.requests),
        l.perSecond.toFixed(1),
        l.p50Ms.toFixed(1),
        l.p99Ms.toFixed(1),
        String(l.errors),
        ceiling && l.target !== 'bare' ? (l.perSecond / ceiling.perSecond).toFixed(3) : '-',
      ];
    }),
    (i) => i >= 1,
  );
}

export function formatMicroTable(micro: MicroResult[]): string[] {
  return table(
    ['micro-row (one call after another, in the bench process)', 'calls', 'µs/call', 'note'],
    micro.map((m) => [m.name, String(m.calls), m.usPerCall.toFixed(1), m.note ?? '']),
    (i) => i === 1 || i === 2,
  ).map((l) => l.trimEnd());
}
