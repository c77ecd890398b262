/**
 * Tiny argument reader for the CLI (`--name value`, `--flag`, positionals).
 * User mistakes throw UsageError, which main.ts prints as one line, no stack.
 *
 * Every command declares the options it takes (`OPTIONS` in its module, read by
 * main.ts): value options and flags apart, so a flag never swallows the next word.
 * An option the command did not declare is refused before it runs (a typo such as
 * --output for --out must not fall back to a default), and a flag given a value
 * other than true/false is refused too. Under vitest, reading an undeclared option
 * throws, so a command cannot read an option it forgot to declare.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The options one command (or subcommand) takes: `--name value` and `--flag`. */
export interface OptionSpec {
  values: readonly string[];
  flags: readonly string[];
}

/** A command's options: one list, or one per subcommand (the first positional: `key new`, `he infer`). */
export type CommandOptions = OptionSpec | { subcommands: Readonly<Record<string, OptionSpec>> };

export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string | true>;
  /** what the command declared (absent for hand-built args: nothing is checked) */
  spec?: OptionSpec;
}

/** Joins lists of options (a command's own and those of the helpers it hands `args` to). */
export function options(...specs: Partial<OptionSpec>[]): OptionSpec {
  return {
    values: [...new Set(specs.flatMap((s) => s.values ?? []))],
    flags: [...new Set(specs.flatMap((s) => s.flags ?? []))],
  };
}

/** Reads argv with no declared options (bench/run.ts and other scripts): `--name value` when a word follows. */
export function parseArgs(argv: string[]): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) options.set(a.slice(2, eq), a.slice(eq + 1));
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) options.set(a.slice(2), argv[++i]);
      else options.set(a.slice(2), true);
    } else positionals.push(a);
  }
  return { positionals, options };
}

const FLAG_VALUES = new Set(['true', 'false']);

function parseWithSpec(argv: string[], spec: OptionSpec, label: string, lenient = false): ParsedArgs {
  const values = new Set(spec.values);
  const flags = new Set(spec.flags);
  const takes = () => [...spec.values, ...spec.flags].map((n) => `--${n}`).join(', ') || 'no options';
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (flags.has(name)) {
      let value: string | undefined = eq > 0 ? a.slice(eq + 1) : undefined;
      if (value === undefined && i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
      if (value !== undefined && !FLAG_VALUES.has(value))
        throw new UsageError(`--${name} is a flag: it takes no value (got "${value}")`);
      options.set(name, value ?? true);
    } else if (values.has(name) || lenient) {
      if (eq > 0) options.set(name, a.slice(eq + 1));
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) options.set(name, argv[++i]);
      else options.set(name, true); // optionalString / requireOption say it needs a value
    } else throw new UsageError(`unknown option --${name} for "${label}" (it takes: ${takes()})`);
  }
  return { positionals, options, spec };
}

/**
 * Reads a command's argv against what it declared. With subcommands, the first
 * positional picks the list (found with all of them joined); an unknown or missing
 * subcommand is left to the command, which says its usage.
 */
export function parseCommandArgs(command: string, argv: string[], declared: CommandOptions): ParsedArgs {
  if (!('subcommands' in declared)) return parseWithSpec(argv, declared, command);
  const all = options(...Object.values(declared.subcommands));
  const sub = parseWithSpec(argv, all, command, true).positionals[0]; // lenient: only to find the subcommand
  const spec = sub !== undefined && Object.hasOwn(declared.subcommands, sub) ? declared.subcommands[sub] : undefined;
  return spec ? parseWithSpec(argv, spec, `${command} ${sub}`) : parseWithSpec(argv, all, command);
}

/** Under vitest: reading an option the command did not declare (or as the other kind) is a bug in the command. */
function checkDeclared(args: ParsedArgs, name: string, kind: 'values' | 'flags'): void {
  if (!args.spec || !process.env.VITEST) return;
  if (!args.spec[kind].includes(name))
    throw new Error(`the command reads --${name} but does not declare it in OPTIONS.${kind}`);
}

export function requireOption(args: ParsedArgs, name: string): string {
  checkDeclared(args, name, 'values');
  const v = args.options.get(name);
  if (typeof v !== 'string') throw new UsageError(`missing --${name} <value>`);
  return v;
}

export function optionalString(args: ParsedArgs, name: string): string | undefined {
  checkDeclared(args, name, 'values');
  const v = args.options.get(name);
  if (v === true) throw new UsageError(`--${name} needs a value`);
  return v;
}

export function optionalNumber(args: ParsedArgs, name: string, fallback: number): number {
  const v = optionalString(args, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${v}"`);
  return n;
}

export function flag(args: ParsedArgs, name: string): boolean {
  checkDeclared(args, name, 'flags');
  return args.options.get(name) === true || args.options.get(name) === 'true';
}
