/**
 * `cli inversion report --model DIR --data DS [--images 5] [--seed 1] [--steps 40]
 *   [--iterations 500] [--sample 60] [--json docs/reports/inversion.json]
 *   [--md docs/reports/inversion.md]`
 *
 * Every model-inversion attack (issue 17) on --images training images of DS
 * picked with --seed, scored against the originals and the dataset's mean
 * image; writes the summary as JSON and markdown (numbers only, no images).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import {
  optionalNumber,
  optionalString,
  requireOption,
  UsageError,
  type ParsedArgs,
  type CommandOptions,
  options,
} from '../args';
import { inversionMarkdown, inversionReport } from '../../../learn/inversion/report';
import { inversionContext, INVERSION_CONTEXT_OPTIONS } from './inversionAttack';

/** Every option this command reads (args.ts refuses any other before it runs). */
export const OPTIONS: CommandOptions = {
  subcommands: { report: options(INVERSION_CONTEXT_OPTIONS, { values: ['images', 'seed', 'json', 'md'] }) },
};

export async function run(args: ParsedArgs): Promise<void> {
  const [sub] = args.positionals;
  if (sub !== 'report')
    throw new UsageError('usage: inversion report --model DIR --data DS [--images 5] [--json F] [--md F]');
  const ctx = await inversionContext(args);
  try {
    const images = optionalNumber(args, 'images', 5);
    const seed = optionalNumber(args, 'seed', 1);
    const data = requireOption(args, 'data');
    const report = await inversionReport(ctx, join(resolve(data), 'Training'), {
      images,
      seed,
      log: (s) => console.error(s),
    });
    const shown = { ...report, data: join(data, 'Training') };
    const command =
      `npm run cli -- inversion report --model ${requireOption(args, 'model')} --data ${data} --images ${images} --seed ${seed}` +
      ` --steps ${ctx.tokenSteps} --iterations ${ctx.dlgIterations}`;
    const json = optionalString(args, 'json');
    const md = optionalString(args, 'md');
    for (const [path, text] of [
      [json, JSON.stringify({ ...shown, command, lpips: 'not measured (no LPIPS weights here)' }, null, 2) + '\n'],
      [md, inversionMarkdown(shown, command)],
    ] as const) {
      if (!path) continue;
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
    }
    console.log(JSON.stringify({ ...shown, command }));
  } finally {
    ctx.vit.dispose();
  }
}
