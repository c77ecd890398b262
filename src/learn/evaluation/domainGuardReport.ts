/**
 * The out-of-domain guard's figures (issue 18): share of in-domain images
 * accepted, share of out-of-domain images refused, each with its 95 % Wilson
 * interval, and their markdown rows for docs/measurements.md and model cards.
 * Pure: the CLI (`cipherscan guard --report`) gathers the images and verdicts.
 */

export interface Rate {
  /** images that went the right way (accepted when in-domain, refused when not) */
  k: number;
  n: number;
  rate: number;
  /** 95 % Wilson interval */
  low: number;
  high: number;
}

export interface GuardSetResult {
  name: string;
  /** true: the right answer is "accept" */
  inDomain: boolean;
  rate: Rate;
  /** files that could not be decoded (not scored) */
  failedToDecode?: number;
}

/** Wilson score interval for k successes of n, z = 1.96. */
export function wilson(k: number, n: number, z = 1.96): Rate {
  if (n === 0) return { k, n, rate: NaN, low: NaN, high: NaN };
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { k, n, rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Rate of right answers for one set, from its verdicts. */
export function guardSet(
  name: string,
  inDomain: boolean,
  verdicts: boolean[],
  failedToDecode?: number,
): GuardSetResult {
  const k = verdicts.filter((v) => v === inDomain).length;
  return { name, inDomain, rate: wilson(k, verdicts.length), ...(failedToDecode ? { failedToDecode } : {}) };
}

const pct = (v: number) => (v * 100).toFixed(1);

export function guardRows(model: string, sets: GuardSetResult[]): string[] {
  return sets.map(
    (s) =>
      `| ${model} | ${s.name} | ${s.inDomain ? 'accepted' : 'refused'} | ${s.rate.k}/${s.rate.n} = ${pct(s.rate.rate)} % ` +
      `[${pct(s.rate.low)}, ${pct(s.rate.high)}] |${s.failedToDecode ? ` ${s.failedToDecode} failed to decode` : ''}`,
  );
}

export const GUARD_TABLE_HEAD = [
  '| model | images | should be | right (95 % Wilson interval) | note |',
  '|---|---|---|---|---|',
];
