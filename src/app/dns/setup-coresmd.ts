// The `coresmd` directive (spec coresmd-dns §1.2):
//
//     coresmd {
//         smd_url        URL            required, once
//         ca_cert        PATH           optional; only these CAs are trusted
//         cache_duration GO_DURATION    optional, default 30s, must be > 0
//         ttl            SECONDS        optional, default 60 (ours; the original has 60 fixed)
//         zone NAME {                   optional, repeatable, order matters
//             nodes PATTERN             optional, at most once per zone
//         }
//     }
//
// Several `coresmd` stanzas in one server block make one plugin (zones accumulate), as upstream.
// Differences, all reported with file:line (docs/differences.md "DNS"): `cache_duration` ≤ 0 is
// rejected (upstream crashes after the first refresh); a bad `smd_url` is rejected here (upstream
// at start-up); the same zone twice is an error (upstream keeps a useless second copy); words
// between `coresmd` and `{` are warned about (upstream ignores them); a `{` on the next line is
// an error that says so (upstream skips the block and reports `smd_url is required`).

import { ConfigErrorCode, type ConfigPos, type Diagnostics } from '../config/config-error.ts';
import { parseGoDuration } from '../config/duration.ts';
import type { DnsZoneSpec } from '../../dns/service/zone-index.ts';
import { patternUsesNid } from '../../dns/service/node-pattern.ts';
import type { CorefileDirective } from './corefile-parser.ts';
import type { CoresmdDnsConfig } from './dns-config.ts';
import { argCount, argError, at, blockOnDirectiveLine, zoneKey } from './directive-args.ts';

export const CORESMD_DEFAULT_CACHE_DURATION_MS = 30_000;
export const CORESMD_DEFAULT_TTL = 60;
/** Applied when no `zone` is written (spec §1.3 step 4). */
export const CORESMD_DEFAULT_ZONE: DnsZoneSpec = Object.freeze({ name: 'cluster.local', pattern: 'nid{04d}' });
/** RFC 2181 §8: TTLs are 31-bit; a day is plenty for names that change with SMD. */
const MAX_TTL = 86_400;

/** What the stanzas of one server block have said so far. */
export class CoresmdBuilder {
  readonly at: ConfigPos;
  smdUrl: string | undefined;
  smdUrlAt: ConfigPos | undefined;
  caCert: string | undefined;
  caCertAt: ConfigPos | undefined;
  cacheDurationMs: number | undefined;
  ttl: number | undefined;
  readonly zones: DnsZoneSpec[] = [];
  readonly #zoneKeys = new Map<string, ConfigPos>();

  constructor(first: ConfigPos) {
    this.at = first;
  }

  addZone(key: string, spec: DnsZoneSpec, where: ConfigPos, diag: Diagnostics): void {
    const before = this.#zoneKeys.get(key);
    if (before !== undefined) {
      diag.error(where, ConfigErrorCode.Duplicate, `zone '${spec.name}' is already defined at line ${before.line}`, 'zone');
      return;
    }
    this.#zoneKeys.set(key, where);
    this.zones.push(spec);
  }

  /** The effective config, or undefined (with an error) when `smd_url` is missing. */
  finish(diag: Diagnostics): CoresmdDnsConfig | undefined {
    if (this.smdUrl === undefined) {
      diag.error(this.at, ConfigErrorCode.MissingKey, 'smd_url is required', 'coresmd');
      return undefined;
    }
    if (this.zones.length === 0) {
      diag.warn(this.at, ConfigErrorCode.DefaultUsed, `no zone given; serving the default zone ${CORESMD_DEFAULT_ZONE.name} with nodes ${CORESMD_DEFAULT_ZONE.pattern ?? ''}`, 'coresmd');
    }
    return {
      line: this.at.line,
      col: this.at.col,
      smdUrl: this.smdUrl,
      caCert: this.caCert,
      caCertAt: this.caCertAt,
      cacheDurationMs: this.cacheDurationMs ?? CORESMD_DEFAULT_CACHE_DURATION_MS,
      zones: this.zones.length === 0 ? [CORESMD_DEFAULT_ZONE] : [...this.zones],
      ttl: this.ttl ?? CORESMD_DEFAULT_TTL,
    };
  }
}

function validSmdUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'file:') return `has scheme ${url.protocol.slice(0, -1)}; expected http, https or file`;
  if (url.protocol !== 'file:' && url.hostname === '') return 'has no host';
  return undefined;
}

