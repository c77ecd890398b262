// Invitation codes: enough entropy, typable, and the same code however it is typed.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
  hashInvitationCode,
  INVITATION_BITS,
  isInvitableRole,
  isWellFormedInvitationCode,
  newInvitationCode,
  normaliseInvitationCode,
} from './invitations';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

describe('newInvitationCode', () => {
  it('is four groups of five base32 characters, at least 100 bits', () => {
    const { code } = newInvitationCode();
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$/);
    expect(INVITATION_BITS).toBeGreaterThanOrEqual(100);
    expect(code.replace(/-/g, '').length * Math.log2(CROCKFORD.length)).toBeGreaterThanOrEqual(100);
  });

  it('comes with the SHA-256 of its normalised form, not the code', () => {
    const { code, codeHash } = newInvitationCode();
    expect(codeHash).toBe(createHash('sha256').update(code.replace(/-/g, '')).digest('hex'));
    expect(codeHash).not.toContain(code.replace(/-/g, '').toLowerCase());
  });

  it('uses every symbol about equally (chi-square over 40 000 symbols)', () => {
    const counts = new Map<string, number>();
    const n = 2000;
    const codes = new Set<string>();
    for (let i = 0; i < n; i++) {
      const { code } = newInvitationCode();
      codes.add(code);
      for (const c of code.replace(/-/g, '')) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    expect(codes.size).toBe(n);
    expect([...counts.keys()].sort().join('')).toBe(CROCKFORD);
    const expected = (n * 20) / 32;
    const chi2 = [...counts.values()].reduce((sum, k) => sum + (k - expected) ** 2 / expected, 0);
    // 31 degrees of freedom: 80 is beyond p = 1e-6 for a uniform source, and far below a biased one.
    expect(chi2).toBeLessThan(80);
  });
});

describe('hashInvitationCode', () => {
  const { code, codeHash } = newInvitationCode();

  it.each([
    ['lower case', code.toLowerCase()],
    ['no dashes', code.replace(/-/g, '')],
    ['spaces instead of dashes', code.replace(/-/g, ' ')],
    ['stray whitespace', `  ${code.replace(/-/g, ' - ')}\n`],
  ])('is the same for %s', (_name, typed) => {
    expect(hashInvitationCode(typed)).toBe(codeHash);
  });

  it('reads O as 0 and I, L as 1', () => {
    expect(normaliseInvitationCode('o1-il0')).toBe('01110');
    expect(hashInvitationCode('OIL00-11111')).toBe(hashInvitationCode('01100-11111'));
  });

  it('differs for another code', () => {
    expect(hashInvitationCode(newInvitationCode().code)).not.toBe(codeHash);
    const oneOff = code.slice(0, -1) + (code.endsWith('0') ? '1' : '0');
    expect(hashInvitationCode(oneOff)).not.toBe(codeHash);
  });

  it('tells a well-formed code from a mistyped one', () => {
    expect(isWellFormedInvitationCode(code.toLowerCase())).toBe(true);
    expect(isWellFormedInvitationCode(code.slice(1))).toBe(false);
    expect(isWellFormedInvitationCode(code.replace(/^./, 'U'))).toBe(false);
  });
});

describe('invitable roles', () => {
  it('are clinician, auditor and admin, never disabled', () => {
    expect(['clinician', 'auditor', 'admin'].every(isInvitableRole)).toBe(true);
    expect(isInvitableRole('disabled')).toBe(false);
    expect(isInvitableRole('root')).toBe(false);
    expect(isInvitableRole(undefined)).toBe(false);
  });
});
