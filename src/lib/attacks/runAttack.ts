/**
 * One front door for every attack, used by the page and by `cli attack`: runs
 * the attack, scores what it produced against the original with the leakage
 * metrics, and says in one plain sentence what that means. Notes are built from
 * the measured numbers, so the page never claims more (or less) than was seen.
 * The plan (key material) is used only to decrypt images damaged by integrity
 * attacks, as the legitimate receiver would; reconstruction attacks never see it.
 */
import type { RgbImage } from '../image/rgb';
import type { BpePlan } from '../cipher/bpe/plan';
import { DEFAULT_BLOCK_SIZE } from '../cipher/bpe/plan';
import { decryptImage } from '../cipher/bpe/bpe';
import { type LeakageMetrics, leakageMetrics } from '../metrics/leakage';
import { type BitFlipOptions, bitFlipAttack } from './bitFlip';
import { damageSpread } from './damage';
import { type GaussianNoiseOptions, gaussianNoiseAttack } from './gaussianNoise';
import { decryptWithRecovered, knownPlaintextAttack } from './knownPlaintext';
import { leadingBitAttack } from './leadingBit';
import { minDifferenceAttack } from './minDifference';

export const ATTACK_KINDS = ['leading-bit', 'min-difference', 'known-plaintext', 'bit-flip', 'gaussian'] as const;
export type AttackKind = (typeof ATTACK_KINDS)[number];

export const DEFAULT_BIT_FLIP: BitFlipOptions = { bit: 7, fraction: 0.1, seed: 1 };
export const DEFAULT_GAUSSIAN: GaussianNoiseOptions = { mu: 0, sigma: 20, fraction: 0.1, seed: 1 };

export interface AttackInput {
  /** the plain model input: what every result is scored against */
  original: RgbImage;
  /** its BPE encryption: what the attacker sees */
  encrypted: RgbImage;
  /** block size; defaults to the plan's, else 25 */
  blockSize?: number;
  /** needed by the integrity attacks only, to decrypt the damaged image as the receiver would */
  plan?: BpePlan;
  /** known-plaintext: a different plain image and its encryption under the same key */
  knownPair?: { plain: RgbImage; encrypted: RgbImage };
  bitFlip?: Partial<BitFlipOptions>;
  gaussian?: Partial<GaussianNoiseOptions>;
}

export interface AttackResult {
  kind: AttackKind;
  /** the attacker's reconstruction, or for integrity attacks the decrypted damaged image */
  image: RgbImage;
  /** integrity attacks: the damaged encrypted image before decryption */
  attackedEncrypted?: RgbImage;
  metrics: LeakageMetrics;
  note: string;
  /** attack-specific numbers (recovery fractions, changed-value counts, timings) */
  details: Record<string, number>;
}

const f2 = (x: number) => x.toFixed(2);
const pct = (x: number) => `${Math.round(x * 1000) / 10} %`;

export function isAttackKind(s: string): s is AttackKind {
  return (ATTACK_KINDS as readonly string[]).includes(s);
}

export function runAttack(kind: AttackKind, input: AttackInput): AttackResult {
  const blockSize = input.blockSize ?? input.plan?.blockSize ?? DEFAULT_BLOCK_SIZE;
  const started = performance.now();
  const done = (
    image: RgbImage,
    note: (m: LeakageMetrics) => string,
    details: Record<string, number> = {},
    attackedEncrypted?: RgbImage,
  ): AttackResult => {
    const ms = performance.now() - started;
    const metrics = leakageMetrics(input.original, image);
    return {
      kind,
      image,
      attackedEncrypted,
      metrics,
      note: note(metrics),
      details: { ...details, milliseconds: Math.round(ms * 10) / 10 },
    };
  };

  switch (kind) {
    case 'leading-bit':
      return done(
        leadingBitAttack(input.encrypted),
        (m) =>
          `Leading-bit attack: folding each value v with 255 - v undoes the negative-positive step without the key, but block positions and the pixel order inside blocks stay scrambled (SSIM ${f2(m.ssim)}, NMI ${f2(m.nmi)}). ` +
          (m.ssim < 0.3
            ? 'It reveals grey-level statistics, not the picture.'
            : 'Structure of the picture shows through.'),
      );
    case 'min-difference':
      return done(
        minDifferenceAttack(input.encrypted, blockSize),
        (m) =>
          `Minimum-difference attack: each pixel's channel order and inversions were guessed from its neighbours (48 candidates per pixel); because pixels are also scrambled inside each block, the result ${m.ssim < 0.3 ? 'stays unreadable' : 'partly shows the picture'} (SSIM ${f2(m.ssim)}).`,
      );
    case 'known-plaintext': {
      const pair = input.knownPair;
      if (!pair)
        throw new Error('the known-plaintext attack needs a known plain image and its encryption under the same key');
      const map = knownPlaintextAttack(pair.plain, pair.encrypted, blockSize);
      const q = map.quality;
      return done(
        decryptWithRecovered(map, input.encrypted),
        (m) =>
          `Known-plaintext attack: one known image revealed this key's block map (${pct(q.pixelsUnique)} of in-block pixel positions, ${pct(q.blocksIdentified)} of blocks pinned down); the target image was ${!Number.isFinite(m.psnr) ? 'recovered exactly' : m.ssim > 0.9 ? `recovered (SSIM ${f2(m.ssim)}; only blocks the known image showed as identical, such as empty background, can be misplaced)` : `only partly recovered (SSIM ${f2(m.ssim)})`}. ` +
          'BPE protects against casual viewing, not against an attacker who holds a plain/encrypted pair.',
        { ...q, interchangeableBlocks: map.interchangeableBlocks.reduce((s, g) => s + g.length, 0) },
      );
    }
    case 'bit-flip':
    case 'gaussian': {
      const plan = input.plan;
      if (!plan) throw new Error(`the ${kind} attack needs the key's plan to decrypt the damaged image`);
      const attacked =
        kind === 'bit-flip'
          ? bitFlipAttack(input.encrypted, { ...DEFAULT_BIT_FLIP, ...input.bitFlip })
          : gaussianNoiseAttack(input.encrypted, { ...DEFAULT_GAUSSIAN, ...input.gaussian });
      const decrypted = decryptImage(plan, attacked);
      const spread = damageSpread(input.encrypted, attacked, input.original, decrypted);
      const what =
        kind === 'bit-flip'
          ? `Bit flip of bit ${input.bitFlip?.bit ?? DEFAULT_BIT_FLIP.bit} on ${pct(input.bitFlip?.fraction ?? DEFAULT_BIT_FLIP.fraction)} of the encrypted values`
          : `Gaussian noise (mu ${input.gaussian?.mu ?? DEFAULT_GAUSSIAN.mu}, sigma ${input.gaussian?.sigma ?? DEFAULT_GAUSSIAN.sigma}) on ${pct(input.gaussian?.fraction ?? DEFAULT_GAUSSIAN.fraction)} of the encrypted values`;
      return done(
        decrypted,
        (m) =>
          `${what}: after decryption ${spread.changedDecrypted} values differ from the original, ${spread.changedDecrypted === spread.changedEncrypted ? 'the same number as were hit' : `against ${spread.changedEncrypted} hit`}, ` +
          `scattered over the image (PSNR ${Number.isFinite(m.psnr) ? f2(m.psnr) + ' dB' : 'identical'}). BPE neither spreads nor detects damage; only the AES-GCM package refuses tampered data.`,
        { ...spread },
        attacked,
      );
    }
  }
}
