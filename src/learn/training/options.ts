/**
 * The options and results of a training run (trainer.ts), in their own module
 * so the pieces of the loop (data.ts, trainingModel.ts, step.ts, epoch.ts,
 * validation.ts) and release.ts can name them without importing the loop.
 * Types only: this module must never hold code that runs.
 */
import type { ModelConfig } from '../../lib/models/config';
import type { HostWeights } from '../../lib/models/init';
import type { ViewEnsemble } from '../../lib/models/views';
import type { BpePlan } from '../../lib/cipher/bpe/plan';
import type { AugmentationKind } from './augment';
import type { TrainState } from './checkpoint';
import type { ValidationGroups } from './validationGroups';

export interface TrainOptions {
  run: string;
  architecture: 'vit' | 'cnn';
  epochs: number;
  batch: number;
  seed: number;
  lr: number;
  weightDecay: number;
  warmupEpochs: number;
  labelSmoothing: number;
  valFraction: number;
  augmentation: AugmentationKind;
  checkpointDir: string;
  resume: boolean;
  /** weight of the teacher's targets (hard labels or probabilities) in the loss (0..1) */
  distillWeight: number;
  /**
   * 0 (default): distil the teacher's hard labels (DeiT). T > 0: its class
   * probabilities softmax(logits / T), which also say how close the other
   * classes were, more signal per step for a student that underfits.
   */
  distillTemperature?: number;
  /** probability of block-level CutMix per training image (0 = off; blockFeatures.ts) */
  cutMix?: number;
  /**
   * Score the test-time view ensemble on validation every epoch and choose the
   * epoch and the views together (otherwise: the epoch by one view, the views
   * afterwards for that epoch).
   */
  jointViewSelection?: boolean;
  /** geometric variants per training image in the feature bank (4 fixed, more are random affine; blockFeatures.ts) */
  variants?: number;
  configOverrides?: Partial<ModelConfig>;
  /** use only this many training images (smoke tests) */
  limit?: number;
  /**
   * Training-time poisoning study: this share of the training images is
   * encrypted with a run key, attacked in the encrypted domain (bit 7 flipped /
   * N(0, 20) added on 10 % of its values), and decrypted again, which is what
   * training on encrypted images with poisoned members amounts to.
   */
  poison?: { kind: 'bit-flip' | 'gaussian'; fraction: number; plan: BpePlan };
  /**
   * Start the per-token stem from a trained model's stem (a hybrid ViT: the
   * tokens begin as the Masked-CNN's learned block features, and training only
   * has to learn how attention mixes them). The source must share the fixed
   * patch embedding (same seed, split and width) and the stem's shapes; the
   * stem trains on from there. A stem acts on one block at a time, so key
   * adaptation is unchanged.
   */
  stemFrom?: { weights: HostWeights; label: string };
  /**
   * Start from every weight of a trained ViT of the same width (a deeper model
   * grown from a shallower one): the blocks past the source's depth start with
   * zero residual outputs, so the grown model begins as the source, computing
   * the same logits. Same fixed patch embedding required, as for stemFrom.
   */
  growFrom?: { weights: HostWeights; label: string };
  /**
   * Keep an exponential moving average of the weights with this decay per step
   * (e.g. 0.998: about the last 500 steps) and validate and release the average
   * instead of the last step's weights (weightAverage.ts). 0 or absent: off.
   */
  weightAverage?: number;
  /**
   * The images are Training + Testing pooled (`train --all-labelled`, labelledData.ts).
   * Recorded in the checkpoint: a resume must not mix a run on Training alone with one on the pool.
   */
  allLabelled?: boolean;
  /**
   * `train --groups FILE`: the validation split takes whole near-duplicate groups
   * (validationGroups.ts). Recorded (file and sha256) in the checkpoint and the model card,
   * so a resume and the later commands cut the same split.
   */
  validationGroups?: ValidationGroups;
}

export interface ViewSelection {
  candidate: ViewEnsemble;
  single: { accuracy: number; logLoss: number };
  ensemble: { accuracy: number; logLoss: number };
  chosen: ViewEnsemble | null;
}

export interface TrainResult {
  config: ModelConfig;
  /** the test-time view ensemble, chosen on the validation split (never the test split) */
  viewSelection?: ViewSelection;
  best: HostWeights;
  state: TrainState;
  split: { train: number; val: number };
}
