/**
 * The selective-diagnosis study (selectiveStudy.ts) as markdown for
 * docs/reports/selective-DS.md and docs/measurements.md: per candidate, the
 * validation figures it was chosen on and, for what ships, Testing with 95 %
 * Wilson intervals and the coverage–accuracy curve.
 */
import type { Rate } from './domainGuardReport';
import type { SelectiveStudy, SplitFigures } from './selectiveStudy';

const pct = (v: number) => (v * 100).toFixed(1);
// a threshold that answers nothing (a fold whose validation could not reach the target) has no accuracy
const rate = (r: Rate) => (r.n ? `${pct(r.rate)} % [${pct(r.low)}, ${pct(r.high)}]` : '– (none answered)');

function row(name: string, split: string, f: SplitFigures): string {
  const t = f.atThreshold;
  const at90 = f.at90 ? `${pct(f.at90.accuracy)} % (${pct(f.at90.coverage)} % answered)` : '–';
  return (
    `| ${name} | ${split} | ${f.n} | ${rate(f.accuracy)} | ${f.ece.toFixed(3)} | ${pct(t.coverage)} % | ` +
    `${rate(t.accuracyInterval)} | ${at90} |`
  );
}

export function selectiveMarkdown(dataset: string, study: SelectiveStudy, command: string): string {
  const lines = [
    `# Selective diagnosis: ${dataset}`,
    '',
    `Command: \`${command}\``,
    '',
    `Validation: ${study.validationNote}. Threshold rule: ${study.candidates[0]?.abstention.rule} ` +
      `(target ${pct(study.targetAccuracy)} %). Below the threshold the page and the CLI say ` +
      '"Uncertain — refer for review" instead of a class.',
    '',
    `Ensemble ${study.ensembleShips ? 'ships' : 'does not ship'}: ${study.ensembleReason}.`,
    '',
    ...(study.noTesting ? [`No Testing figures: ${study.noTesting}.`, ''] : []),
    '| model | split | n | accuracy, all answered (95 % CI) | ECE | answered at threshold | accuracy of answers (95 % CI) | best accuracy at ≥ 90 % answered |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const c of study.candidates) {
    lines.push(row(c.name, 'validation', c.validation));
    if (c.testing) lines.push(row(c.name, 'Testing', c.testing));
  }
  if (study.noTesting) return lines.join('\n') + '\n';
  lines.push('', '## Coverage–accuracy curves (Testing, what ships)', '');
  for (const c of study.candidates) {
    if (!c.testing) continue;
    lines.push(
      `**${c.name}** (threshold ${c.abstention.minConfidence.toFixed(4)}): ` +
        c.testing.points.map((p) => `${pct(p.coverage)} % → ${pct(p.accuracy)} %`).join(', '),
      '',
    );
  }
  return lines.join('\n') + '\n';
}
