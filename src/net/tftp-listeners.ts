// Which addresses the TFTP server binds its listening sockets to.
//
// Replies must come from the address the client sent its request to: a client checks the
// source of the first reply (RFC 1350 §4, the TID is address and port) and cross-subnet boots
// fail when replies leave with another source (dell/omnia PR 4643, tinkerbell/tinkerbell#728).
// tftpd-hpa learns the destination address of each request with IP_PKTINFO (IPV6_RECVPKTINFO
// for IPv6); node:dgram has no way to read it, so for the wildcard address we bind one listening
// socket per local address instead, and every request then arrives on a socket that knows its
// local address. The same holds for IPv6 (DHCPv6 hands out `tftp://[<our address>]/…`):
//
//   host    binds
//   0.0.0.0 every IPv4 address of every up interface, 127.0.0.1 included
//   ::      every IPv6 address of every up interface that is not a bridge or bond port: global
//           and ULA ones as they are, link-local ones with their zone (`fe80::1%eth0`, so the
//           socket is tied to that link, RFC 4007 §6), ::1 included
//   other   that address (an IPv6 link-local one needs its zone)
//
// The address list is a snapshot taken at start (interfaces.ts, dhcp6-interfaces.ts): an
// address added later is not served until restart.

import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../wire/addr.ts';
import { isLinkLocal6, type Ipv6Interface } from './dhcp6-interfaces.ts';
import { interfaceWithAddress, type Ipv4Interface } from './interfaces.ts';

export type TftpListenPlan = { readonly ok: true; readonly addresses: readonly string[] } | { readonly ok: false; readonly error: string };

/** The addresses to bind for a listen host: itself, or for 0.0.0.0 every IPv4 address of an up interface. */
export function planTftpListeners(host: string, interfaces: readonly Ipv4Interface[]): TftpListenPlan {
  const address = parseIPv4(host);
  if (address === undefined) {
    // IPv6 is listened on beside IPv4 (planTftpListeners6), as `coresmd dhcp` does with server6.
    const v6 = `'${host}': this listen address takes IPv4 addresses only; IPv6 ones are listened on beside it when server6 is configured`;
    return { ok: false, error: host.includes(':') ? v6 : `'${host}' is not an IPv4 address` };
  }
  if (address !== 0) return { ok: true, addresses: [formatIPv4(address)] };
  const addresses: string[] = [];
  for (const i of interfaces) {
    if (!i.up) continue;
    for (const a of i.addresses) {
      const text = formatIPv4(a.address);
      if (!addresses.includes(text)) addresses.push(text);
    }
  }
  if (addresses.length === 0) return { ok: false, error: 'no interface that is up has an IPv4 address' };
  return { ok: true, addresses };
}

/** `fe80::1%eth0` → address and zone; undefined when the address part is not IPv6. */
function splitZone(text: string): { readonly bytes: Uint8Array; readonly zone: string | undefined } | undefined {
  const pct = text.indexOf('%');
  const bytes = parseIPv6(pct === -1 ? text : text.slice(0, pct));
  if (bytes === undefined) return undefined;
  return { bytes, zone: pct === -1 ? undefined : text.slice(pct + 1) };
}

/** `::` (any spelling): every IPv6 address. */
export function isUnspecified6(host: string): boolean {
  const parsed = splitZone(host);
  return parsed !== undefined && parsed.zone === undefined && parsed.bytes.every((b) => b === 0);
}

/**
 * The IPv6 addresses to bind for a listen host: itself (canonical text, a link-local one with
 * its zone), or for `::` every address of every up interface that is not a bridge or bond port
 * (what arrives for such a port is delivered on its master, which has addresses of its own).
 */
export function planTftpListeners6(host: string, interfaces: readonly Ipv6Interface[]): TftpListenPlan {
  const parsed = splitZone(host);
  if (parsed === undefined) return { ok: false, error: `'${host}' is not an IPv6 address` };
  const text = formatIPv6(parsed.bytes);
  if (!isUnspecified6(host)) {
    if (!isLinkLocal6(parsed.bytes)) return { ok: true, addresses: [parsed.zone === undefined ? text : `${text}%${parsed.zone}`] };
    if (parsed.zone === undefined || parsed.zone === '') return { ok: false, error: `'${host}' is link-local: name its interface ('${text}%eth0', RFC 4007 §11)` };
    return { ok: true, addresses: [`${text}%${parsed.zone}`] };
  }
  const addresses: string[] = [];
  for (const i of interfaces) {
    if (!i.up || i.enslaved) continue;
    for (const a of i.addresses) {
      const bind = a.linkLocal ? `${a.text}%${i.name}` : a.text;
      if (!addresses.includes(bind)) addresses.push(bind);
    }
  }
  if (addresses.length === 0) return { ok: false, error: 'no interface that is up has an IPv6 address' };
  return { ok: true, addresses };
}

/**
 * The interface an IPv6 listen address belongs to: its zone, else the interface holding it;
 * undefined when none does.
 */
export function interfaceOfAddress6(interfaces: readonly Ipv6Interface[], address: string): string | undefined {
  const parsed = splitZone(address);
  if (parsed === undefined) return undefined;
  if (parsed.zone !== undefined) return interfaces.some((i) => i.name === parsed.zone) ? parsed.zone : undefined;
  const text = formatIPv6(parsed.bytes);
  return interfaces.find((i) => i.addresses.some((a) => a.text === text))?.name;
}

/** The MTU of the interface holding `address` (127/8 counts as loopback's), or undefined. */
export function mtuOfAddress(interfaces: readonly Ipv4Interface[], address: string): number | undefined {
  const a = parseIPv4(address);
  return a === undefined ? undefined : interfaceWithAddress(interfaces, a)?.mtu;
}

/**
 * Whether a listening set (planTftpListeners6's addresses) holds our IPv6 address `address` on
 * link `ifname`: as it is for a global or ULA address, with that zone for a link-local one
 * (those are only ever bound with one). This is what a DHCPv6 boot URL may name for a client on
 * that link. Asked per DHCPv6 request, so `address` must already be RFC 5952 text, as
 * Dhcp6LinkAddress.text is: nothing is parsed here.
 */
export function listensOn6(bound: ReadonlySet<string>, address: string, ifname: string): boolean {
  return bound.has(address) || bound.has(`${address}%${ifname}`);
}
