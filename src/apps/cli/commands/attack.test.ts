import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parseArgs } from '../args';
import { writePng } from '../io';
import { grayToRgb } from '../../../lib/image/rgb';
import { keyFromBytes } from '../../../lib/keys/key';
import { exportKeyFile } from '../../../lib/keys/keyFile';
import { run } from './attack';

const dir = mkdtempSync(join(tmpdir(), 'cipherscan-attack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Synthetic disc "scan" (not patient data). */
function disc(size: number, shift: number) {
  const g = new Uint8Array(size * size);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const r = Math.hypot(x - size / 2 - shift, y - size / 2);
      g[y * size + x] = r < size / 3 ? Math.round(220 - r + 15 * Math.sin(x / 5)) : 0;
    }
  return grayToRgb(size, size, g);
}

async function runCli(argv: string[]): Promise<string> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((s: unknown) => void lines.push(String(s)));
  try {
    await run(parseArgs(argv));
  } finally {
    spy.mockRestore();
  }
  return lines.join('\n');
}

describe('cli attack', async () => {
  const keyPath = join(dir, 'key.json');
  writeFileSync(keyPath, exportKeyFile(await keyFromBytes(new Uint8Array(32).fill(5), 'imported')));
  const target = join(dir, 'target.png');
  const known = join(dir, 'known.png');
  await writePng(target, disc(180, 0));
  await writePng(known, disc(180, 9));

  it('known-plaintext --json: recovers the target and says so', async () => {
    const out = join(dir, 'kp.png');
    const json = JSON.parse(
      await runCli([
        '--kind',
        'known-plaintext',
        '--key',
        keyPath,
        '--in',
        target,
        '--known',
        known,
        '--out',
        out,
        '--json',
      ]),
    );
    expect(json.kind).toBe('known-plaintext');
    expect(json.metrics.ssim).toBeGreaterThan(0.9);
    expect(json.encryptedBaseline.ssim).toBeLessThan(0.3);
    expect(json.note).toMatch(/plain\/encrypted pair/);
    expect(existsSync(out)).toBe(true);
  });

  it('bit-flip takes its options and prints a readable table without --json', async () => {
    const text = await runCli([
      '--kind',
      'bit-flip',
      '--key',
      keyPath,
      '--in',
      target,
      '--bit',
      '0',
      '--fraction',
      '0.2',
      '--seed',
      '4',
    ]);
    expect(text).toMatch(/^metric \(vs original\)/);
    expect(text).toMatch(/PSNR\s+\d+\.\d+ dB/);
    expect(text).toMatch(/Bit flip of bit 0 on 20 %/);
    expect(text).toMatch(/changedDecrypted 24000/); // 0.2 x 200 x 200 x 3
  });

  it('rejects an unknown kind and a known-plaintext run without --known', async () => {
    await expect(runCli(['--kind', 'rot13', '--key', keyPath, '--in', target])).rejects.toThrow(
      /--kind must be one of/,
    );
    await expect(runCli(['--kind', 'known-plaintext', '--key', keyPath, '--in', target])).rejects.toThrow(/--known/);
  });
});
