// The directives `coresmd dns` accepts, in the order they act on a query (the original binary's
// fixed order, spec coresmd-dns §1.1: errors, log, health, ready, prometheus, coresmd, forward;
// `bind` only places the listeners), and the setup of the small ones. Order in the Corefile does
// not matter, as in CoreDNS ("Ordering is VERY important", plugin.cfg: it is fixed at build).
import { parseGoDuration } from '../config/duration.ts';
import { ConfigErrorCode, type Diagnostics } from '../config/config-error.ts';
import { parseIp } from '../../wire/addr.ts';
import type { CorefileDirective } from './corefile-parser.ts';
import type { BindConfig, HttpEndpointConfig, QueryLogClass, QueryLogConfig } from './dns-config.ts';
import { argCount, argError, at, blockOnDirectiveLine, noBlock, parseHostPort, zoneKey } from './directive-args.ts';

export interface DirectiveInfo {
  readonly name: string;
  readonly summary: string;
}

/** What `coresmd dns -plugins` prints, in execution order. */
export const DNS_DIRECTIVES: readonly DirectiveInfo[] = [
  { name: 'errors', summary: 'log failed forwards and internal errors' },
  { name: 'log', summary: 'log every query (optionally only some names or classes)' },
  { name: 'health', summary: 'HTTP /health on ADDR (default :8080): 200 while the process runs' },
  { name: 'ready', summary: 'HTTP /ready on ADDR (default :8181): 200 while the SMD data is fresh, else 503' },
  { name: 'prometheus', summary: 'HTTP /metrics on ADDR (default localhost:9153)' },
  { name: 'coresmd', summary: 'A, AAAA and PTR for nodes and BMCs from SMD; SOA, NS, NXDOMAIN and NODATA for its zones' },
  { name: 'forward', summary: 'send names outside the coresmd zones to upstream servers (UDP, TCP on truncation)' },
  { name: 'bind', summary: 'listen only on these addresses or interfaces' },
];

/** Directives the original binary has (spec §1.1) that coresmd-ts does not implement. */
export const UNSUPPORTED_DIRECTIVES: ReadonlySet<string> = new Set([
  'cache', 'debug', 'file', 'header', 'hosts', 'loadbalance', 'loop', 'reload', 'root', 'template', 'whoami', 'rrl', 'k8s_gateway', 'startup', 'shutdown', 'import',
]);

const DEFAULTS = { prometheus: 'localhost:9153', ready: ':8181', health: ':8080' } as const;

/** `prometheus [ADDR]`, `ready [ADDR]`, `health [ADDR]`. */
export function setupEndpoint(d: CorefileDirective, name: keyof typeof DEFAULTS, diag: Diagnostics): HttpEndpointConfig | undefined {
  if (!argCount(diag, d, 0, 1)) return undefined;
  const tok = d.args[0];
  const text = tok?.text ?? DEFAULTS[name];
  const hp = parseHostPort(text);
  if (hp === undefined || (hp.host !== '' && hp.host !== 'localhost' && parseIp(hp.host) === undefined)) {
    diag.error(at(tok ?? d.name), ConfigErrorCode.BadValue, `${name} address '${text}' is not HOST:PORT (an IP address or localhost, and a port 1-65535)`, name);
    return undefined;
  }
  return { line: d.name.line, col: d.name.col, host: hp.host, port: hp.port, text };
}

/** `health [ADDR] { lameduck DURATION }`. */
export function setupHealth(d: CorefileDirective, diag: Diagnostics): (HttpEndpointConfig & { lameduckMs: number }) | undefined {
  const ep = setupEndpoint(d, 'health', diag);
  let lameduckMs = 0;
  if (d.block !== undefined && blockOnDirectiveLine(diag, d)) {
    for (const o of d.block) {
      if (o.name.text !== 'lameduck') {
        diag.error(at(o.name), ConfigErrorCode.UnknownKey, `unknown health option '${o.name.text}'`, 'health');
        continue;
      }
      if (!argCount(diag, o, 1, 1)) continue;
      const r = parseGoDuration(o.args[0]!.text);
      if (!r.ok || r.ms < 0) diag.error(at(o.args[0]!), ConfigErrorCode.BadValue, `lameduck: ${r.ok ? 'must not be negative' : r.error}`, 'lameduck');
      else lameduckMs = r.ms;
    }
  }
  return ep === undefined ? undefined : { ...ep, lameduckMs };
}

// Linux IFNAMSIZ is 16 including the terminating NUL.
const IFACE = /^[A-Za-z0-9_.:-]{1,15}$/;

/** `bind ADDRESS|INTERFACE...` (CoreDNS accepts interface names since 1.10). */
export function setupBind(d: CorefileDirective, diag: Diagnostics): BindConfig[] {
  if (d.block !== undefined) {
    diag.error(at(d.open!), ConfigErrorCode.UnknownKey, "bind's 'except' block is not supported by coresmd-ts", 'bind');
  }
  if (!argCount(diag, d, 1, undefined)) return [];
  const out: BindConfig[] = [];
  for (const a of d.args) {
    const ip = parseIp(a.text);
    if (ip !== undefined) out.push({ line: a.line, col: a.col, kind: 'address', address: ip.text });
    else if (IFACE.test(a.text) && !/^[0-9.]+$/.test(a.text) && !a.text.includes(':')) out.push({ line: a.line, col: a.col, kind: 'interface', name: a.text });
    else diag.error(at(a), ConfigErrorCode.BadValue, `bind '${a.text}' is neither an IP address nor an interface name`, 'bind');
  }
  return out;
}

const LOG_CLASSES: Readonly<Record<string, readonly QueryLogClass[]>> = {
  all: ['success', 'denial', 'error'],
  success: ['success'],
  denial: ['denial'],
  error: ['error'],
};

/** `log [NAMES...] [FORMAT] { class CLASSES... }`: our lines are structured, so FORMAT is ignored. */
export function setupLog(d: CorefileDirective, diag: Diagnostics): QueryLogConfig {
  const names: string[] = [];
  for (const a of d.args) {
    if (a.text.startsWith('{')) {
      diag.warn(at(a), ConfigErrorCode.Suspicious, `log format '${a.text}' is ignored: coresmd-ts writes one structured line per query`, 'log');
      continue;
    }
    const k = zoneKey(a.text);
    if (k === undefined) diag.error(at(a), ConfigErrorCode.BadValue, `log name '${a.text}' is not a domain name`, 'log');
    else names.push(k);
  }
  const classes = new Set<QueryLogClass>();
  if (d.block !== undefined && blockOnDirectiveLine(diag, d)) {
    for (const o of d.block) {
      if (o.name.text !== 'class') {
        diag.error(at(o.name), ConfigErrorCode.UnknownKey, `unknown log option '${o.name.text}'`, 'log');
        continue;
      }
      if (o.args.length === 0) argError(diag, o);
      for (const a of o.args) {
        const c = LOG_CLASSES[a.text];
        if (c === undefined) diag.error(at(a), ConfigErrorCode.BadValue, `unknown log class '${a.text}'; expected all, success, denial or error`, 'class');
        else for (const x of c) classes.add(x);
      }
    }
  }
  return { names: names.length === 0 ? ['.'] : names, classes: classes.size === 0 ? new Set(LOG_CLASSES['all']) : classes };
}

/** `errors` with no arguments; its `consolidate` block is not implemented. */
export function setupErrors(d: CorefileDirective, diag: Diagnostics): boolean {
  noBlock(diag, d);
  return argCount(diag, d, 0, 0);
}
