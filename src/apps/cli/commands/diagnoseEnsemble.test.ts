/**
 * `cipherscan diagnose --model models/ensemble-DS`: the same JSON fields as a
 * single model plus `members`, the combined answer the mean of the members',
 * plain = encrypted; a malformed ensemble.json or a missing member is refused
 * in one line.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureModelFiles } from '../../../testing/fixtureModel';
import { fixtureEnsembleSpec } from '../../../testing/fixtureEnsemble';
import { serializeEnsemble } from '../../../lib/diagnosis/ensemble';
import { softmaxT } from '../../../lib/models/softmax';
import { meanProbabilities } from '../../../learn/evaluation/selective';
import { DOMAIN_GUARD_FILE, serializeDomainGuard } from '../../../lib/diagnosis/domainGuard';
import { identityDomainGuard } from '../../../testing/domainGuardFixture';
import { useCliTestFolder } from '../cliTestHarness';

const cli = useCliTestFolder('cipherscan-ensemble-');

describe('cli diagnose with an ensemble', () => {
  it('answers like a single model, with members; plain and encrypted agree', async () => {
    const T = { vit: 0.5, cnn: 2 };
    await cli.modelFolder('vit-brain-mri', fixtureModelFiles('vit', 31, { depth: 1, temperature: T.vit }));
    const cnn = fixtureModelFiles('cnn', 32, { depth: 1, temperature: T.cnn });
    await cli.modelFolder('cnn-brain-mri', cnn);
    const ens = join(cli.dir, 'ensemble-brain-mri');
    await mkdir(ens);
    const spec = fixtureEnsembleSpec({ minConfidence: 0.3 });
    spec.members = spec.members.map((m) => ({ ...m, temperature: T[m.architecture] }));
    await writeFile(join(ens, 'ensemble.json'), serializeEnsemble(spec));
    const png = await cli.scan({ seed: 5, lesion: 0.2 });
    const key = await cli.newKey();
    expect(await cli.run('diagnose', '--model', ens, '--in', png, '--key', key, '--json')).toBe(0);
    const r = JSON.parse(cli.stdout.at(-1)!);
    expect(r.model).toBe('ensemble-brain-mri');
    expect(r.agree).toBe(true);
    expect(r.maxAbsLogitDiff).toBeLessThan(1e-4);
    expect(r.maxAbsProbabilityDiff).toBeLessThan(1e-5);
    expect(r.minConfidence).toBe(0.3);
    expect(typeof r.uncertain).toBe('boolean');
    expect(r.encrypted.encryptMs).toBeGreaterThan(0);
    expect(r.members.map((m: { model: string }) => m.model)).toEqual(['vit-brain-mri', 'cnn-brain-mri']);
    expect(r.domainRefusedBy).toEqual([]);
    // the mean of softmax(logits / T) at each member's own temperature, computed by learn/evaluation
    const [a, b] = r.members.map((m: { plain: { logits: number[] } }) => m.plain.logits);
    const [expected] = meanProbabilities([[softmaxT(a, T.vit)], [softmaxT(b, T.cnn)]]);
    r.plain.probabilities.forEach((p: number, c: number) => expect(p).toBeCloseTo(expected[c], 6));
    const [atOne] = meanProbabilities([[softmaxT(a, 1)], [softmaxT(b, 1)]]);
    expect(Math.max(...atOne.map((v, c) => Math.abs(v - expected[c])))).toBeGreaterThan(1e-3);
    expect(r.members.every((m: { agree: boolean }) => m.agree)).toBe(true);
    expect(JSON.stringify(r)).not.toMatch(/master|pixels/);

    expect(await cli.run('diagnose', '--model', ens, '--in', png, '--json')).toBe(0);
    const plainOnly = JSON.parse(cli.stdout.at(-1)!);
    expect(plainOnly.encrypted).toBeUndefined();
    expect(plainOnly.plain.probabilities).toEqual(r.plain.probabilities);
    expect(plainOnly.members).toHaveLength(2);

    expect(await cli.run('diagnose', '--model', ens, '--in', png, '--key', key)).toBe(0);
    expect(cli.stdout.join('\n')).toMatch(/member ViT: .+\n.*member Masked-CNN: /);

    // the Masked-CNN's guard refuses every scan (the ViT ships none): the ensemble is refused, named for people
    const { classes, width } = cnn.manifest.config;
    await writeFile(
      join(cli.dir, 'cnn-brain-mri', DOMAIN_GUARD_FILE),
      serializeDomainGuard(identityDomainGuard(2 * width, classes, 1e-9)),
    );
    expect(await cli.run('diagnose', '--model', ens, '--in', png, '--key', key)).toBe(0);
    const text = cli.stdout.join('\n');
    expect(text).toMatch(/no diagnosis shown.*; refused by Masked-CNN\)/);
    expect(text).not.toContain('cnn-brain-mri');
    expect(await cli.run('diagnose', '--model', ens, '--in', png, '--key', key, '--json')).toBe(0);
    const refused = JSON.parse(cli.stdout.at(-1)!);
    expect(refused.inDomain).toBe(false);
    expect(refused.domainRefusedBy).toEqual([{ model: 'cnn-brain-mri', architecture: 'cnn', label: 'Masked-CNN' }]);
  }, 120_000);

  it('refuses a malformed ensemble.json and a missing member in one line', async () => {
    const ens = join(cli.dir, 'ensemble-brain-mri');
    await mkdir(ens);
    const png = await cli.scan({ seed: 5 });
    await writeFile(join(ens, 'ensemble.json'), JSON.stringify({ format: 'cipherscan-ensemble', version: 9 }));
    expect(await cli.run('diagnose', '--model', ens, '--in', png)).not.toBe(0);
    expect(cli.stderr.at(-1)).toMatch(/malformed ensemble file: unsupported version 9/);
    await writeFile(join(ens, 'ensemble.json'), serializeEnsemble(fixtureEnsembleSpec()));
    expect(await cli.run('diagnose', '--model', ens, '--in', png)).toBe(2);
    expect(cli.stderr.at(-1)).toMatch(/vit-brain-mri is not a model folder \(no model\.json\)/);
  });
});
