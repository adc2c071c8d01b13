// The coresmd plugin's arguments, spec §2.2: parse (key by key, as the original's parseConfig),
// then validate (defaults, warnings, required keys), then the effective config.
//
// Divergences from v0.6.3, each deliberate:
// - Parse errors are fatal (see plugin-args.ts), and so are values the original accepts and
//   then crashes or misbehaves on: cache_valid ≤ 0 (Go ticker panic), tftp_port 0 or out of
//   range (silently 69), an empty or unparseable svc_base_uri/ipxe_base_uri (url.Parse takes
//   almost anything), lease_time below 1s (option 51 would be 0) or above 2^32-1 s.
// - An empty ca_cert means "use the system trust store" (PR #5's fix, lost in v0.6.3 where an
//   unset ca_cert aborts start-up, spec §2.2).
// - Quotes are trimmed from URLs too (the original trims them only from path-like keys).
// - New keys: cache_file, svc_token_file / svc_token_env, svc_timeout, http_port (HTTP boot).
import type { Cidr } from '../../wire/addr.ts';
import { RuleError } from '../../dhcp/service/rules/errors.ts';
import { parseRule } from '../../dhcp/service/rules/parse-rule.ts';
import type { Rule } from '../../dhcp/service/rules/rule.ts';
import { formatRule } from '../../dhcp/service/rules/rule-name.ts';
import { ConfigErrorCode, type ConfigPos } from './config-error.ts';
import { formatGoDuration, parseGoDuration } from './duration.ts';
import { parseKeyedArgs, trimQuotes, type ArgKeySpec, type ArgToken, type KeyedArg, type PluginContext } from './plugin-args.ts';

export type RuleLogLevel = 'info' | 'debug' | 'none';

/** Where the SMD bearer token comes from (read at start-up by the app, not here). */
export type SvcToken = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'env'; readonly name: string };

/** The effective, validated coresmd configuration. Durations are milliseconds. */
export interface CoresmdConfig {
  /** SMD base URL as written (quotes trimmed): http, https or file (a local JSON inventory). */
  readonly svcBaseUri: string;
  /** BSS base URL as written; `/boot/v1/bootscript` is joined to it. */
  readonly ipxeBaseUri: string;
  /** CA bundle path; '' means the system trust store. */
  readonly caCert: string;
  readonly cacheValidMs: number;
  readonly leaseTimeMs: number;
  readonly singlePort: boolean;
  readonly tftpDir: string;
  readonly tftpPort: number;
  readonly domain: string;
  readonly ruleLog: RuleLogLevel;
  /** In argument order (rule, bmc_pattern, node_pattern interleaved), log already inherited. */
  readonly rules: readonly Rule[];
  /** The subnet context (spec §2.2): distinct canonical CIDRs of every rule's `subnet:`. */
  readonly subnets: readonly Cidr[];
  readonly cacheFile: string | undefined;
  readonly svcToken: SvcToken | undefined;
  readonly svcTimeoutMs: number;
  /** The built-in HTTP boot server's port (the TFTP files over HTTP); undefined: not started. */
  readonly httpPort: number | undefined;
}

/** What parsing found, before defaults; `at` holds the position of each key's last token. */
export interface CoresmdArgs {
  svcBaseUri?: string;
  ipxeBaseUri?: string;
  caCert?: string;
  cacheValidMs?: number;
  leaseTimeMs?: number;
  singlePort?: boolean;
  tftpDir?: string;
  tftpPort?: number;
  domain?: string;
  ruleLog?: RuleLogLevel;
  rules?: Rule[];
  cacheFile?: string;
  svcTokenFile?: string;
  svcTokenEnv?: string;
  svcTimeoutMs?: number;
  httpPort?: number;
  at?: Record<string, ConfigPos>;
}

export const CORESMD_DEFAULTS = {
  cacheValidMs: 30_000,
  leaseTimeMs: 3_600_000,
  tftpDir: '/tftpboot',
  tftpPort: 69,
  ruleLog: 'info',
  svcTimeoutMs: 10_000,
} as const;

export const CORESMD_KEYS: ArgKeySpec = {
  plugin: 'coresmd',
  known: [
    'svc_base_uri',
    'ipxe_base_uri',
    'ca_cert',
    'cache_valid',
    'lease_time',
    'single_port',
    'tftp_dir',
    'tftp_port',
    'domain',
    'rule_log',
    'rule',
    'bmc_pattern',
    'node_pattern',
    'cache_file',
    'svc_token_file',
    'svc_token_env',
    'svc_timeout',
    'http_port',
  ],
  repeatable: new Set(['rule', 'bmc_pattern', 'node_pattern']),
};

