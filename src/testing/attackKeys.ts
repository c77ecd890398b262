/** Test-only: fixed, obviously non-secret keys and plans so attack tests are reproducible. Never imported by app code. */
import { keyFromBytes } from '../lib/keys/key';
import { type BpePlan, planForKey } from '../lib/cipher/bpe/plan';

export async function testPlan(seedByte: number, imageSize = 200, blockSize = 25): Promise<BpePlan> {
  const master = new Uint8Array(32).map((_, i) => (seedByte * 31 + i * 7) & 255);
  return planForKey(await keyFromBytes(master, 'imported'), { imageSize, blockSize });
}
