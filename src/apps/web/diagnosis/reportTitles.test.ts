import { describe, expect, it } from 'vitest';
import { blockTitle, figureLabel, modelTitle, sourceTitle } from './reportTitles';

describe('report titles for people', () => {
  it('names models, files and blocks in words, and leaves unknown names as they are', () => {
    expect(modelTitle('vit-brain-mri')).toBe('ViT · Brain MRI');
    expect(modelTitle('cnn-lung-histopathology')).toBe('Masked-CNN · Lung histopathology');
    expect(modelTitle('something-else')).toBe('something-else');
    expect(sourceTitle('vit-brain-mri (model card)')).toBe('ViT · Brain MRI — model card');
    expect(sourceTitle('docs/reports/vit-brain-mri.json')).toBe('Evaluation — ViT · Brain MRI');
    expect(sourceTitle('docs/reports/selective-brain-mri.json')).toBe('Selective diagnosis — Brain MRI');
    expect(sourceTitle('docs/reports/poisoning-cnn-brain-mri.json')).toBe(
      'Training-time poisoning — Masked-CNN · Brain MRI',
    );
    expect(sourceTitle('docs/reports/inversion.json')).toBe('Model-inversion attacks');
    expect(sourceTitle('docs/reports/other.json')).toBe('other');
    expect(blockTitle('vit-brain-mri › test › encrypted')).toBe(
      'ViT · Brain MRI › Testing › encrypted images, key-adapted model',
    );
    expect(blockTitle('selective › candidates › cnn-brain-mri › testing')).toBe(
      'selective › Masked-CNN · Brain MRI › Testing',
    );
    expect(figureLabel('maxAbsLogitDiff')).toBe('largest logit difference from plain');
    expect(figureLabel('bitFlipAccuracy')).toBe('bit flip accuracy');
  });
});
