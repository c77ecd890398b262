/**
 * The side S of the square model input, in pixels: the one place it is declared.
 * The BPE plan's default geometry, `toModelInput`, the model configurations, the
 * CLI and the training data loader all read it, so a scan is resized, encrypted
 * and diagnosed at the same size everywhere (docs/ARCHITECTURE.md, Protection
 * schemes). Must never become a per-call setting here: a model file records its
 * own size in its config, and that is what adaptation checks.
 */
export const MODEL_INPUT_SIZE = 200;
