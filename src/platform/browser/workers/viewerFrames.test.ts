/**
 * The viewer's frames come one at a time from the one open file: a token the worker
 * does not hold asks for the file again (null), and each call decodes only its frame.
 */
import { describe, expect, it } from 'vitest';
import { imagePixelModule, syntheticDicom } from '../../../testing/syntheticDicom';
import { encodeRgbPng } from '../../../lib/image/png';
import { viewerFrame } from './viewerFrames';

/** Three 2 × 1 frames, 8-bit grey: frame k holds k*10 and k*10 + 1. */
const threeFrames = syntheticDicom([
  ...imagePixelModule({
    rows: 1,
    columns: 2,
    photometric: 'MONOCHROME2',
    bitsAllocated: 8,
    bitsStored: 8,
    pixelData: new Uint8Array([0, 1, 10, 11, 20, 21]),
  }),
  { tag: [0x0028, 0x0008], vr: 'IS', value: '3' },
]);

describe('viewerFrame', () => {
  it('asks for the file when it holds another token, then serves any frame by number', async () => {
    expect(await viewerFrame({ token: 'a', frame: 0 })).toBeNull();
    const first = await viewerFrame({ token: 'a', frame: 2, file: { bytes: threeFrames.slice(), name: 'x.dcm' } });
    expect(first?.frames).toBe(3);
    expect(Array.from(first!.grey!.values)).toEqual([20, 21]);
    const again = await viewerFrame({ token: 'a', frame: 1 });
    expect(Array.from(again!.grey!.values)).toEqual([10, 11]);
    expect(await viewerFrame({ token: 'b', frame: 1 })).toBeNull();
  });

  it('a colour PNG comes back as its own copy of the display pixels, every time', async () => {
    const png = encodeRgbPng({ width: 1, height: 1, data: new Uint8Array([1, 2, 3]) });
    const first = await viewerFrame({ token: 'p', frame: 0, file: { bytes: png, name: 'x.png' } });
    const second = await viewerFrame({ token: 'p', frame: 0 });
    expect(first!.image!.data).not.toBe(second!.image!.data);
    expect(Array.from(second!.image!.data)).toEqual([1, 2, 3]);
  });
});
