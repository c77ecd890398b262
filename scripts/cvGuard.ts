/**
 * Pools the out-of-domain guard reports of the cross-validation fold models
 * (scripts/cv-guard.ts) into out-of-fold rates. Each fold model's guard was
 * fitted on its own training folds with its threshold on its own validation
 * split, so its held-out fold is images it never saw: summed over the folds,
 * the share accepted covers every labelled image once — the in-domain rate a
 * model trained on all labelled data can no longer be measured with on Testing.
 * Out-of-domain sets (the other dataset, the DICOM samples, the phantoms) are the
 * same images for every fold model: they are not pooled, each fold's rate is
 * listed and the worst one quoted.
 */
import { wilson, type GuardSetResult, type Rate } from '../src/learn/evaluation/domainGuardReport';

export interface FoldGuardReport {
  fold: number;
  sets: GuardSetResult[];
}

export interface CvGuardFigures {
  folds: number[];
  /** held-out folds, pooled: accepted of all scored */
  accepted: Rate;
  acceptedPerFold: string[];
  /** per out-of-domain set: each fold's refusals, and the fold refusing the smallest share */
  refused: { name: string; perFold: string[]; worst: Rate }[];
}

/** The name an out-of-domain set has in every fold's report ("brain-mri Testing", "dicom-samples (46 files)", …). */
const setKey = (s: GuardSetResult) => s.name;

export function poolFoldGuards(reports: FoldGuardReport[]): CvGuardFigures {
  if (reports.length === 0) throw new Error('no fold guard report to pool');
  let k = 0;
  let n = 0;
  const acceptedPerFold: string[] = [];
  const byName = new Map<string, Rate[]>();
  for (const r of reports) {
    const own = r.sets.filter((s) => s.inDomain);
    if (own.length !== 1) throw new Error(`fold ${r.fold}: expected one held-out in-domain set, found ${own.length}`);
    k += own[0].rate.k;
    n += own[0].rate.n;
    acceptedPerFold.push(`${own[0].rate.k}/${own[0].rate.n}`);
    for (const s of r.sets.filter((x) => !x.inDomain))
      byName.set(setKey(s), [...(byName.get(setKey(s)) ?? []), s.rate]);
  }
  const refused = [...byName].map(([name, rates]) => {
    if (rates.length !== reports.length)
      throw new Error(`${name}: scored by ${rates.length} of ${reports.length} folds`);
    const worst = rates.reduce((a, b) => (b.k / b.n < a.k / a.n ? b : a));
    return { name, perFold: rates.map((x) => `${x.k}/${x.n}`), worst };
  });
  return { folds: reports.map((r) => r.fold), accepted: wilson(k, n), acceptedPerFold, refused };
}
