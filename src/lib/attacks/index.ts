/** Attacks on BPE images (confidentiality and integrity). Re-exports only. */
export { leadingBitAttack, foldValue } from './leadingBit';
export { minDifferenceAttack } from './minDifference';
export {
  type RecoveredBpeMap,
  type RecoveryQuality,
  knownPlaintextAttack,
  decryptWithRecovered,
  recoveredEncryptionMap,
} from './knownPlaintext';
export { type BitFlipOptions, bitFlipAttack } from './bitFlip';
export { type GaussianNoiseOptions, gaussianNoiseAttack } from './gaussianNoise';
export { type DamageSpread, damageSpread, changedValues } from './damage';
export { SeededRandom } from '../random/seededRandom';
export {
  ATTACK_KINDS,
  type AttackKind,
  type AttackInput,
  type AttackResult,
  DEFAULT_BIT_FLIP,
  DEFAULT_GAUSSIAN,
  isAttackKind,
  runAttack,
} from './runAttack';
