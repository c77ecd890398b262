/**
 * Seeded mutation fuzzing for the decoder and package-reader tests (issue 19): the
 * mutations a damaged or hostile file shows (bit flips, bytes set, cuts, changed
 * length fields, bytes dropped), and the test a refusal message must pass to be
 * one a clinician can read.
 *
 * Must never: be imported by product code, or use an unseeded random source
 * (a failure must replay from its seed).
 */
import { SeededRandom } from '../lib/random/seededRandom';

/** One mutation of `seed`, chosen and placed by `rng`, and how it was made (to replay a failure). */
export function mutate(seed: Uint8Array, rng: SeededRandom): { bytes: Uint8Array; how: string } {
  const bytes = seed.slice();
  const at = rng.int(bytes.length);
  switch (rng.int(6)) {
    case 0: {
      const flips = 1 + rng.int(8);
      for (let k = 0; k < flips; k++) {
        const i = rng.int(bytes.length);
        bytes[i] ^= 1 << rng.int(8);
      }
      return { bytes, how: `${flips} bit flips` };
    }
    case 1:
      bytes[at] = [0, 0xff, 0x7f, 0x80, rng.int(256)][rng.int(5)];
      return { bytes, how: `byte ${at} set to ${bytes[at]}` };
    case 2:
      return { bytes: bytes.slice(0, at), how: `cut to ${at} bytes` };
    case 3: {
      // a length field (PNG chunks big-endian, DICOM and package little-endian): 4 bytes set to a small or huge value
      const value = [0, 1, 0xffff, 0x7fffffff, 0xffffffff, rng.int(1 << 16)][rng.int(6)];
      const view = new DataView(bytes.buffer);
      if (at + 4 <= bytes.length) view.setUint32(at, value, rng.int(2) === 0);
      return { bytes, how: `u32 at ${at} set to ${value}` };
    }
    case 4: {
      const n = 1 + rng.int(16);
      return {
        bytes: new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(at + n)]),
        how: `${n} bytes dropped at ${at}`,
      };
    }
    default: {
      const n = 1 + rng.int(64);
      for (let i = at; i < Math.min(bytes.length, at + n); i++) bytes[i] = rng.int(256);
      return { bytes, how: `${n} random bytes at ${at}` };
    }
  }
}

/** What JavaScript says when code meets data it did not expect: never part of a message for people. */
const INTERNALS =
  /undefined|\bnull\b|NaN|DataView|Offset is|outside the bounds|out of bounds|is not a function|is not iterable|Cannot (read|set) properties|properties of|TypeError|RangeError|Uint8Array|ArrayBuffer|Invalid typed array|\bat \S+ \(|\.js:\d+|\.ts:\d+|Maximum call stack|encoded data|valid for encoding|invalid (array )?length|\[object/i;

/** The internals a refusal message shows, or undefined when it reads as a sentence for a clinician. */
export function unreadable(message: string): string | undefined {
  if (!/^[A-Za-z]/.test(message)) return 'does not start with a word';
  if (message.length > 400) return 'is too long';
  const hit = INTERNALS.exec(message);
  return hit ? `shows "${hit[0]}"` : undefined;
}
