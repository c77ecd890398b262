/**
 * `cipherscan diagnose`: JSON with the plain and the key-adapted prediction for
 * one scan (same classes, probabilities equal to float rounding), plain only
 * without a key, and one-line errors for a folder that is not a model.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fixtureModelFiles } from '../../../testing/fixtureModel';
import { encodeRgbPng } from '../../../lib/image/png';
import { brainPhantom } from '../../../lib/samples/phantom';
import { classLabel } from '../../../lib/models/classNames';
import { main } from '../main';

let dir: string;
let stdout: string[];
let stderr: string[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cipherscan-diagnose-'));
  stdout = [];
  stderr = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void stdout.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void stderr.push(a.join(' ')));
});
afterEach(() => vi.restoreAllMocks());

describe('cli diagnose', () => {
  it('prints plain and encrypted predictions that agree; without a key, the plain one only', async () => {
    const model = join(dir, 'cnn-brain-mri');
    await mkdir(model);
    const f = fixtureModelFiles('cnn', 4, { depth: 2 });
    await writeFile(join(model, 'model.json'), f.manifestText);
    await writeFile(join(model, 'weights.bin'), f.weights);
    const png = join(dir, 'scan.png');
    await writeFile(png, encodeRgbPng(brainPhantom({ seed: 5, lesion: 0.2 })));
    expect(await main(['key', 'new', '--out', join(dir, 'k.json')])).toBe(0);
    stdout = [];
    expect(await main(['diagnose', '--model', model, '--in', png, '--key', join(dir, 'k.json'), '--json'])).toBe(0);
    const r = JSON.parse(stdout.at(-1)!);
    expect(r.classes).toEqual(f.manifest.config.classes);
    expect(r.backend).toBe('wasm');
    expect(r.encrypted.class).toBe(r.plain.class);
    // --json keeps the model's id as `class` and adds the name for people
    expect(r.classes).toContain(r.plain.class);
    expect(r.plain.label).toBe(classLabel(r.plain.class));
    expect(r.plain.label).not.toBe(r.plain.class);
    expect(r.agree).toBe(true);
    expect(r.maxAbsLogitDiff).toBeLessThan(1e-4);
    expect(r.plain.probabilities.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 5);
    expect(JSON.stringify(r)).not.toMatch(/master|pixels/);

    stdout = [];
    expect(await main(['diagnose', '--model', model, '--in', png, '--json'])).toBe(0);
    const plainOnly = JSON.parse(stdout.at(-1)!);
    expect(plainOnly.encrypted).toBeUndefined();
    expect(plainOnly.plain.probabilities).toEqual(r.plain.probabilities);

    // text output names the class for people
    stdout = [];
    expect(await main(['diagnose', '--model', model, '--in', png])).toBe(0);
    expect(stdout.join('\n')).toContain(`plain model, original:      ${r.plain.label}`);
    expect(stdout.join('\n')).toContain('No tumour');
  }, 60_000);

  it('refuses a folder without a model in one line', async () => {
    const png = join(dir, 'scan.png');
    await writeFile(png, encodeRgbPng(brainPhantom({ seed: 5 })));
    expect(await main(['diagnose', '--model', dir, '--in', png])).toBe(2);
    expect(stderr.at(-1)).toMatch(/is not a model folder \(no model\.json\)/);
  });
});
