/**
 * The pipeline worker: the heavy, blocking steps the UI thread must not run —
 * decoding (DICOM codecs are wasm), resizing to the model input, Argon2id key
 * derivation (64 MiB, about a second), leakage metrics, the attacks, the
 * AES-CBC/GCM comparison (JPEG 2000 twice) and making and opening AES packages
 * (JPEG 2000 of the stored samples: seconds for a large radiograph), and
 * reading an encrypted PNG (inflating a hostile file must not freeze the page). Reached
 * only through bridge.ts.
 *
 * Must never: log, store or post anywhere but back to the page what it is given.
 */
import * as Comlink from 'comlink';
import { runAttack, type AttackInput, type AttackKind, type AttackResult } from '../../../lib/attacks';
import {
  demonstrateBitFlip,
  packFile,
  unpackImage,
  type BitFlipDemonstration,
  type PackedFile,
  type UnpackedPackage,
} from '../../../lib/cipher/package';
import { decodeEncryptedPng, type EncryptedImageHeader } from '../../../lib/cipher/bpe/encryptedPng';
import { decodeImageFile } from '../../../lib/decode';
import { leakageMetrics, type LeakageMetrics } from '../../../lib/metrics';
import type { DecodedImage, DecodeOptions } from '../../../lib/decode/types';
import type { RgbImage } from '../../../lib/image/rgb';
import { toModelInput } from '../../../lib/image/resize';
import { deriveKeyFromPassphrase, type CipherKey, type KdfParams } from '../../../lib/keys/key';
import { importKeyFile } from '../../../lib/keys/keyFile';

/** An opened package as the page gets it: one frame's display pixels and metadata, and the frames it holds. */
export type OpenedPackage = Omit<UnpackedPackage, 'raw'>;

export interface DecodeResult {
  /** the decoded file minus `raw` pixel data kept only here for the package */
  decoded: Omit<DecodedImage, 'raw'> & { raw?: DecodedImage['raw'] };
  /** S x S model input (padded, area-resized) */
  modelInput: RgbImage;
  ms: number;
}

/** Errors cross the worker boundary as plain objects; keep the name so the page can tell a DecodeError. */
function rethrowPlain(err: unknown): never {
  const e = err instanceof Error ? err : new Error(String(err));
  const plain = new Error(e.message);
  plain.name = e.name;
  throw plain;
}

const api = {
  async decode(bytes: Uint8Array, name: string, options: DecodeOptions, modelSize: number): Promise<DecodeResult> {
    const t0 = performance.now();
    try {
      const decoded = await decodeImageFile(bytes, name, options);
      const modelInput = toModelInput(decoded.image, modelSize);
      const result: DecodeResult = { decoded, modelInput, ms: performance.now() - t0 };
      // Move the two pixel arrays this module made or owns whole; `raw` may be a view into a codec's
      // buffer (not ours to detach), so it is copied by structured clone instead.
      const transfer = [...new Set([decoded.image.data.buffer, modelInput.data.buffer])].filter(
        (b): b is ArrayBuffer => b instanceof ArrayBuffer && b !== decoded.raw?.data.buffer,
      );
      return Comlink.transfer(result, transfer);
    } catch (err) {
      rethrowPlain(err);
    }
  },

  async deriveKey(passphrase: string, kdf?: KdfParams): Promise<CipherKey> {
    try {
      return await deriveKeyFromPassphrase(passphrase, kdf);
    } catch (err) {
      rethrowPlain(err);
    }
  },

  async importKey(text: string, passphrase?: string): Promise<CipherKey> {
    try {
      return await importKeyFile(text, passphrase);
    } catch (err) {
      rethrowPlain(err);
    }
  },

  /** leakage metrics of each candidate against the original */
  async score(original: RgbImage, candidates: RgbImage[]): Promise<LeakageMetrics[]> {
    try {
      return candidates.map((c) => leakageMetrics(original, c));
    } catch (err) {
      rethrowPlain(err);
    }
  },

  async attack(kind: AttackKind, input: AttackInput): Promise<AttackResult> {
    try {
      const result = runAttack(kind, input);
      return Comlink.transfer(result, [result.image.data.buffer as ArrayBuffer]);
    } catch (err) {
      rethrowPlain(err);
    }
  },

  async aesBitFlip(decoded: DecodedImage, key: CipherKey): Promise<BitFlipDemonstration> {
    try {
      return await demonstrateBitFlip(decoded, key);
    } catch (err) {
      rethrowPlain(err);
    }
  },

  /**
   * The AES-256-GCM package of a loaded file, decoded with the grey levels chosen: every frame, the
   * chosen one shown first ('all-frames'), or the chosen frame alone
   */
  async pack(
    bytes: Uint8Array,
    name: string,
    options: DecodeOptions,
    key: CipherKey,
    which: 'all-frames' | 'chosen-frame',
  ): Promise<PackedFile> {
    try {
      const packed = await packFile(bytes, name, options, key, which);
      return Comlink.transfer(packed, [packed.pkg.buffer as ArrayBuffer]);
    } catch (err) {
      rethrowPlain(err);
    }
  },

  /** decodes an encrypted PNG and checks its header against the key (decryption itself is BPE, on the page's engine) */
  async readEncryptedPng(
    bytes: Uint8Array,
    keyCheck: string,
  ): Promise<{ image: RgbImage; header?: EncryptedImageHeader }> {
    try {
      // the key's public check value is all the header check needs: the key itself stays on the page
      const read = decodeEncryptedPng(bytes, { check: keyCheck });
      return Comlink.transfer(read, [read.image.data.buffer as ArrayBuffer]);
    } catch (err) {
      rethrowPlain(err);
    }
  },

  /**
   * Opens a package whole or refuses it (WrongKeyError / PackageRefusedError keep their names); decodes
   * one frame (the one to show first, or the one at `position`) and returns its display pixels, not its
   * raw samples, which the page does not use
   */
  async unpack(pkg: Uint8Array, key: CipherKey, position?: number): Promise<OpenedPackage> {
    try {
      const { raw: _raw, ...opened } = await unpackImage(pkg, key, { position });
      return Comlink.transfer(opened, [opened.image.data.buffer as ArrayBuffer]);
    } catch (err) {
      rethrowPlain(err);
    }
  },
};

export type PipelineWorkerApi = typeof api;

Comlink.expose(api);
