/**
 * Carries a grouped cross-validation report (folds that keep every near-duplicate
 * group together; scripts/cv-report.ts's shape with `split: "DS-grouped"`) to the
 * cards of the shipped models it scored: model-card.json `crossValidation.grouped`
 * and a README section (scripts/cvGroupedCards.ts). Refuses a report with a fold
 * missing or a split that is not grouped; a re-run gives the same files.
 *   npx tsx scripts/cv-grouped-cards.ts --report docs/reports/cv-grouped-lung-histopathology.json [--models public/models]
 */
import { readFileSync } from 'node:fs';
import { arg } from './cliRun';
import { groupedFigures, writeGroupedCards } from './cvGroupedCards';

const report = arg('report');
const figures = groupedFigures(JSON.parse(readFileSync(report, 'utf8')), report);
for (const dir of writeGroupedCards(arg('models', 'public/models'), figures))
  console.log(`grouped figure written: ${dir}`);
