/**
 * Reading the committed evaluation results for the report view: each model's
 * model-card.json (served with the model, models/<name>/) and the JSON reports
 * under docs/reports/ (bundled at build time with import.meta.glob, loaded only
 * when the view opens). Report layouts may grow, so we look for the shapes we
 * can draw — a classification report (accuracy + confusion matrix, optional
 * per-class metrics and ROC points) and a training history — wherever they sit
 * in the JSON, and label each by its path.
 * Must never: fetch from another origin, or invent a figure that is not in a file.
 */
import type { ModelEntry } from '../../diagnosis/registry';

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

export interface ReportSource {
  name: string;
  /** a card or report file failed to load: shown, not hidden */
  error?: string;
  reports: FoundReport[];
  histories: FoundHistory[];
  tables: FoundTable[];
  /** a few top-level facts (training minutes, parameters, weights bytes) when present */
  facts: Array<[string, string]>;
}

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumberArray = (v: Json): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');

function rocOf(v: Json, classes: string[]): RocCurve[] {
  if (Array.isArray(v)) {
    return v.flatMap((c, i) => (isObject(c) && isNumberArray(c.fpr) && isNumberArray(c.tpr) ? [{ className: typeof c.className === 'string' ? c.className : (classes[i] ?? `class ${i}`), fpr: c.fpr, tpr: c.tpr }] : []));
  }
  if (isObject(v)) {
    return Object.entries(v).flatMap(([name, c]) => (isObject(c) && isNumberArray(c.fpr) && isNumberArray(c.tpr) ? [{ className: name, fpr: c.fpr, tpr: c.tpr }] : []));
  }
  return [];
}

const REPORT_KEYS = new Set(['n', 'accuracy', 'macroF1', 'macroAuc', 'perClass', 'confusion', 'classes', 'roc', 'rocCurves']);

function flatCell(v: Json): string | number | undefined {
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (isObject(v)) return Object.entries(v).filter(([, x]) => typeof x === 'number' || typeof x === 'string').map(([k, x]) => `${k} ${x}`).join(', ');
  return undefined;
}

/** Every classification report, training history and table of accuracy rows in a JSON tree. */
export function findReports(root: Json, label: string): { reports: FoundReport[]; histories: FoundHistory[]; tables: FoundTable[] } {
  const reports: FoundReport[] = [];
  const histories: FoundHistory[] = [];
  const tables: FoundTable[] = [];
  const walk = (v: Json, path: string[], depth: number) => {
    if (depth > 8) return;
    if (Array.isArray(v)) {
      if (v.length && v.every((e) => isObject(e) && typeof e.epoch === 'number')) {
        histories.push({ title: [label, ...path].join(' › '), epochs: v as EpochPoint[] });
        return;
      }
      if (v.length && v.every((e) => isObject(e) && typeof e.accuracy === 'number' && !Array.isArray(e.confusion))) {
        const rows = (v as Array<Record<string, Json>>).map((e) => Object.fromEntries(Object.entries(e).flatMap(([k, x]) => { const c = flatCell(x); return c === undefined ? [] : [[k, c]]; })));
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
        extras: Object.entries(v).filter((e): e is [string, number] => typeof e[1] === 'number' && !REPORT_KEYS.has(e[0])),
      });
    }
    for (const [k, child] of Object.entries(v)) if (k !== 'confusion' && k !== 'roc' && k !== 'perClass') walk(child, [...path, k], depth + 1);
  };
  walk(root, [], 0);
  return { reports, histories, tables };
}

function cardFacts(card: Json): Array<[string, string]> {
  if (!isObject(card)) return [];
  const facts: Array<[string, string]> = [];
  if (typeof card.parameters === 'number') facts.push(['parameters', card.parameters.toLocaleString('en')]);
  const files = card.files;
  if (isObject(files) && typeof files.weightsBytes === 'number') facts.push(['weights', `${(files.weightsBytes / 1e6).toFixed(2)} MB (${String(files.dtype ?? '')})`]);
  const training = card.training;
  if (isObject(training)) {
    if (typeof training.seconds === 'number') facts.push(['training time', `${(training.seconds / 60).toFixed(1)} min on this machine`]);
    if (typeof training.epochs === 'number') facts.push(['epochs', String(training.epochs)]);
  }
  const data = card.data;
  if (isObject(data) && typeof data.caveat === 'string') facts.push(['caveat', data.caveat]);
  return facts;
}

/** Top-level facts of an evaluation report (data, n, backend, chance level). */
function reportFacts(report: Json): Array<[string, string]> {
  if (!isObject(report)) return [];
  return (['data', 'n', 'backend', 'chance'] as const).flatMap((k) => {
    const v = report[k];
    if (typeof v === 'string') return [[k, v] as [string, string]];
    if (typeof v === 'number') return [[k, k === 'chance' ? `${(v * 100).toFixed(1)} %` : String(v)] as [string, string]];
    return [];
  });
}

export async function loadModelCards(models: ModelEntry[]): Promise<ReportSource[]> {
  return Promise.all(
    models.map(async (m): Promise<ReportSource> => {
      try {
        const res = await fetch(m.url + 'model-card.json');
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const card = (await res.json()) as Json;
        return { name: `${m.name} (model card)`, ...findReports(card, m.name), facts: cardFacts(card) };
      } catch (err) {
        return { name: `${m.name} (model card)`, error: `no model card: ${(err as Error).message}`, reports: [], histories: [], tables: [], facts: [] };
      }
    }),
  );
}

// Bundled at build time; each file becomes a lazy chunk loaded when the report view opens.
const REPORT_FILES = import.meta.glob('../../../docs/reports/**/*.json', { import: 'default' });

export async function loadCommittedReports(): Promise<ReportSource[]> {
  const entries = Object.entries(REPORT_FILES).sort(([a], [b]) => a.localeCompare(b));
  return Promise.all(
    entries.map(async ([path, load]): Promise<ReportSource> => {
      const name = path.replace(/^.*docs\/reports\//, 'docs/reports/');
      try {
        const json = await load();
        return { name, ...findReports(json, name.replace(/^docs\/reports\//, '').replace(/\.json$/, '')), facts: reportFacts(json) };
      } catch (err) {
        return { name, error: (err as Error).message, reports: [], histories: [], tables: [], facts: [] };
      }
    }),
  );
}
