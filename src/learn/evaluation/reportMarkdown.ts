/**
 * A readable table of an evaluation report (the JSON stays the source of truth).
 * Pure string building, shared by the CLI and anything that wants a text view.
 */
import type { EvalReport } from './suite';
import type { ClassificationReport } from './metrics';

const pct = (v: number) => `${(v * 100).toFixed(2)} %`;

function row(label: string, r: ClassificationReport): string {
  return `| ${label} | ${pct(r.accuracy)} | ${r.macroF1.toFixed(4)} | ${Number.isNaN(r.macroAuc) ? '–' : r.macroAuc.toFixed(4)} |`;
}

export function evalReportMarkdown(r: EvalReport): string {
  const out = [
    `# Evaluation: ${r.model} on ${r.data}`,
    '',
    `${r.n} images, ${r.classes.length} classes (chance ${pct(r.chance)}), tfjs backend ${r.backend}.`,
    '',
    '| setting | accuracy | macro-F1 | macro AUC (one-vs-rest) |',
    '|---|---|---|---|',
    row('plain model, plain images', r.plain),
  ];
  if (r.encrypted) out.push(row('key-adapted model, BPE-encrypted images', r.encrypted));
  if (r.unadaptedOnEncrypted) out.push(row('plain (unadapted) model, BPE-encrypted images', r.unadaptedOnEncrypted));
  if (r.aesCiphertext) out.push(row('key-adapted model, AES-GCM ciphertext as image', r.aesCiphertext));
  out.push('');
  if (r.encrypted) {
    out.push(
      `Encrypted vs plain: predictions agree on ${pct(r.encrypted.agreementWithPlain)} of images; largest logit difference ${r.encrypted.maxAbsLogitDiff.toExponential(2)}; adaptation to the key ${r.encrypted.adaptMs.toFixed(1)} ms (${r.encrypted.keySource}).`,
    );
    out.push('');
  }
  const rate = (x: { rate: number; low: number; high: number }) => `${pct(x.rate)} [${pct(x.low)}, ${pct(x.high)}]`;
  out.push(`Plain accuracy with its 95 % Wilson interval: ${rate(r.plain.accuracyInterval)}.`, '');
  if (r.plain.selective)
    out.push(
      `Selective diagnosis (answers from a calibrated confidence of ${r.plain.selective.minConfidence.toFixed(4)}, ` +
        `fitted on validation; below it "Uncertain — refer for review"): ${rate(r.plain.selective.coverage)} of images answered, ` +
        `accuracy of the answers ${rate(r.plain.selective.accuracy)}.`,
      '',
    );
  if (r.domainGuard)
    out.push(
      `Out-of-domain guard (limit ${r.domainGuard.threshold.toFixed(1)}): accepts ${rate(r.domainGuard.accepted)} of these images.`,
      '',
    );
  out.push(
    `Calibration: expected calibration error (15 bins) ${r.plain.ece?.toFixed(4) ?? '–'} at temperature ${r.plain.temperature?.toFixed(4) ?? '1'} (${r.plain.eceUncalibrated?.toFixed(4) ?? '–'} uncalibrated).`,
    '',
    `Latency (${r.backend}, this machine's CPU, shared): plain ${r.plain.msPerImage.toFixed(1)} ms/image in batches${r.encrypted ? `, encrypted ${r.encrypted.msPerImage.toFixed(1)} ms/image in batches` : ''}; ${r.plain.msSingleImage.toFixed(1)} ms for a single image.`,
    '',
  );
  if (r.attacks?.length) {
    out.push(
      '## Test-time integrity attacks on encrypted inputs',
      '',
      '| attack | share of values | accuracy | macro-F1 | agreement with clean encrypted |',
      '|---|---|---|---|---|',
    );
    for (const a of r.attacks)
      out.push(
        `| ${a.attack} (${Object.entries(a.params)
          .map(([k, v]) => `${k}=${v}`)
          .join(
            ', ',
          )}) | ${pct(a.fraction)} | ${pct(a.accuracy)} | ${a.macroF1.toFixed(4)} | ${pct(a.agreementWithClean)} |`,
      );
    out.push('');
  }
  out.push('## Per class (plain)', '', '| class | precision | recall | F1 | AUC | n |', '|---|---|---|---|---|---|');
  for (const c of r.plain.perClass)
    out.push(
      `| ${c.className} | ${c.precision.toFixed(4)} | ${c.recall.toFixed(4)} | ${c.f1.toFixed(4)} | ${c.auc.toFixed(4)} | ${c.support} |`,
    );
  out.push(
    '',
    'Confusion matrix (plain; rows true, columns predicted):',
    '',
    '| true \\ predicted | ' + r.classes.join(' | ') + ' |',
    '|---|' + r.classes.map(() => '---').join('|') + '|',
  );
  r.plain.confusion.forEach((rowv, i) => out.push(`| ${r.classes[i]} | ${rowv.join(' | ')} |`));
  if (r.encrypted) {
    out.push(
      '',
      'Confusion matrix (encrypted):',
      '',
      '| true \\ predicted | ' + r.classes.join(' | ') + ' |',
      '|---|' + r.classes.map(() => '---').join('|') + '|',
    );
    r.encrypted.confusion.forEach((rowv, i) => out.push(`| ${r.classes[i]} | ${rowv.join(' | ')} |`));
  }
  return out.join('\n') + '\n';
}
