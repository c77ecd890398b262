/** Model discovery must list exactly the folders whose manifest parses, and treat an HTML fallback as missing. */
import { describe, expect, it } from 'vitest';
import { fixtureModelFiles } from '../../testing/fixtureModel';
import { fixtureEnsembleSpec } from '../../testing/fixtureEnsemble';
import { serializeEnsemble } from './ensemble';
import { fixtureCvCard, fixtureValidationCard } from '../../testing/fixtureModelCard';
import { fixtureAllLabelledCard } from '../../testing/fixtureAllLabelledCard';
import { datasetDefault, discoverModels, modelLabel } from './registry';
import { pickFastest } from './backend';

describe('discoverModels', () => {
  it('keeps the models whose model.json is a CipherScan manifest of the right architecture', async () => {
    const vit = fixtureModelFiles('vit', 1, { depth: 1 });
    const cnn = fixtureModelFiles('cnn', 2, { depth: 1 });
    const served: Record<string, string> = {
      '/app/models/vit-brain-mri/model.json': vit.manifestText,
      '/app/models/cnn-lung-histopathology/model.json': cnn.manifestText,
      '/app/models/cnn-brain-mri/model.json': '<!doctype html><title>index</title>', // dev-server fallback
      '/app/models/vit-lung-histopathology/model.json': cnn.manifestText, // wrong architecture for the name
    };
    const asked: string[] = [];
    const fetcher = async (url: string) => {
      asked.push(url);
      const path = new URL(url).pathname;
      const body = served[path];
      return { ok: body !== undefined, status: body !== undefined ? 200 : 404, text: async () => body ?? '' };
    };
    const models = await discoverModels('http://localhost/app/', fetcher);
    expect(models.map((m) => m.name).sort()).toEqual(['cnn-lung-histopathology', 'vit-brain-mri']);
    const v = models.find((m) => m.name === 'vit-brain-mri')!;
    expect(v.url).toBe('http://localhost/app/models/vit-brain-mri/');
    expect(v.classes).toEqual(vit.manifest.config.classes);
    expect(v.weightsBytes).toBe(vit.weights.length);
    expect(asked.every((u) => u.startsWith('http://localhost/app/models/'))).toBe(true);
  });
});

describe('discoverModels: ensembles', () => {
  const vit = fixtureModelFiles('vit', 1, { depth: 1 });
  const cnn = fixtureModelFiles('cnn', 2, { depth: 1 });
  const serve = (served: Record<string, string>) => async (url: string) => {
    const body = served[new URL(url).pathname];
    return { ok: body !== undefined, status: body !== undefined ? 200 : 404, text: async () => body ?? '' };
  };
  const both = {
    '/models/vit-brain-mri/model.json': vit.manifestText,
    '/models/cnn-brain-mri/model.json': cnn.manifestText,
  };

  it('offers an ensemble whose file parses and whose members are both there', async () => {
    const spec = fixtureEnsembleSpec();
    const models = await discoverModels(
      'http://localhost/',
      serve({ ...both, '/models/ensemble-brain-mri/ensemble.json': serializeEnsemble(spec) }),
    );
    const e = models.find((m) => m.architecture === 'ensemble')!;
    expect(e.name).toBe('ensemble-brain-mri');
    expect(e.dataset).toBe('brain-mri');
    expect(e.url).toBe('http://localhost/models/ensemble-brain-mri/');
    expect(e.weightsBytes).toBe(vit.weights.length + cnn.weights.length);
    expect(e.ensemble).toEqual(spec);
  });

  it('not offered with a member missing, a malformed file, another dataset inside, or the HTML fallback', async () => {
    const good = serializeEnsemble(fixtureEnsembleSpec());
    const lungInside = serializeEnsemble(fixtureEnsembleSpec({}, 'lung-histopathology'));
    for (const served of [
      { '/models/vit-brain-mri/model.json': vit.manifestText, '/models/ensemble-brain-mri/ensemble.json': good },
      { ...both, '/models/ensemble-brain-mri/ensemble.json': good.replace('"version": 1', '"version": 2') },
      { ...both, '/models/ensemble-brain-mri/ensemble.json': lungInside },
      { ...both, '/models/ensemble-brain-mri/ensemble.json': '<!doctype html>' },
    ]) {
      const models = await discoverModels('http://localhost/', serve(served));
      expect(models.some((m) => m.architecture === 'ensemble')).toBe(false);
    }
  });
});

