/**
 * A short fingerprint of the recipe a model card says its model was trained with: its
 * architecture config and the flags of `training` a recipe sets (schedule, optimizer,
 * augmentation, mixing, method, views, distillation, poisoning; not the seed). A figure measured on fold
 * models of that recipe and written into the card later (the grouped cross-validation,
 * scripts/cvGroupedCards.ts) carries it, and the reader (cvChoice.ts) drops the figure
 * when the card's own fingerprint no longer matches: a card rewritten for another
 * recipe cannot keep quoting the old one's figure, whichever writer rewrote it.
 * Not cryptographic: it notices a changed recipe, it does not resist a forged one.
 * Must never: depend on what a run measured (best epoch, seconds, history) or on the
 * blocks later commands add (calibration, selective, crossValidation), which change
 * without the recipe changing.
 */
import { isObject } from '../json/isObject';

/** `training` fields that are flags of `cipherscan train` (scripts/recipes.sh), not measurements */
export const RECIPE_FIELDS = [
  'epochs',
  'batch',
  'optimizer',
  'labelSmoothing',
  'cutMix',
  'augmentation',
  // the trainer's sentence for the flags that have no field of their own (embedding, variants, a start from other weights)
  'method',
  'distillation',
  'poisoning',
] as const;

/** JSON with object keys sorted at every depth, so that key order never changes the fingerprint. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v ?? null);
}

/** 32-bit FNV-1a over the UTF-16 code units: enough to tell recipes apart, and the same in every runtime. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** "fnv1a:1234abcd", the fingerprint of a parsed model card's recipe (a missing field counts as null). */
export function cardRecipe(card: unknown): string {
  const c = isObject(card) ? card : {};
  const t = isObject(c.training) ? c.training : {};
  const views = isObject(t.viewEnsemble) ? (t.viewEnsemble.candidate ?? null) : null;
  const recipe = {
    architecture: c.architecture ?? null,
    config: c.config ?? null,
    ...Object.fromEntries(RECIPE_FIELDS.map((k) => [k, t[k] ?? null])),
    views,
  };
  return `fnv1a:${fnv1a(canonical(recipe))}`;
}