/** One `coresmd` stanza into `b`. */
export function setupCoresmd(d: CorefileDirective, b: CoresmdBuilder, diag: Diagnostics): void {
  if (d.args.length > 0) {
    diag.warn(at(d.args[0]!), ConfigErrorCode.Suspicious, `words after 'coresmd' are ignored: ${d.args.map((a) => a.text).join(' ')}`, 'coresmd');
  }
  if (d.block === undefined || !blockOnDirectiveLine(diag, d)) return;
  for (const sub of d.block) {
    const key = sub.name.text;
    const one = (): string | undefined => {
      if (sub.args.length !== 1 || sub.open !== undefined) {
        argError(diag, sub);
        return undefined;
      }
      return sub.args[0]!.text;
    };
    switch (key) {
      case 'smd_url': {
        const v = one();
        if (v === undefined) break;
        if (b.smdUrl !== undefined && b.smdUrl !== '') {
          diag.error(at(sub.name), ConfigErrorCode.Duplicate, 'smd_url already specified', key);
          break;
        }
        const problem = validSmdUrl(v);
        if (problem !== undefined) diag.error(at(sub.args[0]!), ConfigErrorCode.BadValue, `smd_url '${v}' ${problem}`, key);
        b.smdUrl = v;
        b.smdUrlAt = at(sub.name);
        break;
      }
      case 'ca_cert': {
        const v = one();
        if (v === undefined) break;
        if (b.caCert !== undefined) diag.warn(at(sub.name), ConfigErrorCode.RepeatedArg, `ca_cert given again; '${v}' replaces '${b.caCert}'`, key);
        b.caCert = v === '' ? undefined : v;
        b.caCertAt = at(sub.args[0]!);
        break;
      }
      case 'cache_duration': {
        const v = one();
        if (v === undefined) break;
        const r = parseGoDuration(v);
        if (!r.ok) diag.error(at(sub.args[0]!), ConfigErrorCode.BadValue, `cache_duration: ${r.error}`, key);
        else if (!(r.ms >= 1)) diag.error(at(sub.args[0]!), ConfigErrorCode.BadValue, `cache_duration must be at least 1ms, got '${v}' (the original crashes on it)`, key);
        else b.cacheDurationMs = r.ms;
        break;
      }
      case 'ttl': {
        const v = one();
        if (v === undefined) break;
        const n = /^[0-9]{1,6}$/.test(v) ? Number(v) : NaN;
        if (!(n <= MAX_TTL)) diag.error(at(sub.args[0]!), ConfigErrorCode.BadValue, `ttl must be 0..${MAX_TTL} seconds, got '${v}'`, key);
        else b.ttl = n;
        break;
      }
      case 'zone':
        setupZone(sub, b, diag);
        break;
      default:
        diag.error(at(sub.name), ConfigErrorCode.UnknownKey, `unknown directive '${key}' in coresmd`, key);
    }
  }
}

function setupZone(d: CorefileDirective, b: CoresmdBuilder, diag: Diagnostics): void {
  if (!argCount(diag, d, 1, 1)) return;
  const nameTok = d.args[0]!;
  // The original reads the zone's `{` with Next(), so it may sit on a later line (spec §1.2).
  if (d.block === undefined) {
    diag.error(at(nameTok), ConfigErrorCode.ArgFormat, "expected '{' after zone name", 'zone');
    return;
  }
  const key = zoneKey(nameTok.text);
  if (key === undefined || key === '.') {
    diag.error(at(nameTok), ConfigErrorCode.BadValue, `zone '${nameTok.text}' is not a domain name`, 'zone');
    return;
  }
  let pattern: string | undefined;
  let patternAt: ConfigPos | undefined;
  for (const sub of d.block) {
    if (sub.name.text !== 'nodes') {
      diag.error(at(sub.name), ConfigErrorCode.UnknownKey, `unknown zone directive '${sub.name.text}'`, 'zone');
      continue;
    }
    if (sub.args.length !== 1 || sub.open !== undefined) {
      argError(diag, sub);
      continue;
    }
    if (patternAt !== undefined) {
      diag.error(at(sub.name), ConfigErrorCode.Duplicate, `duplicate 'nodes' directive in zone '${nameTok.text}'`, 'nodes');
      continue;
    }
    const p = sub.args[0]!.text;
    if (p === '' || /\s/.test(p) || p.startsWith('.') || p.endsWith('.') || p.includes('..')) {
      diag.error(at(sub.args[0]!), ConfigErrorCode.BadValue, `nodes pattern '${p}' must be a relative domain name such as nid{04d}`, 'nodes');
      continue;
    }
    if (!patternUsesNid(p) && !p.includes('{id}')) {
      diag.warn(at(sub.args[0]!), ConfigErrorCode.Suspicious, `nodes pattern '${p}' has no {NNd} or {id} placeholder: every node gets the same name`, 'nodes');
    }
    pattern = p;
    patternAt = at(sub.name);
  }
  b.addZone(key, { name: nameTok.text, pattern }, at(nameTok), diag);
}
