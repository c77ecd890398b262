import { describe, expect, it } from 'vitest';
import { flag, optionalString, parseCommandArgs, requireOption, UsageError, type CommandOptions } from './args';

const KEY: CommandOptions = {
  subcommands: { new: { values: ['out'], flags: ['stdout'] }, derive: { values: ['out', 'salt'], flags: ['stdout'] } },
};
const DIAGNOSE: CommandOptions = { values: ['model', 'in'], flags: ['json'] };

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('not refused');
}

describe('parseCommandArgs', () => {
  it('refuses an option the command does not declare, naming the subcommand and what it takes', () => {
    expect(refusal(() => parseCommandArgs('key', ['new', '--output', 'k.json'], KEY))).toBe(
      'unknown option --output for "key new" (it takes: --out, --stdout)',
    );
    // an option of the other subcommand is unknown here too
    expect(refusal(() => parseCommandArgs('key', ['new', '--salt', 'ab', '--out', 'k'], KEY))).toMatch(
      /^unknown option --salt for "key new"/,
    );
    expect(refusal(() => parseCommandArgs('diagnose', ['--in', 'x', '--kye', 'k.json'], DIAGNOSE))).toBe(
      'unknown option --kye for "diagnose" (it takes: --model, --in, --json)',
    );
  });

  it('a flag never takes the next word: only true/false, anything else is refused', () => {
    expect(refusal(() => parseCommandArgs('diagnose', ['--json', 'out.json', '--in', 'x'], DIAGNOSE))).toBe(
      '--json is a flag: it takes no value (got "out.json")',
    );
    expect(refusal(() => parseCommandArgs('diagnose', ['--json=out.json'], DIAGNOSE))).toMatch(/--json is a flag/);
    const on = parseCommandArgs('diagnose', ['--json', '--in', 'x'], DIAGNOSE);
    expect(flag(on, 'json')).toBe(true);
    expect(requireOption(on, 'in')).toBe('x');
    expect(flag(parseCommandArgs('diagnose', ['--json', 'true'], DIAGNOSE), 'json')).toBe(true);
    const off = parseCommandArgs('diagnose', ['--json', 'false', '--in', 'x'], DIAGNOSE);
    expect(flag(off, 'json')).toBe(false);
    expect(off.positionals).toEqual([]);
  });

  it('value options and positionals read as before; the subcommand may come after its options', () => {
    const a = parseCommandArgs('key', ['--out', 'k.json', 'derive', '--salt=00ff'], KEY);
    expect(a.positionals).toEqual(['derive']);
    expect(optionalString(a, 'out')).toBe('k.json');
    expect(optionalString(a, 'salt')).toBe('00ff');
    expect(refusal(() => optionalString(parseCommandArgs('key', ['new', '--out'], KEY), 'out'))).toBe(
      '--out needs a value',
    );
  });

  it('under test, reading an option the command did not declare is a bug that throws', () => {
    const a = parseCommandArgs('diagnose', ['--in', 'x'], DIAGNOSE);
    expect(() => optionalString(a, 'key')).toThrow(/reads --key but does not declare it in OPTIONS.values/);
    expect(() => optionalString(a, 'json')).toThrow(/reads --json but does not declare it in OPTIONS.values/);
    expect(() => flag(a, 'model')).toThrow(/OPTIONS.flags/);
  });
});
