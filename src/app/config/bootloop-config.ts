// The bootloop plugin's arguments, spec §2.3 and §7.6: parse, validate, effective config.
//
// Divergences from the original, each deliberate:
// - Parse errors are fatal (see plugin-args.ts), including an empty script_path.
// - subnet_pool start > end is reported here, with its line, instead of failing in setup.
// - subnet_pool entries are keyed by canonical CIDR and a repeat is an error: the original keys
//   its map by the CIDR text as written, so a repeat silently replaces the earlier pool.
// - Overlapping pools are a warning (the original picks one at random, spec §7.1).
// - lease_time must be between 1s and 2^32-1 s (option 51 is whole seconds in 32 bits).
import { cidrContains, formatIPv4, parseCidr, parseIp, type Cidr } from '../../wire/addr.ts';
import { ConfigErrorCode, type ConfigPos } from './config-error.ts';
import { formatGoDuration, parseGoDuration } from './duration.ts';
import { parseKeyedArgs, trimQuotes, type ArgKeySpec, type ArgToken, type KeyedArg, type PluginContext } from './plugin-args.ts';

export interface BootloopPool extends ConfigPos {
  readonly cidr: Cidr;
  /** Inclusive range, unsigned 32-bit IPv4 numbers, both inside cidr, start ≤ end. */
  readonly start: number;
  readonly end: number;
  /** end − start + 1 (the original's ipv4_range). */
  readonly size: number;
}

export type BootloopPools =
  | { readonly kind: 'subnets'; readonly pools: readonly BootloopPool[] }
  /** Deprecated ipv4_start/ipv4_end: one pool, chosen whatever the giaddr. */
  | { readonly kind: 'legacy'; readonly start: number; readonly end: number; readonly size: number };

export interface BootloopConfig {
  /** The lease store path (the original's SQLite file; our journal). */
  readonly leaseFile: string;
  /** Option 67 for iPXE clients; `default` is the built-in reboot script. */
  readonly scriptPath: string;
  readonly leaseTimeMs: number;
  readonly pools: BootloopPools;
}

/** What parsing found, before defaults; `at` holds the position of each key's last token. */
export interface BootloopArgs {
  leaseFile?: string;
  scriptPath?: string;
  leaseTimeMs?: number;
  ipv4Start?: number;
  ipv4End?: number;
  subnetPools?: BootloopPool[];
  at?: Record<string, ConfigPos>;
}

export const BOOTLOOP_DEFAULTS = { scriptPath: 'default', leaseTimeMs: 300_000 } as const;

export const BOOTLOOP_KEYS: ArgKeySpec = {
  plugin: 'bootloop',
  known: ['lease_file', 'script_path', 'lease_time', 'ipv4_start', 'ipv4_end', 'subnet_pool'],
  repeatable: new Set(['subnet_pool']),
};

const MAX_LEASE_MS = 0xffffffff * 1000;