// DHCPv4 option 51 is a u32 of seconds (RFC 2132 §9.2).
const MAX_LEASE_MS = 0xffffffff * 1000;

/** Parses coresmd's tokens; problems go to ctx.diag. */
export function parseCoresmdArgs(tokens: readonly ArgToken[], ctx: PluginContext): CoresmdArgs {
  const out: CoresmdArgs = {};
  const at: Record<string, ConfigPos> = {};
  const bad = (arg: KeyedArg, message: string) => ctx.diag.error(arg.valuePos, ConfigErrorCode.BadValue, message, arg.key);

  for (const arg of parseKeyedArgs(tokens, CORESMD_KEYS, ctx)) {
    at[arg.key] = arg.token;
    const v = arg.value;
    switch (arg.key) {
      case 'svc_base_uri':
      case 'ipxe_base_uri': {
        const schemes = arg.key === 'svc_base_uri' ? ['http:', 'https:', 'file:'] : ['http:', 'https:'];
        const url = trimQuotes(v);
        const problem = checkUrl(url, schemes);
        if (problem !== undefined) bad(arg, problem);
        else if (arg.key === 'svc_base_uri') out.svcBaseUri = url;
        else out.ipxeBaseUri = url;
        break;
      }
      case 'ca_cert':
        // Empty is allowed and means the system trust store (validate warns).
        out.caCert = trimQuotes(v);
        break;
      case 'cache_valid':
      case 'lease_time':
      case 'svc_timeout': {
        const d = parseGoDuration(v);
        if (!d.ok) {
          bad(arg, `invalid duration '${v}' (${d.error}); use Go syntax such as 30s, 5m, 1h30m`);
        } else if (d.ms <= 0) {
          bad(arg, `must be greater than 0, got '${v}'`);
        } else if (arg.key === 'lease_time' && (d.ms < 1000 || d.ms > MAX_LEASE_MS)) {
          bad(arg, `must be between 1s and ${formatGoDuration(MAX_LEASE_MS)} (DHCP lease times are whole seconds in 32 bits), got '${v}'`);
        } else if (arg.key === 'cache_valid') out.cacheValidMs = d.ms;
        else if (arg.key === 'lease_time') out.leaseTimeMs = d.ms;
        else out.svcTimeoutMs = d.ms;
        break;
      }
      case 'single_port': {
        const b = parseGoBool(v);
        if (b === undefined) bad(arg, `invalid value '${v}', expected true or false (also 1, t, T, TRUE, True, 0, f, F, FALSE, False)`);
        else out.singlePort = b;
        break;
      }
      case 'tftp_dir': {
        const dir = trimQuotes(v);
        if (dir !== '') out.tftpDir = dir; // empty: the default, as the original (validate warns)
        break;
      }
      case 'tftp_port':
      case 'http_port': {
        const port = /^[+-]?[0-9]+$/.test(v) ? Number(v) : NaN;
        if (!Number.isInteger(port) || port < 1 || port > 65535) bad(arg, `invalid port '${v}', must be an integer between 1 and 65535`);
        else if (arg.key === 'tftp_port') out.tftpPort = port;
        else out.httpPort = port;
        break;
      }
      case 'domain': {
        const domain = trimQuotes(v);
        if (domain !== '') out.domain = domain;
        break;
      }
      case 'rule_log':
        // Exact and case-sensitive, as the original.
        if (v === 'info' || v === 'debug' || v === 'none') out.ruleLog = v;
        else bad(arg, `invalid value '${v}', expected info, debug or none`);
        break;
      case 'rule':
        addRule(out, v, arg, ctx);
        break;
      case 'bmc_pattern':
      case 'node_pattern': {
        const pattern = trimQuotes(v);
        if (pattern === '') {
          bad(arg, 'empty pattern');
          break;
        }
        ctx.diag.warn(arg.token, ConfigErrorCode.Deprecated, `legacy key; it is the same as rule=type:${arg.key === 'bmc_pattern' ? 'NodeBMC' : 'Node'},hostname:${pattern}`, arg.key);
        addRule(out, `type:${arg.key === 'bmc_pattern' ? 'NodeBMC' : 'Node'},hostname:${pattern}`, arg, ctx);
        break;
      }
      case 'cache_file':
      case 'svc_token_file': {
        const path = trimQuotes(v);
        if (path === '') bad(arg, 'empty path');
        else if (arg.key === 'cache_file') out.cacheFile = path;
        else out.svcTokenFile = path;
        break;
      }
      case 'svc_token_env':
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(v)) bad(arg, `invalid environment variable name '${v}'`);
        else out.svcTokenEnv = v;
        break;
    }
  }
  out.at = at;
  return out;
}

