/**
 * Tiny argument reader for the CLI (`--name value`, `--flag`, positionals).
 * User mistakes throw UsageError, which main.ts prints as one line, no stack.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string | true>;
}

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

export function requireOption(args: ParsedArgs, name: string): string {
  const v = args.options.get(name);
  if (typeof v !== 'string') throw new UsageError(`missing --${name} <value>`);
  return v;
}

export function optionalString(args: ParsedArgs, name: string): string | undefined {
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
  return args.options.get(name) === true || args.options.get(name) === 'true';
}
