/** The cross-validation scripts read their flags the same way: the value after `--name`, else the fallback, else an error. */
import { describe, expect, it } from 'vitest';
import { arg } from './cliRun';

const argv = ['node', 'scripts/cv-report.ts', '--folds', '3', '--write-cards'];

describe('arg', () => {
  it('takes the value after the flag, else the fallback', () => {
    expect(arg('folds', '5', argv)).toBe('3');
    expect(arg('out', 'docs/reports/cv', argv)).toBe('docs/reports/cv');
  });

  it('says which flag is missing where there is no fallback', () => {
    expect(() => arg('data', undefined, argv)).toThrow('--data is required');
    expect(() => arg('folds', undefined, ['node', 'x', '--folds'])).toThrow('--folds is required');
  });
});
