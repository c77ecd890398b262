/**
 * The training-time poisoning study's report: clean and poisoned retrainings of
 * one architecture on one short schedule, several seeds per setting. A seed fixes
 * the validation split, the initial weights, the batch order and which images are
 * poisoned, so seed s's poisoned run differs from seed s's clean run only by the
 * poisoning: "change vs clean" is the mean of those per-seed differences, with a
 * 95 % t-interval (n - 1 degrees of freedom). On a 4-epoch schedule one seed moves
 * test accuracy by a few points; a single run per setting cannot tell an effect
 * from that, hence the seeds. Pure: every figure comes from the runs' model cards.
 */

export interface PoisoningRun {
  name: string;
  /** "clean", "bit-flip 10 %", "gaussian 20 %": runs of one setting differ only by seed */
  setting: string;
  /** share of the training images poisoned (0 for the clean runs) */
  poisonedShare: number;
  attack: string;
  seed: number;
  epochs: number;
  /** test accuracy on clean images, plain model */
  accuracy: number;
  macroF1: number;
  encryptedAccuracy: number;
}

export interface PoisoningSetting {
  setting: string;
  poisonedShare: number;
  attack: string;
  /** the seeds this setting was trained with, e.g. "1, 2, 3" */
  seeds: string;
  /** mean test accuracy over the seeds */
  accuracy: number;
  accuracySd: number | null;
  lowestAccuracy: number;
  highestAccuracy: number;
  /** mean over seeds of (this setting's accuracy - the clean run's of the same seed); null for the clean setting and without clean runs */
  accuracyChangeVsClean: number | null;
  /** half-width of the 95 % t-interval of that mean; null with fewer than two paired seeds */
  accuracyChangeHalfWidth95: number | null;
  /** "within seed noise", "lower than clean", ...: an effect only where the interval excludes zero */
  reading: string;
  macroF1: number;
  encryptedAccuracy: number;
}

export interface PoisoningReport {
  title: string;
  epochs: number[];
  seeds: number[];
  settings: PoisoningSetting[];
  runs: PoisoningRun[];
}

/** The fields of a model card this report reads (release.ts writes them). */
export interface PoisoningCard {
  training: {
    epochs: number;
    seed: number;
    poisoning: { kind: string; shareOfTrainingImages: number; attack: string } | null;
  };
  test: { plain: { accuracy: number; macroF1: number }; encrypted: { accuracy: number } };
}

export function runFromCard(name: string, card: PoisoningCard): PoisoningRun {
  const p = card.training.poisoning;
  return {
    name,
    setting: p ? `${p.kind} ${Math.round(p.shareOfTrainingImages * 100)} %` : 'clean',
    poisonedShare: p?.shareOfTrainingImages ?? 0,
    attack: p?.attack ?? '–',
    seed: card.training.seed,
    epochs: card.training.epochs,
    accuracy: card.test.plain.accuracy,
    macroF1: card.test.plain.macroF1,
    encryptedAccuracy: card.test.encrypted.accuracy,
  };
}

/** Two-sided 95 % Student t quantiles by degrees of freedom (1..30); past 30 the quantile lies in 1.96–2.04, and 2.0 is within 2 % of it. */
const T95 = [
  NaN,
  12.706,
  4.303,
  3.182,
  2.776,
  2.571,
  2.447,
  2.365,
  2.306,
  2.262,
  2.228,
  2.201,
  2.179,
  2.16,
  2.145,
  2.131,
  2.12,
  2.11,
  2.101,
  2.093,
  2.086,
  2.08,
  2.074,
  2.069,
  2.064,
  2.06,
  2.056,
  2.052,
  2.048,
  2.045,
  2.042,
];
const t95 = (df: number) => T95[df] ?? (df > 30 ? 2.0 : NaN);

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
function sampleSd(xs: number[]): number | null {
  if (xs.length < 2) return null;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

export function poisoningReport(title: string, runs: PoisoningRun[]): PoisoningReport {
  // clean first, then each attack, by share within it
  const attack = (r: PoisoningRun) => (r.poisonedShare > 0 ? r.setting.split(' ')[0] : '');
  const sorted = [...runs].sort(
    (a, b) => attack(a).localeCompare(attack(b)) || a.poisonedShare - b.poisonedShare || a.seed - b.seed,
  );
  const bySetting = new Map<string, PoisoningRun[]>();
  for (const r of sorted) {
    const group = bySetting.get(r.setting) ?? [];
    const twin = group.find((g) => g.seed === r.seed);
    // two runs of one setting and seed would be counted twice as if independent
    if (twin) throw new Error(`two runs of ${r.setting} with seed ${r.seed} (${twin.name}, ${r.name}): keep one`);
    bySetting.set(r.setting, [...group, r]);
  }
  const cleanBySeed = new Map((bySetting.get('clean') ?? []).map((r) => [r.seed, r.accuracy]));
  const settings = [...bySetting.entries()].map(([setting, group]): PoisoningSetting => {
    const accuracies = group.map((r) => r.accuracy);
    // the clean runs have no change against themselves
    const changes =
      group[0].poisonedShare === 0
        ? []
        : group.filter((r) => cleanBySeed.has(r.seed)).map((r) => r.accuracy - cleanBySeed.get(r.seed)!);
    const changeSd = sampleSd(changes);
    const figures: Omit<PoisoningSetting, 'reading'> = {
      setting,
      poisonedShare: group[0].poisonedShare,
      attack: group[0].attack,
      seeds: group.map((r) => r.seed).join(', '),
      accuracy: mean(accuracies),
      accuracySd: sampleSd(accuracies),
      lowestAccuracy: Math.min(...accuracies),
      highestAccuracy: Math.max(...accuracies),
      accuracyChangeVsClean: changes.length ? mean(changes) : null,
      accuracyChangeHalfWidth95:
        changeSd === null ? null : (t95(changes.length - 1) * changeSd) / Math.sqrt(changes.length),
      macroF1: mean(group.map((r) => r.macroF1)),
      encryptedAccuracy: mean(group.map((r) => r.encryptedAccuracy)),
    };
    return { ...figures, reading: reading(figures) };
  });
  const unique = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);
  return {
    title,
    epochs: unique(runs.map((r) => r.epochs)),
    seeds: unique(runs.map((r) => r.seed)),
    settings,
    runs: sorted,
  };
}