describe('discoverModels: ensemble members must carry the temperatures it was fitted with', () => {
  const vit = fixtureModelFiles('vit', 1, { depth: 1, temperature: 0.5 });
  const cnn = fixtureModelFiles('cnn', 2, { depth: 1, temperature: 2 });
  const spec = fixtureEnsembleSpec();
  spec.members = [
    { ...spec.members[0], temperature: 0.5 },
    { ...spec.members[1], temperature: 2 },
  ];
  const serve = (served: Record<string, string>) => async (url: string) => {
    const body = served[new URL(url).pathname];
    return { ok: body !== undefined, status: body !== undefined ? 200 : 404, text: async () => body ?? '' };
  };
  const offered = async (vitText: string, cnnText: string) =>
    (
      await discoverModels(
        'http://localhost/',
        serve({
          '/models/vit-brain-mri/model.json': vitText,
          '/models/cnn-brain-mri/model.json': cnnText,
          '/models/ensemble-brain-mri/ensemble.json': serializeEnsemble(spec),
        }),
      )
    ).map((m) => m.name);

  it('offered when both temperatures match; skipped (members still offered) when either differs', async () => {
    expect(await offered(vit.manifestText, cnn.manifestText)).toContain('ensemble-brain-mri');
    const recalibrated = fixtureModelFiles('cnn', 2, { depth: 1, temperature: 1.7 });
    const uncalibrated = fixtureModelFiles('vit', 1, { depth: 1 }); // temperature 1
    for (const [v, c] of [
      [vit.manifestText, recalibrated.manifestText],
      [uncalibrated.manifestText, cnn.manifestText],
    ]) {
      const names = await offered(v, c);
      expect(names).not.toContain('ensemble-brain-mri');
      expect(names.sort()).toEqual(['cnn-brain-mri', 'vit-brain-mri']);
    }
  });
});