function addRule(out: CoresmdArgs, text: string, arg: KeyedArg, ctx: PluginContext): void {
  try {
    (out.rules ??= []).push(parseRule(text));
  } catch (e) {
    if (!(e instanceof RuleError)) throw e;
    // The rule error text is the original's (spec §3.7 L) and is part of the contract.
    ctx.diag.error(arg.valuePos, ConfigErrorCode.BadRule, e.message, arg.key);
  }
}

/** Go strconv.ParseBool. */
export function parseGoBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

function checkUrl(text: string, schemes: readonly string[]): string | undefined {
  if (text === '') return 'empty URL';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `invalid URL '${text}'`;
  }
  if (!schemes.includes(url.protocol)) {
    return `unsupported scheme '${url.protocol.replace(/:$/, '')}' in '${text}' (expected ${schemes.map((s) => s.replace(/:$/, '')).join(', ')})`;
  }
  if (url.protocol !== 'file:' && url.hostname === '') return `missing host in '${text}'`;
  if (url.protocol === 'file:' && (url.pathname === '' || url.pathname === '/')) return `missing file path in '${text}'`;
  return undefined;
}

/**
 * Fills defaults (warning where the original warns), checks what needs the whole picture,
 * and returns the effective config, or undefined when a required key is missing or two keys
 * conflict (reported to ctx.diag). Parse errors are not re-checked here.
 */
export function validateCoresmdConfig(args: CoresmdArgs, ctx: PluginContext): CoresmdConfig | undefined {
  const at = (key: string): ConfigPos => args.at?.[key] ?? ctx.at;
  // A key given with a bad value is already an error: do not also call it missing or defaulted.
  const given = (key: string): boolean => args.at?.[key] !== undefined;
  const warnDefault = (key: string, message: string, evenIfGiven = false) => {
    if (evenIfGiven || !given(key)) ctx.diag.warn(ctx.at, ConfigErrorCode.DefaultUsed, message, key);
  };
  let failed = args.svcBaseUri === undefined || args.ipxeBaseUri === undefined;
  if (args.svcBaseUri === undefined && !given('svc_base_uri')) {
    ctx.diag.error(ctx.at, ConfigErrorCode.MissingKey, 'required (the SMD base URL)', 'svc_base_uri');
  }
  if (args.ipxeBaseUri === undefined && !given('ipxe_base_uri')) {
    ctx.diag.error(ctx.at, ConfigErrorCode.MissingKey, 'required (the BSS base URL for iPXE boot scripts)', 'ipxe_base_uri');
  }
  if (args.svcTokenFile !== undefined && args.svcTokenEnv !== undefined) {
    ctx.diag.error(at('svc_token_env'), ConfigErrorCode.Conflict, 'svc_token_file and svc_token_env are mutually exclusive; give at most one', 'svc_token_env');
    failed = true;
  }
  // Only an https SMD needs a CA; plain http and file:// inventories have nothing to verify.
  if ((args.caCert ?? '') === '' && /^https:/i.test(args.svcBaseUri ?? '')) warnDefault('ca_cert', 'unset, using the system trust store for https', true);
  if (args.cacheValidMs === undefined) warnDefault('cache_valid', `unset, defaulting to ${formatGoDuration(CORESMD_DEFAULTS.cacheValidMs)}`);
  if (args.leaseTimeMs === undefined) warnDefault('lease_time', `unset, defaulting to ${formatGoDuration(CORESMD_DEFAULTS.leaseTimeMs)}`);
  if (args.tftpPort === undefined) warnDefault('tftp_port', `unset, defaulting to ${CORESMD_DEFAULTS.tftpPort}`);
  // An empty tftp_dir, domain or ca_cert is legal and means "unset", as in the original.
  if (args.tftpDir === undefined) warnDefault('tftp_dir', `unset, defaulting to ${CORESMD_DEFAULTS.tftpDir}`, true);
  if (args.domain === undefined) warnDefault('domain', 'unset, not configuring (hostnames get no domain unless a rule sets one)', true);
  if (args.tftpPort !== undefined && args.tftpPort !== 69) {
    ctx.diag.warn(at('tftp_port'), ConfigErrorCode.Suspicious, 'iPXE builds that chain tftp://${root-path}:69/config.ipxe (OpenCHAMI\'s, spec §8.3) break with a port other than 69; firmware PXE clients also ask port 69 (the Debian binaries served by default are unaffected)', 'tftp_port');
  }
  if (failed || args.svcBaseUri === undefined || args.ipxeBaseUri === undefined) return undefined;

  const ruleLog = args.ruleLog ?? CORESMD_DEFAULTS.ruleLog;
  // Rules without their own log: inherit the global level (spec §2.2 rule_log).
  const rules = (args.rules ?? []).map((r) => (r.log === '' ? Object.freeze({ ...r, log: ruleLog }) : r));
  const svcToken: SvcToken | undefined =
    args.svcTokenFile !== undefined
      ? { kind: 'file', path: args.svcTokenFile }
      : args.svcTokenEnv !== undefined
        ? { kind: 'env', name: args.svcTokenEnv }
        : undefined;
  return Object.freeze({
    svcBaseUri: args.svcBaseUri,
    ipxeBaseUri: args.ipxeBaseUri,
    caCert: args.caCert ?? '',
    cacheValidMs: args.cacheValidMs ?? CORESMD_DEFAULTS.cacheValidMs,
    leaseTimeMs: args.leaseTimeMs ?? CORESMD_DEFAULTS.leaseTimeMs,
    singlePort: args.singlePort ?? false,
    tftpDir: args.tftpDir ?? CORESMD_DEFAULTS.tftpDir,
    tftpPort: args.tftpPort ?? CORESMD_DEFAULTS.tftpPort,
    domain: args.domain ?? '',
    ruleLog,
    rules: Object.freeze(rules),
    subnets: buildSubnetContext(rules),
    cacheFile: args.cacheFile,
    svcToken,
    svcTimeoutMs: args.svcTimeoutMs ?? CORESMD_DEFAULTS.svcTimeoutMs,
    httpPort: args.httpPort,
  });
}

