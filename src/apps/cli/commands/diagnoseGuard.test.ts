/**
 * `cipherscan diagnose` with a model that ships an out-of-domain guard: --json
 * has top-level inDomain / domainScore / domainThreshold, the plain and the
 * encrypted verdicts agree (with a key), and the text output of a refused scan
 * says so in words and prints no class; the class stays in --json for scripts.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureModelFiles } from '../../../testing/fixtureModel';
import { classLabel } from '../../../lib/models/classNames';
import { DOMAIN_GUARD_FILE, serializeDomainGuard } from '../../../lib/diagnosis/domainGuard';
import { identityDomainGuard } from '../../../testing/domainGuardFixture';
import { imagePixelModule, syntheticDicom } from '../../../testing/syntheticDicom';
import { useCliTestFolder } from '../cliTestHarness';

const cli = useCliTestFolder('cipherscan-diagnose-guard-');

describe('cli diagnose with a domain guard', () => {
  it('reports the verdict at the top level, the same on both paths, and withholds the class in text when refused', async () => {
    const f = fixtureModelFiles('cnn', 4, { depth: 2 });
    const { classes, width } = f.manifest.config;
    const model = await cli.modelFolder('cnn-brain-mri', f);
    const png = await cli.scan({ seed: 5, lesion: 0.2 });
    const key = await cli.newKey();

    // a generous threshold: accepted
    await writeFile(
      join(model, DOMAIN_GUARD_FILE),
      serializeDomainGuard(identityDomainGuard(2 * width, classes, 1e12)),
    );
    expect(await cli.run('diagnose', '--model', model, '--in', png, '--key', key, '--json')).toBe(0);
    const ok = JSON.parse(cli.stdout.at(-1)!);
    expect(ok.inDomain).toBe(true);
    expect(ok.domainAgree).toBe(true);
    expect(ok.domainScore).toBeGreaterThan(0);
    expect(Math.abs(ok.encryptedDomainScore - ok.domainScore)).toBeLessThan(1e-3 * ok.domainScore);
    expect(ok.diagnosisWithheld).toBe(false);

    // a threshold below this scan's score: refused on both paths
    await writeFile(
      join(model, DOMAIN_GUARD_FILE),
      serializeDomainGuard(identityDomainGuard(2 * width, classes, ok.domainScore / 2)),
    );
    expect(await cli.run('diagnose', '--model', model, '--in', png, '--key', key, '--json')).toBe(0);
    const refused = JSON.parse(cli.stdout.at(-1)!);
    expect(refused.inDomain).toBe(false);
    expect(refused.domainAgree).toBe(true);
    expect(refused.domainThreshold).toBeCloseTo(ok.domainScore / 2);
    expect(refused.diagnosisWithheld).toBe(true);
    expect(classes).toContain(refused.plain.class); // still there for scripts

    expect(await cli.run('diagnose', '--model', model, '--in', png, '--key', key)).toBe(0);
    const text = cli.stdout.join('\n');
    expect(text).toContain('This does not look like a brain MRI the model was trained on: no diagnosis shown.');
    for (const c of classes) expect(text).not.toContain(classLabel(c));
  }, 120_000);

  it('refuses a DICOM file that declares a CT, whatever the image check says, and says why', async () => {
    const f = fixtureModelFiles('cnn', 4, { depth: 2 });
    const model = await cli.modelFolder('cnn-brain-mri', f);
    // a guard that accepts everything: the declaration alone refuses
    await writeFile(
      join(model, DOMAIN_GUARD_FILE),
      serializeDomainGuard(identityDomainGuard(2 * f.manifest.config.width, f.manifest.config.classes, 1e12)),
    );
    const dicom = (modality: string) =>
      syntheticDicom(
        imagePixelModule({
          rows: 64,
          columns: 64,
          photometric: 'MONOCHROME2',
          bitsAllocated: 8,
          bitsStored: 8,
          pixelData: Uint8Array.from({ length: 64 * 64 }, (_, i) => (i * 7) % 256),
        }).map((e) => (e.tag[0] === 0x0008 && e.tag[1] === 0x0060 ? { ...e, value: modality } : e)),
      );
    const ct = join(cli.dir, 'head-ct.dcm');
    await writeFile(ct, dicom('CT'));
    expect(await cli.run('diagnose', '--model', model, '--in', ct, '--json')).toBe(0);
    const out = JSON.parse(cli.stdout.at(-1)!);
    expect(out.declaredModality).toEqual({ declared: 'CT', expected: ['MR'], inDomain: false });
    expect(out.inDomain).toBe(false);
    expect(out.domainScore).toBeLessThan(out.domainThreshold); // the image check alone accepted it
    expect(out.diagnosisWithheld).toBe(true);
    expect(await cli.run('diagnose', '--model', model, '--in', ct)).toBe(0);
    const text = cli.stdout.join('\n');
    expect(text).toContain('The file says it is a CT (DICOM Modality CT); this model reads brain MRI');
    for (const c of f.manifest.config.classes) expect(text).not.toContain(classLabel(c));
    // the same image declaring MR is judged on its pixels alone, and "OT" says nothing
    const mr = join(cli.dir, 'mr.dcm');
    await writeFile(mr, dicom('MR'));
    expect(await cli.run('diagnose', '--model', model, '--in', mr, '--json')).toBe(0);
    expect(JSON.parse(cli.stdout.at(-1)!)).toMatchObject({ inDomain: true, declaredModality: { inDomain: true } });
    const ot = join(cli.dir, 'ot.dcm');
    await writeFile(ot, dicom('OT'));
    expect(await cli.run('diagnose', '--model', model, '--in', ot, '--json')).toBe(0);
    const other = JSON.parse(cli.stdout.at(-1)!);
    expect(other.inDomain).toBe(true);
    expect(other).not.toHaveProperty('declaredModality');
  }, 120_000);

  it('reports "uncertain" at the top level and says so in words below the model\'s confidence threshold', async () => {
    const f = fixtureModelFiles('cnn', 4, { depth: 2 });
    const png = await cli.scan({ seed: 5, lesion: 0.2 });
    const model = await cli.modelFolder('cnn-brain-mri', f); // model.json rewritten below with each threshold
    const key = await cli.newKey();
    const run = async (minConfidence: number | undefined, json: boolean) => {
      const calibration = {
        temperature: 1,
        fittedOn: 'test',
        n: 1,
        ...(minConfidence !== undefined ? { minConfidence } : {}),
      };
      await writeFile(join(model, 'model.json'), JSON.stringify({ ...f.manifest, calibration }));
      const args = ['diagnose', '--model', model, '--in', png, '--key', key];
      expect(await cli.run(...(json ? [...args, '--json'] : args))).toBe(0);
      return json ? JSON.parse(cli.stdout.at(-1)!) : cli.stdout.join('\n');
    };
    const none = await run(undefined, true);
    expect(none.uncertain).toBeNull();
    const sure = await run(0, true);
    expect(sure.uncertain).toBe(false);
    expect(sure.minConfidence).toBe(0);
    expect(sure.confidence).toBeCloseTo(Math.max(...sure.plain.probabilities), 6);
    const unsure = await run(1, true);
    expect(unsure.uncertain).toBe(true);
    const words = await run(1, false);
    expect(words).toContain('Uncertain — refer for review: the model is');
    // no class is given below the threshold: each side's class reads as a leaning, never as the answer
    expect(words).toContain(`plain model, original:      (leaning: ${unsure.plain.label}, not a diagnosis)`);
    expect(words).toContain(`adapted model, encrypted:   (leaning: ${unsure.encrypted.label}, not a diagnosis)`);
    const sureWords = await run(0, false);
    expect(sureWords).not.toContain('Uncertain');
    expect(sureWords).not.toContain('leaning');
    expect(sureWords).toContain(`plain model, original:      ${sure.plain.label}`);
  }, 120_000);
});
