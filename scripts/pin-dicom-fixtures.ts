/**
 * Re-pins src/testing/dicomFixtures/fixtures.json from ../shared/dicom-samples:
 *   npx tsx scripts/pin-dicom-fixtures.ts [--png OUT_DIR]
 * Run it only after LOOKING at the decoded images (--png writes frame 0 of each
 * decoded file), because the test then holds the decoder to exactly these bytes.
 * Writes hashes and refusal messages only, never pixels or patient values.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { decodeImageFile } from '../src/lib/decode/index';
import { encodeRgbPng } from '../src/lib/image/png';
import { describeFixture, type FixtureOutcome } from '../src/testing/dicomFixtures/fixtureOutcome';

const SAMPLES_DIR = resolve(process.cwd(), '../shared/dicom-samples');
const FIXTURES_PATH = resolve(process.cwd(), 'src/testing/dicomFixtures/fixtures.json');

async function main(): Promise<void> {
  const pngIndex = process.argv.indexOf('--png');
  const pngDir = pngIndex > 0 ? process.argv[pngIndex + 1] : undefined;
  if (pngDir) await mkdir(pngDir, { recursive: true });
  const files = (await readdir(SAMPLES_DIR)).filter((f) => f.toLowerCase().endsWith('.dcm')).sort();
  const fixtures: Record<string, FixtureOutcome> = {};
  for (const file of files) {
    const bytes = new Uint8Array(await readFile(join(SAMPLES_DIR, file)));
    fixtures[file] = await describeFixture(bytes, file);
    const o = fixtures[file];
    console.log(
      o.outcome === 'decoded'
        ? `decoded  ${file}  ${o.width}x${o.height}  frames ${o.frames}`
        : `refused  ${file}  ${o.message}`,
    );
    if (pngDir && o.outcome === 'decoded')
      await writeFile(join(pngDir, `${file}.png`), encodeRgbPng((await decodeImageFile(bytes, file)).image));
  }
  await writeFile(FIXTURES_PATH, JSON.stringify({ samplesDir: '../shared/dicom-samples', fixtures }, null, 2) + '\n');
  console.log(`pinned ${files.length} files in ${FIXTURES_PATH}`);
}

await main();
