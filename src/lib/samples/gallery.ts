/**
 * The built-in sample gallery: synthetic brain phantoms only, each labelled as
 * synthetic in the UI. Samples go through the same decode path as user files
 * (they are offered as PNG bytes), so the page treats them exactly like uploads.
 *
 * Must never: include or fetch a real scan (real datasets stay in ../shared).
 */
import { encodeRgbPng } from '../image/png';
import { brainPhantom, type PhantomParams } from './phantom';

export interface SampleSpec {
  id: string;
  /** what the tile says; always shown together with the word "synthetic" */
  title: string;
  description: string;
  params: PhantomParams;
}

export const SAMPLES: readonly SampleSpec[] = [
  {
    id: 'phantom-normal',
    title: 'Normal brain',
    description: 'T1-like axial slice, no findings',
    params: { seed: 11 },
  },
  {
    id: 'phantom-lesion',
    title: 'Brain with lesion',
    description: 'T1-like slice with a bright round lesion',
    params: { seed: 23, lesion: 0.12 },
  },
  {
    id: 'phantom-large-lesion',
    title: 'Large lesion',
    description: 'T2-like slice with a large lesion',
    params: { seed: 37, lesion: 0.2, t2: true },
  },
  {
    id: 'phantom-ventricles',
    title: 'Enlarged ventricles',
    description: 'T1-like slice with enlarged ventricles',
    params: { seed: 41, ventricleScale: 1.7 },
  },
  {
    id: 'phantom-t2',
    title: 'Normal brain, T2',
    description: 'T2-like contrast, no findings',
    params: { seed: 53, t2: true },
  },
];

/** PNG bytes of a sample, as if the user had dropped a file. */
export function samplePng(spec: SampleSpec): Uint8Array {
  return encodeRgbPng(brainPhantom(spec.params));
}

/** File name for a sample; says "synthetic" so it can never be mistaken for a patient scan. */
export function sampleFileName(spec: SampleSpec): string {
  return `synthetic-${spec.id}.png`;
}
