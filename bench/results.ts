/** The shape of one benchmark row, shared by the Node and browser halves of bench/run.ts. */
export interface BenchRow {
  suite: string;
  /** what was measured, e.g. "fused kernel (whole-image table)" */
  name: string;
  /** where it ran */
  runtime: 'node' | 'browser';
  /** "CPU" or the WebGPU adapter label */
  device: string;
  images: number;
  imageBytes: number;
  iterations: number;
  /** best round (see bench/variants.ts) */
  msPerBatch: number;
  msPerBatchMedian: number;
  rounds: number;
  /** from the best round */
  imagesPerSecond: number;
  /** image bytes produced per second (10^6 bytes) */
  megabytesPerSecond: number;
  /** the output was checked against the TypeScript reference before timing */
  verified: boolean | null;
  note?: string;
}

export function row(
  fields: Omit<BenchRow, 'imagesPerSecond' | 'megabytesPerSecond' | 'msPerBatchMedian' | 'rounds'> &
    Partial<Pick<BenchRow, 'msPerBatchMedian' | 'rounds'>>,
): BenchRow {
  const seconds = fields.msPerBatch / 1000;
  return {
    ...fields,
    msPerBatchMedian: fields.msPerBatchMedian ?? fields.msPerBatch,
    rounds: fields.rounds ?? 1,
    imagesPerSecond: fields.images / seconds,
    megabytesPerSecond: (fields.images * fields.imageBytes) / 1e6 / seconds,
  };
}
