/**
 * `cipherscan federated simulate` end to end on a tiny synthetic dataset and a
 * fixture ViT (issue 17's CLI contract): --method ridge and --method fedavg both
 * print and write their report, Testing figures with Wilson intervals, traffic,
 * and DIR is a model directory the model loader opens with the federated head.
 * With a model whose card says it trained on all labelled data, every Testing
 * figure is marked in-sample in the report and in what it prints.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeRgbPng } from '../../../lib/image/png';
import { ModelRandom } from '../../../lib/models/init';
import { parseManifest } from '../../../lib/models/weightsFile';
import { fixtureModelFiles } from '../../../testing/fixtureModel';
import { readTrainedOn } from '../../../learn/training/labelledData';
import { runCliHere } from '../cliTestHarness';

const dir = mkdtempSync(join(tmpdir(), 'cipherscan-federated-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CLASSES = ['a', 'b', 'c'];

/** Class c is a flat image of grey 60 + 70c with noise: separable, so heads learn something. */
function writeSplit(split: string, perClass: number, seed: number): void {
  const rng = new ModelRandom(seed);
  CLASSES.forEach((name, c) => {
    mkdirSync(join(dir, 'data', split, name), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const data = Uint8Array.from({ length: 32 * 32 * 3 }, () => 60 + 70 * c + rng.next() * 30);
      writeFileSync(join(dir, 'data', split, name, `${i}.png`), encodeRgbPng({ width: 32, height: 32, data }));
    }
  });
}

const cli = runCliHere;

describe('cli federated simulate', () => {
  it('runs ridge and fedavg, writes their reports and a loadable model directory', async () => {
    writeSplit('Training', 12, 1);
    writeSplit('Testing', 4, 2);
    const model = join(dir, 'model');
    mkdirSync(model);
    const f = fixtureModelFiles('vit', 3, { depth: 1, classes: CLASSES });
    writeFileSync(join(model, 'model.json'), f.manifestText);
    writeFileSync(join(model, 'weights.bin'), f.weights);
    const common = ['federated', 'simulate', '--data', join(dir, 'data'), '--model', model, '--hospitals', '3'];
    common.push('--cache', dir);

    const ridge = await cli(...common, '--method', 'ridge', '--out', join(dir, 'ridge'), '--json', join(dir, 'r.json'));
    expect(ridge.code).toBe(0);
    const r = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(r.testing.federated).toMatchObject({ n: 12 });
    expect(r.testing.inSample).toBe(false); // no card: Testing is held out
    expect(r.testing.federated.low).toBeLessThanOrEqual(r.testing.federated.rate);
    expect(r.traffic.bytesPerHospital).toBeGreaterThan(50_000); // at least one CKKS ciphertext
    const manifest = parseManifest(readFileSync(join(dir, 'ridge', 'model.json'), 'utf8'));
    expect(manifest.config.classes).toEqual(CLASSES);
    expect((await readTrainedOn(join(dir, 'ridge'))).allLabelled).toBe(false);

    const fed = await cli(
      ...common,
      '--method',
      'fedavg',
      '--rounds',
      '3',
      '--out',
      join(dir, 'fedavg'),
      '--json',
      join(dir, 'f.json'),
    );
    expect(fed.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'f.json'), 'utf8'));
    expect(report.fedavg.roundsRun).toBeLessThanOrEqual(3);
    expect(report.fedavg.bytesUpPerHospital).toBeGreaterThan(0);
    expect(report.trafficRatio.up).toBeGreaterThan(0);
    for (const k of ['fedavg', 'ridge', 'centralisedSgd', 'shippedHead'])
      expect(report.testing[k]).toMatchObject({ n: 12 });
    expect(report.testing.inSample).toBe(false);
    expect(parseManifest(readFileSync(join(dir, 'fedavg', 'model.json'), 'utf8')).weightsFile).toBe('weights.bin');

    // the same model, its card now saying it trained on Training + Testing: the figures are in-sample
    writeFileSync(join(model, 'model-card.json'), JSON.stringify({ data: { allLabelled: true, sources: [] } }));
    for (const method of ['ridge', 'fedavg']) {
      const run = await cli(
        ...common,
        ...['--method', method, '--rounds', '2', '--out', join(dir, `${method}-all`), '--json', join(dir, 'all.json')],
      );
      expect(run.code, run.err).toBe(0);
      const all = JSON.parse(readFileSync(join(dir, 'all.json'), 'utf8'));
      expect(all.testing.inSample).toBe(true);
      expect(all.testing.note).toMatch(/trained on all labelled data .* in-sample \(optimistic\), not held out/);
      expect(JSON.parse(run.out.split('\n').find((l) => l.startsWith('{'))!).testing.inSample).toBe(true); // printed
      expect(run.err).toMatch(/in-sample: .*Testing accuracies are in-sample/);
      // DIR keeps the trunk: its card says so, so later commands compute no held-out Testing figure for it
      expect((await readTrainedOn(join(dir, `${method}-all`))).allLabelled).toBe(true);
    }

    const bad = await cli(...common, '--method', 'gossip', '--out', join(dir, 'x'));
    expect(bad.code).not.toBe(0);
  }, 240_000);
});
