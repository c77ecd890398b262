/**
 * The shapes the report view can draw, found wherever they sit in a committed
 * JSON file (model card or eval report): a classification report (accuracy +
 * confusion matrix, optional per-class metrics, ROC points and other figures), a
 * training history, tables of accuracy rows (attacks, poisoning), and the
 * selective-diagnosis plots (coverage–accuracy curves, reliability diagrams).
 * Each is labelled by its path in the file. Pure: no I/O, runs in Node for tests.
 * Must never: invent a figure that is not in the file.
 */
import { isObject } from '../../../lib/json/isObject';

export interface ClassMetricsLike {
  className: string;
  precision: number;
  recall: number;
  f1: number;
  auc?: number;
  support?: number;
}

export interface RocCurve {
  className: string;
  fpr: number[];
  tpr: number[];
}

export interface FoundReport {
  /** where it was found: "vit-brain-mri card › test › plain" */
  title: string;
  n?: number;
  accuracy: number;
  macroF1?: number;
  macroAuc?: number;
  perClass: ClassMetricsLike[];
  confusion: number[][];
  classes: string[];
  roc: RocCurve[];
  /** other numbers the report carries (latency, agreement, largest logit difference, adaptation time) */
  extras: Array<[string, number]>;
}

/** A list of rows with an accuracy each but no confusion matrix (test-time attacks, poisoning runs). */
export interface FoundTable {
  title: string;
  columns: string[];
  rows: Array<Record<string, string | number>>;
}

export interface EpochPoint {
  epoch: number;
  trainLoss?: number;
  valLoss?: number;
  trainAccuracy?: number;
  valAccuracy?: number;
}

export interface FoundHistory {
  title: string;
  epochs: EpochPoint[];
}

/**
 * A curve to draw: the coverage–accuracy curve of selective diagnosis (`curve`:
 * rows of coverage + accuracy) or a reliability diagram (`reliability`: rows of
 * confidence + accuracy), both as selectiveStudy.ts writes them.
 */
export interface FoundPlot {
  title: string;
  kind: 'coverage' | 'reliability';
  x: number[];
  y: number[];
}

export type Json = unknown;
const isNumberArray = (v: Json): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');

function rocOf(v: Json, classes: string[]): RocCurve[] {
  if (Array.isArray(v)) {
    return v.flatMap((c, i) =>
      isObject(c) && isNumberArray(c.fpr) && isNumberArray(c.tpr)
        ? [
            {
              className: typeof c.className === 'string' ? c.className : (classes[i] ?? `class ${i}`),
              fpr: c.fpr,
              tpr: c.tpr,
            },
          ]
        : [],
    );
  }
  if (isObject(v)) {
    return Object.entries(v).flatMap(([name, c]) =>
      isObject(c) && isNumberArray(c.fpr) && isNumberArray(c.tpr) ? [{ className: name, fpr: c.fpr, tpr: c.tpr }] : [],
    );
  }
  return [];
}

const REPORT_KEYS = new Set([
  'n',
  'accuracy',
  'macroF1',
  'macroAuc',
  'perClass',
  'confusion',
  'classes',
  'roc',
  'rocCurves',
]);

function flatCell(v: Json): string | number | undefined {
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (isObject(v))
    return Object.entries(v)
      .filter(([, x]) => typeof x === 'number' || typeof x === 'string')
      .map(([k, x]) => `${k} ${x}`)
      .join(', ');
  return undefined;
}

