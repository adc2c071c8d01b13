// Loads a Corefile into the effective configuration of `coresmd dns` (dns-config.ts): lexing
// (corefile-lexer.ts), structure (corefile-parser.ts), then each server block's keys and
// directives. Every problem of the file is collected and reported at once as
// `file:line:col: directive: message` (design.md "Config"); an invalid file never starts.

import { readFileSync } from 'node:fs';
import { ConfigErrorCode, Diagnostics, type ConfigPos } from '../config/config-error.ts';
import { lexCorefile, type CorefileToken } from './corefile-lexer.ts';
import { parseCorefileTokens, type CorefileServerBlock } from './corefile-parser.ts';
import type { BindConfig, CorefileConfig, DnsBlockConfig, DnsServerKey, ForwardConfig, HttpEndpointConfig, QueryLogConfig } from './dns-config.ts';
import { at, inZone, zoneKey } from './directive-args.ts';
import { DNS_DIRECTIVES, setupBind, setupEndpoint, setupErrors, setupHealth, setupLog, UNSUPPORTED_DIRECTIVES } from './directives.ts';
import { CoresmdBuilder, setupCoresmd } from './setup-coresmd.ts';
import { setupForward } from './setup-forward.ts';

export interface CorefileOptions {
  /** For `{$VAR}` substitution. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Port of keys written without one (`-dns.port`, default 53). */
  readonly defaultPort?: number;
}

export const DNS_DEFAULT_PORT = 53;
const KNOWN = new Set(DNS_DIRECTIVES.map((d) => d.name));

/** `[dns://]ZONE[:PORT]`, `:PORT` → key; errors go to diag. */
function parseKey(t: CorefileToken, defaultPort: number, diag: Diagnostics): DnsServerKey | undefined {
  let text = t.text;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (scheme !== null) {
    if (scheme[1]!.toLowerCase() !== 'dns') {
      diag.error(at(t), ConfigErrorCode.BadValue, `server block '${t.text}': only dns:// servers are supported`, 'server');
      return undefined;
    }
    text = text.slice(scheme[0].length);
  }
  let zoneText = text;
  let port = defaultPort;
  const colon = text.lastIndexOf(':');
  if (colon !== -1) {
    const p = text.slice(colon + 1);
    if (!/^[0-9]{1,5}$/.test(p) || Number(p) < 1 || Number(p) > 65535) {
      diag.error(at(t), ConfigErrorCode.BadValue, `server block '${t.text}': port must be 1-65535`, 'server');
      return undefined;
    }
    port = Number(p);
    zoneText = text.slice(0, colon);
  }
  if (zoneText === '') zoneText = '.';
  if (zoneText.includes('/')) {
    diag.error(at(t), ConfigErrorCode.BadValue, `server block '${t.text}': reverse CIDR keys are not supported; name the in-addr.arpa zone instead`, 'server');
    return undefined;
  }
  const zone = zoneKey(zoneText);
  if (zone === undefined) {
    diag.error(at(t), ConfigErrorCode.BadValue, `server block '${t.text}': '${zoneText}' is not a domain name`, 'server');
    return undefined;
  }
  return { line: t.line, col: t.col, zone, port, text: t.text };
}

interface BlockDraft {
  bind: BindConfig[];
  coresmd: CoresmdBuilder | undefined;
  forward: ForwardConfig | undefined;
  prometheus: HttpEndpointConfig | undefined;
  ready: HttpEndpointConfig | undefined;
  health: (HttpEndpointConfig & { lameduckMs: number }) | undefined;
  log: QueryLogConfig | undefined;
  errors: boolean;
}