export function parseBootloopArgs(tokens: readonly ArgToken[], ctx: PluginContext): BootloopArgs {
  const out: BootloopArgs = {};
  const at: Record<string, ConfigPos> = {};
  const bad = (arg: KeyedArg, message: string) => ctx.diag.error(arg.valuePos, ConfigErrorCode.BadValue, message, arg.key);

  for (const arg of parseKeyedArgs(tokens, BOOTLOOP_KEYS, ctx)) {
    at[arg.key] = arg.token;
    const v = arg.value;
    switch (arg.key) {
      case 'lease_file': {
        const path = trimQuotes(v);
        if (path === '') bad(arg, 'empty');
        else out.leaseFile = path;
        break;
      }
      case 'script_path': {
        const path = trimQuotes(v);
        if (path === '') {
          // The original logs this and uses `default`; we keep the value but it is still an error.
          bad(arg, "empty; omit script_path (or write script_path=default) for the built-in script");
          out.scriptPath = BOOTLOOP_DEFAULTS.scriptPath;
        } else {
          out.scriptPath = path;
        }
        break;
      }
      case 'lease_time': {
        const d = parseGoDuration(v);
        if (!d.ok) bad(arg, `invalid duration '${v}' (${d.error}); use Go syntax such as 5m or 1h`);
        else if (d.ms < 1000 || d.ms > MAX_LEASE_MS) bad(arg, `must be between 1s and ${formatGoDuration(MAX_LEASE_MS)}, got '${v}'`);
        else out.leaseTimeMs = d.ms;
        break;
      }
      case 'ipv4_start':
      case 'ipv4_end': {
        const ip = parseIp(v);
        if (ip === undefined || ip.family !== 4) bad(arg, `invalid ip address '${v}', expected an IPv4 address`);
        else if (arg.key === 'ipv4_start') out.ipv4Start = ip.v4;
        else out.ipv4End = ip.v4;
        break;
      }
      case 'subnet_pool': {
        const pool = parseSubnetPool(arg, ctx);
        if (pool === undefined) break;
        const pools = (out.subnetPools ??= []);
        const dup = pools.find((p) => p.cidr.text === pool.cidr.text);
        if (dup !== undefined) {
          bad(arg, `duplicate pool for ${pool.cidr.text} (first at line ${dup.line}); give each subnet one pool`);
          break;
        }
        for (const p of pools) {
          if (cidrContains(p.cidr, pool.cidr.network) || cidrContains(pool.cidr, p.cidr.network)) {
            ctx.diag.warn(arg.valuePos, ConfigErrorCode.Suspicious, `${pool.cidr.text} overlaps ${p.cidr.text} (line ${p.line}); a giaddr inside both is served from the longer prefix`, arg.key);
          }
        }
        pools.push(pool);
        break;
      }
    }
  }
  out.at = at;
  return out;
}

/** `cidr,start_ip,end_ip`, each part trimmed (spec §2.3). */
function parseSubnetPool(arg: KeyedArg, ctx: PluginContext): BootloopPool | undefined {
  const bad = (message: string) => {
    ctx.diag.error(arg.valuePos, ConfigErrorCode.BadValue, message, arg.key);
    return undefined;
  };
  const parts = arg.value.split(',');
  if (parts.length !== 3) return bad(`invalid format '${arg.value}', expected 'cidr,start_ip,end_ip'`);
  const [cidrText, startText, endText] = parts.map((p) => p.trim()) as [string, string, string];
  const cidr = parseCidr(cidrText);
  if (cidr === undefined || cidr.family !== 4) return bad(`invalid CIDR '${cidrText}', expected an IPv4 network such as 10.40.1.0/24`);
  const start = parseIp(startText);
  if (start === undefined || start.family !== 4) return bad(`invalid start IP '${startText}'`);
  if (!cidrContains(cidr, start)) return bad(`start IP '${startText}' not in subnet '${cidrText}'`);
  const end = parseIp(endText);
  if (end === undefined || end.family !== 4) return bad(`invalid end IP '${endText}'`);
  if (!cidrContains(cidr, end)) return bad(`end IP '${endText}' not in subnet '${cidrText}'`);
  if (start.v4 > end.v4) return bad(`invalid range: end IP (${end.text}) must be equal to or higher than start IP (${start.text})`);
  return Object.freeze({ cidr, start: start.v4, end: end.v4, size: end.v4 - start.v4 + 1, line: arg.token.line, col: arg.token.col });
}

/**
 * Fills defaults (warning where the original warns) and checks the pool style; returns the
 * effective config, or undefined when a whole-config check failed (reported to ctx.diag).
 */
