/** Settings shared by the Node and browser halves of the BPE benchmark (no browser-only imports here). */
export interface BpeBenchConfig {
  imageSize: number;
  blockSize: number;
  batch: number;
  /** minimum measured time per row and round, ms */
  minMs: number;
  /** interleaved rounds; each row reports its best (bench/variants.ts) */
  rounds: number;
  /** only rows whose name contains this text (case-insensitive), e.g. "pixel" */
  only?: string;
}

/** A fixed, public benchmark key: the benchmark encrypts synthetic images only. */
export const BENCH_KEY_BYTES = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);
