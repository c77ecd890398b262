// A log cut short at its end verifies by itself; the anchor from the last intact check catches it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { openDatabase } from '../db';
import { main } from '../main';

const dir = mkdtempSync(join(tmpdir(), 'cs-anchor-'));
const anchor = join(dir, 'anchor.json');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function entry(...argv: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  const quiet = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await main(argv), out: out.join('') };
  } finally {
    write.mockRestore();
    quiet.mockRestore();
  }
}

it('fails a chain whose newest entry was removed, though the chain alone still verifies', async () => {
  for (const name of ['ann', 'ben', 'cat'])
    expect((await entry('invite', '--data', dir, '--name', name, '--role', 'clinician')).code).toBe(0);
  const first = await entry('audit-verify', '--data', dir, '--anchor', anchor);
  expect(first.code, first.out).toBe(0);
  expect(JSON.parse(readFileSync(anchor, 'utf8'))).toMatchObject({ entries: 3 });
  expect((await entry('audit-verify', '--data', dir, '--anchor', anchor)).code).toBe(0);

  const db = await openDatabase({ dataDir: dir, migrate: false });
  await db.query('DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)');
  await db.close();

  expect((await entry('audit-verify', '--data', dir)).code).toBe(0); // the chain alone cannot tell
  const cut = await entry('audit-verify', '--data', dir, '--anchor', anchor);
  expect(cut.code).toBe(1);
  expect(cut.out).toContain('BROKEN');
  expect(JSON.parse(readFileSync(anchor, 'utf8'))).toMatchObject({ entries: 3 }); // a failed check keeps the anchor
}, 120_000);
