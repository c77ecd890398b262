/**
 * Issue 19: a seeded mutation fuzz of the package reader past authentication. An
 * authentic package made by other software may hold any content, so each case seals
 * a mutated content (frame list, metadata, codestreams, display table) under the
 * key; it must open or be refused with a PackageRefusedError a clinician can read.
 */
import { describe, expect, it } from 'vitest';
import { generateKey } from '../../keys/key';
import { SeededRandom } from '../../random/seededRandom';
import { mutate, unreadable } from '../../../testing/fuzz';
import { sealPlaintext } from '../../../testing/craftedPackage';
import { syntheticDicom, syntheticRgb } from '../../../testing/packageImages';
import { packContent, writeFrames } from './content';
import { PackageRefusedError, unpackImage } from './index';

describe('mutation fuzz of the package reader', () => {
  it.each([
    ['an 8-bit RGB frame', () => syntheticRgb(6, 5, 3)],
    ['a 16-bit gray frame with a display table', () => syntheticDicom({ width: 6, height: 5, bits: 16, signed: true })],
  ])('%s: every mutated content opens or is refused in words', async (name, make) => {
    const key = await generateKey();
    const content = writeFrames([(await packContent(make())).plaintext], 0);
    await expect(unpackImage(await sealPlaintext(content, key), key)).resolves.toBeTruthy();
    const rng = new SeededRandom(0x19 + name.length);
    const bad: string[] = [];
    let refused = 0;
    for (let k = 0; k < 100; k++) {
      const { bytes, how } = mutate(content, rng);
      try {
        await unpackImage(await sealPlaintext(bytes, key), key);
      } catch (err) {
        refused++;
        if (!(err instanceof PackageRefusedError)) bad.push(`${how}: threw ${String(err)}`);
        else {
          const why = unreadable(err.message);
          if (why) bad.push(`${how}: message ${why}: ${err.message}`);
        }
      }
    }
    expect(bad).toEqual([]);
    expect(refused).toBeGreaterThan(0);
  });
});
