// A snapshot of the host's IPv4 interfaces, and which of them a listen target covers.
//
// os.networkInterfaces() (getifaddrs(3) through libuv) gives names, addresses and netmasks but
// neither the MTU nor the IFF_UP flag; those come from sysfs (Documentation/ABI/testing/
// sysfs-class-net: `mtu`, and `flags` as the hex value of struct net_device::flags). An address
// with a label (`ip addr add … label eth0:1`) is listed under the label; SO_BINDTODEVICE needs
// the device, so labels fold into their device here.
//
// libuv leaves out interfaces that are not both UP and RUNNING, so a provisioning NIC without
// carrier at boot (or a bridge whose ports are idle taps) would be missing; the addresses are
// therefore read with `ip -j -4 addr` (iproute2) when it is there, getifaddrs otherwise.
//
// The snapshot is taken once at start: an interface that appears or gets its first IPv4
// address later is not served until restart (no netlink in Node).

import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { formatIPv4, parseIPv4, maskToPrefix, prefixToMask } from '../wire/addr.ts';

/** IFF_UP, include/uapi/linux/if.h: the interface is administratively up. */
const IFF_UP = 0x1;
/** 127.0.0.0/8, RFC 1122 §3.2.1.3 (g). */
const LOOPBACK_NET = 0x7f000000;
const LOOPBACK_MASK = 0xff000000;

export interface Ipv4InterfaceAddress {
  readonly address: number;
  readonly prefix: number;
  /** The subnet's directed broadcast address (RFC 919 §7); equals `address` for a /32. */
  readonly broadcast: number;
}

export interface Ipv4Interface {
  /** Device name, as SO_BINDTODEVICE wants it (labels folded in). */
  readonly name: string;
  readonly loopback: boolean;
  /** IFF_UP; true when sysfs cannot be read (the interface has an address, so assume it works). */
  readonly up: boolean;
  /** From /sys/class/net/<if>/mtu; undefined when unreadable. */
  readonly mtu: number | undefined;
  /** In the order getifaddrs listed them: the first one is the primary address. */
  readonly addresses: readonly Ipv4InterfaceAddress[];
}

/** Where the snapshot comes from; tests pass a fixed one. */
export interface InterfaceSource {
  networkInterfaces(): NodeJS.Dict<os.NetworkInterfaceInfo[]>;
  /** The text of /sys/class/net/<name>/<attr>, or undefined. */
  readSysNet(name: string, attr: 'mtu' | 'flags'): string | undefined;
}

/** `ip -j -4 addr show` output → the shape of os.networkInterfaces(); undefined if unusable. */
export function parseIpAddrJson(text: string): NodeJS.Dict<os.NetworkInterfaceInfo[]> | undefined {
  let links: unknown;
  try {
    links = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(links)) return undefined;
  const out: NodeJS.Dict<os.NetworkInterfaceInfo[]> = {};
  for (const link of links as { ifname?: unknown; flags?: unknown; address?: unknown; addr_info?: unknown }[]) {
    if (typeof link.ifname !== 'string' || !Array.isArray(link.addr_info)) continue;
    const loopback = Array.isArray(link.flags) && link.flags.includes('LOOPBACK');
    for (const a of link.addr_info as { family?: unknown; local?: unknown; prefixlen?: unknown; label?: unknown }[]) {
      if (a.family !== 'inet' || typeof a.local !== 'string' || typeof a.prefixlen !== 'number') continue;
      const label = typeof a.label === 'string' ? a.label : link.ifname;
      (out[label] ??= []).push({
        address: a.local,
        netmask: formatIPv4(prefixToMask(a.prefixlen)),
        family: 'IPv4',
        mac: typeof link.address === 'string' ? link.address : '00:00:00:00:00:00',
        internal: loopback,
        cidr: `${a.local}/${a.prefixlen}`,
      });
    }
  }
  return out;
}

