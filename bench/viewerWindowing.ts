/**
 * Node-only measurement script (never imported by src/): how long the original
 * viewer takes to window one frame (lib/viewing renderWindowed), the work done on
 * every drag step, for frame sizes from a small CT to a large radiograph.
 *   npx tsx bench/viewerWindowing.ts
 * Prints a Markdown table; each time is the median of 9 runs after 3 warm-ups.
 */
import { renderWindowed } from '../src/lib/viewing/windowLevel';

const SIDES = [512, 2048, 4096];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

console.log('| frame | ms per window change |');
console.log('|---|---|');
for (const side of SIDES) {
  const n = side * side;
  const values = new Float32Array(n);
  // a spread of CT-like values (HU), deterministic
  for (let i = 0; i < n; i++) values[i] = ((i * 2654435761) % 4096) - 1024;
  const frame = { width: side, height: side, values, min: -1024, max: 3071, invert: false };
  const out = new Uint8ClampedArray(n * 4);
  for (let k = 0; k < 3; k++) renderWindowed(frame, { center: 40, width: 400 }, out);
  const times: number[] = [];
  for (let k = 0; k < 9; k++) {
    const t0 = performance.now();
    renderWindowed(frame, { center: 40 + k, width: 400 + k }, out);
    times.push(performance.now() - t0);
  }
  console.log(`| ${side} × ${side} | ${median(times).toFixed(1)} |`);
}
