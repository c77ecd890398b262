/**
 * The four leakage scores of a view against the original, with what "more leak" means. In presenter
 * mode each also says what it means in one line and whether its value is good or bad for privacy,
 * in words as well as colour (presenter/metricMeanings.ts; shown by presenter/presenter.css).
 */
import type { LeakageMetrics } from '../state/results';
import { METRIC_MEANINGS, VERDICT_TEXT } from '../presenter/metricMeanings';

function fmt(name: keyof LeakageMetrics, v: number): string {
  if (name === 'psnr') return Number.isFinite(v) ? `${v.toFixed(2)} dB` : '∞ (identical)';
  if (name === 'phashDistance') return `${v} / 64`;
  return v.toFixed(3);
}

const ROWS: Array<[keyof LeakageMetrics, string, string]> = [
  ['ssim', 'SSIM', 'structure kept (1 = same)'],
  ['psnr', 'PSNR', 'higher = closer'],
  ['nmi', 'NMI', 'information shared (1 = same)'],
  ['phashDistance', 'pHash distance', 'lower = looks alike'],
];

export function MetricsList({ metrics, testId }: { metrics: LeakageMetrics; testId?: string }) {
  return (
    <dl className="metrics" data-testid={testId}>
      {ROWS.map(([name, label, meaning]) => {
        const verdict = METRIC_MEANINGS[name].verdict(metrics[name]);
        return (
          <div key={name} className="metric" title={meaning} data-verdict={verdict}>
            <dt>{label}</dt>
            <dd data-metric={name}>{fmt(name, metrics[name])}</dd>
            <dd className="presenter-only metric-verdict" data-testid="metric-verdict">
              {VERDICT_TEXT[verdict]}
            </dd>
            <dd className="presenter-only metric-meaning" data-testid="metric-meaning">
              {METRIC_MEANINGS[name].meaning}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
