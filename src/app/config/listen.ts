// coredhcp `listen` addresses (spec §1.1): `[addr][%iface][:port]`, with IPv6 in brackets
// (`[v6addr%iface]:port`). Split as coredhcp does (net.SplitHostPort, retried with `:0` when
// the port is missing, then the zone at the last `%`), but the result is checked more strictly:
// the port must be 1–65535 and an interface name must be a valid Linux one.
import { parseIp, type IpAddress } from '../../wire/addr.ts';
import type { ConfigPos } from './config-error.ts';

export type ListenSpec =
  /**
   * No `listen:` given. v4: 0.0.0.0:67 on every interface. v6: port 547 on ff02::1:2 of
   * every multicast-capable interface, plus ff05::1:3 (coredhcp's defaults).
   */
  | { readonly kind: 'default'; readonly family: 4 | 6 }
  | (ConfigPos & {
      readonly kind: 'address';
      readonly family: 4 | 6;
      /** 0.0.0.0 or :: when the address part is empty. */
      readonly address: IpAddress;
      readonly iface: string | undefined;
      readonly port: number;
      /**
       * A link-local or interface-local multicast address without an interface: coredhcp
       * listens on it on every multicast-capable interface.
       */
      readonly allMulticastInterfaces: boolean;
      /** As written in the file. */
      readonly text: string;
    });

export type ListenResult = { readonly ok: true; readonly spec: ListenSpec } | { readonly ok: false; readonly error: string };

const DEFAULT_PORT = { 4: 67, 6: 547 } as const;
// Linux IFNAMSIZ is 16 including the terminating NUL.
const IFACE = /^[^\s/:%]{1,15}$/;

/** Go net.SplitHostPort; undefined port means "missing port". */
function splitHostPort(s: string): { host: string; port: string } | string {
  const i = s.lastIndexOf(':');
  if (i === -1) return 'missing port';
  let host: string;
  let j = 0;
  let k = 0;
  if (s[0] === '[') {
    const end = s.indexOf(']');
    if (end === -1) return "missing ']' in address";
    if (end + 1 === s.length) return 'missing port';
    if (end + 1 !== i) return s[end + 1] === ':' ? 'too many colons in address' : 'missing port';
    host = s.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = s.slice(0, i);
    if (host.includes(':')) return 'too many colons in address (IPv6 addresses need brackets: "[addr]:port")';
  }
  if (s.indexOf('[', j) !== -1) return "unexpected '[' in address";
  if (s.indexOf(']', k) !== -1) return "unexpected ']' in address";
  return { host, port: s.slice(i + 1) };
}

export function parseListen(text: string, family: 4 | 6, at: ConfigPos): ListenResult {
  let split = splitHostPort(text);
  let port = '';
  if (typeof split === 'string') {
    // coredhcp: no port, or worse? Retry with a synthetic one and keep the first error if it fails.
    const retry = splitHostPort(`${text}:0`);
    if (typeof retry === 'string') return { ok: false, error: split };
    split = retry;
  } else {
    port = split.port;
  }
  let host = split.host;
  let iface: string | undefined;
  const pct = host.lastIndexOf('%');
  if (pct !== -1) {
    iface = host.slice(pct + 1);
    host = host.slice(0, pct);
    if (!IFACE.test(iface)) return { ok: false, error: `invalid interface name '${iface}' after '%'` };
  }
  let address: IpAddress | undefined;
  if (host === '') {
    address = parseIp(family === 4 ? '0.0.0.0' : '::');
  } else {
    address = parseIp(host);
    if (address === undefined) {
      const hint = pct === -1 && IFACE.test(host) ? ` (to listen on interface ${host}, write "%${host}")` : '';
      return { ok: false, error: `invalid IP address '${host}'${hint}` };
    }
    if (address.family !== family) return { ok: false, error: `'${host}' is not an IPv${family} address` };
  }
  let portNumber: number = DEFAULT_PORT[family];
  if (port !== '') {
    portNumber = /^[0-9]+$/.test(port) ? Number(port) : NaN;
    if (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) return { ok: false, error: `invalid port '${port}', must be 1–65535` };
  }
  if (address === undefined) return { ok: false, error: `invalid address '${text}'` };
  return {
    ok: true,
    spec: Object.freeze({
      kind: 'address',
      family,
      address,
      iface,
      port: portNumber,
      allMulticastInterfaces: iface === undefined && isLinkOrInterfaceLocalMulticast(address),
      text,
      line: at.line,
      col: at.col,
    }),
  };
}

/** 224.0.0.0/24, ff01::/16 and ff02::/16 (Go IsLinkLocalMulticast / IsInterfaceLocalMulticast). */
function isLinkOrInterfaceLocalMulticast(ip: IpAddress): boolean {
  if (ip.family === 4) return ip.v4 >>> 8 === 0xe00000;
  return ip.bytes[0] === 0xff && ((ip.bytes[1] ?? 0) & 0x0f) <= 2 && ((ip.bytes[1] ?? 0) & 0x0f) >= 1;
}

/** `[addr%iface]:port` / `addr%iface:port`, canonical, for `coresmd check`. */
export function formatListen(spec: ListenSpec): string {
  if (spec.kind === 'default') {
    return spec.family === 4 ? 'default (0.0.0.0:67 on every interface)' : 'default ([ff02::1:2]:547 on every multicast interface, [ff05::1:3]:547)';
  }
  const unspecified = spec.address.family === 4 ? spec.address.v4 === 0 : spec.address.bytes.every((b) => b === 0);
  const addr = unspecified && spec.iface !== undefined ? '' : spec.address.text;
  const host = spec.iface === undefined ? addr : `${addr}%${spec.iface}`;
  return spec.family === 6 ? `[${host}]:${spec.port}` : `${host}:${spec.port}`;
}
