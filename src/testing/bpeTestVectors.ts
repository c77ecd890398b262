/**
 * Published `bpe-v1` test vectors (also in docs/bpe-v1-test-vectors.json):
 * key bytes + a deterministic test image -> SHA-256 of the encrypted bytes.
 * Any implementation (CPU, WebGPU, Node, a future server) must reproduce them.
 */
import vectors from '../../docs/bpe-v1-test-vectors.json';

export interface BpeTestVector {
  name: string;
  /** 32-byte master key, hex */
  keyHex: string;
  imageSize: number;
  blockSize: number;
  /** SHA-256 of testImage(imageSize) */
  plainSha256: string;
  /** SHA-256 of the encrypted test image */
  encryptedSha256: string;
}

/** A deterministic, structured image (gradients + rings), so a wrong permutation is visible. */
export function testImage(size: number): Uint8Array {
  const out = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 3;
      const r = Math.hypot(x - size / 2, y - size / 2);
      out[i] = ((x * 255) / Math.max(1, size - 1)) | 0;
      out[i + 1] = ((y * 255) / Math.max(1, size - 1)) | 0;
      out[i + 2] = (128 + 127 * Math.cos(r / 4)) | 0;
    }
  return out;
}

export const BPE_TEST_VECTORS: BpeTestVector[] = vectors;