function iproute2Interfaces(): NodeJS.Dict<os.NetworkInterfaceInfo[]> | undefined {
  try {
    return parseIpAddrJson(execFileSync('ip', ['-j', '-4', 'addr', 'show'], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    return undefined;
  }
}

export const systemInterfaceSource: InterfaceSource = {
  networkInterfaces: () => iproute2Interfaces() ?? os.networkInterfaces(),
  readSysNet(name, attr) {
    // Names come from getifaddrs, never from a packet; still refuse anything path-like.
    if (!/^[^/\0]{1,15}$/.test(name) || name === '.' || name === '..') return undefined;
    try {
      return readFileSync(`/sys/class/net/${name}/${attr}`, 'utf8').trim();
    } catch {
      return undefined;
    }
  },
};

export function isLoopbackAddress(address: number): boolean {
  return ((address & LOOPBACK_MASK) >>> 0) === LOOPBACK_NET;
}

export function directedBroadcast(address: number, prefix: number): number {
  return (address | ~prefixToMask(prefix)) >>> 0;
}

/** The IPv4 interfaces with at least one address, in the order the OS lists them. */
export function readIpv4Interfaces(source: InterfaceSource = systemInterfaceSource): Ipv4Interface[] {
  const byName = new Map<string, { loopback: boolean; addresses: Ipv4InterfaceAddress[] }>();
  const all = source.networkInterfaces();
  for (const [label, infos] of Object.entries(all)) {
    if (infos === undefined) continue;
    // `eth0:1` is a label on eth0 (ifa_name carries the label, net/ipv4/devinet.c).
    const name = label.split(':')[0] ?? label;
    for (const info of infos) {
      if (info.family !== 'IPv4') continue;
      const address = parseIPv4(info.address);
      const mask = parseIPv4(info.netmask);
      if (address === undefined || mask === undefined) continue;
      const prefix = maskToPrefix(mask) ?? 32;
      let entry = byName.get(name);
      if (entry === undefined) {
        entry = { loopback: info.internal, addresses: [] };
        byName.set(name, entry);
      }
      if (entry.addresses.some((a) => a.address === address)) continue;
      entry.addresses.push({ address, prefix, broadcast: directedBroadcast(address, prefix) });
    }
  }
  const out: Ipv4Interface[] = [];
  for (const [name, entry] of byName) {
    const mtuText = source.readSysNet(name, 'mtu');
    const flagsText = source.readSysNet(name, 'flags');
    const mtu = mtuText === undefined || !/^[0-9]+$/.test(mtuText) ? undefined : Number(mtuText);
    const flags = flagsText === undefined || !/^0x[0-9a-f]+$/i.test(flagsText) ? undefined : parseInt(flagsText, 16);
    out.push({
      name,
      loopback: entry.loopback,
      up: flags === undefined ? true : (flags & IFF_UP) !== 0,
      mtu,
      addresses: entry.addresses,
    });
  }
  return out;
}

/** What part of a listen spec chooses interfaces: `[addr][%iface]` (0 = no address given). */
export interface InterfaceSelector {
  readonly address: number;
  readonly ifname?: string | undefined;
}

export type InterfaceSelection =
  | { readonly ok: true; readonly interfaces: readonly Ipv4Interface[] }
  | { readonly ok: false; readonly error: string };

/** The interface holding `address`, or for 127/8 the loopback interface whose subnet has it. */
export function interfaceWithAddress(all: readonly Ipv4Interface[], address: number): Ipv4Interface | undefined {
  const exact = all.find((i) => i.addresses.some((a) => a.address === address));
  if (exact !== undefined || !isLoopbackAddress(address)) return exact;
  // Linux routes all of 127.0.0.0/8 to lo (the `local 127.0.0.0/8` route), so 127.0.0.2 binds too.
  return all.find((i) => i.loopback && i.addresses.some((a) => ((a.address ^ address) & prefixToMask(a.prefix)) === 0));
}

/**
 * The interfaces a listen target serves:
 * - `%iface` (with or without an address): that interface; an address must be one of its own;
 * - an address: the interface that holds it;
 * - neither: every interface that is up and not loopback (coredhcp's default of 0.0.0.0:67).
 * A named interface that is down is still selected: the operator asked for it by name.
 */
export function selectInterfaces(all: readonly Ipv4Interface[], sel: InterfaceSelector): InterfaceSelection {
  if (sel.ifname !== undefined) {
    const iface = all.find((i) => i.name === sel.ifname);
    if (iface === undefined) return { ok: false, error: `interface '${sel.ifname}' not found or has no IPv4 address` };
    if (sel.address !== 0 && interfaceWithAddress([iface], sel.address) === undefined) {
      return { ok: false, error: `interface '${sel.ifname}' has no address ${formatIPv4(sel.address)}` };
    }
    return { ok: true, interfaces: [iface] };
  }
  if (sel.address !== 0) {
    const iface = interfaceWithAddress(all, sel.address);
    if (iface === undefined) return { ok: false, error: `no interface has the address ${formatIPv4(sel.address)}` };
    return { ok: true, interfaces: [iface] };
  }
  const picked = all.filter((i) => !i.loopback && i.up);
  if (picked.length === 0) return { ok: false, error: 'no IPv4 interface other than loopback is up' };
  return { ok: true, interfaces: picked };
}
