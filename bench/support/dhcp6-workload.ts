// The DHCPv6 load workload (BENCHMARKS.md, "DHCPv6 load"): the host set, the relayed request
// packets a load generator sends and the few reply fields it checks. Written by hand, not with
// src/dhcp/v6, so the "relay" shares no code with the server under test (as dhcp4-workload.ts).
//
// Every server gets the same hosts and the same bytes: the hosts of dhcp4-workload.ts (MAC
// 02:42:00:xx:xx:xx, xname, NID, hostname), each with one reserved IPv6 address in the relay's
// link 2001:db8:20::/64, and requests relayed the way a relay agent forwards a UEFI PXE client:
//
//   RELAY-FORW  hop 0, link-address 2001:db8:20::1 (selects the subnet), peer-address the
//               client's EUI-64 link-local address; 135 Relay Source Port (RFC 8357), 18
//               Interface-Id "bench-relay/1", 9 Relay Message:
//     SOLICIT   1 Client Identifier (DUID-LL), 3 IA_NA (IAID 1), 6 ORO (23, 24, 59), 8 Elapsed
//               Time, 61 Client Architecture 7, 16 vendor class 343 "PXEClient:Arch:00007:UNDI:003016"
//     REQUEST   the same with 2 Server Identifier (the ADVERTISE's) and the offered IAADDR
//
// Relay Source Port asks the server to answer to the UDP port the RELAY-FORW came from, so the
// generator needs no privileged port and shares ::1 with the server (IPv6 has no 127/8).
import { makeHosts, type Host } from './dhcp4-workload.ts';

export const RELAY_LINK = '2001:db8:20::1';
export const RELAY_PREFIX = '2001:db8:20::/64';
export const SERVER_ADDRESS6 = '::1';
export const DNS_SERVER6 = '2001:db8:20::53';
export const DOMAIN = 'cluster.local';
export const LEASE_SECONDS = 3600;
/** Both servers' DUID-LL (RFC 8415 §11.4): its 10 bytes fill the REQUEST's Server Identifier slot. */
export const SERVER_MAC = '02:00:00:00:be:ef';
/** What both servers put in option 59 for an arch 7 client (TFTP on the server's address). */
export const BOOT_URL = 'tftp://[::1]/ipxe-x86_64.efi';

export const Dhcp6Type = { Solicit: 1, Advertise: 2, Request: 3, Reply: 7, RelayForw: 12, RelayRepl: 13 } as const;

export interface Host6 extends Host {
  /** The reserved address: 16 bytes and RFC 5952 text. */
  readonly ip6: Uint8Array;
  readonly ip6Text: string;
  /** DUID-LL, `00 03 00 01 <mac>`. */
  readonly duid: Uint8Array;
}

/** N hosts: dhcp4-workload's, each with 2001:db8:20::1000 + i. */
export function makeHosts6(n: number): Host6[] {
  return makeHosts(n).map((h) => {
    const ip6Text = `2001:db8:20::${(0x1000 + h.index).toString(16)}`;
    const ip6 = new Uint8Array(16);
    ip6.set([0x20, 0x01, 0x0d, 0xb8, 0x00, 0x20], 0);
    ip6[14] = ((0x1000 + h.index) >> 8) & 255;
    ip6[15] = (0x1000 + h.index) & 255;
    return { ...h, ip6, ip6Text, duid: Uint8Array.of(0, 3, 0, 1, ...h.mac) };
  });
}

const be16 = (v: number) => [(v >> 8) & 255, v & 255];
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
function opt(code: number, data: readonly number[]): number[] {
  return [...be16(code), ...be16(data.length), ...data];
}

/** fe80::/64 with the modified EUI-64 of a MAC (RFC 4291 Appendix A). */
export function eui64LinkLocal(mac: Uint8Array): number[] {
  return [0xfe, 0x80, 0, 0, 0, 0, 0, 0, (mac[0]! ^ 2) & 255, mac[1]!, mac[2]!, 0xff, 0xfe, mac[3]!, mac[4]!, mac[5]!];
}

function ipv6Bytes(text: string): number[] {
  // Only the forms used here: `a:b:c::d`.
  const [head, tail] = text.split('::') as [string, string | undefined];
  const h = head === '' ? [] : head.split(':').map((g) => parseInt(g, 16));
  const t = tail === undefined || tail === '' ? [] : tail.split(':').map((g) => parseInt(g, 16));
  const groups = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  return groups.flatMap(be16);
}

const INTERFACE_ID = 'bench-relay/1';
const VENDOR_CLASS = [...be16(0), ...be16(343), ...opt16(ascii('PXEClient:Arch:00007:UNDI:003016'))];
function opt16(data: number[]): number[] {
  return [...be16(data.length), ...data];
}

