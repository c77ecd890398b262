/**
 * Classification metrics from labels and class probabilities: accuracy, per-class
 * precision/recall/F1, macro-F1, one-vs-rest ROC AUC (with the curve points for
 * plots) and the confusion matrix. Pure functions; no I/O.
 */
export interface ClassMetrics {
  className: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
  auc: number;
}

export interface ClassificationReport {
  n: number;
  accuracy: number;
  macroF1: number;
  macroAuc: number;
  perClass: ClassMetrics[];
  /** confusion[true][predicted] */
  confusion: number[][];
}

export function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

/** Rank-based AUC (Mann–Whitney), ties counted half. */
export function rocAuc(scores: number[], positive: boolean[]): number {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0;
  let nPos = 0;
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++)
      if (positive[idx[k]]) {
        rankSum += avgRank;
        nPos++;
      }
    i = j + 1;
  }
  const nNeg = scores.length - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** ROC points (fpr, tpr) for one class vs the rest, at most `maxPoints` for plotting. */
export function rocCurve(scores: number[], positive: boolean[], maxPoints = 50): { fpr: number[]; tpr: number[] } {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const nPos = positive.filter(Boolean).length;
  const nNeg = positive.length - nPos;
  const fpr = [0];
  const tpr = [0];
  let tp = 0;
  let fp = 0;
  const stride = Math.max(1, Math.floor(idx.length / maxPoints));
  idx.forEach((k, r) => {
    if (positive[k]) tp++;
    else fp++;
    if ((r + 1) % stride === 0 || r === idx.length - 1) {
      fpr.push(nNeg ? fp / nNeg : 0);
      tpr.push(nPos ? tp / nPos : 0);
    }
  });
  return { fpr, tpr };
}

export function classificationReport(
  labels: ArrayLike<number>,
  probabilities: number[][],
  classes: string[],
): ClassificationReport {
  const K = classes.length;
  const n = labels.length;
  const confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const p = argmax(probabilities[i]);
    confusion[labels[i]][p]++;
    if (p === labels[i]) correct++;
  }
  const perClass: ClassMetrics[] = classes.map((className, c) => {
    const tp = confusion[c][c];
    const predicted = confusion.reduce((s, row) => s + row[c], 0);
    const support = confusion[c].reduce((s, v) => s + v, 0);
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    const positive = Array.from({ length: n }, (_, i) => labels[i] === c);
    const auc = rocAuc(
      probabilities.map((row) => row[c]),
      positive,
    );
    return { className, precision, recall, f1, support, auc };
  });
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    n,
    accuracy: n ? correct / n : 0,
    macroF1: mean(perClass.map((c) => c.f1)),
    macroAuc: mean(perClass.map((c) => c.auc).filter((v) => !Number.isNaN(v))),
    perClass,
    confusion,
  };
}