export function validateBootloopConfig(args: BootloopArgs, ctx: PluginContext): BootloopConfig | undefined {
  const at = (key: string): ConfigPos => args.at?.[key] ?? ctx.at;
  const before = ctx.diag.errors.length;
  const error = (pos: ConfigPos, code: ConfigErrorCode, message: string, key?: string) => ctx.diag.error(pos, code, message, key);
  // A key that was given but had a bad value is already an error; do not also call it missing.
  const given = (key: string): boolean => args.at?.[key] !== undefined;

  if (args.leaseFile === undefined && !given('lease_file')) error(ctx.at, ConfigErrorCode.MissingKey, 'required (where bootloop keeps its leases)', 'lease_file');
  const subnets = args.subnetPools ?? [];
  const legacy = args.ipv4Start !== undefined || args.ipv4End !== undefined;
  const legacyAt = args.at?.['ipv4_start'] ?? args.at?.['ipv4_end'] ?? ctx.at;
  if (subnets.length > 0 && legacy) {
    error(legacyAt, ConfigErrorCode.Conflict, 'cannot use both subnet_pool and legacy ipv4_start/ipv4_end configuration');
  } else if (subnets.length === 0 && !legacy && !given('subnet_pool') && !given('ipv4_start') && !given('ipv4_end')) {
    error(ctx.at, ConfigErrorCode.MissingKey, 'must configure either subnet_pool or ipv4_start/ipv4_end');
  }
  let legacyPool: BootloopPools | undefined;
  if (legacy && subnets.length === 0) {
    if (args.ipv4Start === undefined && !given('ipv4_start')) error(at('ipv4_end'), ConfigErrorCode.MissingKey, 'required with ipv4_end when not using subnet_pool', 'ipv4_start');
    if (args.ipv4End === undefined && !given('ipv4_end')) error(at('ipv4_start'), ConfigErrorCode.MissingKey, 'required with ipv4_start when not using subnet_pool', 'ipv4_end');
    if (args.ipv4Start !== undefined && args.ipv4End !== undefined) {
      if (args.ipv4Start > args.ipv4End) {
        error(
          at('ipv4_end'),
          ConfigErrorCode.BadValue,
          `invalid range: ipv4_end (${formatIPv4(args.ipv4End)}) must be equal to or higher than ipv4_start (${formatIPv4(args.ipv4Start)})`,
          'ipv4_end',
        );
      } else {
        legacyPool = { kind: 'legacy', start: args.ipv4Start, end: args.ipv4End, size: args.ipv4End - args.ipv4Start + 1 };
      }
    }
  }
  if (legacy) {
    ctx.diag.warn(
      legacyAt,
      ConfigErrorCode.Deprecated,
      "'ipv4_start' and 'ipv4_end' are deprecated and will be removed in a future release; use 'subnet_pool' instead",
      'ipv4_start',
    );
  }
  if (args.leaseTimeMs === undefined) {
    ctx.diag.warn(ctx.at, ConfigErrorCode.DefaultUsed, `unset, defaulting to ${formatGoDuration(BOOTLOOP_DEFAULTS.leaseTimeMs)}`, 'lease_time');
  }
  if (args.scriptPath === undefined) ctx.diag.warn(ctx.at, ConfigErrorCode.DefaultUsed, 'unset, using the built-in script (default)', 'script_path');
  if (ctx.diag.errors.length > before || args.leaseFile === undefined) return undefined;
  const pools: BootloopPools | undefined = subnets.length > 0 ? { kind: 'subnets', pools: Object.freeze([...subnets]) } : legacyPool;
  if (pools === undefined) return undefined;
  return Object.freeze({
    leaseFile: args.leaseFile,
    scriptPath: args.scriptPath ?? BOOTLOOP_DEFAULTS.scriptPath,
    leaseTimeMs: args.leaseTimeMs ?? BOOTLOOP_DEFAULTS.leaseTimeMs,
    pools,
  });
}

/** Parse then validate; undefined when either reported an error to ctx.diag. */
export function loadBootloopConfig(tokens: readonly ArgToken[], ctx: PluginContext): BootloopConfig | undefined {
  const before = ctx.diag.errors.length;
  const cfg = validateBootloopConfig(parseBootloopArgs(tokens, ctx), ctx);
  return ctx.diag.errors.length > before ? undefined : cfg;
}

/**
 * The original's Config.String() (`ipv4_start=<ip|<nil>> ipv4_end=… ipv4_range=<n>
 * script_path=<p>`), then ` lease_file=… lease_time=…` and one ` subnet_pool=cidr,start,end`
 * per pool.
 */
export function formatBootloopConfig(cfg: BootloopConfig): string {
  const p = cfg.pools;
  const legacy = p.kind === 'legacy';
  let s =
    `ipv4_start=${legacy ? formatIPv4(p.start) : '<nil>'} ipv4_end=${legacy ? formatIPv4(p.end) : '<nil>'}` +
    ` ipv4_range=${legacy ? p.size : 0} script_path=${cfg.scriptPath}` +
    ` lease_file=${cfg.leaseFile} lease_time=${formatGoDuration(cfg.leaseTimeMs)}`;
  if (p.kind === 'subnets') {
    for (const pool of p.pools) s += ` subnet_pool=${pool.cidr.text},${formatIPv4(pool.start)},${formatIPv4(pool.end)}`;
  }
  return s;
}
