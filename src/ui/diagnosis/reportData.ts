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

/** Every classification report and training history in a JSON tree. */
export function findReports(root: Json, label: string): { reports: FoundReport[]; histories: FoundHistory[] } {
  const reports: FoundReport[] = [];
  const histories: FoundHistory[] = [];
  const walk = (v: Json, path: string[], depth: number) => {
    if (depth > 8) return;
    if (Array.isArray(v)) {
      if (v.length && v.every((e) => isObject(e) && typeof e.epoch === 'number')) {
        histories.push({ title: [label, ...path].join(' › '), epochs: v as EpochPoint[] });
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
      });
    }
    for (const [k, child] of Object.entries(v)) if (k !== 'confusion' && k !== 'roc' && k !== 'perClass') walk(child, [...path, k], depth + 1);
  };
  walk(root, [], 0);
  return { reports, histories };
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

export async function loadModelCards(models: ModelEntry[]): Promise<ReportSource[]> {
  return Promise.all(
    models.map(async (m): Promise<ReportSource> => {
      try {
        const res = await fetch(m.url + 'model-card.json');
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const card = (await res.json()) as Json;
        return { name: `${m.name} (model card)`, ...findReports(card, m.name), facts: cardFacts(card) };
      } catch (err) {
        return { name: `${m.name} (model card)`, error: `no model card: ${(err as Error).message}`, reports: [], histories: [], facts: [] };
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
        return { name, ...findReports(json, name.replace(/^docs\/reports\//, '').replace(/\.json$/, '')), facts: [] };
      } catch (err) {
        return { name, error: (err as Error).message, reports: [], histories: [], facts: [] };
      }
    }),
  );
}
