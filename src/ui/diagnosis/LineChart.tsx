/**
 * A small chart.js line chart (training curves, ROC curves). Only the chart.js
 * parts we use are registered, so the bundle stays small; the chart is destroyed
 * with the component. Axes are numeric on both sides.
 */
import { useEffect, useRef } from 'react';
import { Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, Title } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip, Title);

export interface Series {
  label: string;
  x: number[];
  y: number[];
  dashed?: boolean;
}

const COLOURS = ['#5fb3ff', '#57d18f', '#ffcc66', '#ff7a7a', '#c39bff', '#7fe0e0'];

export function LineChart({ title, series, xLabel, yLabel, square, yRange, testId }: { title: string; series: Series[]; xLabel: string; yLabel: string; square?: boolean; yRange?: [number, number]; testId?: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'line',
      data: {
        datasets: series.map((s, i) => ({
          label: s.label,
          data: s.x.map((x, k) => ({ x, y: s.y[k] })),
          borderColor: COLOURS[i % COLOURS.length],
          backgroundColor: COLOURS[i % COLOURS.length],
          borderDash: s.dashed ? [5, 4] : undefined,
          pointRadius: 0,
          borderWidth: 1.5,
        })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: true,
        aspectRatio: square ? 1 : 1.8,
        color: '#e6eef5',
        plugins: { title: { display: true, text: title, color: '#e6eef5' }, legend: { labels: { color: '#e6eef5', boxWidth: 12 } } },
        scales: {
          x: { type: 'linear', title: { display: true, text: xLabel, color: '#9db0c0' }, ticks: { color: '#9db0c0' }, grid: { color: '#2a3f51' } },
          y: { type: 'linear', min: yRange?.[0], max: yRange?.[1], title: { display: true, text: yLabel, color: '#9db0c0' }, ticks: { color: '#9db0c0' }, grid: { color: '#2a3f51' } },
        },
      },
    });
    return () => chart.destroy();
  }, [title, series, xLabel, yLabel, square, yRange]);
  return (
    <figure className="chart" data-testid={testId}>
      <canvas ref={canvas} role="img" aria-label={title} />
    </figure>
  );
}
