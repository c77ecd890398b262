/** `cli info`: JSON summary of real sample files; names of identifying attributes, never their values. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parseArgs } from '../args';
import { run } from './info';

const SAMPLES = resolve(process.cwd(), '../shared/dicom-samples');

async function info(argv: string[]): Promise<Record<string, unknown>> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((s: unknown) => void lines.push(String(s)));
  try {
    await run(parseArgs(argv));
  } finally {
    spy.mockRestore();
  }
  return JSON.parse(lines.join('\n'));
}

describe('cli info', () => {
  it('describes a DICOM file without patient values', async () => {
    const path = `${SAMPLES}/MR_small_RLE.dcm`;
    const out = await info([path]);
    expect(out).toMatchObject({
      file: 'MR_small_RLE.dcm',
      format: 'dicom',
      bytes: readFileSync(path).length,
      width: 64,
      height: 64,
      frames: 1,
      modality: 'MR',
      transferSyntax: { uid: '1.2.840.10008.1.2.5', name: 'RLE Lossless' },
      bits: { allocated: 16, stored: 16, signed: true },
      photometric: 'MONOCHROME2',
      window: { center: 600, width: 1600, source: 'file' },
    });
    expect(out.identifyingAttributes).toContain('PatientName');
    // The patient name value in this sample must not appear anywhere in the output.
    const text = readFileSync(path, 'latin1');
    const at = text.indexOf('\x10\x00\x10\x00PN');
    const value = text.slice(at + 8, at + 8 + (text.charCodeAt(at + 6) | (text.charCodeAt(at + 7) << 8))).trim();
    expect(value.length).toBeGreaterThan(0);
    expect(JSON.stringify(out)).not.toContain(value);
  });

  it('reports the frame count and the chosen frame', async () => {
    const out = await info([`${SAMPLES}/rtdose.dcm`, '--frame', '3']);
    expect(out).toMatchObject({ frames: 15, frame: 3, modality: 'RTDOSE' });
  });

  it('lists the grey-level choices and takes --window', async () => {
    const path = `${SAMPLES}/J2K_pixelrep_mismatch.dcm`;
    const first = await info([path]);
    expect(first.windowChoices).toHaveLength(4);
    expect(first).toMatchObject({ windowChosen: 0, window: { source: 'file' } });
    const range = await info([path, '--window', '3']);
    expect(range).toMatchObject({ windowChosen: 3, window: { source: 'computed' } });
    await expect(info([path, '--window', '4'])).rejects.toThrow(/display choice 4 does not exist \(this file offers 4/);
    await expect(info([path, '--window', '-1'])).rejects.toThrow(/whole number from 0/);
  });

  it('fails with one line naming the file', async () => {
    await expect(info([`${SAMPLES}/MR_truncated.dcm`])).rejects.toThrow(/^MR_truncated\.dcm: truncated file$/);
    await expect(info([])).rejects.toThrow(/needs a FILE/);
    await expect(info([`${SAMPLES}/rtdose.dcm`, '--frame', 'x'])).rejects.toThrow(/whole number/);
  });
});
