import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseArgs } from '../args';
import { writePng } from '../io';
import { syntheticScan, tinyVitConfig, tinyVitWeights } from '../../../testing/inversionFixtures';
import { serializeModel } from '../../../lib/models/weightsFile';
import { run as attack } from './attack';
import { run as inversion } from './inversion';

let dir: string;
async function capture(fn: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((s: unknown) => void lines.push(String(s)));
  const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    await fn();
  } finally {
    spy.mockRestore();
    quiet.mockRestore();
  }
  return lines.join('\n');
}

describe('cli attack --kind gradient-analytic|… and cli inversion report', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cipherscan-inversion-'));
    const cfg = tinyVitConfig();
    const { manifest, bytes } = serializeModel(cfg, tinyVitWeights(cfg), 'float32');
    await mkdir(join(dir, 'model'));
    await writeFile(join(dir, 'model', 'model.json'), JSON.stringify(manifest));
    await writeFile(join(dir, 'model', manifest.weightsFile), bytes);
    for (const [c, name] of cfg.classes.entries())
      for (let i = 0; i < 3; i++) {
        await mkdir(join(dir, 'data', 'Training', name), { recursive: true });
        await writePng(join(dir, 'data', 'Training', name, `s${i}.png`), syntheticScan(20, 10 * c + i));
      }
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const common = () => ['--model', join(dir, 'model'), '--data', join(dir, 'data')];

  it('gradient-analytic --json: the image back from its update, beside the mean-image baseline', async () => {
    const out = join(dir, 'recon.png');
    const input = join(dir, 'data', 'Training', 'b', 's1.png');
    const json = JSON.parse(
      await capture(() =>
        attack(parseArgs(['--kind', 'gradient-analytic', ...common(), '--in', input, '--out', out, '--json'])),
      ),
    );
    expect(json.kind).toBe('gradient-analytic');
    expect(json.metrics.ssim).toBeGreaterThan(0.99);
    expect(json.metrics.psnr === null || json.metrics.psnr > 40).toBe(true);
    expect(json.meanImageBaseline.ssim).toBeLessThan(json.metrics.ssim);
    expect(json.lpips).toBeNull();
    expect(existsSync(out)).toBe(true);
  });

  it('inversion report writes every kind as JSON and markdown', async () => {
    const jsonPath = join(dir, 'r', 'inversion.json');
    const mdPath = join(dir, 'r', 'inversion.md');
    await capture(() =>
      inversion(
        parseArgs([
          'report',
          ...common(),
          '--images',
          '2',
          '--steps',
          '3',
          '--iterations',
          '20',
          '--json',
          jsonPath,
          '--md',
          mdPath,
        ]),
      ),
    );
    const report = JSON.parse(readFileSync(jsonPath, 'utf8'));
    expect(report.summaries.map((s: { kind: string }) => s.kind)).toEqual([
      'gradient-analytic',
      'gradient-dlg',
      'token-inversion',
      'server-view',
    ]);
    expect(report.images).toBe(2);
    expect(readFileSync(mdPath, 'utf8')).toMatch(/\| server-view \|/);
  }, 60_000);

  it('refuses a kind it does not know, naming the inversion kinds', async () => {
    await expect(attack(parseArgs(['--kind', 'rot13', ...common()]))).rejects.toThrow(/token-inversion/);
  });
});
