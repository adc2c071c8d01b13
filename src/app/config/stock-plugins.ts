// Arguments of the stock coredhcp plugins a config may list next to coresmd and bootloop
// (spec §1.1). coredhcp hands them the whitespace-split value; they have no comments and no
// key=value syntax. Checks are the upstream setup functions' plus what they skip (argument
// counts, ranges, families), so a config that would misbehave is rejected at load time.
import { maskToPrefix, parseIp, parseMac, type IpAddress } from '../../wire/addr.ts';
import { ConfigErrorCode, type ConfigPos } from './config-error.ts';
import { formatGoDuration, parseGoDuration } from './duration.ts';
import type { ArgToken, PluginContext } from './plugin-args.ts';

export type ServerFamily = 4 | 6;

/** DHCPv6 server DUID (RFC 8415 §11): link-layer (+time) with an Ethernet MAC, or enterprise. */
export type Duid =
  | { readonly type: 'LL'; readonly mac: string }
  /** The time field is left to the server (coredhcp writes 0). */
  | { readonly type: 'LLT'; readonly mac: string }
  | { readonly type: 'EN'; readonly enterpriseNumber: number; readonly identifier: Uint8Array };

export type ServerIdConfig = { readonly family: 4; readonly ip: number } | { readonly family: 6; readonly duid: Duid };
export interface DnsConfig {
  readonly servers: readonly IpAddress[];
}
export interface RouterConfig {
  readonly routers: readonly number[];
}
export interface NetmaskConfig {
  readonly mask: number;
  readonly prefix: number;
}
export interface LeaseTimeConfig {
  readonly leaseTimeMs: number;
}
export interface SearchDomainsConfig {
  readonly domains: readonly string[];
}
export interface MtuConfig {
  readonly mtu: number;
}
export interface FileConfig {
  readonly path: string;
  readonly autorefresh: boolean;
}

export interface StockConfigs {
  server_id: ServerIdConfig;
  dns: DnsConfig;
  router: RouterConfig;
  netmask: NetmaskConfig;
  lease_time: LeaseTimeConfig;
  searchdomains: SearchDomainsConfig;
  mtu: MtuConfig;
  file: FileConfig;
}
export type StockPluginName = keyof StockConfigs;

/**
 * Which servers each stock plugin supports here. lease_time also serves DHCPv6 (the IA_NA
 * lifetimes); file is DHCPv4 only (a MAC-to-IPv4 hosts file), so `check` rejects it under server6.
 */
export const STOCK_PLUGIN_FAMILIES: { readonly [K in StockPluginName]: readonly ServerFamily[] } = {
  server_id: [4, 6],
  dns: [4, 6],
  router: [4],
  netmask: [4],
  lease_time: [4, 6],
  searchdomains: [4, 6],
  mtu: [4],
  file: [4],
};

export function isStockPlugin(name: string): name is StockPluginName {
  return Object.hasOwn(STOCK_PLUGIN_FAMILIES, name);
}

type Parser<K extends StockPluginName> = (tokens: readonly ArgToken[], family: ServerFamily, p: Problems) => StockConfigs[K] | undefined;

/** Reports for one plugin: the key of every message is the plugin name. */
class Problems {
  readonly #ctx: PluginContext;
  readonly #name: string;
  constructor(ctx: PluginContext, name: string) {
    this.#ctx = ctx;
    this.#name = name;
  }
  bad(at: ConfigPos | undefined, message: string): undefined {
    this.#ctx.diag.error(at ?? this.#ctx.at, ConfigErrorCode.BadValue, message, this.#name);
    return undefined;
  }
  count(tokens: readonly ArgToken[], min: number, max: number, what: string): boolean {
    if (tokens.length < min) {
      this.bad(undefined, `needs ${what}`);
      return false;
    }
    const extra = tokens[max];
    if (extra !== undefined) {
      this.bad(extra, `unexpected extra argument '${extra.text}'; expected ${what}`);
      return false;
    }
    return true;
  }
}

const parseServerId: Parser<'server_id'> = (tokens, family, p) => {
  if (family === 4) {
    if (!p.count(tokens, 1, 1, 'one IPv4 address')) return undefined;
    const tok = tokens[0]!;
    const ip = parseIp(tok.text);
    if (ip === undefined || ip.family !== 4) return p.bad(tok, `'${tok.text}' is not a valid IPv4 address`);
    if (ip.v4 === 0 || ip.v4 === 0xffffffff) return p.bad(tok, `'${tok.text}' cannot identify a server`);
    return { family: 4, ip: ip.v4 };
  }
  const what = 'a DUID: LL <mac>, LLT <mac> or EN <enterprise-number> <hex-identifier>';
  const typeTok = tokens[0];
  if (typeTok === undefined) return p.bad(undefined, `needs ${what}`);
  const type = typeTok.text.toLowerCase().replace(/^duid[-_]/, '');
  if (type === 'll' || type === 'llt') {
    if (!p.count(tokens, 2, 2, what)) return undefined;
    const macTok = tokens[1]!;
    const mac = parseMac(macTok.text);
    if (mac === undefined || mac.split(':').length !== 6) return p.bad(macTok, `'${macTok.text}' is not an Ethernet MAC address`);
    return { family: 6, duid: { type: type === 'll' ? 'LL' : 'LLT', mac } };
  }
  if (type === 'en') {
    if (!p.count(tokens, 3, 3, what)) return undefined;
    const [, enTok, idTok] = tokens as [ArgToken, ArgToken, ArgToken];
    const en = /^[0-9]+$/.test(enTok.text) ? Number(enTok.text) : NaN;
    if (!Number.isInteger(en) || en > 0xffffffff) return p.bad(enTok, `'${enTok.text}' is not an enterprise number (0–4294967295)`);
    const hex = idTok.text.replace(/[:-]/g, '');
    // DUIDs are at most 130 bytes (RFC 8415 §11.1): 2 type + 4 enterprise + identifier.
    if (!/^([0-9a-fA-F]{2})+$/.test(hex) || hex.length / 2 > 124) return p.bad(idTok, `'${idTok.text}' is not a hex identifier of 1–124 bytes`);
    return { family: 6, duid: { type: 'EN', enterpriseNumber: en, identifier: Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16)) } };
  }
  return p.bad(typeTok, `unknown DUID type '${typeTok.text}'; expected ${what}`);
};

