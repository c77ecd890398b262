/**
 * Interleaved measurement of several implementations: every variant is verified
 * once, then timed in R rounds, round-robin, and reported by its best round
 * (and median). On a shared, loaded machine (the dev box has 2 cores and several
 * engineers) interleaving keeps one burst of load from landing on one row only.
 */
import type { Measurement } from './timing';
import { type BenchRow, row } from './results';

export interface Variant {
  name: string;
  runtime: BenchRow['runtime'];
  device: string;
  /** true when the output equals the reference; null when there is nothing to check */
  verify(): Promise<boolean | null>;
  measure(): Promise<Measurement>;
  note?: string;
}

export async function measureVariants(
  all: Variant[],
  rounds: number,
  base: { suite: string; images: number; imageBytes: number },
  only?: string,
): Promise<BenchRow[]> {
  const variants = only ? all.filter((v) => v.name.toLowerCase().includes(only.toLowerCase())) : all;
  const verified: (boolean | null)[] = [];
  for (const v of variants) verified.push(await v.verify());
  const runs: Measurement[][] = variants.map(() => []);
  for (let r = 0; r < rounds; r++) for (const [k, v] of variants.entries()) runs[k].push(await v.measure());
  return variants.map((v, k) => {
    const sorted = [...runs[k]].sort((a, b) => a.msPerIteration - b.msPerIteration);
    const best = sorted[0];
    const median = sorted[Math.floor(sorted.length / 2)];
    return row({
      ...base,
      name: v.name,
      runtime: v.runtime,
      device: v.device,
      iterations: runs[k].reduce((s, m) => s + m.iterations, 0),
      msPerBatch: best.msPerIteration,
      msPerBatchMedian: median.msPerIteration,
      rounds,
      verified: verified[k],
      note: v.note,
    });
  });
}
