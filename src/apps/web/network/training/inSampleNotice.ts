/**
 * The live run's test images and a shipped model trained on all labelled data
 * (issue 18: its card's `data.allLabelled`, kept on the model's entry by the
 * registry's one read of the card): the model saw every labelled image of its
 * dataset, Testing included, so test images from that dataset are in-sample for
 * its features and its head. The page cannot tell where the picked folder came
 * from, so for such a model it says the test accuracies may be in-sample, and quotes
 * the model's cross-validation figure (the grouped folds'
 * figure where its card quotes one: the per-image folds' is optimistic for unseen tissue). Pure.
 */
import type { ModelEntry } from '../../../../lib/diagnosis/registry';
import { GROUPED_FIGURE_NAME, PER_IMAGE_CAVEAT, UNSEEN_TISSUE } from '../../../../lib/diagnosis/cvChoice';
import { crossValidationFigure } from '../../diagnosis/inSample';

/** The sentence shown beside the picked set, or null when the model's Testing split is held out. */
export function inSampleNotice(
  model: Pick<ModelEntry, 'name' | 'allLabelled' | 'cardDataset' | 'crossValidation'>,
): string | null {
  if (!model.allLabelled) return null;
  const dataset = model.cardDataset ?? 'its dataset';
  const cv = model.crossValidation;
  return (
    `${model.name} was trained on all labelled images of ${dataset} (Training + Testing). ` +
    `If these test images come from ${dataset}, the model saw them: every test accuracy below is in-sample (optimistic), ` +
    'not held out, and only compares the heads with one another. ' +
    (cv?.grouped
      ? `Its accuracy on ${GROUPED_FIGURE_NAME}, the better estimate for ${UNSEEN_TISSUE}: ${crossValidationFigure(cv.grouped.folds, cv.grouped.accuracy)}.`
      : cv
        ? `Its out-of-fold accuracy (per-image folds; ${PER_IMAGE_CAVEAT}): ${crossValidationFigure(cv.folds, cv.accuracy)}.`
        : 'Its card quotes no cross-validation figure.')
  );
}
