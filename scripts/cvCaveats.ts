/**
 * What a cross-validation report must say when its fold models are not the shipped model's
 * recipe (scripts/cv-report.ts writes it as the report's `caveat`; cv-grouped-cards.ts refuses a
 * report with one): the fold models' cards and manifests against the shipped model's, field by
 * field — augmentation, network shape, schedule, method, the other recipe fields of
 * cardRecipe.ts, seed, and views set after training (scripts/cv-views.ts). Pure: facts in,
 * one sentence per difference out; '' where the fold models are the shipped recipe.
 */
import { RECIPE_FIELDS } from '../src/lib/diagnosis/cardRecipe';
import { networkShape, recipeMethod, type Arch, type ShippedTraining } from './cvRun';

/** What cv-report.ts reads of one model: its card's `training` and its manifest's `config`. */
export interface ModelFacts {
  training: ShippedTraining & Record<string, unknown>;
  config: Record<string, unknown>;
}

/** The recipe fields with no sentence of their own (batch, optimizer, label smoothing, mixing, distillation, poisoning). */
const OTHER_RECIPE_FIELDS = RECIPE_FIELDS.filter((f) => !['epochs', 'augmentation', 'method'].includes(f));

const key = (v: unknown) => JSON.stringify(v ?? null);

/** The distinct values the fold models have for `get`, in fold order. */
export const distinct = <T>(folds: readonly ModelFacts[], get: (m: ModelFacts) => T): T[] => [
  ...new Map(folds.map((m) => [key(get(m)), get(m)])).values(),
];

/** Those values, and whether any differs from the shipped model's. */
function compared<T>(folds: readonly ModelFacts[], shipped: ModelFacts, get: (m: ModelFacts) => T) {
  const values = distinct(folds, get);
  return { values, theirs: get(shipped), differ: values.some((v) => key(v) !== key(get(shipped))) };
}

/** One architecture's caveat: every way its fold models differ from the shipped model, or ''. */
export function recipeCaveat(a: Arch, folds: readonly ModelFacts[], shipped: ModelFacts): string {
  const augmentation = compared(folds, shipped, (m) => m.training.augmentation);
  const shape = compared(folds, shipped, (m) => networkShape(m.config));
  const epochs = compared(folds, shipped, (m) => m.training.epochs);
  const method = compared(folds, shipped, (m) => recipeMethod(m.training.method));
  const seed = compared(folds, shipped, (m) => m.training.seed);
  const otherFields = OTHER_RECIPE_FIELDS.filter((f) => compared(folds, shipped, (m) => m.training[f]).differ);
  const viewsSet = [
    ...new Set(
      folds.filter((m) => m.training.viewEnsemble?.setAfterTraining).map((m) => m.training.viewEnsemble!.chosen),
    ),
  ];
  return [
    augmentation.differ &&
      `The ${a} fold models trained with the "${augmentation.values.join(', ')}" augmentation, the shipped ${a} with "${augmentation.theirs}" ` +
        '(the fold folders were named fold-K, so `cipherscan train` did not recognise histology; scripts/recipes.sh now names it): ' +
        'these figures are of that sibling recipe, not exactly of the shipped one.',
    shape.differ &&
      `The ${a} fold models are ${shape.values.join('; ')}, the shipped ${a} ${shape.theirs}: these figures are of another network than the shipped one.`,
    epochs.differ &&
      `The ${a} fold models trained for ${epochs.values.join(', ')} epochs, the shipped ${a} for ${epochs.theirs}: ` +
        'these figures are of another schedule than the shipped recipe.',
    method.differ &&
      `The ${a} fold models' method was "${method.values.join('", "')}", the shipped ${a}'s "${method.theirs}": ` +
        'these figures are of another method than the shipped recipe.',
    otherFields.length > 0 &&
      `The ${a} fold models' ${otherFields.join(', ')} differ from the shipped ${a}'s (model-card.json \`training\`): these figures are of another recipe.`,
    seed.differ &&
      `The ${a} fold models trained with seed ${seed.values.join(', ')}, the shipped ${a} with seed ${seed.theirs}: ` +
        'another draw (other initial weights, batch order and validation split) than the shipped model.',
    viewsSet.length > 0 &&
      `The ${a} fold models' test-time views ("${viewsSet.join('", "')}") were set after training (scripts/cv-views.ts), not chosen on each fold's validation as the recipe chooses them: ` +
        'these figures are of that view set on the same fold models.',
  ]
    .filter(Boolean)
    .join(' ');
}