/** Parse then validate; undefined when either reported an error to ctx.diag. */
export function loadCoresmdConfig(tokens: readonly ArgToken[], ctx: PluginContext): CoresmdConfig | undefined {
  const before = ctx.diag.errors.length;
  const cfg = validateCoresmdConfig(parseCoresmdArgs(tokens, ctx), ctx);
  return ctx.diag.errors.length > before ? undefined : cfg;
}

/**
 * The subnet context (spec §2.2): every `subnet:` CIDR of every rule, ignore rules and IPv6
 * included, keyed by canonical text so duplicates collapse; first-appearance order.
 */
export function buildSubnetContext(rules: readonly Rule[]): readonly Cidr[] {
  const byText = new Map<string, Cidr>();
  for (const r of rules) for (const c of r.match.subnets) if (!byText.has(c.text)) byText.set(c.text, c);
  return Object.freeze([...byText.values()]);
}

/**
 * The original's Config.String() (spec §2.2), then our own keys, then one ` rule=` per rule:
 * `svc_base_uri=… ipxe_base_uri=… ca_cert=… cache_valid=30s lease_time=1h0m0s single_port=false
 * tftp_dir=… tftp_port=69 domain=… rule_log=info svc_timeout=10s [cache_file=…]
 * [svc_token_file=…|svc_token_env=…] rule=…`.
 */
export function formatCoresmdConfig(cfg: CoresmdConfig): string {
  let s =
    `svc_base_uri=${cfg.svcBaseUri} ipxe_base_uri=${cfg.ipxeBaseUri} ca_cert=${cfg.caCert}` +
    ` cache_valid=${formatGoDuration(cfg.cacheValidMs)} lease_time=${formatGoDuration(cfg.leaseTimeMs)}` +
    ` single_port=${cfg.singlePort} tftp_dir=${cfg.tftpDir} tftp_port=${cfg.tftpPort} domain=${cfg.domain}` +
    ` rule_log=${cfg.ruleLog} svc_timeout=${formatGoDuration(cfg.svcTimeoutMs)}`;
  if (cfg.httpPort !== undefined) s += ` http_port=${cfg.httpPort}`;
  if (cfg.cacheFile !== undefined) s += ` cache_file=${cfg.cacheFile}`;
  if (cfg.svcToken?.kind === 'file') s += ` svc_token_file=${cfg.svcToken.path}`;
  if (cfg.svcToken?.kind === 'env') s += ` svc_token_env=${cfg.svcToken.name}`;
  for (const r of cfg.rules) s += ` rule=${formatRule(r)}`;
  return s;
}
