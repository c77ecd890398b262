/**
 * The pipeline worker: the heavy, blocking steps the UI thread must not run —
 * decoding (DICOM codecs are wasm), resizing to the model input, Argon2id key
 * derivation (64 MiB, about a second), leakage metrics, the attacks, the
 * AES-CBC/GCM comparison (JPEG 2000 twice) and making and opening AES packages
 * (JPEG 2000 of the stored samples: seconds for a large radiograph; a scan
 * shared through the hospital server is packed and opened under its own content
 * key, registered by handle like any key), and
 * reading an encrypted PNG (inflating a hostile file must not freeze the page). Reached
 * only through its bridge in the worker registry (appWorkers.ts).
 *
 * Keys are registered once by handle (registerKey) and calls name the handle
 * (docs/ARCHITECTURE.md, "Workers", "Trust boundaries"): the same CipherKey object
 * serves every call, so the caches keyed by it (package check keys) hit.
 *
 * Must never: log, store or post anywhere but back to the page what it is given,
 * or keep a key after `forgetKey`.
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
import {
  readEncryptedPng,
  type EncryptedPngRules,
  type ReadEncryptedPng,
} from '../../../lib/cipher/bpe/openEncryptedPng';
import { decodeImageFile } from '../../../lib/decode';
import { leakageMetrics, type LeakageMetrics } from '../../../lib/metrics';
import type { DecodedImage, DecodeOptions } from '../../../lib/decode/types';
import type { RgbImage } from '../../../lib/image/rgb';
import { encodeRgbPng } from '../../../lib/image/png';
import { toModelInput } from '../../../lib/image/resize';
import { deriveKeyFromPassphrase, type CipherKey, type KdfParams } from '../../../lib/keys/key';
import { importKeyFile } from '../../../lib/keys/keyFile';
import { KeyStore, type KeyHandle, type KeyHolderApi } from '../../../lib/keys/keyStore';
import { exposeWorkerApi } from './exposeApi';
import { viewerFrame, viewerFrameBuffers, type ViewerFrame, type ViewerFrameRequest } from './viewerFrames';

export type { ViewerFrame, ViewerFrameRequest } from './viewerFrames';

/** An opened package as the page gets it: one frame's display pixels and metadata, and the frames it holds. */
export type OpenedPackage = Omit<UnpackedPackage, 'raw'>;

export interface DecodeResult {
  /** the decoded file minus `raw` pixel data kept only here for the package */
  decoded: Omit<DecodedImage, 'raw'> & { raw?: DecodedImage['raw'] };
  /** S x S model input (padded, area-resized) */
  modelInput: RgbImage;
  ms: number;
}

/** A shared scan's frame as a PNG file, with what the page says about it. */
export interface SharedScanPng {
  png: Uint8Array;
  modality?: string;
  /** frames in the package (the PNG holds the one shown first) */
  packageFrames: number;
}

const keys = new KeyStore();

/** A key made here for the page: its bytes move to the page (transferred), no copy stays in this worker. */
function handOver(key: CipherKey): CipherKey {
  return Comlink.transfer(key, [key.master.buffer as ArrayBuffer]);
}

