import { describe, expect, it } from 'vitest';
import { noiseBytes } from '../random/seededRandom';
import { mutualInformationGray } from './mutualInformation';

const gray = (data: Uint8Array, w = 200) => ({ width: w, height: data.length / w, data });

describe('normalised mutual information, NMI = 2 I / (H(X) + H(Y))', () => {
  it('is 1 for identical images and for the negative image (v -> 255 - v)', () => {
    const x = gray(noiseBytes(40000, 5));
    expect(mutualInformationGray(x, x).nmi).toBeCloseTo(1, 12);
    expect(mutualInformationGray(x, gray(x.data.map((v) => 255 - v))).nmi).toBeCloseTo(1, 12);
  });

  it('is ~0 for independent noise (32 bins, N = 40,000)', () => {
    const r = mutualInformationGray(gray(noiseBytes(40000, 6)), gray(noiseBytes(40000, 7)));
    expect(r.hx).toBeGreaterThan(4.99); // 32 uniform bins: H = 5 bits
    expect(r.nmi).toBeLessThan(0.01);
  });

  it('shows why 256 bins are not the default: the plug-in bias inflates independent noise', () => {
    const x = gray(noiseBytes(40000, 6));
    const y = gray(noiseBytes(40000, 7));
    expect(mutualInformationGray(x, y, 256).nmi).toBeGreaterThan(0.1);
  });

  it('hand-computable case: Y = X >> 1 on two equiprobable levels gives NMI 1; adding an independent bit gives 2/3', () => {
    // X takes 0 or 128 (one bit of entropy); Y = X exactly -> I = 1 bit.
    const n = 1000;
    const x = new Uint8Array(n).map((_, i) => (i % 2 ? 128 : 0));
    const r = mutualInformationGray(gray(x, 100), gray(x.slice(), 100), 2);
    expect(r.hx).toBeCloseTo(1, 12);
    expect(r.mutual).toBeCloseTo(1, 12);
    // Y = (X, Z) with Z an independent fair bit packed into 4 levels: H(Y) = 2, I = 1, NMI = 2/3.
    const y = new Uint8Array(n).map((_, i) => (i % 2 ? 128 : 0) + ((i >> 1) % 2 ? 64 : 0));
    const s = mutualInformationGray(gray(x, 100), gray(y, 100), 4);
    expect(s.hy).toBeCloseTo(2, 12);
    expect(s.nmi).toBeCloseTo(2 / 3, 12);
  });

  it('treats two constant images as NMI 1 and refuses bad bin counts', () => {
    const c = gray(new Uint8Array(400).fill(9), 20);
    expect(mutualInformationGray(c, c).nmi).toBe(1);
    expect(() => mutualInformationGray(c, c, 100)).toThrow(/divide 256/);
  });
});
