/**
 * Reading the committed evaluation results for the report view: each model's
 * model-card.json (served with the model, models/<name>/) and the JSON reports
 * under docs/reports/ (bundled at build time with import.meta.glob, each a lazy
 * chunk loaded only when the view opens). What can be drawn is found by
 * reportShapes.ts.
 * Must never: fetch from another origin.
 */
import type { ModelEntry } from '../../../lib/diagnosis/registry';
import {
  findReports,
  isObject,
  type FoundHistory,
  type FoundPlot,
  type FoundReport,
  type FoundTable,
  type Json,
} from './reportShapes';

export type { FoundHistory, FoundPlot, FoundReport, FoundTable };

export interface ReportSource {
  name: string;
  /** a card or report file failed to load: shown, not hidden */
  error?: string;
  reports: FoundReport[];
  histories: FoundHistory[];
  tables: FoundTable[];
  /** coverage–accuracy curves and reliability diagrams (selective-diagnosis reports) */
  plots: FoundPlot[];
  /** a few top-level facts (training minutes, parameters, weights bytes) when present */
  facts: Array<[string, string]>;
}

function cardFacts(card: Json): Array<[string, string]> {
  if (!isObject(card)) return [];
  const facts: Array<[string, string]> = [];
  if (typeof card.parameters === 'number') facts.push(['parameters', card.parameters.toLocaleString('en')]);
  const files = card.files;
  if (isObject(files) && typeof files.weightsBytes === 'number')
    facts.push(['weights', `${(files.weightsBytes / 1e6).toFixed(2)} MB (${String(files.dtype ?? '')})`]);
  const training = card.training;
  if (isObject(training)) {
    // one figure per fact: a stage that started from other models says both, as its README does
    if (typeof training.seconds === 'number')
      facts.push([
        'training time',
        typeof training.secondsIncludingSource === 'number'
          ? `${(training.seconds / 60).toFixed(1)} min this stage, ${(training.secondsIncludingSource / 60).toFixed(1)} min including the models it started from`
          : `${(training.seconds / 60).toFixed(1)} min on this machine`,
      ]);
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
    if (typeof v === 'number')
      return [[k, k === 'chance' ? `${(v * 100).toFixed(1)} %` : String(v)] as [string, string]];
    return [];
  });
}

export async function loadModelCards(models: ModelEntry[]): Promise<ReportSource[]> {
  return Promise.all(
    // an ensemble has no model-card.json of its own (its README and the CV report say why it ships)
    models
      .filter((m) => m.architecture !== 'ensemble')
      .map(async (m): Promise<ReportSource> => {
        try {
          const res = await fetch(m.url + 'model-card.json');
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          const card = (await res.json()) as Json;
          return { name: `${m.name} (model card)`, ...findReports(card, m.name), facts: cardFacts(card) };
        } catch (err) {
          return {
            name: `${m.name} (model card)`,
            error: `no model card: ${(err as Error).message}`,
            reports: [],
            histories: [],
            tables: [],
            plots: [],
            facts: [],
          };
        }
      }),
  );
}

// Bundled at build time; each file becomes a lazy chunk loaded when the report view opens.
const REPORT_FILES = import.meta.glob('../../../../docs/reports/**/*.json', { import: 'default' });

export async function loadCommittedReports(): Promise<ReportSource[]> {
  const entries = Object.entries(REPORT_FILES).sort(([a], [b]) => a.localeCompare(b));
  return Promise.all(
    entries.map(async ([path, load]): Promise<ReportSource> => {
      const name = path.replace(/^.*docs\/reports\//, 'docs/reports/');
      try {
        const json = await load();
        return {
          name,
          ...findReports(json, name.replace(/^docs\/reports\//, '').replace(/\.json$/, '')),
          facts: reportFacts(json),
        };
      } catch (err) {
        return { name, error: (err as Error).message, reports: [], histories: [], tables: [], plots: [], facts: [] };
      }
    }),
  );
}
