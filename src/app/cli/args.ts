// A small flag parser for the CLI. Go-style single-dash long flags (`-conf FILE`, `-plugins`)
// are accepted beside `--conf FILE`, `--conf=FILE` and `-c FILE`, because the original
// coredhcp/coredns command lines use them.

export interface FlagSpec {
  /** Canonical long name, without dashes: `conf`. */
  readonly name: string;
  /** Other spellings without dashes: `c`, `config`. */
  readonly aliases?: readonly string[];
  /** Placeholder for the value (`FILE`); absent for boolean flags. */
  readonly value?: string;
  readonly help: string;
  readonly repeatable?: boolean;
}

export interface ParsedArgs {
  readonly flags: ReadonlyMap<string, readonly string[]>;
  readonly positionals: readonly string[];
}

/** Bad command-line usage: the CLI prints the command's usage and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const byName = new Map<string, FlagSpec>();
  for (const s of specs) {
    byName.set(s.name, s);
    for (const a of s.aliases ?? []) byName.set(a, s);
  }
  const flags = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const key = eq === -1 ? body : body.slice(0, eq);
    const spec = byName.get(key);
    if (spec === undefined) throw new UsageError(`unknown flag ${arg}`);
    let value: string;
    if (spec.value === undefined) {
      if (eq !== -1) throw new UsageError(`flag --${spec.name} takes no value`);
      value = 'true';
    } else if (eq !== -1) {
      value = body.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined) throw new UsageError(`flag --${spec.name} needs a value (${spec.value})`);
      value = next;
      i++;
    }
    const list = flags.get(spec.name) ?? [];
    if (list.length > 0 && spec.repeatable !== true) throw new UsageError(`flag --${spec.name} given twice`);
    list.push(value);
    flags.set(spec.name, list);
  }
  return { flags, positionals };
}

export function flag(args: ParsedArgs, name: string): string | undefined {
  return args.flags.get(name)?.[0];
}

export function requireFlag(args: ParsedArgs, name: string): string {
  const v = flag(args, name);
  if (v === undefined) throw new UsageError(`missing required flag --${name}`);
  return v;
}

export function formatFlags(specs: readonly FlagSpec[]): string {
  const rows = specs.map((s) => {
    const names = [s.name, ...(s.aliases ?? [])]
      .sort((a, b) => a.length - b.length)
      .map((n) => (n.length === 1 ? `-${n}` : `--${n}`))
      .join(', ');
    return [`${names}${s.value === undefined ? '' : ` ${s.value}`}`, s.help] as const;
  });
  const width = Math.max(0, ...rows.map((r) => r[0].length));
  return rows.map(([l, h]) => `  ${l.padEnd(width)}  ${h}`).join('\n');
}

/** `host:port`, `[v6]:port` or `:port` → parts; the port must be 0–65535. */
export function parseHostPort(text: string, defaultHost: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text) ?? /^()()(\d+)$/.exec(text);
  if (m === null) throw new UsageError(`expected ADDR:PORT, got '${text}'`);
  const port = Number(m[3]);
  if (!Number.isInteger(port) || port > 65535) throw new UsageError(`port out of range in '${text}'`);
  const host = m[1] || m[2] || defaultHost;
  return { host, port };
}
