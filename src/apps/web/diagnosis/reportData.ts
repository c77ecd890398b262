/**
 * Reading the committed evaluation results for the report view: each model's
 * model-card.json (served with the model, models/<name>/) and the JSON reports
 * under docs/reports/ (bundled at build time with import.meta.glob, each a lazy
 * chunk loaded only when the view opens). What can be drawn is found by
 * reportShapes.ts. A model trained on all labelled data gets its cross-validation
 * figure as its accuracy and no Testing block, from its card or any report (inSample.ts).
 * Must never: fetch from another origin.
 */
import type { ModelEntry } from '../../../lib/diagnosis/registry';
import { isObject } from '../../../lib/json/isObject';
import {
  findReports,
  type FoundHistory,
  type FoundPlot,
  type FoundReport,
  type FoundTable,
  type Json,
} from './reportShapes';
import {
  cardAccuracyClaim,
  inSampleInReport,
  isTestingTitle,
  withhold,
  withheldSentence,
  type AccuracyClaim,
} from './inSample';

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
  /** a model card's accuracy line (its cross-validation figure; for an all-labelled model, its only one) */
  claim?: AccuracyClaim;
  /** why Testing blocks of an all-labelled model were not drawn */
  withheld?: string;
}

/** The models of these cards that trained on all labelled data (no held-out Testing split). */
export function allLabelledModels(cards: ReportSource[]): Set<string> {
  return new Set(cards.flatMap((c) => (c.claim?.allLabelled ? [c.name.replace(/ \(model card\)$/, '')] : [])));
}

/** A model card as the view draws it: its accuracy line, and for an all-labelled model no Testing block. */
export function cardSource(modelName: string, card: Json): ReportSource {
  const claim = cardAccuracyClaim(card);
  const found = findReports(card, modelName);
  const { withheld, ...kept } = claim?.allLabelled ? withhold(found, isTestingTitle) : { ...found, withheld: [] };
  return {
    name: `${modelName} (model card)`,
    ...kept,
    facts: cardFacts(card),
    claim,
    ...(withheld.length ? { withheld: withheldSentence(withheld.length, [modelName]) } : {}),
  };
}

/** A committed report as the view draws it: without the Testing blocks of an all-labelled model. */
export function reportSource(name: string, json: Json, allLabelled: ReadonlySet<string>): ReportSource {
  const found = findReports(json, name.replace(/^docs\/reports\//, '').replace(/\.json$/, ''));
  const { withheld, ...kept } = withhold(found, inSampleInReport(json, allLabelled));
  const about = [...allLabelled].filter(
    (m) => withheld.some((t) => t.includes(m)) || (isObject(json) && json.model === m),
  );
  return {
    name,
    ...kept,
    facts: reportFacts(json),
    ...(withheld.length ? { withheld: withheldSentence(withheld.length, about) } : {}),
  };
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
  if (isObject(data) && data.allLabelled === true && typeof data.train === 'string')
    facts.push(['trained on', `all labelled data: ${data.train}`]);
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
          return cardSource(m.name, (await res.json()) as Json);
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

/** `allLabelled`: models trained on all labelled data, whose Testing blocks are not drawn. */
export async function loadCommittedReports(allLabelled: ReadonlySet<string> = new Set()): Promise<ReportSource[]> {
  const entries = Object.entries(REPORT_FILES).sort(([a], [b]) => a.localeCompare(b));
  return Promise.all(
    entries.map(async ([path, load]): Promise<ReportSource> => {
      const name = path.replace(/^.*docs\/reports\//, 'docs/reports/');
      try {
        return reportSource(name, (await load()) as Json, allLabelled);
      } catch (err) {
        return { name, error: (err as Error).message, reports: [], histories: [], tables: [], plots: [], facts: [] };
      }
    }),
  );
}
