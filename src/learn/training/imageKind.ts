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

/**
 * What each kind's public source does to a per-image figure, written on every card trained on it
 * (release.ts prints it as the card's caveat). Both sources hold near-copies of one original on
 * both sides of their Training/Testing split (docs/reports/near-duplicates-*.md), so a Testing or
 * per-image cross-validation figure measures mostly copies of seen originals.
 */
export const DATA_CAVEAT: Readonly<Record<ImageKind, string>> = {
  histology:
    "LC25000 was made by augmenting 250 originals per class, so near-copies of one original can sit on both sides of a per-image split: a Testing or per-image cross-validation figure is optimistic; the grouped folds (one original's copies kept together) are not made optimistic by it.",
  mri: 'The brain tumour MRI set merges three public collections with many near-copies: 88 % of its Testing scans have a copy in Training (docs/reports/near-duplicates-brain-mri.md), so a Testing or per-image cross-validation figure is optimistic; the grouped folds (detected copies kept together) are not made optimistic by it.',
};
