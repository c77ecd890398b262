/**
 * `cipherscan diagnose` with a model that ships an out-of-domain guard: --json
 * has top-level inDomain / domainScore / domainThreshold, the plain and the
 * encrypted verdicts agree (with a key), and the text output of a refused scan
 * says so in words and prints no class; the class stays in --json for scripts.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fixtureModelFiles } from '../../../testing/fixtureModel';
import { encodeRgbPng } from '../../../lib/image/png';
import { brainPhantom } from '../../../lib/samples/phantom';
import { classLabel } from '../../../lib/models/classNames';
import { DOMAIN_GUARD_FILE, serializeDomainGuard } from '../../../lib/diagnosis/domainGuard';
import { main } from '../main';
import { identityDomainGuard } from '../../../testing/domainGuardFixture';

let dir: string;
let stdout: string[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cipherscan-diagnose-guard-'));
  stdout = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void stdout.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

describe('cli diagnose with a domain guard', () => {
  it('reports the verdict at the top level, the same on both paths, and withholds the class in text when refused', async () => {
    const model = join(dir, 'cnn-brain-mri');
    await mkdir(model);
    const f = fixtureModelFiles('cnn', 4, { depth: 2 });
    const { classes, width } = f.manifest.config;
    await writeFile(join(model, 'model.json'), f.manifestText);
    await writeFile(join(model, 'weights.bin'), f.weights);
    const png = join(dir, 'scan.png');
    await writeFile(png, encodeRgbPng(brainPhantom({ seed: 5, lesion: 0.2 })));
    expect(await main(['key', 'new', '--out', join(dir, 'k.json')])).toBe(0);
    const key = join(dir, 'k.json');

    // a generous threshold: accepted
    await writeFile(
      join(model, DOMAIN_GUARD_FILE),
      serializeDomainGuard(identityDomainGuard(2 * width, classes, 1e12)),
    );
    stdout = [];
    expect(await main(['diagnose', '--model', model, '--in', png, '--key', key, '--json'])).toBe(0);
    const ok = JSON.parse(stdout.at(-1)!);
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
    stdout = [];
    expect(await main(['diagnose', '--model', model, '--in', png, '--key', key, '--json'])).toBe(0);
    const refused = JSON.parse(stdout.at(-1)!);
    expect(refused.inDomain).toBe(false);
    expect(refused.domainAgree).toBe(true);
    expect(refused.domainThreshold).toBeCloseTo(ok.domainScore / 2);
    expect(refused.diagnosisWithheld).toBe(true);
    expect(classes).toContain(refused.plain.class); // still there for scripts

    stdout = [];
    expect(await main(['diagnose', '--model', model, '--in', png, '--key', key])).toBe(0);
    const text = stdout.join('\n');
    expect(text).toContain('This does not look like a brain MRI the model was trained on: no diagnosis shown.');
    for (const c of classes) expect(text).not.toContain(classLabel(c));
  }, 120_000);

  it('reports "uncertain" at the top level and says so in words below the model\'s confidence threshold', async () => {
    const model = join(dir, 'cnn-brain-mri');
    await mkdir(model);
    const f = fixtureModelFiles('cnn', 4, { depth: 2 });
    const png = join(dir, 'scan.png');
    await writeFile(png, encodeRgbPng(brainPhantom({ seed: 5, lesion: 0.2 })));
    await writeFile(join(model, 'weights.bin'), f.weights);
    expect(await main(['key', 'new', '--out', join(dir, 'k.json')])).toBe(0);
    const run = async (minConfidence: number | undefined, json: boolean) => {
      const calibration = {
        temperature: 1,
        fittedOn: 'test',
        n: 1,
        ...(minConfidence !== undefined ? { minConfidence } : {}),
      };
      await writeFile(join(model, 'model.json'), JSON.stringify({ ...f.manifest, calibration }));
      stdout = [];
      const args = ['diagnose', '--model', model, '--in', png, '--key', join(dir, 'k.json')];
      expect(await main(json ? [...args, '--json'] : args)).toBe(0);
      return json ? JSON.parse(stdout.at(-1)!) : stdout.join('\n');
    };
    const none = await run(undefined, true);
    expect(none.uncertain).toBeNull();
    const sure = await run(0, true);
    expect(sure.uncertain).toBe(false);
    expect(sure.minConfidence).toBe(0);
    expect(sure.confidence).toBeCloseTo(Math.max(...sure.plain.probabilities), 6);
    const unsure = await run(1, true);
    expect(unsure.uncertain).toBe(true);
    expect(await run(1, false)).toContain('Uncertain — refer for review: the model is');
    expect(await run(0, false)).not.toContain('Uncertain');
  }, 120_000);
});
