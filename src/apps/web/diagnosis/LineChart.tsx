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

const COLOURS = ['#1f77b4', '#2ca02c', '#ff7f0e', '#d62728', '#9467bd', '#17becf'];

export function LineChart({
  title,
  series,
  xLabel,
  yLabel,
  square,
  yRange,
  testId,
}: {
  title: string;
  series: Series[];
  xLabel: string;
  yLabel: string;
  square?: boolean;
  yRange?: [number, number];
  testId?: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    // follow the page's theme (CSS variables of styles.css)
    const css = getComputedStyle(canvas.current);
    const text = css.getPropertyValue('--text').trim() || '#222';
    const muted = css.getPropertyValue('--muted').trim() || '#666';
    const grid = css.getPropertyValue('--border').trim() || '#ccc';
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
        color: text,
        plugins: {
          title: { display: true, text: title, color: text },
          legend: { labels: { color: text, boxWidth: 12 } },
        },
        scales: {
          x: {
            type: 'linear',
            title: { display: true, text: xLabel, color: muted },
            ticks: { color: muted },
            grid: { color: grid },
          },
          y: {
            type: 'linear',
            min: yRange?.[0],
            max: yRange?.[1],
            title: { display: true, text: yLabel, color: muted },
            ticks: { color: muted },
            grid: { color: grid },
          },
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
