/** The four leakage scores of a view against the original, with what "more leak" means. */
import type { LeakageMetrics } from '../state/results';

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
      {ROWS.map(([name, label, meaning]) => (
        <div key={name} className="metric" title={meaning}>
          <dt>{label}</dt>
          <dd data-metric={name}>{fmt(name, metrics[name])}</dd>
        </div>
      ))}
    </dl>
  );
}
