import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLASS_LABELS, classLabel } from './classNames';

const MODELS = 'public/models';

describe('class names for people', () => {
  const shipped = readdirSync(MODELS).filter((name) => !name.startsWith('.'));

  it('finds the shipped models', () => {
    expect(shipped.length).toBeGreaterThanOrEqual(4);
  });

  for (const name of shipped) {
    it(`labels every class of ${name}`, () => {
      // an ensemble folder (ensemble.json, no weights) lists its classes at the top level
      const ensemble = existsSync(join(MODELS, name, 'ensemble.json'));
      const file = JSON.parse(readFileSync(join(MODELS, name, ensemble ? 'ensemble.json' : 'model.json'), 'utf8')) as {
        config?: { classes: string[] };
        classes?: string[];
      };
      for (const id of (ensemble ? file.classes : file.config?.classes) ?? []) {
        expect(CLASS_LABELS[id], `${name}: ${id}`).toBeTruthy();
        expect(classLabel(id)).not.toBe(id);
      }
    });
  }

  it('reads the table, and falls back to the id', () => {
    expect(classLabel('notumor')).toBe('No tumour');
    expect(classLabel('lung_n')).toBe('Benign tissue');
    expect(classLabel('class_7')).toBe('class_7');
    expect(classLabel('toString')).toBe('toString');
  });
});
