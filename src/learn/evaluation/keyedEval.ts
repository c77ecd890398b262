/**
 * The papers' comparison, measured: a plain model on plain images vs the model
 * adapted to a key on the same images BPE-encrypted with that key. Reports
 * encrypted-domain metrics, agreement of predictions and the largest logit
 * difference. No I/O; the key/plan is never logged or returned.
 */
import { gather } from '../../lib/cipher/bpe/bpe';
import type { BpePlan } from '../../lib/cipher/bpe/plan';
import { bpeProtectedInput } from '../../lib/cipher/bpe/protection';
import { adaptModel, type DiagnosisModel } from '../../lib/models/model';
import { predictSet, type BatchResult, type ImageSet } from './batchPredict';
import { argmax, classificationReport, type ClassificationReport } from './metrics';

export interface KeyedComparison {
  encrypted: ClassificationReport;
  /** fraction of images whose encrypted-domain class equals the plain-domain class */
  agreement: number;
  maxAbsLogitDiff: number;
  adaptMs: number;
  msPerImageEncrypted: number;
}

export function compareLogits(plain: BatchResult, enc: BatchResult): { agreement: number; maxAbsLogitDiff: number } {
  let agree = 0;
  let maxDiff = 0;
  plain.logits.forEach((row, i) => {
    if (argmax(row) === argmax(enc.logits[i])) agree++;
    row.forEach((v, k) => (maxDiff = Math.max(maxDiff, Math.abs(v - enc.logits[i][k]))));
  });
  return { agreement: plain.logits.length ? agree / plain.logits.length : 0, maxAbsLogitDiff: maxDiff };
}

export async function evaluateWithKey(
  model: DiagnosisModel,
  set: ImageSet,
  plan: BpePlan,
  plain: BatchResult,
  indices?: number[],
): Promise<KeyedComparison> {
  const t0 = performance.now();
  const adapted = adaptModel(model, bpeProtectedInput(plan));
  const adaptMs = performance.now() - t0;
  try {
    const enc = await predictSet(adapted, set, indices, { transform: (px) => gather(plan, px) });
    const ids = indices ?? Array.from({ length: set.labels.length }, (_, i) => i);
    const labels = ids.map((i) => set.labels[i]);
    return {
      encrypted: classificationReport(labels, enc.probabilities, set.classes),
      ...compareLogits(plain, enc),
      adaptMs,
      msPerImageEncrypted: enc.msPerImage,
    };
  } finally {
    adapted.dispose();
  }
}