const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
const pt = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(2)} pt`;

/** Whether a setting's interval excludes zero: the only case the report calls an effect. */
function reading(s: Omit<PoisoningSetting, 'reading'>): string {
  if (s.accuracyChangeVsClean === null) return '–';
  if (s.accuracyChangeHalfWidth95 === null) return 'one seed: cannot tell';
  if (Math.abs(s.accuracyChangeVsClean) <= s.accuracyChangeHalfWidth95) return 'within seed noise';
  return s.accuracyChangeVsClean < 0 ? 'lower than clean' : 'higher than clean';
}

export function poisoningMarkdown(report: PoisoningReport): string {
  const out = [
    `# ${report.title}`,
    '',
    'Training-time poisoning: a share of the training images was BPE-encrypted with a run key, attacked in the encrypted domain and decrypted again (what training on encrypted images with poisoned members amounts to). ' +
      `Every run uses the same short schedule (${report.epochs.join(', ')} epochs); seeds used: ${report.seeds.join(', ')} (each setting's in the table). ` +
      'A seed fixes the split, the initial weights, the batch order and which images are poisoned, so the change vs clean is the mean of per-seed differences (poisoned minus clean, same seed), ± the half-width of its 95 % t-interval. ' +
      'Each poisoned setting is compared with clean at 95 % without a correction for the several comparisons: with four settings, one interval excluding zero by chance alone is not unlikely. ' +
      'Test split, clean images; encrypted = adapted to a fresh random key.',
    '',
    '| setting | poisoned share of training images | attack on each poisoned image | seeds | test accuracy (mean ± sd) | lowest – highest | change vs clean | reading | macro-F1 (mean) | encrypted accuracy (mean) |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const s of report.settings) {
    const change =
      s.accuracyChangeVsClean === null
        ? '–'
        : `${pt(s.accuracyChangeVsClean)}${s.accuracyChangeHalfWidth95 === null ? '' : ` ± ${(s.accuracyChangeHalfWidth95 * 100).toFixed(2)}`}`;
    out.push(
      `| ${s.setting} | ${(s.poisonedShare * 100).toFixed(0)} % | ${s.attack} | ${s.seeds} | ${pct(s.accuracy)}${s.accuracySd === null ? '' : ` ± ${(s.accuracySd * 100).toFixed(2)}`} | ${pct(s.lowestAccuracy)} – ${pct(s.highestAccuracy)} | ${change} | ${s.reading} | ${s.macroF1.toFixed(4)} | ${pct(s.encryptedAccuracy)} |`,
    );
  }
  out.push(
    '',
    '## Runs',
    '',
    '| run | setting | seed | epochs | test accuracy | macro-F1 | encrypted accuracy |',
    '|---|---|---|---|---|---|---|',
  );
  for (const r of report.runs)
    out.push(
      `| ${r.name} | ${r.setting} | ${r.seed} | ${r.epochs} | ${pct(r.accuracy)} | ${r.macroF1.toFixed(4)} | ${pct(r.encryptedAccuracy)} |`,
    );
  return out.join('\n') + '\n';
}