describe("a dataset's default: what its cross-validation chose", () => {
  const vit = fixtureModelFiles('vit', 1, { depth: 1 });
  const cnn = fixtureModelFiles('cnn', 2, { depth: 1 });
  const serve = (served: Record<string, string>) => async (url: string) => {
    const body = served[new URL(url).pathname];
    return { ok: body !== undefined, status: body !== undefined ? 200 : 404, text: async () => body ?? '' };
  };
  const models = (cards: Record<string, string>, extra: Record<string, string> = {}) =>
    discoverModels(
      'http://localhost/',
      serve({
        '/models/vit-brain-mri/model.json': vit.manifestText,
        '/models/cnn-brain-mri/model.json': cnn.manifestText,
        ...Object.fromEntries(Object.entries(cards).map(([n, text]) => [`/models/${n}/model-card.json`, text])),
        ...extra,
      }),
    );
  const card = (name: string, k: number, choice: 'vit' | 'cnn' | 'ensemble' | null = 'vit') =>
    JSON.stringify(fixtureCvCard(name, k, choice));

  it("the single network the cards name, with both networks' out-of-fold figures", async () => {
    const found = await models({ 'vit-brain-mri': card('v', 2850), 'cnn-brain-mri': card('c', 2790) });
    expect(found.find((m) => m.name === 'vit-brain-mri')?.crossValidation?.accuracy.k).toBe(2850);
    const d = datasetDefault(found, 'brain-mri');
    expect(d?.entry.name).toBe('vit-brain-mri');
    expect(d?.why).toBe('best in 5-fold cross-validation — ViT 95.0 % vs Masked-CNN 93.0 % (out of fold)');
    const cnnChosen = await models({
      'vit-brain-mri': card('v', 2790, 'cnn'),
      'cnn-brain-mri': card('c', 2850, 'cnn'),
    });
    expect(datasetDefault(cnnChosen, 'brain-mri')?.why).toBe(
      'best in 5-fold cross-validation — Masked-CNN 95.0 % vs ViT 93.0 % (out of fold)',
    );
    expect(datasetDefault(found, 'lung-histopathology')).toBeUndefined();
  });

  it('none without a card that names a single network; a card never hides a model', async () => {
    const cases: Record<string, string>[] = [
      {},
      { 'vit-brain-mri': '<!doctype html>', 'cnn-brain-mri': '{"name": "no block"}' },
      { 'vit-brain-mri': card('v', 2850, 'ensemble'), 'cnn-brain-mri': card('c', 2790, 'ensemble') }, // not shipped
      { 'vit-brain-mri': card('v', 2850, 'cnn') }, // names the other network, whose card says nothing
    ];
    for (const cards of cases) {
      const found = await models(cards);
      expect(found.map((m) => m.name).sort()).toEqual(['cnn-brain-mri', 'vit-brain-mri']);
      expect(datasetDefault(found, 'brain-mri'), JSON.stringify(cards)).toBeUndefined();
    }
  });

  it('without cross-validation on either card: more right answers on their shared validation split', async () => {
    const found = await models({
      'vit-brain-mri': JSON.stringify(fixtureValidationCard(530, 0.27145)),
      'cnn-brain-mri': JSON.stringify(fixtureValidationCard(538, 0.7496)),
    });
    const d = datasetDefault(found, 'brain-mri');
    expect(d?.entry.name).toBe('cnn-brain-mri');
    expect(d?.why).toMatch(
      /^more right answers on the validation split \(571 scans, stratified 10 % of Training, seed 1;/,
    );
    // a card with cross-validation is never overruled by validation figures, even one that chose nothing
    const mixed = await models({
      'vit-brain-mri': JSON.stringify({ ...fixtureCvCard('v', 2850, null), ...fixtureValidationCard(530, 0.27) }),
      'cnn-brain-mri': JSON.stringify(fixtureValidationCard(538, 0.75)),
    });
    expect(datasetDefault(mixed, 'brain-mri')?.entry.name).toBe('vit-brain-mri');
  });

  it('where only one network was cross-validated (alone, choosing nothing): that one, saying the other is not measured', async () => {
    const found = await models({
      'vit-brain-mri': JSON.stringify(fixtureValidationCard(540, 0.3)),
      'cnn-brain-mri': card('c', 2570, null),
    });
    const d = datasetDefault(found, 'brain-mri');
    expect(d?.entry.name).toBe('cnn-brain-mri');
    expect(d?.why).toBe(
      "the only one of the two networks cross-validated — Masked-CNN 85.7 % out of fold (5 folds); the ViT's accuracy on unseen scans is not measured",
    );
    // grouped folds say so
    const grouped = await models({
      'cnn-brain-mri': JSON.stringify({
        crossValidation: { ...fixtureCvCard('c', 2570, null).crossValidation, split: 'brain-mri-grouped' },
      }),
    });
    expect(datasetDefault(grouped, 'brain-mri')?.why).toMatch(
      /^the only one of the two networks cross-validated — Masked-CNN 85\.7 % on held-out originals \(grouped folds, 5 folds\);/,
    );
    // a block that chose the other network is not "alone": the other's card must say it, as before
    const named = await models({ 'cnn-brain-mri': card('c', 2570, 'vit') });
    expect(datasetDefault(named, 'brain-mri')).toBeUndefined();
  });

  it('the ensemble where it ships, with the figures of its ensemble.json', async () => {
    const found = await models(
      { 'vit-brain-mri': card('v', 2850), 'cnn-brain-mri': card('c', 2790) },
      { '/models/ensemble-brain-mri/ensemble.json': serializeEnsemble(fixtureEnsembleSpec()) },
    );
    const d = datasetDefault(found, 'brain-mri');
    expect(d?.entry.name).toBe('ensemble-brain-mri');
    expect(d?.why).toMatch(/^best in 5-fold cross-validation: 97\.7 % vs 96\.7 % \(ViT\) and 96\.0 % \(Masked-CNN\)/);
  });
});

describe('discoverModels: the one read of each card says whether it trained on all labelled data', () => {
  const vit = fixtureModelFiles('vit', 1, { depth: 1 });
  const cnn = fixtureModelFiles('cnn', 2, { depth: 1 });
  const lung = 'lung-histopathology';

  it('keeps data.allLabelled and data.dataset beside the cross-validation block; false without them', async () => {
    const served: Record<string, string> = {
      [`/models/vit-${lung}/model.json`]: vit.manifestText,
      [`/models/vit-${lung}/model-card.json`]: JSON.stringify(fixtureAllLabelledCard()),
      [`/models/cnn-${lung}/model.json`]: cnn.manifestText,
      [`/models/cnn-${lung}/model-card.json`]: JSON.stringify(fixtureCvCard('c', 2790)),
      '/models/vit-brain-mri/model.json': vit.manifestText,
      '/models/vit-brain-mri/model-card.json': '<!doctype html>',
    };
    const asked: string[] = [];
    const models = await discoverModels('http://localhost/', async (url) => {
      asked.push(new URL(url).pathname);
      const body = served[new URL(url).pathname];
      return { ok: body !== undefined, status: body !== undefined ? 200 : 404, text: async () => body ?? '' };
    });
    const by = (name: string) => models.find((m) => m.name === name)!;
    expect(by(`vit-${lung}`).allLabelled).toBe(true);
    expect(by(`vit-${lung}`).cardDataset).toBe(lung);
    expect(by(`vit-${lung}`).crossValidation?.accuracy.k).toBe(2900);
    expect(by(`cnn-${lung}`).allLabelled).toBe(false);
    expect(by(`cnn-${lung}`).cardDataset).toBeUndefined();
    expect(by('vit-brain-mri').allLabelled).toBe(false);
    expect(asked.filter((p) => p === `/models/vit-${lung}/model-card.json`)).toHaveLength(1);
  });
});

describe('pickFastest', () => {
  it('takes the fastest started backend; near-ties go to the earlier one in webgpu, webgl, wasm, cpu', () => {
    expect(
      pickFastest([
        { backend: 'webgpu', started: true, ms: 60 },
        { backend: 'webgl', started: true, ms: 15 },
        { backend: 'wasm', started: true, ms: 2 },
      ])?.backend,
    ).toBe('wasm');
    expect(
      pickFastest([
        { backend: 'webgpu', started: true, ms: 2.1 },
        { backend: 'wasm', started: true, ms: 2.0 },
      ])?.backend,
    ).toBe('webgpu');
    expect(
      pickFastest([
        { backend: 'webgpu', started: false },
        { backend: 'wasm', started: true, ms: 5 },
      ])?.backend,
    ).toBe('wasm');
    expect(pickFastest([{ backend: 'cpu', started: true }])?.backend).toBe('cpu');
    expect(pickFastest([{ backend: 'webgl', started: false }])).toBeUndefined();
  });
});

describe('modelLabel', () => {
  it('names a model as a person reads it, not by its folder', () => {
    expect(modelLabel({ architecture: 'cnn', dataset: 'brain-mri' })).toBe('Masked-CNN · Brain MRI');
    expect(modelLabel({ architecture: 'ensemble', dataset: 'lung-histopathology' })).toBe(
      'ViT + Masked-CNN (ensemble) · Lung histopathology',
    );
  });
});
