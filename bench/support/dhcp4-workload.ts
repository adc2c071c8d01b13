// The DHCPv4 load workload (BENCHMARKS.md, "DHCPv4 load"): the host set, the relayed request
// packets a load generator sends, and the few reply fields it checks. Written by hand, not with
// src/dhcp/v4, so the "relay" shares no code with the server under test.
//
// Every server gets the same hosts and the same bytes: N Ethernet MACs with one reserved IPv4
// address each in the relay subnet 127.20.0.0/16 (loopback, so nothing leaves the machine), and
// requests relayed from giaddr 127.20.0.1 the way a PXE ROM behind a relay sends them:
//
//   DISCOVER  53=1, 55 (PRL), 57=1500, 60 "PXEClient:Arch:00007:UNDI:003016", 93=7, 94,
//             82 { 1 circuit-id "bench-relay/1", 19 relay-source-port (RFC 8357, empty) }
//   REQUEST   the same, 53=3, plus 50 = the offered yiaddr and 54 = the offer's server id
//
// Option 82 sub-option 19 asks the server to answer to the UDP port the request came from, so
// the relay needs no privileged port; servers that ignore it (dnsmasq) answer to giaddr on
// their own server port, which the load generator also binds (see dhcp4-loadgen.ts).

/** RFC 2131 §2 fixed header (236) + magic cookie (4): options start here. */
export const OPTIONS_OFFSET = 240;
const MAGIC = [99, 130, 83, 99];

export const RELAY_SUBNET = '127.20.0.0/16';
export const RELAY_NETWORK = '127.20.0.0';
export const RELAY_NETMASK = '255.255.0.0';
export const GIADDR = '127.20.0.1';
export const ROUTER = '127.20.0.1';
export const DNS_SERVER = '127.0.0.1';
export const SERVER_ADDRESS = '127.0.0.1';
export const LEASE_SECONDS = 3600;
export const BOOT_FILE = 'ipxe-x86_64.efi';
export const DOMAIN = 'cluster.local';

export const DhcpType = { Discover: 1, Offer: 2, Request: 3, Ack: 5, Nak: 6 } as const;

export interface Host {
  readonly index: number;
  readonly mac: Uint8Array;
  readonly macText: string;
  /** The reserved address, as a u32 and as text. */
  readonly ip: number;
  readonly ipText: string;
  readonly xname: string;
  readonly nid: number;
  readonly hostname: string;
}

export function ipv4Text(v: number): string {
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

export function ipv4Value(text: string): number {
  const p = text.split('.').map(Number);
  if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) throw new Error(`not an IPv4 address: ${text}`);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

/** N hosts: MAC 02:42:00:xx:xx:xx (locally administered), address 127.20.0.10 + i. */
export function makeHosts(n: number): Host[] {
  if (!(Number.isInteger(n) && n > 0 && n < 60_000)) throw new RangeError(`--hosts ${n}: 1 to 59,999 fit the /16`);
  const base = ipv4Value(RELAY_NETWORK) + 10;
  const hosts: Host[] = [];
  for (let i = 0; i < n; i++) {
    const mac = Uint8Array.of(0x02, 0x42, 0x00, (i >>> 16) & 255, (i >>> 8) & 255, i & 255);
    const macText = [...mac].map((b) => b.toString(16).padStart(2, '0')).join(':');
    const ip = (base + i) >>> 0;
    const nid = i + 1;
    hosts.push({
      index: i,
      mac,
      macText,
      ip,
      ipText: ipv4Text(ip),
      // x<cabinet>c<chassis>s<slot>b0n<node>: a bijection of i, valid xnames.
      xname: `x${1000 + (i >> 8)}c${(i >> 6) & 3}s${(i >> 2) & 15}b0n${i & 3}`,
      nid,
      hostname: `nid${String(nid).padStart(4, '0')}`,
    });
  }
  return hosts;
}

const PRL = [1, 3, 6, 12, 15, 17, 28, 42, 43, 51, 54, 58, 59, 60, 66, 67];
const VENDOR_CLASS = 'PXEClient:Arch:00007:UNDI:003016';
const CIRCUIT_ID = 'bench-relay/1';

function opt(code: number, data: readonly number[]): number[] {
  return [code, data.length, ...data];
}
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const be32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];

