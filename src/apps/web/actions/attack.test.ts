import { describe, expect, it } from 'vitest';
import type { ScanFile } from '../state/files';
import type { FileResults } from '../state/results';
import { ATTACKS, effectiveKnownPair, knownPairCandidates } from './attack';

const image = { width: 1, height: 1, data: new Uint8Array(3) };
const file = (id: string, withInput = true): ScanFile => ({
  id,
  label: id,
  originalName: `${id}.png`,
  source: 'upload',
  synthetic: false,
  bytes: new Uint8Array(0),
  status: 'encrypted',
  frame: 0,
  voi: 0,
  modelInput: withInput ? image : undefined,
});

describe('known-plaintext pair choice', () => {
  const files = [file('scan-1'), file('scan-2'), file('scan-3'), file('scan-4', false)];
  const byFile: Record<string, FileResults> = {
    'scan-1': { encrypted: image },
    'scan-3': { encrypted: image },
    'scan-4': { encrypted: image },
  };

  it('offers only other scans that are encrypted and have a model input', () => {
    expect(knownPairCandidates(files, byFile, 'scan-1').map((f) => f.id)).toEqual(['scan-3']);
    expect(knownPairCandidates(files, byFile, 'scan-3').map((f) => f.id)).toEqual(['scan-1']);
  });

  it('keeps a valid choice and otherwise falls back to the first candidate', () => {
    const candidates = knownPairCandidates(files, byFile, 'scan-2');
    expect(effectiveKnownPair(candidates, 'scan-3')).toBe('scan-3');
    expect(effectiveKnownPair(candidates, 'scan-2')).toBe('scan-1');
    expect(effectiveKnownPair([], 'scan-3')).toBeNull();
  });
});

describe('attack list', () => {
  it('offers every attack of the brief, each with a plain-language description', () => {
    expect(ATTACKS.map((a) => a.kind)).toEqual([
      'leading-bit',
      'min-difference',
      'known-plaintext',
      'bit-flip',
      'gaussian',
      'aes-bit-flip',
    ]);
    for (const a of ATTACKS) expect(a.what.length).toBeGreaterThan(30);
  });
});
