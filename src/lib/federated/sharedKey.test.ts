import { beforeAll, describe, expect, it } from 'vitest';
import type { Seal } from '../cipher/ckks';
import { loadSealWithHeap } from '../../testing/sealHeap';
import { aggregate, createHospitalKey } from './ckksStatistics';

let seal: Seal;
beforeAll(async () => {
  ({ seal } = await loadSealWithHeap());
}, 60_000);

describe('one CKKS key shared by hospitals', () => {
  it('a key rebuilt from exported bytes decrypts what the maker encrypted, and the reverse', () => {
    const maker = createHospitalKey(seal);
    const other = createHospitalKey(seal, maker.exportSecretKey());
    const stranger = createHospitalKey(seal);
    try {
      const sum = aggregate(seal, { contributions: [maker.encrypt([1, 2, 3]), other.encrypt([10, 20, 30])] });
      for (const key of [maker, other])
        Array.from(key.decrypt(sum)).forEach((v, i) => expect(v).toBeCloseTo([11, 22, 33][i], 5));
      // a key made independently does not: the import really carried the secret
      expect(Math.abs(stranger.decrypt(sum)[0] - 11)).toBeGreaterThan(1);
    } finally {
      maker.dispose();
      other.dispose();
      stranger.dispose();
    }
  });
});
