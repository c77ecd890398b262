/**
 * The page's settings for the model-inversion attacks (issue 17, "The page"):
 * small enough that each attack takes seconds on a 2-core CPU in a worker, and
 * said on screen. The full-strength settings are the CLI's
 * (`cli inversion report ... --steps 40 --iterations 500`, docs/reports/inversion.md).
 */
import type { InversionKind } from '../../../../lib/attacks/inversion';

export interface PageInversionSettings {
  /** token inversion and server view: optimisation steps from the dataset's mean image (CLI default 40) */
  tokenSteps: number;
  /** deep leakage from gradients on the 32 x 32 model: iterations (CLI default 500) */
  dlgIterations: number;
  seed: number;
}

export const PAGE_INVERSION_SETTINGS: PageInversionSettings = { tokenSteps: 4, dlgIterations: 300, seed: 1 };

/** The order the page runs and shows them: what an unprotected update gives away first, our server last. */
export const PAGE_ATTACK_ORDER: readonly InversionKind[] = [
  'gradient-analytic',
  'gradient-dlg',
  'token-inversion',
  'server-view',
];

export const ATTACK_TITLES: Record<InversionKind, { title: string; holds: string }> = {
  'gradient-analytic': {
    title: 'Unprotected update, closed form',
    holds: "one training step's update of the shipped ViT on this scan alone, in the clear",
  },
  'gradient-dlg': {
    title: 'Unprotected update, deep leakage (DLG)',
    holds: 'the same kind of update of a small model (32 × 32 input), matched by optimisation',
  },
  'token-inversion': {
    title: 'Plaintext class token',
    holds: "this scan's class token in the clear (what a server would get without encryption)",
  },
  'server-view': {
    title: 'What our server holds',
    holds: "the CKKS ciphertext of this scan's class token, the public parameters, no key",
  },
};

export function describeSettings(s: PageInversionSettings): string {
  return (
    `Settings for the page (seconds on a small CPU): ${s.tokenSteps} optimisation steps for the two token attacks ` +
    `(the report uses 40), ${s.dlgIterations} DLG iterations (the report uses 500), seed ${s.seed}. ` +
    `Stronger settings: npm run cli -- attack --kind KIND --steps 40 --iterations 500.`
  );
}