/** A request template and where its per-exchange fields are. */
export interface RequestTemplate {
  readonly bytes: Uint8Array;
  /** Offset of option 50's value (REQUEST only), else -1. */
  readonly requestedIpAt: number;
  /** Offset of option 54's value (REQUEST only), else -1. */
  readonly serverIdAt: number;
}

/** xid goes at offset 4 (RFC 2131 §2), patched per exchange by the generator. */
export const XID_OFFSET = 4;

export function buildRequest(host: Host, type: 1 | 3): RequestTemplate {
  const head = new Uint8Array(OPTIONS_OFFSET);
  head[0] = 1; // op BOOTREQUEST
  head[1] = 1; // htype Ethernet
  head[2] = 6; // hlen
  head[3] = 1; // hops: one relay
  // secs (8), flags (10): 0; ciaddr, yiaddr, siaddr: 0
  head.set(be32(ipv4Value(GIADDR)), 24);
  head.set(host.mac, 28);
  head.set(MAGIC, 236);
  const options: number[] = [];
  options.push(...opt(53, [type]));
  let requestedIpAt = -1;
  let serverIdAt = -1;
  if (type === DhcpType.Request) {
    requestedIpAt = OPTIONS_OFFSET + options.length + 2;
    options.push(...opt(50, [0, 0, 0, 0]));
    serverIdAt = OPTIONS_OFFSET + options.length + 2;
    options.push(...opt(54, [0, 0, 0, 0]));
  }
  options.push(...opt(55, PRL));
  options.push(...opt(57, [1500 >> 8, 1500 & 255]));
  options.push(...opt(60, ascii(VENDOR_CLASS)));
  options.push(...opt(93, [0, 7]));
  options.push(...opt(94, [1, 3, 16]));
  // RFC 3046: circuit id; RFC 8357 §5: Relay Agent Source Port, no data.
  options.push(...opt(82, [...opt(1, ascii(CIRCUIT_ID)), 19, 0]));
  options.push(255);
  const len = Math.max(300, OPTIONS_OFFSET + options.length);
  const bytes = new Uint8Array(len);
  bytes.set(head, 0);
  bytes.set(options, OPTIONS_OFFSET);
  return { bytes, requestedIpAt, serverIdAt };
}

/** What the generator reads from a reply: a bounded walk of the options for 53 and 54. */
export interface ReplyFields {
  type: number;
  serverId: number;
}

/** Fills `out` and returns true for a BOOTREPLY with a readable option 53; false otherwise. */
export function readReply(b: Uint8Array, out: ReplyFields): boolean {
  if (b.length < OPTIONS_OFFSET + 3 || b[0] !== 2) return false;
  if (b[236] !== 99 || b[237] !== 130 || b[238] !== 83 || b[239] !== 99) return false;
  out.type = 0;
  out.serverId = 0;
  let i = OPTIONS_OFFSET;
  const end = b.length;
  while (i < end) {
    const code = b[i]!;
    if (code === 255) break;
    if (code === 0) {
      i++;
      continue;
    }
    if (i + 1 >= end) return false;
    const len = b[i + 1]!;
    const v = i + 2;
    if (v + len > end) return false;
    if (code === 53 && len === 1) out.type = b[v]!;
    else if (code === 54 && len === 4) out.serverId = ((b[v]! << 24) | (b[v + 1]! << 16) | (b[v + 2]! << 8) | b[v + 3]!) >>> 0;
    i = v + len;
  }
  return out.type !== 0;
}

export function readU32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/** Option codes of a reply in order (for the one-off content listing). */
export function replyOptionCodes(b: Uint8Array): number[] {
  const codes: number[] = [];
  let i = OPTIONS_OFFSET;
  while (i < b.length && b[i] !== 255) {
    if (b[i] === 0) {
      i++;
      continue;
    }
    codes.push(b[i]!);
    i += 2 + (b[i + 1] ?? 0);
  }
  return codes;
}
