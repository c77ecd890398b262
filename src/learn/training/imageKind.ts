/**
 * What kind of image a training set holds, told by its classes, so that training picks the
 * augmentation for the images and not for a folder's name: the cross-validation folds are
 * called `fold-K`, and a guess from that name once trained ten lung models with the MRI
 * augmentation. A set whose classes this table does not know, or mixes kinds, has no kind:
 * the caller must then name the augmentation.
 */
import type { AugmentationKind } from './augment';

export type ImageKind = 'histology' | 'mri';

/** Class ids (the datasets' folder names) of the kinds the project trains on. */
const KIND_OF_CLASS: Readonly<Record<string, ImageKind>> = {
  // LC25000 histopathology
  lung_aca: 'histology',
  lung_n: 'histology',
  lung_scc: 'histology',
  colon_aca: 'histology',
  colon_n: 'histology',
  // brain tumour MRI
  glioma: 'mri',
  meningioma: 'mri',
  notumor: 'mri',
  pituitary: 'mri',
};

/** The one kind all `classes` belong to; undefined when any is unknown or kinds mix. */
export function imageKindOf(classes: readonly string[]): ImageKind | undefined {
  const kinds = new Set(classes.map((c) => (Object.hasOwn(KIND_OF_CLASS, c) ? KIND_OF_CLASS[c] : undefined)));
  if (classes.length === 0 || kinds.size !== 1 || kinds.has(undefined)) return undefined;
  return [...kinds][0];
}

/** The augmentation each kind trains with (augment.ts). */
export const AUGMENTATION_FOR: Readonly<Record<ImageKind, AugmentationKind>> = { histology: 'histology', mri: 'mri' };