const parseDns: Parser<'dns'> = (tokens, family, p) => {
  if (!p.count(tokens, 1, Infinity, `one or more IPv${family} addresses`)) return undefined;
  const servers: IpAddress[] = [];
  for (const tok of tokens) {
    const ip = parseIp(tok.text);
    if (ip === undefined || ip.family !== family) return p.bad(tok, `'${tok.text}' is not an IPv${family} address`);
    servers.push(ip);
  }
  return { servers };
};

const parseRouter: Parser<'router'> = (tokens, _family, p) => {
  if (!p.count(tokens, 1, Infinity, 'one or more IPv4 addresses')) return undefined;
  const routers: number[] = [];
  for (const tok of tokens) {
    const ip = parseIp(tok.text);
    if (ip === undefined || ip.family !== 4) return p.bad(tok, `'${tok.text}' is not an IPv4 address`);
    routers.push(ip.v4);
  }
  return { routers };
};

const parseNetmask: Parser<'netmask'> = (tokens, _family, p) => {
  if (!p.count(tokens, 1, 1, 'one IPv4 netmask such as 255.255.255.0')) return undefined;
  const tok = tokens[0]!;
  const ip = parseIp(tok.text);
  if (ip === undefined || ip.family !== 4) return p.bad(tok, `'${tok.text}' is not an IPv4 netmask`);
  const prefix = maskToPrefix(ip.v4);
  if (prefix === undefined || prefix === 0) return p.bad(tok, `'${tok.text}' is not a contiguous netmask`);
  return { mask: ip.v4, prefix };
};

const MAX_LEASE_MS = 0xffffffff * 1000;

const parseLeaseTime: Parser<'lease_time'> = (tokens, _family, p) => {
  if (!p.count(tokens, 1, 1, 'one duration such as 10m')) return undefined;
  const tok = tokens[0]!;
  const d = parseGoDuration(tok.text);
  if (!d.ok) return p.bad(tok, `invalid duration '${tok.text}' (${d.error})`);
  if (d.ms < 1000 || d.ms > MAX_LEASE_MS) return p.bad(tok, `must be between 1s and ${formatGoDuration(MAX_LEASE_MS)}, got '${tok.text}'`);
  return { leaseTimeMs: d.ms };
};

// RFC 1035 §2.3.4 limits; underscores are tolerated as in real-world search lists.
const LABEL = /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

const parseSearchDomains: Parser<'searchdomains'> = (tokens, _family, p) => {
  if (!p.count(tokens, 1, Infinity, 'one or more domain names')) return undefined;
  const domains: string[] = [];
  for (const tok of tokens) {
    const name = tok.text.replace(/\.$/, '');
    if (name.length > 253 || !name.split('.').every((l) => LABEL.test(l))) return p.bad(tok, `'${tok.text}' is not a valid domain name`);
    domains.push(tok.text);
  }
  return { domains };
};

const parseMtu: Parser<'mtu'> = (tokens, _family, p) => {
  if (!p.count(tokens, 1, 1, 'one MTU between 68 and 65535')) return undefined;
  const tok = tokens[0]!;
  // RFC 2132 §5.1: the interface MTU option's minimum legal value is 68.
  const mtu = /^[0-9]+$/.test(tok.text) ? Number(tok.text) : NaN;
  if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535) return p.bad(tok, `invalid MTU '${tok.text}', must be an integer between 68 and 65535`);
  return { mtu };
};

const parseFile: Parser<'file'> = (tokens, _family, p) => {
  if (!p.count(tokens, 1, 2, "a file path, optionally followed by 'autorefresh'")) return undefined;
  const second = tokens[1];
  if (second !== undefined && second.text !== 'autorefresh') return p.bad(second, `unexpected '${second.text}'; the only option is 'autorefresh'`);
  return { path: tokens[0]!.text, autorefresh: second !== undefined };
};

const PARSERS: { readonly [K in StockPluginName]: Parser<K> } = {
  server_id: parseServerId,
  dns: parseDns,
  router: parseRouter,
  netmask: parseNetmask,
  lease_time: parseLeaseTime,
  searchdomains: parseSearchDomains,
  mtu: parseMtu,
  file: parseFile,
};

/** Parses a stock plugin's arguments for a server of `family`; undefined after an error. */
export function parseStockPlugin<K extends StockPluginName>(
  name: K,
  tokens: readonly ArgToken[],
  family: ServerFamily,
  ctx: PluginContext,
): StockConfigs[K] | undefined {
  const parser: Parser<K> = PARSERS[name];
  return parser(tokens, family, new Problems(ctx, name));
}
