/**
 * Inflating with a ceiling: every deflate stream a hostile file can hold (PNG
 * image data and colour profiles, a package's display table) goes through here,
 * with the most bytes its header or metadata allows. A deflate stream can grow
 * about 1000-fold, so a 261 KB file can ask for 256 MiB; this stops at the
 * ceiling instead, after at most one small step past it.
 *
 * fflate's streaming inflater produces everything a pushed piece holds in one go,
 * so the input is pushed in small pieces and the count checked after each:
 * a piece of STEP bytes can grow to at most about 1032 × STEP.
 *
 * Must never: allocate more than the ceiling plus one step, or hand back a
 * stream that ended early or grew past its ceiling.
 */
import { Inflate, Unzlib } from 'fflate';

/** Compressed bytes pushed at a time: at most about 4 MiB of output each. */
const STEP = 4096;

/** The stream inflates to more than `limit` bytes; `reached` is how far it got before being stopped. */
export class InflateLimitError extends Error {
  constructor(
    readonly limit: number,
    readonly reached: number,
  ) {
    super(`compressed data inflates past its limit of ${limit} bytes`);
    this.name = 'InflateLimitError';
  }
}

/** The stream is not valid deflate data, or ends before its last block. */
export class InflateDamagedError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('compressed data is damaged or ends early', options);
    this.name = 'InflateDamagedError';
  }
}

export interface BoundedInflateOptions {
  /** the most bytes the stream may inflate to */
  limit: number;
  /** 'zlib' (PNG: two-byte header and Adler-32) or 'raw' (fflate's deflateSync) */
  format: 'zlib' | 'raw';
  /** keep the output (false: only count it, holding no more than one step in memory) */
  keep: boolean;
}

/**
 * Inflates the concatenation of `pieces` (PNG image data comes in several
 * chunks), refusing past `limit`. Returns the number of bytes it inflates to,
 * and the bytes when `keep` is set.
 */
export function boundedInflate(
  pieces: Uint8Array | Uint8Array[],
  options: BoundedInflateOptions,
): { length: number; bytes?: Uint8Array } {
  const { limit, keep } = options;
  const parts: Uint8Array[] = [];
  let length = 0;
  const ondata = (chunk: Uint8Array) => {
    length += chunk.length;
    if (length > limit) throw new InflateLimitError(limit, length);
    if (keep) parts.push(chunk);
  };
  const inflater = options.format === 'zlib' ? new Unzlib(ondata) : new Inflate(ondata);
  try {
    for (const piece of Array.isArray(pieces) ? pieces : [pieces])
      for (let at = 0; at < piece.length; at += STEP) inflater.push(piece.subarray(at, at + STEP), false);
    inflater.push(new Uint8Array(0), true);
  } catch (err) {
    if (err instanceof InflateLimitError) throw err;
    throw new InflateDamagedError({ cause: err });
  }
  if (!keep) return { length };
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return { length, bytes };
}
