import { describe, expect, it } from 'vitest';
import { BundleError, decodeBundle, encodeBundle } from './bundle';

const record = 'eyJhbGciOiJFUzI1NiJ9.eyJ4IjoxfQ.c2ln';
const wrappedKey = 'aGVhZA.a2V5.aXY.Y2lwaGVy.dGFn';
const pkg = new Uint8Array([0x43, 0x53, 0x50, 0x4b, 1, 2, 3, 4, 5]);

function problem(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(BundleError);
    return (err as BundleError).problem;
  }
  throw new Error('expected a BundleError');
}

/** Offsets of the three u32 length fields in `encodeBundle({record, wrappedKey, pkg})`. */
const lengthAt = [5, 5 + 4 + record.length, 5 + 4 + record.length + 4 + wrappedKey.length];

describe('bundle', () => {
  it('round-trips, with the layout of the contract', () => {
    const bytes = encodeBundle({ record, wrappedKey, pkg });
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('CSUB');
    expect(bytes[4]).toBe(1);
    const view = new DataView(bytes.buffer);
    expect(lengthAt.map((at) => view.getUint32(at, true))).toEqual([record.length, wrappedKey.length, pkg.length]);
    expect(bytes.length).toBe(5 + 12 + record.length + wrappedKey.length + pkg.length);
    const back = decodeBundle(bytes);
    expect(back.record).toBe(record);
    expect(back.wrappedKey).toBe(wrappedKey);
    expect(back.pkg).toEqual(pkg);
  });

  it('refuses wrong magic and version, truncation at every length, and trailing bytes', () => {
    const bytes = encodeBundle({ record, wrappedKey, pkg });
    const magic = bytes.slice();
    magic[0] = 0x58;
    expect(problem(() => decodeBundle(magic))).toBe('not-a-bundle');
    const version = bytes.slice();
    version[4] = 2;
    expect(problem(() => decodeBundle(version))).toBe('unsupported-version');
    for (let n = 0; n < bytes.length; n++) expect(problem(() => decodeBundle(bytes.subarray(0, n)))).toBe('truncated');
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(problem(() => decodeBundle(longer))).toBe('trailing-bytes');
  });

  it('refuses tampered lengths', () => {
    const bytes = encodeBundle({ record, wrappedKey, pkg });
    for (const at of lengthAt)
      for (const delta of [-1, 1]) {
        const tampered = bytes.slice();
        const view = new DataView(tampered.buffer);
        view.setUint32(at, view.getUint32(at, true) + delta, true);
        expect(() => decodeBundle(tampered)).toThrow(BundleError);
      }
  });

  it('refuses sections over their limits before reading them', () => {
    const bytes = encodeBundle({ record, wrappedKey, pkg });
    const limits = [16 * 1024 + 1, 4 * 1024 + 1, 64 * 1024 * 1024 + 1];
    for (const [i, at] of lengthAt.entries()) {
      const tampered = bytes.slice();
      new DataView(tampered.buffer).setUint32(at, limits[i], true);
      const err = (() => {
        try {
          decodeBundle(tampered);
        } catch (e) {
          return e as BundleError;
        }
      })();
      expect(err?.problem).toBe('too-large');
      expect(err?.status).toBe(413);
    }
    expect(problem(() => decodeBundle(bytes, { maxPackageBytes: pkg.length - 1 }))).toBe('too-large');
    expect(decodeBundle(bytes, { maxPackageBytes: pkg.length }).pkg.length).toBe(pkg.length);
    expect(problem(() => encodeBundle({ record: 'a'.repeat(16 * 1024 + 1), wrappedKey, pkg }))).toBe('too-large');
    expect(problem(() => encodeBundle({ record, wrappedKey: 'a'.repeat(4 * 1024 + 1), pkg }))).toBe('too-large');
  });

  it('refuses sections that are not compact JOSE text', () => {
    for (const bad of ['{"alg":"none"}', 'ünïcode', '']) {
      expect(problem(() => decodeBundle(encodeBundleUnchecked(bad, wrappedKey)))).toBe('malformed');
      expect(problem(() => decodeBundle(encodeBundleUnchecked(record, bad)))).toBe('malformed');
    }
  });
});

/** Like encodeBundle but without its checks, to build hostile input. */
function encodeBundleUnchecked(rec: string, jwe: string): Uint8Array {
  const parts = [new TextEncoder().encode(rec), new TextEncoder().encode(jwe), pkg];
  const out = new Uint8Array(5 + 12 + parts.reduce((n, p) => n + p.length, 0));
  out.set([0x43, 0x53, 0x55, 0x42, 1]);
  const view = new DataView(out.buffer);
  let at = 5;
  for (const p of parts) {
    view.setUint32(at, p.length, true);
    out.set(p, at + 4);
    at += 4 + p.length;
  }
  return out;
}
