/**
 * The model card of a model trained on all labelled data (`cipherscan train
 * --all-labelled`), made by the same builders the release uses
 * (learn/training/allLabelledCard.ts) from the fixture CV report, for the tests of
 * what reads cards (the report view). Made-up figures for plumbing only.
 */
import { accuracyClaim, allLabelledData } from '../learn/training/allLabelledCard';
import { fixtureCvReport } from './fixtureCvReport';

export const FIXTURE_CV_PATH = 'docs/reports/cv-lung-histopathology.json';

/** `cv: false`: released without --cv-report (no accuracy figure). */
export function fixtureAllLabelledCard(name = 'vit-lung-histopathology', { cv = true } = {}) {
  const report = fixtureCvReport({ foldAugmentations: { vit: ['histology'], cnn: ['histology'] } });
  const sources = [
    { folder: '../shared/datasets/lung-histopathology/Training', images: 2700 },
    { folder: '../shared/datasets/lung-histopathology/Testing', images: 300 },
  ];
  return {
    name,
    architecture: 'vit',
    parameters: 1000,
    data: allLabelledData(
      {
        config: { classes: ['lung_aca', 'lung_n', 'lung_scc'] },
        options: { valFraction: 0.1, seed: 1 },
        dataset: { name: 'lung-histopathology', trainImages: 2700, valImages: 300 },
      },
      sources,
    ),
    ...accuracyClaim(
      name,
      { architecture: 'vit', augmentation: 'histology' },
      cv ? { report, path: FIXTURE_CV_PATH } : undefined,
    ),
    training: {
      epochs: 2,
      seconds: 120,
      history: [
        { epoch: 1, trainLoss: 1, valAccuracy: 0.8 },
        { epoch: 2, trainLoss: 0.5, valAccuracy: 0.9 },
      ],
    },
  };
}