const api = {
  async registerKey(handle: KeyHandle, key: CipherKey): Promise<void> {
    keys.register(handle, key);
  },

  async forgetKey(handle: KeyHandle): Promise<void> {
    keys.forget(handle);
  },

  async heldKeys(): Promise<number> {
    return keys.size;
  },

  async decode(bytes: Uint8Array, name: string, options: DecodeOptions, modelSize: number): Promise<DecodeResult> {
    const t0 = performance.now();
    const decoded = await decodeImageFile(bytes, name, options);
    const modelInput = toModelInput(decoded.image, modelSize);
    const result: DecodeResult = { decoded, modelInput, ms: performance.now() - t0 };
    // Move the two pixel arrays this module made or owns whole; `raw` may be a view into a codec's
    // buffer (not ours to detach), so it is copied by structured clone instead.
    const transfer = [...new Set([decoded.image.data.buffer, modelInput.data.buffer])].filter(
      (b): b is ArrayBuffer => b instanceof ArrayBuffer && b !== decoded.raw?.data.buffer,
    );
    return Comlink.transfer(result, transfer);
  },

  async deriveKey(passphrase: string, kdf?: KdfParams): Promise<CipherKey> {
    return handOver(await deriveKeyFromPassphrase(passphrase, kdf));
  },

  async importKey(text: string, passphrase?: string): Promise<CipherKey> {
    return handOver(await importKeyFile(text, passphrase));
  },

  /** leakage metrics of each candidate against the original */
  async score(original: RgbImage, candidates: RgbImage[]): Promise<LeakageMetrics[]> {
    return candidates.map((c) => leakageMetrics(original, c));
  },

  async attack(kind: AttackKind, input: AttackInput): Promise<AttackResult> {
    const result = runAttack(kind, input);
    return Comlink.transfer(result, [result.image.data.buffer as ArrayBuffer]);
  },

  async aesBitFlip(decoded: DecodedImage, key: KeyHandle): Promise<BitFlipDemonstration> {
    return demonstrateBitFlip(decoded, keys.get(key));
  },

  /**
   * The AES-256-GCM package of a loaded file, decoded with the grey levels chosen: every frame, the
   * chosen one shown first ('all-frames'), or the chosen frame alone
   */
  async pack(
    bytes: Uint8Array,
    name: string,
    options: DecodeOptions,
    key: KeyHandle,
    which: 'all-frames' | 'chosen-frame',
  ): Promise<PackedFile> {
    const packed = await packFile(bytes, name, options, keys.get(key), which);
    return Comlink.transfer(packed, [packed.pkg.buffer as ArrayBuffer]);
  },

  /**
   * Reads an encrypted PNG by the one set of rules (openEncryptedPng.ts): sizes from the IHDR first,
   * scheme, key check, geometry. Decryption itself is BPE, on the page's engine.
   */
  async readEncryptedPng(bytes: Uint8Array, keyCheck: string, rules: EncryptedPngRules): Promise<ReadEncryptedPng> {
    // the key's public check value is all the header check needs: no key handle here
    const read = readEncryptedPng(bytes, keyCheck, rules);
    return Comlink.transfer(read, [read.image.data.buffer as ArrayBuffer]);
  },

  /**
   * Opens a package whole or refuses it (WrongKeyError / PackageRefusedError keep their names); decodes
   * one frame (the one to show first, or the one at `position`) and returns its display pixels, not its
   * raw samples, which the page does not use
   */
  async unpack(pkg: Uint8Array, key: KeyHandle, position?: number): Promise<OpenedPackage> {
    const { raw: _raw, ...opened } = await unpackImage(pkg, keys.get(key), { position });
    return Comlink.transfer(opened, [opened.image.data.buffer as ArrayBuffer]);
  },

  /**
   * A package shared through the server, opened whole (or refused, as `unpack`) under its content key, and its
   * frame to show first handed back as a lossless PNG of the display pixels: the page loads that like a file
   * the user picked, so viewing and diagnosis work on it as on any loaded scan. Encoding a large radiograph's
   * PNG takes a while: here, not on the page.
   */
  async unpackAsPng(pkg: Uint8Array, key: KeyHandle): Promise<SharedScanPng> {
    const opened = await unpackImage(pkg, keys.get(key));
    const png = encodeRgbPng(opened.image);
    const result: SharedScanPng = {
      png,
      modality: opened.metadata.source.modality,
      packageFrames: opened.frameNumbers.length,
    };
    return Comlink.transfer(result, [png.buffer as ArrayBuffer]);
  },

  /** One frame for the original viewer (viewerFrames.ts): null asks the page to send the file again. */
  async viewerFrame(request: ViewerFrameRequest): Promise<ViewerFrame | null> {
    const shown = await viewerFrame(request);
    return shown && Comlink.transfer(shown, viewerFrameBuffers(shown));
  },
} satisfies KeyHolderApi & Record<string, unknown>;

export type PipelineWorkerApi = typeof api;

exposeWorkerApi(api);
