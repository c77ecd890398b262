/**
 * `cipherscan federated simulate --transport http` end to end (issue 17): our own
 * server on loopback, three hospital processes (`federated hospital`), a tiny
 * synthetic dataset and a fixture ViT. Ridge over HTTP gives the same head as the
 * in-process run (the server's sum decrypts to the same statistics: a wrong sum
 * would change the head); FedAvg runs its rounds with one hospital late in round 2:
 * the round closes at its deadline with the other two, the late update is refused
 * (409), the late hospital takes the sum and every hospital ends with the same
 * head; no round stalls (the whole run is bounded by the test's timeout). A model
 * whose card says it trained on all labelled data gets its Testing figures marked
 * in-sample.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeRgbPng } from '../../../lib/image/png';
import { ModelRandom } from '../../../lib/models/init';
import { fixtureModelFiles } from '../../../testing/fixtureModel';
import { runCliHere } from '../cliTestHarness';

const dir = mkdtempSync(join(tmpdir(), 'cipherscan-federated-http-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CLASSES = ['a', 'b', 'c'];

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

const json = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8'));

describe('cli federated simulate --transport http', () => {
  it('ridge over HTTP = in process; fedavg rounds go on without a late hospital', async () => {
    writeSplit('Training', 12, 1);
    writeSplit('Testing', 4, 2);
    const model = join(dir, 'model');
    mkdirSync(model);
    const f = fixtureModelFiles('vit', 3, { depth: 1, classes: CLASSES });
    writeFileSync(join(model, 'model.json'), f.manifestText);
    writeFileSync(join(model, 'weights.bin'), f.weights);
    const common = ['federated', 'simulate', '--data', join(dir, 'data'), '--model', model, '--hospitals', '3'];
    common.push('--cache', dir, '--split', 'dirichlet:0.5');

    const local = await runCliHere(
      ...common,
      '--method',
      'ridge',
      '--out',
      join(dir, 'r0'),
      '--json',
      join(dir, 'r0.json'),
    );
    expect(local.code, local.err).toBe(0);
    // from here the model's card says it trained on Training + Testing: its Testing figures are in-sample
    writeFileSync(join(model, 'model-card.json'), JSON.stringify({ data: { allLabelled: true, sources: [] } }));
    const http = await runCliHere(
      ...common,
      ...['--method', 'ridge', '--transport', 'http', '--out', join(dir, 'r1'), '--json', join(dir, 'r1.json')],
    );
    expect(http.code, http.err).toBe(0);
    const [r0, r1] = [json('r0.json'), json('r1.json')];
    expect(r1.serverRounds).toEqual([{ round: 1, state: 'closed', contributors: 3 }]);
    expect(r1.headsMaxAbsDiff).toBe(0);
    expect(r1.seat0.lambda).toBe(r0.lambda.lambda);
    expect(r1.testing.federated).toEqual(r0.testing.federated);
    expect(r0.testing.inSample).toBe(false);
    expect(r1.testing).toMatchObject({ inSample: true, note: expect.stringMatching(/in-sample \(optimistic\)/) });
    const hospitals = r1.hospitals as { images: number; wire: { bytesUp: number; bytesDown: number } }[];
    expect(hospitals.map((h) => h.images)).toEqual(r0.hospitals.map((h: { images: number }) => h.images));
    for (const h of hospitals) expect(h.wire.bytesUp).toBeGreaterThan(50_000); // at least a CKKS ciphertext

    const fed = await runCliHere(
      ...common,
      ...['--method', 'fedavg', '--rounds', '4', '--patience', '10', '--transport', 'http'],
      ...['--round-seconds', '6', '--late', '1:2:8', '--out', join(dir, 'f1'), '--json', join(dir, 'f1.json')],
    );
    expect(fed.code, fed.err).toBe(0);
    const f1 = json('f1.json');
    expect(f1.roundsRun).toBe(4);
    expect(f1.serverRounds[1]).toEqual({ round: 2, state: 'closed', contributors: 2 });
    expect(f1.serverRounds.filter((r: { contributors: number }) => r.contributors === 3)).toHaveLength(3);
    expect(f1.headsMaxAbsDiff).toBe(0);
    expect(fed.err).toMatch(/seat 1: round 2 refused the contribution \(409\)/);
    expect(f1.testing.federated).toMatchObject({ n: 12 });
  }, 600_000);
});
