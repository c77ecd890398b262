/**
 * Hostile SEAL bytes never reach the SEAL instance that holds the sessions' heads.
 *
 * node-seal is C++ compiled to wasm, and its loaders are not hardened against
 * crafted input: measured here (node-seal 6.0.3), a truncated ciphertext aborts
 * the module (and later calls may then fail: "null function or function signature
 * mismatch"), and a stream that fails to decompress leaks about a megabyte of the
 * wasm heap each time. So every ciphertext and every Galois key set from the wire
 * is (1) checked in JS against SEAL's serialization header (magic, header size,
 * version 4.x, compression, declared size = byte length) and then (2) loaded in a
 * separate, disposable SEAL instance, checked for the CKKS parameters, and saved
 * again, uncompressed, by SEAL itself. Only those re-saved bytes go on to the
 * evaluating instance. Any failure drops the disposable instance (a fresh one is
 * made on the next call, about 40 ms), so an abort or a leak dies with it.
 *
 * Must never: pass bytes that SEAL did not write itself to the evaluating instance.
 */
import type { Seal } from '../../../lib/cipher/ckks';
import { CKKS_PARAMETERS, createCkksContext, SCALE } from '../../../lib/cipher/ckks';
import type { CkksContext } from '../../../lib/cipher/ckks/params';

/** Bytes refused: malformed, for other parameters, or not what the session expects. */
export class HeInputError extends Error {
  override name = 'HeInputError';
}

/** SEAL's SEALHeader: u16 magic 0xA15E, u8 header size 16, u8 major, u8 minor, u8 compression, u16 reserved, u64 size. */
const SEAL_MAGIC = 0xa15e;
const SEAL_HEADER_BYTES = 16;
const COMPRESSION = { none: 0, zlib: 1, zstd: 2 } as const;

export function checkSealHeader(bytes: Uint8Array, what: string): void {
  if (bytes.length < SEAL_HEADER_BYTES + 1) throw new HeInputError(`${what}: too short to be SEAL data`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ok =
    view.getUint16(0, true) === SEAL_MAGIC &&
    bytes[2] === SEAL_HEADER_BYTES &&
    bytes[3] === 4 &&
    (bytes[5] === COMPRESSION.none || bytes[5] === COMPRESSION.zstd) &&
    view.getUint16(6, true) === 0 &&
    view.getBigUint64(8, true) === BigInt(bytes.length);
  if (!ok) throw new HeInputError(`${what}: not SEAL 4 data of the length sent (none or zstd compression)`);
}

/** Makes a SEAL library instance; each call a new one (node-seal's factory), so one can be thrown away. */
export type SealFactory = () => Promise<Seal>;

/** SEAL's Galois element of a left rotation by `step` slots (GaloisTool::get_elt_from_step): 3^step mod 2N. */
export function galoisElement(step: number): number {
  const m = 2 * CKKS_PARAMETERS.polyModulusDegree;
  let elt = 1;
  for (let i = 0; i < step; i++) elt = (elt * 3) % m;
  return elt;
}

export class Quarantine {
  private current: Promise<CkksContext> | undefined;

  constructor(private readonly makeSeal: SealFactory) {}

  /** A ciphertext from the wire -> the same ciphertext as SEAL writes it, checked to be a fresh CKKS encryption. */
  async ciphertext(bytes: Uint8Array): Promise<Uint8Array> {
    checkSealHeader(bytes, 'ciphertext');
    return this.reload('ciphertext', (ctx) => {
      const ct = ctx.seal.CipherText();
      try {
        ct.loadArray(ctx.context, bytes);
        if (ct.size !== 2 || ct.coeffModulusSize !== CKKS_PARAMETERS.coeffModulusBits.length - 1 || ct.scale !== SCALE)
          throw new HeInputError('ciphertext: not a fresh encryption of features under the CKKS parameters');
        return ct.saveArray(ctx.seal.ComprModeType.none);
      } finally {
        ct.delete();
      }
    });
  }

  /**
   * Galois keys from the wire -> the same keys as SEAL writes them; exactly one key per rotation step the head
   * needs (galoisSteps), so a session holds no more than its evaluation uses and no rotation lacks its key.
   */
  async galoisKeys(bytes: Uint8Array, steps: readonly number[]): Promise<Uint8Array> {
    checkSealHeader(bytes, 'Galois keys');
    return this.reload('Galois keys', (ctx) => {
      const keys = ctx.seal.GaloisKeys();
      try {
        keys.loadArray(ctx.context, bytes);
        if (keys.size !== steps.length || !steps.every((step) => keys.hasKey(galoisElement(step))))
          throw new HeInputError(`Galois keys: expected exactly the keys of rotation steps ${steps.join(', ')}`);
        return keys.saveArray(ctx.seal.ComprModeType.none);
      } finally {
        keys.delete();
      }
    });
  }

  private async reload(what: string, work: (ctx: CkksContext) => Uint8Array): Promise<Uint8Array> {
    this.current ??= this.makeSeal().then(createCkksContext);
    const ctx = await this.current;
    try {
      return work(ctx);
    } catch (err) {
      // whatever SEAL did on the way (abort, leak), this instance is not used again
      this.current = undefined;
      try {
        ctx.dispose();
      } catch {
        // an aborted module may refuse even this; it is unreferenced from now on
      }
      if (err instanceof HeInputError) throw err;
      throw new HeInputError(`${what}: SEAL refused the bytes for the CKKS parameters`);
    }
  }

  dispose(): void {
    const current = this.current;
    this.current = undefined;
    void current?.then((ctx) => ctx.dispose()).catch(() => undefined);
  }
}