function buildBlock(b: CorefileServerBlock, defaultPort: number, diag: Diagnostics): DnsBlockConfig | undefined {
  const keys = b.keys.map((k) => parseKey(k, defaultPort, diag)).filter((k): k is DnsServerKey => k !== undefined);
  const draft: BlockDraft = { bind: [], coresmd: undefined, forward: undefined, prometheus: undefined, ready: undefined, health: undefined, log: undefined, errors: false };
  const seen = new Map<string, ConfigPos>();
  for (const d of b.directives) {
    const name = d.name.text;
    if (!KNOWN.has(name)) {
      const why = UNSUPPORTED_DIRECTIVES.has(name) ? `directive '${name}' is not supported by coresmd-ts` : `unknown directive '${name}'`;
      diag.error(at(d.name), ConfigErrorCode.UnknownPlugin, why, name);
      continue;
    }
    // One instance per block; coresmd stanzas merge (spec §1.2) and `bind` lists add up.
    const before = seen.get(name);
    if (before !== undefined && name !== 'coresmd' && name !== 'bind') {
      diag.error(at(d.name), ConfigErrorCode.Duplicate, `'${name}' is already configured in this server block at line ${before.line}`, name);
      continue;
    }
    seen.set(name, at(d.name));
    switch (name) {
      case 'coresmd':
        draft.coresmd ??= new CoresmdBuilder(at(d.name));
        setupCoresmd(d, draft.coresmd, diag);
        break;
      case 'forward':
        draft.forward = setupForward(d, diag);
        break;
      case 'bind':
        draft.bind.push(...setupBind(d, diag));
        break;
      case 'prometheus':
        draft.prometheus = setupEndpoint(d, 'prometheus', diag);
        break;
      case 'ready':
        draft.ready = setupEndpoint(d, 'ready', diag);
        break;
      case 'health':
        draft.health = setupHealth(d, diag);
        break;
      case 'log':
        draft.log = setupLog(d, diag);
        break;
      case 'errors':
        draft.errors = setupErrors(d, diag);
        break;
    }
  }
  const coresmd = draft.coresmd?.finish(diag);
  const first = b.keys[0];
  if (first === undefined) {
    const at = b.directives[0]?.name ?? { line: 1, col: 1 };
    diag.error({ line: at.line, col: at.col }, ConfigErrorCode.MissingKey, 'server block without a key such as .:53', 'server');
    return undefined;
  }
  if (coresmd !== undefined) {
    // A coresmd zone no key of the block covers never sees a query.
    for (const z of coresmd.zones) {
      const key = zoneKey(z.name);
      if (key !== undefined && keys.length > 0 && !keys.some((k) => inZone(key, k.zone))) {
        diag.warn(coresmd, ConfigErrorCode.Suspicious, `zone ${z.name} is outside this server block (${keys.map((k) => k.text).join(' ')}); its queries go elsewhere`, 'zone');
      }
    }
  }
  return { line: first.line, col: first.col, keys, ...draft, coresmd };
}

/** Parses Corefile text; throws ConfigErrors with every problem when it is not valid. */
export function parseCorefile(text: string, file: string, options: CorefileOptions): CorefileConfig {
  const diag = new Diagnostics(file);
  const tokens = lexCorefile(text, options.env, diag);
  const parsed = parseCorefileTokens(tokens, diag);
  const defaultPort = options.defaultPort ?? DNS_DEFAULT_PORT;
  const blocks: DnsBlockConfig[] = [];
  for (const b of parsed) {
    const block = buildBlock(b, defaultPort, diag);
    if (block !== undefined) blocks.push(block);
  }
  if (parsed.length === 0 && !diag.hasErrors) diag.error({ line: 1, col: 1 }, ConfigErrorCode.MissingKey, 'no server block; expected something like `.:53 { coresmd { ... } }`');
  // CoreDNS: "cannot serve ... multiple times" for the same zone and port.
  const keysSeen = new Map<string, DnsServerKey>();
  for (const b of blocks) {
    for (const k of b.keys) {
      const id = `${k.zone}:${k.port}`;
      const other = keysSeen.get(id);
      if (other !== undefined) diag.error(k, ConfigErrorCode.Duplicate, `zone ${k.zone} on port ${k.port} is already served by the block at line ${other.line}`, 'server');
      else keysSeen.set(id, k);
    }
  }
  diag.throwIfErrors();
  return { file, blocks, warnings: diag.warnings };
}

/** Reads and parses a Corefile. */
export function readCorefile(path: string, options: CorefileOptions): CorefileConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const diag = new Diagnostics(path);
    diag.error({ line: 1, col: 1 }, ConfigErrorCode.ReadFailed, `cannot read the Corefile: ${(e as Error).message}`);
    diag.throwIfErrors();
    throw e;
  }
  return parseCorefile(text, path, options);
}
