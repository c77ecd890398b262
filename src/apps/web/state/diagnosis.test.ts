/** The diagnosis store keeps the choice on a model that exists, and results carry the key check they were made with. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ModelEntry } from '../../../lib/diagnosis/registry';
import { fixtureCardCrossValidation } from '../../../testing/fixtureModelCard';
import { fixtureEnsembleSpec } from '../../../testing/fixtureEnsemble';
import { chosenModel, chosenSingleModel, chosenSingleModelLabel, errorShown, useDiagnosis } from './diagnosis';

const entry = (architecture: 'vit' | 'cnn', dataset: 'brain-mri' | 'lung-histopathology'): ModelEntry => ({
  name: `${architecture}-${dataset}`,
  architecture,
  dataset,
  url: `/models/${architecture}-${dataset}/`,
  classes: ['a', 'b'],
  weightsBytes: 1,
  dtype: 'float16',
  allLabelled: false,
});

describe('diagnosis store', () => {
  beforeEach(() => useDiagnosis.setState({ models: [], architecture: 'vit', dataset: 'brain-mri', byFile: {} }));

  it('falls back to a model that exists when the choice has none', () => {
    useDiagnosis.getState().setModels([entry('cnn', 'brain-mri'), entry('vit', 'lung-histopathology')], 'ready');
    expect(chosenModel(useDiagnosis.getState())?.name).toBe('cnn-brain-mri');
    useDiagnosis.getState().choose({ dataset: 'lung-histopathology' });
    expect(chosenModel(useDiagnosis.getState())?.name).toBe('vit-lung-histopathology');
    useDiagnosis.getState().choose({ architecture: 'cnn' }); // not trained for this dataset: stays on what exists
    expect(chosenModel(useDiagnosis.getState())?.name).toBe('vit-lung-histopathology');
  });

  it('a dataset with an ensemble opens on it; the single networks stay choosable; the single of an ensemble is its ViT', () => {
    const lung = 'lung-histopathology' as const;
    const ens: ModelEntry = {
      ...entry('vit', lung),
      name: 'ensemble-lung-histopathology',
      architecture: 'ensemble',
      // the Masked-CNN first: the single of an ensemble is its ViT by architecture, not by position
      ensemble: fixtureEnsembleSpec(
        {
          members: [
            { name: 'cnn-lung-histopathology', architecture: 'cnn', temperature: 1 },
            { name: 'vit-lung-histopathology', architecture: 'vit', temperature: 1 },
          ],
        },
        lung,
      ),
    };
    const models = [entry('vit', 'brain-mri'), entry('vit', lung), entry('cnn', lung), ens];
    useDiagnosis.getState().setModels(models, 'ready');
    expect(chosenModel(useDiagnosis.getState())?.name).toBe('vit-brain-mri'); // brain MRI has no ensemble
    useDiagnosis.getState().choose({ dataset: lung });
    expect(chosenModel(useDiagnosis.getState())?.name).toBe('ensemble-lung-histopathology');
    expect(chosenSingleModel(useDiagnosis.getState())?.name).toBe('vit-lung-histopathology');
    expect(chosenSingleModelLabel(useDiagnosis.getState())).toBe('ViT (the ensemble’s member)');
    useDiagnosis.getState().choose({ architecture: 'cnn' });
    expect(chosenModel(useDiagnosis.getState())?.name).toBe('cnn-lung-histopathology');
    expect(chosenSingleModelLabel(useDiagnosis.getState())).toBe('Masked-CNN');
    useDiagnosis.setState({ models: [], dataset: lung, architecture: 'vit' });
    useDiagnosis.getState().setModels(models, 'ready'); // the first probe, on the lung dataset
    expect(chosenModel(useDiagnosis.getState())?.name).toBe('ensemble-lung-histopathology');
  });

  it('a dataset opens on the single network its cross-validation chose (the cards), whatever was chosen before', () => {
    const lung = 'lung-histopathology' as const;
    const models = [
      entry('vit', 'brain-mri'),
      entry('cnn', 'brain-mri'),
      { ...entry('vit', lung), crossValidation: fixtureCardCrossValidation(2830) },
      { ...entry('cnn', lung), crossValidation: fixtureCardCrossValidation(2795) },
    ];
    useDiagnosis.getState().setModels(models, 'ready');
    useDiagnosis.getState().choose({ architecture: 'cnn' });
    expect(chosenModel(useDiagnosis.getState())?.name).toBe('cnn-brain-mri'); // brain MRI's cards name none
    useDiagnosis.getState().choose({ dataset: lung });
    expect(chosenModel(useDiagnosis.getState())?.name).toBe('vit-lung-histopathology');
    useDiagnosis.getState().choose({ architecture: 'cnn' }); // still choosable
    expect(chosenModel(useDiagnosis.getState())?.name).toBe('cnn-lung-histopathology');
    useDiagnosis.setState({ models: [], dataset: lung, architecture: 'cnn' });
    useDiagnosis.getState().setModels(models, 'ready'); // the first probe, on the lung dataset
    expect(chosenModel(useDiagnosis.getState())?.name).toBe('vit-lung-histopathology');
  });

  it('no models: nothing is chosen', () => {
    useDiagnosis.getState().setModels([], 'ready');
    expect(chosenModel(useDiagnosis.getState())).toBeUndefined();
  });

  it('a failure is kept per file and model, cleared by a later result and by clearResults', () => {
    const d = useDiagnosis.getState();
    d.clearResults();
    d.recordFailure('scan-1', 'cnn-brain-mri', 'k', 'out of memory');
    d.recordFailure('scan-1', 'vit-brain-mri', 'k', 'lost');
    expect(useDiagnosis.getState().failed['scan-1']['cnn-brain-mri']).toEqual({
      reason: 'out of memory',
      keyCheck: 'k',
    });
    useDiagnosis.getState().record('scan-1', 'k', { model: 'cnn-brain-mri' } as never);
    expect(Object.keys(useDiagnosis.getState().failed['scan-1'])).toEqual(['vit-brain-mri']);
    useDiagnosis.getState().clearResults();
    expect(useDiagnosis.getState().failed).toEqual({});
  });

  it("dropFile forgets one scan's results and failures under every model, and no other scan's", () => {
    const d = useDiagnosis.getState();
    d.clearResults();
    d.record('scan-1', 'k', { model: 'cnn-brain-mri' } as never);
    d.record('scan-1', 'k', { model: 'vit-brain-mri' } as never);
    d.recordFailure('scan-1', 'vit-lung-histopathology', 'k', 'lost');
    d.record('scan-2', 'k', { model: 'cnn-brain-mri' } as never);
    useDiagnosis.getState().dropFile('scan-1');
    expect(useDiagnosis.getState().byFile['scan-1']).toBeUndefined();
    expect(useDiagnosis.getState().failed['scan-1']).toBeUndefined();
    expect(Object.keys(useDiagnosis.getState().byFile['scan-2'])).toEqual(['cnn-brain-mri']);
  });

  it('an error about one model or scan is not shown beside another', () => {
    const d = useDiagnosis.getState();
    d.setError('could not load', { model: 'cnn-brain-mri' });
    expect(errorShown(useDiagnosis.getState(), 'cnn-brain-mri', 'scan-1')).toBe('could not load');
    expect(errorShown(useDiagnosis.getState(), 'vit-brain-mri', 'scan-1')).toBeNull();
    d.setError('diagnosis failed', { model: 'cnn-brain-mri', fileId: 'scan-1' });
    expect(errorShown(useDiagnosis.getState(), 'cnn-brain-mri', 'scan-1')).toBe('diagnosis failed');
    expect(errorShown(useDiagnosis.getState(), 'cnn-brain-mri', 'scan-2')).toBeNull();
    d.setError('load a scan first');
    expect(errorShown(useDiagnosis.getState(), undefined, undefined)).toBe('load a scan first');
    d.setError(null);
    expect(errorShown(useDiagnosis.getState(), 'cnn-brain-mri', 'scan-1')).toBeNull();
  });
});
