/**
 * A shipped ensemble (public/models/ensemble-<dataset>/, skipped where none
 * ships) must parse, sit beside both its members, and match them: same classes,
 * and the temperatures it was fitted with (a member re-calibrated since would
 * shift the ensemble's threshold: re-run `cipherscan selective --write
 * --ensemble-from docs/reports/cv-<dataset>.json`). Its model card is there.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../models/weightsFile';
import { ENSEMBLE_FILE, parseEnsemble } from './ensemble';

const MODELS = 'public/models';
const shipped = existsSync(MODELS) ? readdirSync(MODELS).filter((n) => existsSync(join(MODELS, n, ENSEMBLE_FILE))) : [];

describe('shipped ensembles', () => {
  // a file needs a test; asserting "none ships" when none ships could never fail
  if (shipped.length === 0) it.skip('no public/models/ensemble-*/ensemble.json ships here: nothing to check', () => {});

  for (const name of shipped)
    it(`${name}: parses, its members are beside it with the classes and temperatures it was fitted with`, () => {
      const spec = parseEnsemble(readFileSync(join(MODELS, name, ENSEMBLE_FILE), 'utf8'));
      expect(name).toBe(`ensemble-${spec.dataset}`);
      for (const m of spec.members) {
        const manifest = parseManifest(readFileSync(join(MODELS, m.name, 'model.json'), 'utf8'));
        expect(manifest.config.architecture).toBe(m.architecture);
        expect(manifest.config.classes).toEqual(spec.classes);
        expect(manifest.calibration?.temperature, `${m.name} temperature`).toBe(m.temperature);
      }
      expect(readFileSync(join(MODELS, name, 'README.md'), 'utf8')).toContain('## Why it ships');
    });
});
