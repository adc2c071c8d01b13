// The `forward` directive (CoreDNS plugin/forward), the subset coresmd-ts implements:
//
//     forward FROM TO... {
//         except IGNORED_NAMES...
//         force_tcp
//         prefer_udp
//         policy random|round_robin|sequential
//         max_concurrent MAX
//     }
//
// TO is `IP`, `IP:PORT`, `[IPv6]:PORT`, `dns://` in front of any of those, or a resolv.conf-style
// file whose `nameserver` lines are read now (CoreDNS does the same at setup). TLS upstreams and
// the health-check options are reported as unsupported rather than ignored.

import { readFileSync } from 'node:fs';
import { parseIp } from '../../wire/addr.ts';
import { ConfigErrorCode, type Diagnostics } from '../config/config-error.ts';
import type { CorefileToken } from './corefile-lexer.ts';
import type { CorefileDirective } from './corefile-parser.ts';
import type { ForwardConfig, ForwardPolicy, ForwardUpstreamConfig } from './dns-config.ts';
import { argCount, argError, at, blockOnDirectiveLine, parseHostPort, zoneKey } from './directive-args.ts';

/** CoreDNS forward's limit on upstreams per directive. */
const MAX_UPSTREAMS = 15;
const DNS_PORT = 53;
const POLICIES: readonly ForwardPolicy[] = ['random', 'round_robin', 'sequential'];
const UNSUPPORTED = new Set(['tls', 'tls_servername', 'expire', 'health_check', 'max_fails', 'next', 'failfast_all_unhealthy_upstreams', 'failover']);

/** One TO token → upstreams; a path is read as resolv.conf. */
function upstreamsOf(t: CorefileToken, diag: Diagnostics): ForwardUpstreamConfig[] {
  let text = t.text;
  if (/^(tls|https|grpc|quic):\/\//.test(text)) {
    diag.error(at(t), ConfigErrorCode.BadValue, `upstream '${text}': only plain DNS (dns://) upstreams are supported`, 'forward');
    return [];
  }
  if (text.startsWith('dns://')) text = text.slice('dns://'.length);
  const bare = parseIp(text);
  if (bare !== undefined) return [{ line: t.line, col: t.col, host: bare.text, port: DNS_PORT }];
  const hp = parseHostPort(text);
  const ip = hp === undefined ? undefined : parseIp(hp.host);
  if (hp !== undefined && ip !== undefined) return [{ line: t.line, col: t.col, host: ip.text, port: hp.port }];
  if (text.includes('/')) return resolvConf(t, diag);
  diag.error(at(t), ConfigErrorCode.BadValue, `upstream '${t.text}' is not an IP address, IP:PORT or a resolv.conf path`, 'forward');
  return [];
}

function resolvConf(t: CorefileToken, diag: Diagnostics): ForwardUpstreamConfig[] {
  let content: string;
  try {
    content = readFileSync(t.text, 'utf8');
  } catch (e) {
    diag.error(at(t), ConfigErrorCode.ReadFailed, `cannot read ${t.text}: ${(e as Error).message}`, 'forward');
    return [];
  }
  const out: ForwardUpstreamConfig[] = [];
  for (const line of content.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    const ip = m === null ? undefined : parseIp(m[1]!);
    if (ip !== undefined) out.push({ line: t.line, col: t.col, host: ip.text, port: DNS_PORT });
  }
  if (out.length === 0) diag.error(at(t), ConfigErrorCode.BadValue, `${t.text} has no nameserver lines`, 'forward');
  return out;
}

export function setupForward(d: CorefileDirective, diag: Diagnostics): ForwardConfig | undefined {
  if (!argCount(diag, d, 2, undefined)) return undefined;
  const fromTok = d.args[0]!;
  const from = zoneKey(fromTok.text);
  if (from === undefined) {
    diag.error(at(fromTok), ConfigErrorCode.BadValue, `forward FROM '${fromTok.text}' is not a domain name`, 'forward');
    return undefined;
  }
  const to = d.args.slice(1).flatMap((t) => upstreamsOf(t, diag));
  if (to.length > MAX_UPSTREAMS) diag.error(at(d.name), ConfigErrorCode.BadValue, `more than ${MAX_UPSTREAMS} upstreams`, 'forward');
  const except: string[] = [];
  let forceTcp = false;
  let preferUdp = false;
  let policy: ForwardPolicy = 'random';
  let maxConcurrent = 0;
  if (d.block !== undefined && blockOnDirectiveLine(diag, d)) {
    for (const o of d.block) {
      const name = o.name.text;
      if (o.open !== undefined) {
        diag.error(at(o.open), ConfigErrorCode.ArgFormat, `'${name}' takes no block`, name);
        continue;
      }
      switch (name) {
        case 'except':
          if (o.args.length === 0) argError(diag, o);
          for (const a of o.args) {
            const k = zoneKey(a.text);
            if (k === undefined) diag.error(at(a), ConfigErrorCode.BadValue, `except '${a.text}' is not a domain name`, name);
            else except.push(k);
          }
          break;
        case 'force_tcp':
          if (argCount(diag, o, 0, 0)) forceTcp = true;
          break;
        case 'prefer_udp':
          if (argCount(diag, o, 0, 0)) preferUdp = true;
          break;
        case 'policy': {
          if (!argCount(diag, o, 1, 1)) break;
          const p = o.args[0]!.text as ForwardPolicy;
          if (POLICIES.includes(p)) policy = p;
          else diag.error(at(o.args[0]!), ConfigErrorCode.BadValue, `unknown policy '${o.args[0]!.text}'; expected ${POLICIES.join(', ')}`, name);
          break;
        }
        case 'max_concurrent': {
          if (!argCount(diag, o, 1, 1)) break;
          const v = o.args[0]!.text;
          if (/^[1-9][0-9]{0,6}$/.test(v)) maxConcurrent = Number(v);
          else diag.error(at(o.args[0]!), ConfigErrorCode.BadValue, `max_concurrent must be a positive integer, got '${v}'`, name);
          break;
        }
        default:
          diag.error(at(o.name), ConfigErrorCode.UnknownKey, UNSUPPORTED.has(name) ? `forward option '${name}' is not supported by coresmd-ts` : `unknown forward option '${name}'`, name);
      }
    }
  }
  if (forceTcp && preferUdp) diag.error(at(d.name), ConfigErrorCode.Conflict, 'force_tcp and prefer_udp are mutually exclusive', 'forward');
  if (to.length === 0) return undefined;
  return { line: d.name.line, col: d.name.col, from, to, except, forceTcp, preferUdp, policy, maxConcurrent };
}
