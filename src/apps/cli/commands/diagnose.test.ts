/**
 * `cipherscan diagnose`: JSON with the plain and the key-adapted prediction for
 * one scan (same classes, probabilities equal to float rounding), plain only
 * without a key, and one-line errors for a folder that is not a model.
 */
import { describe, expect, it } from 'vitest';
import { fixtureModelFiles } from '../../../testing/fixtureModel';
import { classLabel } from '../../../lib/models/classNames';
import { useCliTestFolder } from '../cliTestHarness';

const cli = useCliTestFolder('cipherscan-diagnose-');

describe('cli diagnose', () => {
  it('prints plain and encrypted predictions that agree; without a key, the plain one only', async () => {
    const f = fixtureModelFiles('cnn', 4, { depth: 2 });
    const model = await cli.modelFolder('cnn-brain-mri', f);
    const png = await cli.scan({ seed: 5, lesion: 0.2 });
    const key = await cli.newKey();
    expect(await cli.run('diagnose', '--model', model, '--in', png, '--key', key, '--json')).toBe(0);
    const r = JSON.parse(cli.stdout.at(-1)!);
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

    expect(await cli.run('diagnose', '--model', model, '--in', png, '--json')).toBe(0);
    const plainOnly = JSON.parse(cli.stdout.at(-1)!);
    expect(plainOnly.encrypted).toBeUndefined();
    expect(plainOnly.plain.probabilities).toEqual(r.plain.probabilities);

    // text output names the class for people
    expect(await cli.run('diagnose', '--model', model, '--in', png)).toBe(0);
    expect(cli.stdout.join('\n')).toContain(`plain model, original:      ${r.plain.label}`);
    expect(cli.stdout.join('\n')).toContain('No tumour');
  }, 60_000);

  it('refuses a folder without a model in one line', async () => {
    const png = await cli.scan({ seed: 5 });
    expect(await cli.run('diagnose', '--model', cli.dir, '--in', png)).toBe(2);
    expect(cli.stderr.at(-1)).toMatch(/is not a model folder \(no model\.json\)/);
  });
});
