/**
 * Disjoint shares of a training split for simulated hospitals (issue 17): IID
 * (a seeded shuffle dealt round-robin) or non-IID by a Dirichlet(α) draw of each
 * class's proportions over hospitals (the usual label-skew benchmark; α = 0.5 is
 * strongly skewed). Seeded, so a split is reproducible; every index lands in
 * exactly one hospital. Also a seeded hold-out of each hospital's own share, for
 * choosing λ without pooling data.
 */
import { SeededRandom } from '../random/seededRandom';

export type SplitKind = { kind: 'iid' } | { kind: 'dirichlet'; alpha: number };

export function parseSplit(text: string): SplitKind {
  if (text === 'iid') return { kind: 'iid' };
  const m = /^dirichlet:(\d+(?:\.\d+)?)$/.exec(text);
  if (m && Number(m[1]) > 0) return { kind: 'dirichlet', alpha: Number(m[1]) };
  throw new Error(`--split must be iid or dirichlet:ALPHA (ALPHA > 0), got "${text}"`);
}

function shuffle<T>(items: T[], rng: SeededRandom): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** Gamma(shape, 1) by Marsaglia–Tsang (shape < 1 by the boost U^(1/shape)). */
function gamma(shape: number, rng: SeededRandom): number {
  if (shape < 1) return gamma(shape + 1, rng) * Math.pow(Math.max(rng.next(), 1e-300), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = rng.next();
    if (Math.log(Math.max(u, 1e-300)) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Indices of `labels` per hospital: disjoint, covering every index. */
export function splitHospitals(labels: number[], hospitals: number, split: SplitKind, seed: number): number[][] {
  if (!Number.isInteger(hospitals) || hospitals < 1) throw new Error('hospitals must be a whole number ≥ 1');
  const rng = new SeededRandom(seed);
  const out: number[][] = Array.from({ length: hospitals }, () => []);
  if (split.kind === 'iid') {
    shuffle(
      labels.map((_, i) => i),
      rng,
    ).forEach((index, k) => out[k % hospitals].push(index));
  } else {
    const classes = Math.max(...labels) + 1;
    for (let c = 0; c < classes; c++) {
      const members = shuffle(
        labels.flatMap((l, i) => (l === c ? [i] : [])),
        rng,
      );
      const draws = Array.from({ length: hospitals }, () => gamma(split.alpha, rng));
      const total = draws.reduce((a, b) => a + b, 0);
      let start = 0;
      let cumulative = 0;
      draws.forEach((g, h) => {
        cumulative += g / total;
        const end = h === hospitals - 1 ? members.length : Math.round(cumulative * members.length);
        out[h].push(...members.slice(start, end));
        start = end;
      });
    }
  }
  return out.map((s) => s.sort((a, b) => a - b));
}

/** A seeded hold-out of `fraction` of one hospital's own indices: { fit, holdOut }. */
export function localHoldOut(indices: number[], fraction: number, seed: number): { fit: number[]; holdOut: number[] } {
  const shuffled = shuffle([...indices], new SeededRandom(seed));
  const n = Math.round(indices.length * fraction);
  return { holdOut: shuffled.slice(0, n).sort((a, b) => a - b), fit: shuffled.slice(n).sort((a, b) => a - b) };
}