/** A relayed request and where its per-exchange fields are. */
export interface Request6Template {
  readonly bytes: Uint8Array;
  /** Offset of the inner message's 3-byte transaction-id. */
  readonly xidAt: number;
  /** REQUEST only (else -1): the Server Identifier's 10 value bytes, and the IAADDR's address. */
  readonly serverIdAt: number;
  readonly addressAt: number;
}

/** RELAY-FORW header (34) + Relay Source Port (6) + Interface-Id (4 + 13) + Relay Message header (4). */
const INNER_AT = 34 + 6 + 4 + INTERFACE_ID.length + 4;

export function buildRequest6(host: Host6, type: 1 | 3): Request6Template {
  const inner: number[] = [type, 0, 0, 0];
  inner.push(...opt(1, [...host.duid]));
  let serverIdAt = -1;
  let addressAt = -1;
  if (type === Dhcp6Type.Request) {
    serverIdAt = INNER_AT + inner.length + 4;
    inner.push(...opt(2, new Array<number>(10).fill(0)));
    addressAt = INNER_AT + inner.length + 4 + 12 + 4;
    // IA_NA: IAID 1, T1 0, T2 0, IAADDR { address, preferred 0, valid 0 }.
    inner.push(...opt(3, [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, ...opt(5, [...new Array<number>(16).fill(0), 0, 0, 0, 0, 0, 0, 0, 0])]));
  } else {
    inner.push(...opt(3, [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]));
  }
  inner.push(...opt(6, [...be16(23), ...be16(24), ...be16(59)]));
  inner.push(...opt(8, [0, 0]));
  inner.push(...opt(61, [0, 7]));
  inner.push(...opt(16, VENDOR_CLASS));
  const relay: number[] = [Dhcp6Type.RelayForw, 0, ...ipv6Bytes(RELAY_LINK), ...eui64LinkLocal(host.mac)];
  relay.push(...opt(135, [0, 0]));
  relay.push(...opt(18, ascii(INTERFACE_ID)));
  relay.push(...opt(9, inner));
  const bytes = Uint8Array.from(relay);
  return { bytes, xidAt: INNER_AT + 1, serverIdAt, addressAt };
}

/** What the generator reads from a RELAY-REPL: a bounded walk down to the inner message's fields. */
export interface Reply6Fields {
  /** Inner message type; 0 when unreadable. */
  type: number;
  xid: number;
  /** Offset and length of the Server Identifier value; -1 when absent. */
  serverIdAt: number;
  serverIdLength: number;
  /** Offset of the first IAADDR's address in the first IA_NA; -1 when none. */
  addressAt: number;
}

/** Finds option `code` in b[start..end): the offset of its value, and its length; -1 when absent. */
function findOption(b: Uint8Array, start: number, end: number, code: number): { at: number; length: number } {
  let i = start;
  while (i + 4 <= end) {
    const c = (b[i]! << 8) | b[i + 1]!;
    const len = (b[i + 2]! << 8) | b[i + 3]!;
    if (i + 4 + len > end) break;
    if (c === code) return { at: i + 4, length: len };
    i += 4 + len;
  }
  return { at: -1, length: 0 };
}

/** Fills `out` and returns true for a RELAY-REPL carrying a readable inner message. */
export function readReply6(b: Uint8Array, out: Reply6Fields): boolean {
  out.type = 0;
  out.serverIdAt = -1;
  out.serverIdLength = 0;
  out.addressAt = -1;
  if (b.length < 34 || b[0] !== Dhcp6Type.RelayRepl) return false;
  const msg = findOption(b, 34, b.length, 9);
  if (msg.at === -1 || msg.length < 4) return false;
  const start = msg.at;
  const end = msg.at + msg.length;
  out.type = b[start]!;
  out.xid = (b[start + 1]! << 16) | (b[start + 2]! << 8) | b[start + 3]!;
  const sid = findOption(b, start + 4, end, 2);
  out.serverIdAt = sid.at;
  out.serverIdLength = sid.length;
  const ia = findOption(b, start + 4, end, 3);
  if (ia.at !== -1 && ia.length >= 12) {
    const addr = findOption(b, ia.at + 12, ia.at + ia.length, 5);
    if (addr.at !== -1 && addr.length >= 24) out.addressAt = addr.at;
  }
  return true;
}

/** The inner message's option codes in order (for the one-off content listing). */
export function replyOptionCodes6(b: Uint8Array): number[] {
  const msg = findOption(b, 34, b.length, 9);
  if (msg.at === -1) return [];
  const codes: number[] = [];
  let i = msg.at + 4;
  const end = msg.at + msg.length;
  while (i + 4 <= end) {
    codes.push((b[i]! << 8) | b[i + 1]!);
    i += 4 + ((b[i + 2]! << 8) | b[i + 3]!);
  }
  return codes;
}
