/**
 * The layer rules must be able to fail: a deliberately wrong import is refused by
 * ESLint (eslint.config.js), and a folder cycle or an oversized module by
 * scripts/check-architecture.ts. See docs/ARCHITECTURE.md, "Layers".
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';
import { checkArchitecture } from './check-architecture';

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer boundaries (ESLint)', () => {
  it('refuses the library importing an app, a platform adapter, learn code or node: modules', async () => {
    const found = await restrictedImports(
      'src/lib/image/wrongImport.ts',
      [
        "import { App } from '../../apps/web/App';",
        "import { registry } from '../../platform/browser/workers/registry';",
        "import { train } from '../../learn/training/trainer';",
        "import { readFile } from 'node:fs/promises';",
        'export const all = [App, registry, train, readFile];',
      ].join('\n'),
    );
    expect(found).toHaveLength(4);
    expect(found.join('\n')).toMatch(/src\/lib may not import src\/apps/);
    expect(found.join('\n')).toMatch(/no node: modules/);
  });

  it('refuses src importing bench/ and product code importing test fixtures', async () => {
    const found = await restrictedImports(
      'src/apps/cli/commands/wrongImport.ts',
      "import { runBench } from '../../../../bench/run';\nimport { fixtureModelFiles } from '../../../testing/fixtureModel';\nexport const x = [runBench, fixtureModelFiles];",
    );
    expect(found).toHaveLength(2);
  });

  it('refuses one app importing another and the page importing node: modules', async () => {
    const found = await restrictedImports(
      'src/apps/web/wrongImport.ts',
      "import { main } from '../cli/main';\nimport { join } from 'node:path';\nexport const x = [main, join];",
    );
    expect(found).toHaveLength(2);
  });

  it('lets the library import its own layer', async () => {
    const found = await restrictedImports(
      'src/lib/image/rightImport.ts',
      "import { psnr } from '../metrics/psnr';\nexport const x = psnr;",
    );
    expect(found).toEqual([]);
  });
});

describe('folder cycles and module size (check-architecture)', () => {
  const root = mkdtempSync(join(tmpdir(), 'cipherscan-arch-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  it('finds a cycle between two folders, names the imports that close it, and an oversized module', () => {
    write(
      'src/lib/decode/index.ts',
      "import { writePng } from '../../apps/cli/io';\nexport const decode = writePng;\n",
    );
    write('src/apps/cli/io.ts', "import { decode } from '../../lib/decode/index';\nexport const writePng = decode;\n");
    write('src/lib/image/long.ts', 'export const x = 1;\n'.repeat(401));
    write('src/lib/image/short.ts', 'export const y = 1;\n'.repeat(400));
    const findings = checkArchitecture(root);
    expect(findings).toHaveLength(2);
    expect(findings.find((f) => f.startsWith('folder cycle'))).toContain(
      'src/lib/decode/index.ts -> src/apps/cli/io.ts',
    );
    expect(findings.find((f) => f.includes('long.ts'))).toMatch(/401 lines/);
  });

  it('counts a folder and its subfolders as one feature, and leaves tests out', () => {
    rmSync(join(root, 'src'), { recursive: true, force: true });
    write('src/lib/decode/index.ts', "import { d } from './dicom/decodeDicom';\nexport const decode = d;\n");
    write('src/lib/decode/errors.ts', 'export class DecodeError extends Error {}\n');
    write(
      'src/lib/decode/dicom/decodeDicom.ts',
      "import { DecodeError } from '../errors';\nexport const d = DecodeError;\n",
    );
    write('src/lib/image/a.test.ts', "import { x } from '../../testing/t';\nexport const a = x;\n");
    write('src/testing/t.ts', "import { decode } from '../lib/decode/index';\nexport const x = decode;\n");
    expect(checkArchitecture(root)).toEqual([]);
  });
});
