/**
 * Block-pixel encryption as a protection scheme (docs/ARCHITECTURE.md,
 * Protection schemes): the first implementation of `ProtectedInput`. Everything
 * the models need to know about BPE is here, and they reach it only through the
 * interface (src/lib/protection/protectedInput.ts).
 *
 * Key adaptation as a pure weight transform. For encrypted block element e_i
 * (scaled 1/255) taken from plain element blockSrc[i], inverted when
 * blockFlip[i]:  x[blockSrc[i]] = blockFlip[i] ? 1 - e_i : e_i, hence
 *     W'[i, :] = (blockFlip[i] ? -1 : 1) * W[blockSrc[i], :]
 *     c'       = c + sum_{i: blockFlip[i]} W[blockSrc[i], :].
 * With inputs centred (x - m, config.inputCentre), an inverted element is
 * (1 - 2m) - (x - m), so the bias term is scaled by (1 - 2m): zero for m = 0.5.
 * Encrypted slot j holds plain block blockPerm[j] (the token source): the ViT
 * position embedding of slot j is the plain one of block blockPerm[j]; the CNN's
 * keyed gather takes plain cell blockPerm[j] from encrypted cell j (model.ts).
 *
 * Must never: train, see pixels outside `tokenLayout`'s gather, log a plan, or
 * keep a plan of its own (plans come from the one PlanCache, planCache.ts, and
 * what is derived from one is held in WeakMaps keyed by it).
 */
import {
  blockOrderIndex,
  type BlockLayout,
  type HostMatrix,
  type ProtectedInput,
  type ProtectionScheme,
  type TokenGeometry,
} from '../../protection/protectedInput';
import { BPE_VERSION, type BpePlan } from './plan';
import { bpePlans, type PlanCache } from './planCache';

/** W is [B*B*3, D] row-major (one row per block element), c is [D]. */
export function adaptPatchEmbedding(
  w: HostMatrix,
  c: HostMatrix,
  plan: Pick<BpePlan, 'blockSrc' | 'blockFlip'>,
  inputCentre = 0,
): { w: HostMatrix; c: HostMatrix } {
  const biasScale = 1 - 2 * inputCentre;
  const [P, D] = w.shape;
  if (plan.blockSrc.length !== P)
    throw new Error(`key plan has ${plan.blockSrc.length} block elements; the model's patch embedding has ${P}`);
  const outW = new Float32Array(P * D);
  const outC = Float32Array.from(c.data);
  for (let i = 0; i < P; i++) {
    const from = plan.blockSrc[i] * D;
    const to = i * D;
    if (plan.blockFlip[i]) {
      for (let d = 0; d < D; d++) {
        const v = w.data[from + d];
        outW[to + d] = -v;
        outC[d] += biasScale * v;
      }
    } else {
      outW.set(w.data.subarray(from, from + D), to);
    }
  }
  return { w: { shape: [P, D], data: outW }, c: { shape: [D], data: outC } };
}

const encryptedLayouts = new WeakMap<BpePlan, BlockLayout>();

/**
 * The layout of the BPE-encrypted image for `plan`, read straight from the plain
 * bytes: the BPE gather (encrypted[e] = plain[src[e]] ^ mask[e]) composed with
 * the token order, so encrypting the model input costs the same single indexed
 * pass as preparing the plain one. Key material: cached per plan object only.
 */
export function encryptedBlockLayout(plan: BpePlan): BlockLayout {
  let layout = encryptedLayouts.get(plan);
  if (!layout) {
    const order = blockOrderIndex(plan.imageSize, plan.blockSize);
    const src = new Uint32Array(order.length);
    const blockMask = new Uint8Array(order.length);
    for (let j = 0; j < order.length; j++) {
      src[j] = plan.src[order[j]];
      blockMask[j] = plan.flip[order[j]] ? 255 : 0; // 255 - v === v ^ 255 for a byte
    }
    layout = { imageSize: plan.imageSize, src, mask: blockMask };
    encryptedLayouts.set(plan, layout);
  }
  return layout;
}

/** One key's BPE as the models see it; holds the plan so BPE-only paths (the GPU kernel) can reach it. */
class BpeProtectedInput implements ProtectedInput {
  readonly scheme = BPE_VERSION;
  readonly imageSize: number;
  readonly blockSize: number;
  readonly tokenSource: Uint32Array;
  constructor(readonly plan: BpePlan) {
    this.imageSize = plan.imageSize;
    this.blockSize = plan.blockSize;
    this.tokenSource = plan.blockPerm;
  }
  adaptEmbedding(w: HostMatrix, c: HostMatrix, inputCentre: number): { w: HostMatrix; c: HostMatrix } {
    return adaptPatchEmbedding(w, c, this.plan, inputCentre);
  }
  tokenLayout(): BlockLayout {
    return encryptedBlockLayout(this.plan);
  }
}

const inputs = new WeakMap<BpePlan, BpeProtectedInput>();

/** The protected input of one BPE plan (the same object for the same plan). */
export function bpeProtectedInput(plan: BpePlan): ProtectedInput {
  let input = inputs.get(plan);
  if (!input) {
    input = new BpeProtectedInput(plan);
    inputs.set(plan, input);
  }
  return input;
}

/** The BPE plan behind a protected input, or undefined for another scheme (BPE-only paths fall back then). */
export function bpePlanOf(input: ProtectedInput): BpePlan | undefined {
  return input instanceof BpeProtectedInput ? input.plan : undefined;
}

/** BPE as a scheme: plans from `plans` (the realm's one cache by default). */
export function bpeScheme(plans: PlanCache = bpePlans): ProtectionScheme {
  return {
    name: BPE_VERSION,
    async forKey(key, geometry: TokenGeometry) {
      return bpeProtectedInput(await plans.plan(key, geometry));
    },
    forget: (keyCheck) => plans.forget(keyCheck),
    clear: () => plans.clear(),
  };
}
