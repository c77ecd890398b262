import { describe, expect, it } from 'vitest';
import { encryptImage } from '../cipher/bpe/bpe';
import { grayToRgb } from '../image/rgb';
import { ATTACK_KINDS, isAttackKind, runAttack } from './runAttack';
import { noiseBytes } from '../random/seededRandom';
import { testPlan } from '../../testing/attackKeys';

/** A smooth synthetic "scan": a bright disc on black, so SSIM and pHash have structure to find. */
function phantom(size: number, shift = 0) {
  const g = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r = Math.hypot(x - size / 2 - shift, y - size / 2);
      g[y * size + x] = r < size / 3 ? Math.round(200 - r + 20 * Math.sin((x + y) / 7)) : 0;
    }
  }
  return grayToRgb(size, size, g);
}

describe('runAttack', () => {
  it('runs every kind and scores it against the original with a note', async () => {
    const plan = await testPlan(13, 100, 20);
    const original = phantom(100);
    const known = phantom(100, 7);
    const encrypted = encryptImage(plan, original);
    const input = { original, encrypted, plan, knownPair: { plain: known, encrypted: encryptImage(plan, known) } };
    for (const kind of ATTACK_KINDS) {
      const r = runAttack(kind, input);
      expect(r.kind).toBe(kind);
      expect(r.image.width).toBe(100);
      expect(r.note.length).toBeGreaterThan(40);
      for (const v of Object.values(r.metrics)) expect(Number.isNaN(v)).toBe(false);
    }
    const kp = runAttack('known-plaintext', input);
    expect(kp.metrics.ssim).toBeGreaterThan(0.9);
    expect(kp.note).toMatch(/plain\/encrypted pair/);
    const lb = runAttack('leading-bit', input);
    expect(lb.metrics.ssim).toBeLessThan(kp.metrics.ssim);
    const bf = runAttack('bit-flip', { ...input, bitFlip: { bit: 0, fraction: 0.05, seed: 9 } });
    expect(bf.details.changedDecrypted).toBe(bf.details.changedEncrypted);
    expect(bf.metrics.psnr).toBeGreaterThan(50); // LSB flips: MSE = 0.05
    expect(bf.attackedEncrypted).toBeDefined();
  });

  it('says plainly what is missing', async () => {
    const original = { width: 40, height: 40, data: noiseBytes(4800, 1) };
    const input = { original, encrypted: encryptImage(await testPlan(14, 40, 10), original), blockSize: 10 };
    expect(() => runAttack('known-plaintext', input)).toThrow(/known plain image/);
    expect(() => runAttack('bit-flip', input)).toThrow(/plan/);
    expect(isAttackKind('leading-bit')).toBe(true);
    expect(isAttackKind('rot13')).toBe(false);
  });
});