/** Every classification report, training history and table of accuracy rows in a JSON tree. */
export function findReports(
  root: Json,
  label: string,
): { reports: FoundReport[]; histories: FoundHistory[]; tables: FoundTable[]; plots: FoundPlot[] } {
  const reports: FoundReport[] = [];
  const histories: FoundHistory[] = [];
  const tables: FoundTable[] = [];
  const plots: FoundPlot[] = [];
  const rowsWith = (v: Json, x: string): v is Array<Record<string, number>> =>
    Array.isArray(v) &&
    v.length > 0 &&
    v.every((e) => isObject(e) && typeof e[x] === 'number' && typeof e.accuracy === 'number');
  const plotOf = (kind: FoundPlot['kind'], x: string, rows: Array<Record<string, number>>, path: string[]) =>
    plots.push({ title: [label, ...path].join(' › '), kind, x: rows.map((r) => r[x]), y: rows.map((r) => r.accuracy) });
  const walk = (v: Json, path: string[], depth: number) => {
    if (depth > 8) return;
    if (Array.isArray(v)) {
      if (v.length && v.every((e) => isObject(e) && typeof e.epoch === 'number')) {
        histories.push({ title: [label, ...path].join(' › '), epochs: v as EpochPoint[] });
        return;
      }
      // reconstruction attacks (docs/reports/inversion.json): one row per attack, the means of its scores
      if (v.length && v.every((e) => isObject(e) && typeof e.kind === 'string' && isObject(e.reconstruction))) {
        const mean = (x: Json) =>
          isObject(x) && typeof x.mean === 'number' ? x.mean : x === null ? 'identical' : undefined;
        const rows = (v as Array<Record<string, Json>>).map((e) => {
          const r = e.reconstruction as Record<string, Json>;
          const m = isObject(e.meanImage) ? e.meanImage : {};
          const row: Record<string, string | number> = { attack: e.kind as string };
          for (const k of ['psnr', 'ssim', 'nmi']) {
            const got = mean(r[k]);
            if (got !== undefined) row[k.toUpperCase()] = got;
            const base = mean(m[k]);
            if (base !== undefined) row[`mean image ${k.toUpperCase()}`] = base;
          }
          if (typeof e.images === 'number') row.images = e.images;
          return row;
        });
        tables.push({
          title: [label, ...path].join(' › '),
          columns: [...new Set(rows.flatMap((r) => Object.keys(r)))],
          rows,
        });
        return;
      }
      if (v.length && v.every((e) => isObject(e) && typeof e.accuracy === 'number' && !Array.isArray(e.confusion))) {
        const rows = (v as Array<Record<string, Json>>).map((e) =>
          Object.fromEntries(
            Object.entries(e).flatMap(([k, x]) => {
              const c = flatCell(x);
              return c === undefined ? [] : [[k, c]];
            }),
          ),
        );
        const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
        tables.push({ title: [label, ...path].join(' › '), columns, rows });
        return;
      }
      v.forEach((e, i) => isObject(e) && walk(e, [...path, String(e.name ?? e.mode ?? e.title ?? i)], depth + 1));
      return;
    }
    if (!isObject(v)) return;
    if (typeof v.accuracy === 'number' && Array.isArray(v.confusion) && v.confusion.every(isNumberArray)) {
      const perClass = Array.isArray(v.perClass) ? (v.perClass.filter(isObject) as unknown as ClassMetricsLike[]) : [];
      const classes = Array.isArray(v.classes) ? (v.classes as string[]) : perClass.map((p) => p.className);
      reports.push({
        title: [label, ...path].join(' › '),
        n: typeof v.n === 'number' ? v.n : undefined,
        accuracy: v.accuracy,
        macroF1: typeof v.macroF1 === 'number' ? v.macroF1 : undefined,
        macroAuc: typeof v.macroAuc === 'number' ? v.macroAuc : undefined,
        perClass,
        confusion: v.confusion as number[][],
        classes: classes.length ? classes : (v.confusion as number[][]).map((_, i) => `class ${i}`),
        roc: rocOf(v.roc ?? v.rocCurves, classes),
        extras: Object.entries(v).filter(
          (e): e is [string, number] => typeof e[1] === 'number' && !REPORT_KEYS.has(e[0]),
        ),
      });
    }
    const drawn = new Set<string>();
    if (rowsWith(v.curve, 'coverage')) {
      plotOf('coverage', 'coverage', v.curve, path);
      drawn.add('curve');
    }
    if (rowsWith(v.reliability, 'confidence')) {
      plotOf('reliability', 'confidence', v.reliability, path);
      drawn.add('reliability');
    }
    for (const [k, child] of Object.entries(v))
      if (k !== 'confusion' && k !== 'roc' && k !== 'perClass' && !drawn.has(k)) walk(child, [...path, k], depth + 1);
  };
  walk(root, [], 0);
  return { reports, histories, tables, plots };
}

/**
 * A table cell as text: accuracies and agreements (the column says so) as
 * percentages, their spreads and changes in percentage points, other numbers
 * as they are (4 decimals).
 */
export function formatCell(column: string, v: string | number | undefined): string {
  if (v === undefined) return '–';
  if (typeof v === 'string') return v;
  if (/PSNR/.test(column)) return `${v.toFixed(2)} dB`;
  if (/accuracy|agreement/i.test(column))
    return /sd$|change|halfwidth/i.test(column) ? `${(v * 100).toFixed(2)} pt` : `${(v * 100).toFixed(2)} %`;
  return Number.isInteger(v) ? String(v) : v.toFixed(4);
}
