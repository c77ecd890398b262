/**
 * Issue 19: an authentic package made by someone else may hold a bomb. Declared sizes are
 * checked before anything is inflated or decoded, and every inflate and decode is capped.
 */
import { Deflate } from 'fflate';
import { describe, expect, it } from 'vitest';
import { generateKey } from '../../keys/key';
import { packImage, PackageRefusedError, unpackImage } from './index';
import { encodeLossless, readCodestreamSize } from './jpeg2000';
import { packWithMetadata, packWithPayload } from '../../../testing/craftedPackage';
import { syntheticDicom } from '../../../testing/packageImages';

/** Raw deflate of `bytes` zeros (as fflate's deflateSync writes the display table), about 1000:1. */
function zeroBomb(bytes: number): Uint8Array {
  const out: Uint8Array[] = [];
  const d = new Deflate({ level: 1 }, (chunk) => out.push(chunk));
  const zeros = new Uint8Array(1 << 20);
  for (let done = 0; done < bytes; done += zeros.length) d.push(zeros, done + zeros.length >= bytes);
  const all = new Uint8Array(out.reduce((s, c) => s + c.length, 0));
  out.reduce((at, c) => (all.set(c, at), at + c.length), 0);
  return all;
}

const gray = () => syntheticDicom({ width: 5, height: 4, bits: 16, signed: true });
type Meta = Record<string, Record<string, unknown>>;

async function refusal(pkg: Promise<Uint8Array>, key: Awaited<ReturnType<typeof generateKey>>): Promise<string> {
  const err = await unpackImage(await pkg, key).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PackageRefusedError);
  expect((err as PackageRefusedError).reason).toBe('unreadable');
  return (err as Error).message;
}

describe('bombs inside an authentic package', () => {
  it('refuses a display table that inflates past the length its metadata declares', async () => {
    const key = await generateKey();
    expect((await unpackImage(await packImage(gray(), key), key)).image.width).toBe(5);
    const bomb = zeroBomb(16 << 20);
    const pkg = packWithPayload(gray(), key, (p) => ({ ...p, segments: [p.segments[0], bomb] }));
    expect(await refusal(pkg, key)).toMatch(/display table inflates past the \d+ entries its metadata declares/);
  });

  it('refuses a display table length past any sample range before inflating it', async () => {
    const key = await generateKey();
    const pkg = packWithMetadata(gray(), key, (m) => ({ ...m, display: { ...(m as Meta).display, length: 2 ** 32 } }));
    expect(await refusal(pkg, key)).toMatch(/display table declares 4294967296 entries; a table has 1 to 65536/);
  });

  it('refuses declared sizes past the limits before decoding anything', async () => {
    const key = await generateKey();
    const pkg = packWithMetadata(gray(), key, (m) => ({
      ...m,
      raw: { ...(m as Meta).raw, width: 20000, height: 20000 },
    }));
    expect(await refusal(pkg, key)).toMatch(/image too large \(20000 × 20000/);
  });

  it('refuses a codestream whose size header disagrees with the metadata before OpenJPEG decodes it', async () => {
    const key = await generateKey();
    // a 64 × 64 codestream where the metadata says 5 × 4: found in its SIZ header
    const big = await encodeLossless({
      width: 64,
      height: 64,
      components: 1,
      bitsPerSample: 16,
      signed: true,
      bytes: new Uint8Array(64 * 64 * 2),
    });
    expect(readCodestreamSize(big)).toMatchObject({ width: 64, height: 64, componentCount: 1, bitsPerSample: 16 });
    const pkg = packWithPayload(gray(), key, (p) => ({ ...p, segments: [big, p.segments[1]] }));
    expect(await refusal(pkg, key)).toMatch(/codestream declares 64x64x1 16-bit signed, expected 5x4x1 16-bit signed/);
    const noHeader = packWithPayload(gray(), key, (p) => ({ ...p, segments: [big.subarray(0, 30), p.segments[1]] }));
    expect(await refusal(noHeader, key)).toMatch(/does not start with its size header/);
  });
});
