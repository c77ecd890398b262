/**
 * A cross-validation run's fold models with another set of test-time views, as a run of its
 * own (a new tag), so scripts/cv-report.ts scores it on the same held-out folds and
 * scripts/cv-compare.ts pairs it with the original: the candidate costs no training.
 *   npx tsx scripts/cv-views.ts --split lung-histopathology-grouped --from-tag -grouped-ema --tag -grouped-ema-d8 --views dihedral8
 * Each copy keeps the weights, drops the temperature (cv-report.ts fits it again on the fold's own
 * validation split, through the new views) and says in its card that the views were set after
 * training, not chosen on validation. Finished copies are kept; a fold model still training is skipped.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VIEW_CLAUSE, viewNames, type ViewEnsemble } from '../src/lib/models/views';
import { arg } from './cliRun';
import { cvRunFromArgs, foldModelDir, recipeMethod } from './cvRun';

if (process.argv.some((a) => a.startsWith('--tag-')))
  throw new Error('cv-views.ts takes one --from-tag and one --tag (no --tag-vit / --tag-cnn)');
const views = arg('views', '') as ViewEnsemble;
/** as cv-report.ts: the folds of cv-folds.ts (5 unless made otherwise) */
const folds = Number(arg('folds', '5'));
viewNames(views); // refuses a view set this app does not have
const from = cvRunFromArgs('lung-histopathology', [
  ...process.argv.filter((a, i, all) => a !== '--tag' && all[i - 1] !== '--tag'),
  '--tag',
  arg('from-tag', ''),
]);
const to = cvRunFromArgs('lung-histopathology');
if (!views || !arg('from-tag', '') || from.archs.some((a) => to.tags[a] === from.tags[a]))
  throw new Error('usage: cv-views.ts --split S --from-tag T --tag NEW --views dihedral8 [--archs vit]');

for (const arch of from.archs)
  for (let fold = 1; fold <= folds; fold++) {
    const src = foldModelDir(from, arch, fold);
    const dst = foldModelDir(to, arch, fold);
    if (!existsSync(join(src, 'model-card.json'))) {
      console.log(`${src}: not finished, skipped`);
      continue;
    }
    if (existsSync(join(dst, 'model-card.json'))) continue;
    mkdirSync(dst, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(src, 'model.json'), 'utf8')) as {
      config: { viewEnsemble?: string };
      calibration?: unknown;
    };
    const before = manifest.config.viewEnsemble ?? 'one view';
    manifest.config.viewEnsemble = views;
    delete manifest.calibration;
    writeFileSync(join(dst, 'model.json'), JSON.stringify(manifest));
    copyFileSync(join(src, 'weights.bin'), join(dst, 'weights.bin'));
    const card = JSON.parse(readFileSync(join(src, 'model-card.json'), 'utf8')) as {
      training: { method: string; viewEnsemble?: Record<string, unknown> | null };
    };
    // the validation scores in the card are of the views it was trained with: kept under `trainedWith`, not as this set's
    card.training.viewEnsemble = {
      candidate: views,
      chosen: views,
      setAfterTraining: `"${views}" set by scripts/cv-views.ts on the fold model of ${src} (which ran ${before}), not chosen on validation`,
      trainedWith: card.training.viewEnsemble ?? null,
    };
    card.training.method = [recipeMethod(card.training.method), `${VIEW_CLAUSE} "${views}" (set after training)`].join(
      '; ',
    );
    writeFileSync(join(dst, 'model-card.json'), JSON.stringify(card, null, 1) + '\n');
    writeFileSync(
      join(dst, 'README.md'),
      `# ${dst.replace(/^.*\//, '')}\n\nThe fold model of \`${src}\` with the test-time views "${views}" (it ran ${before}), ` +
        "set after training by scripts/cv-views.ts: same weights, temperature fitted again by cv-report.ts. Its card is that model's, views aside.\n",
    );
    console.log(`${dst}: ${before} → ${views}`);
  }
