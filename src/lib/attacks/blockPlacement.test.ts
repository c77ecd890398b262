import { describe, expect, it } from 'vitest';
import { placeInterchangeableBlocks } from './blockPlacement';

/** Smooth colour ramp: every block edge continues its neighbour, so swapped blocks show as seams. */
function ramp(W: number) {
  const d = new Uint8Array(W * W * 3);
  for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) d.set([x * 2, y * 2, (x + y) & 255], (y * W + x) * 3);
  return { width: W, height: W, data: d };
}

function swapBlocks(img: { width: number; height: number; data: Uint8Array }, a: number, b: number, B: number) {
  const W = img.width;
  const per = W / B;
  const out = img.data.slice();
  const at = (k: number, r: number) => ((Math.floor(k / per) * B + r) * W + (k % per) * B) * 3;
  for (let r = 0; r < B; r++) {
    out.set(img.data.subarray(at(a, r), at(a, r) + B * 3), at(b, r));
    out.set(img.data.subarray(at(b, r), at(b, r) + B * 3), at(a, r));
  }
  return { ...img, data: out };
}

describe('placing interchangeable blocks by edge continuity', () => {
  it('puts swapped blocks back where their edges continue the certain neighbours', () => {
    const x = ramp(60);
    const scrambled = swapBlocks(swapBlocks(x, 4, 12, 12), 7, 18, 12); // 5x5 blocks of 12 px
    expect(scrambled.data).not.toEqual(x.data);
    const placed = placeInterchangeableBlocks(
      scrambled,
      [
        [4, 12],
        [7, 18],
      ],
      12,
    );
    expect(placed.data).toEqual(x.data);
  });

  it('leaves the image alone without groups, and never moves blocks outside a group', () => {
    const x = swapBlocks(ramp(60), 0, 24, 12);
    expect(placeInterchangeableBlocks(x, [], 12).data).toEqual(x.data);
    expect(placeInterchangeableBlocks(x, [[3, 9]], 12).data).toEqual(x.data);
  });
});
