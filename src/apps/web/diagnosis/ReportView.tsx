/**
 * The committed evaluation, drawn: per model card and per report file, the
 * metrics tables, confusion matrices, ROC curves and training curves. Reads only
 * what is committed (model cards beside the weights, docs/reports/*.json).
 */
import { useEffect, useMemo, useState, type CSSProperties } from 'react';
import type { ModelEntry } from '../../../lib/diagnosis/registry';
import { classLabel } from '../../../lib/models/classNames';
import { LineChart, type Series } from './LineChart';
import {
  allLabelledModels,
  loadCommittedReports,
  loadModelCards,
  type FoundHistory,
  type FoundPlot,
  type FoundReport,
  type FoundTable,
  type ReportSource,
} from './reportData';
import { formatCell } from './reportShapes';
import { blockTitle, figureLabel, sourceTitle } from './reportTitles';

const pct = (v: number | undefined) => (v === undefined ? '–' : `${(v * 100).toFixed(2)} %`);
const num = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(4));

function ConfusionMatrix({ report }: { report: FoundReport }) {
  const max = Math.max(1, ...report.confusion.flat());
  return (
    <table className="confusion" data-testid="confusion-matrix">
      <caption>Confusion matrix (rows: true class, columns: predicted)</caption>
      <thead>
        <tr>
          <th />
          {report.classes.map((c) => (
            <th key={c} scope="col">
              {classLabel(c)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {report.confusion.map((row, i) => (
          <tr key={i}>
            <th scope="row">{classLabel(report.classes[i])}</th>
            {row.map((v, j) => (
              <td
                key={j}
                className={i === j ? 'hit' : 'miss'}
                // the shade's strength; its colour and ceiling come from the theme (diagnosis.css), so the number stays legible
                style={{ '--share': v / max } as CSSProperties}
              >
                {v}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ReportBlock({ report }: { report: FoundReport }) {
  const roc = useMemo<Series[]>(
    () => [
      ...report.roc.map((r) => ({ label: classLabel(r.className), x: r.fpr, y: r.tpr })),
      { label: 'chance', x: [0, 1], y: [0, 1], dashed: true },
    ],
    [report],
  );
  return (
    <div className="report-block" data-testid="report-block">
      <h4>{blockTitle(report.title)}</h4>
      <p className="report-summary">
        n {report.n ?? '–'} · accuracy <strong>{pct(report.accuracy)}</strong> · macro-F1 {num(report.macroF1)} · macro
        AUC {num(report.macroAuc)}
        <span className="report-extras">
          {report.extras
            .map(
              ([k, v]) =>
                ` · ${figureLabel(k)} ${Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(1) : Number.isInteger(v) ? v : v.toFixed(k.endsWith('Ms') || k.startsWith('ms') ? 1 : 4)}`,
            )
            .join('')}
        </span>
      </p>
      <div className="report-row">
        {report.perClass.length > 0 && (
          <table className="per-class">
            <thead>
              <tr>
                <th>class</th>
                <th>precision</th>
                <th>recall</th>
                <th>F1</th>
                <th>AUC</th>
                <th>n</th>
              </tr>
            </thead>
            <tbody>
              {report.perClass.map((p) => (
                <tr key={p.className}>
                  <td>{classLabel(p.className)}</td>
                  <td>{num(p.precision)}</td>
                  <td>{num(p.recall)}</td>
                  <td>{num(p.f1)}</td>
                  <td>{num(p.auc)}</td>
                  <td>{p.support ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <ConfusionMatrix report={report} />
        {report.roc.length > 0 && (
          <div className="chart-box chart-square">
            <LineChart
              title="ROC (one vs rest)"
              series={roc}
              xLabel="false positive rate"
              yLabel="true positive rate"
              square
              yRange={[0, 1]}
              testId="roc-chart"
            />
          </div>
        )}
      </div>
    </div>
  );
}

/**
 * Selective diagnosis, drawn large: every coverage–accuracy curve of a file in one
 * chart (how accuracy rises as uncertain scans go to a person) and every
 * reliability diagram in another (on the diagonal = calibrated).
 */
function PlotsBlock({ plots }: { plots: FoundPlot[] }) {
  const series = (kind: FoundPlot['kind']): Series[] =>
    plots
      .filter((p) => p.kind === kind)
      .map((p) => ({ label: blockTitle(p.title).split(' › ').slice(-2).join(' · '), x: p.x, y: p.y }));
  const coverage = series('coverage');
  const reliability = series('reliability');
  return (
    <div className="report-block report-plots">
      {coverage.length > 0 && (
        <div className="chart-box chart-large">
          <LineChart
            title="Accuracy of the answers against the share answered (the rest: refer for review)"
            series={coverage}
            xLabel="share of scans answered"
            yLabel="accuracy of the answers"
            testId="coverage-chart"
          />
        </div>
      )}
      {reliability.length > 0 && (
        <div className="chart-box chart-square chart-large">
          <LineChart
            title="Reliability: how often the model is right at each confidence (diagonal = calibrated)"
            series={[...reliability, { label: 'calibrated', x: [0, 1], y: [0, 1], dashed: true }]}
            xLabel="confidence (calibrated top probability)"
            yLabel="share right"
            square
            yRange={[0, 1]}
            testId="reliability-chart"
          />
        </div>
      )}
    </div>
  );
}

function TableBlock({ table }: { table: FoundTable }) {
  return (
    <div className="report-block" data-testid="report-table">
      <h4>{blockTitle(table.title)}</h4>
      <table className="per-class">
        <thead>
          <tr>
            {table.columns.map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((r, i) => (
            <tr key={i}>
              {table.columns.map((c) => (
                <td key={c}>{formatCell(c, r[c])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function HistoryBlock({ history }: { history: FoundHistory }) {
  const [loss, accuracy] = useMemo(() => {
    const x = history.epochs.map((e) => e.epoch);
    const pick = (k: keyof FoundHistory['epochs'][number], label: string): Series[] =>
      history.epochs.every((e) => typeof e[k] === 'number')
        ? [{ label, x, y: history.epochs.map((e) => e[k] as number) }]
        : [];
    return [
      [...pick('trainLoss', 'training loss'), ...pick('valLoss', 'validation loss')],
      [...pick('trainAccuracy', 'training accuracy'), ...pick('valAccuracy', 'validation accuracy')],
    ];
  }, [history]);
  return (
    <div className="report-row" data-testid="training-curves">
      {loss.length > 0 && (
        <div className="chart-box">
          <LineChart title={`Loss — ${blockTitle(history.title)}`} series={loss} xLabel="epoch" yLabel="loss" />
        </div>
      )}
      {accuracy.length > 0 && (
        <div className="chart-box">
          <LineChart
            title={`Accuracy — ${blockTitle(history.title)}`}
            series={accuracy}
            xLabel="epoch"
            yLabel="accuracy"
            yRange={[0, 1]}
          />
        </div>
      )}
    </div>
  );
}

export function ReportView({ models }: { models: ModelEntry[] }) {
  const [sources, setSources] = useState<ReportSource[] | null>(null);
  useEffect(() => {
    let live = true;
    // the cards first: a model trained on all labelled data has no Testing block in any report either
    loadModelCards(models)
      .then(async (cards) => [...cards, ...(await loadCommittedReports(allLabelledModels(cards)))])
      .then((all) => live && setSources(all));
    return () => {
      live = false;
    };
  }, [models]);
  if (!sources) return <p className="hint">Reading the committed reports…</p>;
  if (sources.length === 0)
    return (
      <p className="hint" data-testid="no-reports">
        No committed evaluation reports yet (no trained model in models/, nothing in docs/reports/).
      </p>
    );
  return (
    <div className="report-view" data-testid="report-view">
      {sources.map((s, i) => (
        <ReportSourceView key={s.name} source={s} open={i === 0} />
      ))}
    </div>
  );
}

/** One card or report file: its accuracy line, facts and blocks (Testing ones of an all-labelled model left out). */
export function ReportSourceView({ source: s, open }: { source: ReportSource; open?: boolean }) {
  return (
    <details className="report-source" open={open || undefined}>
      <summary>
        <h3>{sourceTitle(s.name)}</h3> <span className="hint report-file">{s.name}</span>
      </summary>
      {s.error && <p className="hint">{s.error}</p>}
      {s.claim && (
        <p
          className="report-summary accuracy-claim"
          data-testid="accuracy-claim"
          data-all-labelled={s.claim.allLabelled || undefined}
        >
          {s.claim.text}
        </p>
      )}
      {s.withheld && (
        <p className="hint" data-testid="testing-withheld">
          {s.withheld}
        </p>
      )}
      {s.facts.length > 0 && (
        <dl className="facts">
          {s.facts.map(([k, v]) => (
            <div key={k} style={{ display: 'contents' }}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      )}
      {s.histories.map((h) => (
        <HistoryBlock key={h.title} history={h} />
      ))}
      {s.reports.map((r) => (
        <ReportBlock key={r.title} report={r} />
      ))}
      {s.plots.length > 0 && <PlotsBlock plots={s.plots} />}
      {s.tables.map((t) => (
        <TableBlock key={t.title} table={t} />
      ))}
      {!s.error &&
        s.reports.length === 0 &&
        s.histories.length === 0 &&
        s.tables.length === 0 &&
        s.plots.length === 0 && <p className="hint">Nothing to draw in this file.</p>}
    </details>
  );
}
