// Which addresses the TFTP server binds its listening sockets to.
//
// Replies must come from the address the client sent its request to: a client checks the
// source of the first reply (RFC 1350 §4, the TID is address and port) and cross-subnet boots
// fail when replies leave with another source (dell/omnia PR 4643, tinkerbell/tinkerbell#728).
// tftpd-hpa learns the destination address of each request with IP_PKTINFO; node:dgram has no
// way to read it, so for the wildcard address we bind one listening socket per local IPv4
// address instead, and every request then arrives on a socket that knows its local address.
//
// The address list is a snapshot taken at start (interfaces.ts): an address added later is not
// served until restart.

import { formatIPv4, parseIPv4 } from '../wire/addr.ts';
import { interfaceWithAddress, type Ipv4Interface } from './interfaces.ts';

export type TftpListenPlan = { readonly ok: true; readonly addresses: readonly string[] } | { readonly ok: false; readonly error: string };

/** The addresses to bind for a listen host: itself, or for 0.0.0.0 every IPv4 address of an up interface. */
export function planTftpListeners(host: string, interfaces: readonly Ipv4Interface[]): TftpListenPlan {
  const address = parseIPv4(host);
  if (address === undefined) {
    return { ok: false, error: host.includes(':') ? `'${host}': TFTP listens on IPv4 addresses only` : `'${host}' is not an IPv4 address` };
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

/** The MTU of the interface holding `address` (127/8 counts as loopback's), or undefined. */
export function mtuOfAddress(interfaces: readonly Ipv4Interface[], address: string): number | undefined {
  const a = parseIPv4(address);
  return a === undefined ? undefined : interfaceWithAddress(interfaces, a)?.mtu;
}
