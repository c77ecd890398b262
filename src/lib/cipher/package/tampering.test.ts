import { describe, expect, it } from 'vitest';
import { generateKey } from '../../keys/key';
import { packImage, PackageRefusedError, unpackImage } from './index';
import { syntheticDicom, syntheticRgb } from '../../../testing/packageImages';

// The ARCHITECTURE.md §5 promise: any flipped bit in a package is refused, loudly.
describe('every flipped bit is refused', () => {
  it.each([
    ['an 8-bit RGB package', () => syntheticRgb(4, 3, 5)],
    [
      'a 16-bit gray package with a display table',
      () => syntheticDicom({ width: 5, height: 4, bits: 16, signed: true }),
    ],
  ])('in %s', async (_name, make) => {
    const key = await generateKey();
    const decoded = make();
    const pkg = await packImage(decoded, key);
    await expect(unpackImage(pkg, key)).resolves.toBeTruthy(); // the untouched package opens
    const reasons = new Map<string, number>();
    let accepted = 0;
    for (let bit = 0; bit < pkg.length * 8; bit++) {
      const flipped = pkg.slice();
      flipped[bit >> 3] ^= 1 << (bit & 7);
      try {
        await unpackImage(flipped, key);
        accepted++;
      } catch (err) {
        expect(err).toBeInstanceOf(PackageRefusedError);
        const reason = (err as PackageRefusedError).reason;
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        if (reason === 'altered')
          expect((err as Error).message).toMatch(/^This package was altered or the key is wrong/);
      }
    }
    expect(accepted).toBe(0);
    // Flips in the 8 key-check bytes or the 12-byte IV it is salted with read as "wrong key" (the message says the
    // header may have been altered), and so does the one flip of the version byte that makes 3 a 1 (version 1's
    // check value is the key file's); all others as "altered" (bad magic included).
    expect(reasons.get('wrong-key')).toBe(64 + 96 + 1);
    expect(reasons.get('altered')).toBe(pkg.length * 8 - 64 - 96 - 1);
  });
});
