// A snapshot of the host's interfaces for DHCPv6: names, MACs (for the default DUID), whether
// they can take multicast (a DHCPv6 server must join ff02::1:2 on them), and their IPv6
// addresses with prefix lengths (boot URLs, the CONFIRM on-link test, and telling which
// interface a relay's global source address sits on).
//
// Devices come from /sys/class/net, so an interface that is up without carrier (a provisioning
// NIC whose switch port comes up after us) is listed, and joined, before it has an address;
// libuv's os.networkInterfaces() leaves such interfaces out. Addresses come from
// os.networkInterfaces() (getifaddrs); flags (IFF_UP, IFF_MULTICAST, IFF_LOOPBACK), the MAC and
// bridge/bond membership from sysfs (Documentation/ABI/testing/sysfs-class-net). The transport
// re-reads the snapshot when a datagram arrives on an interface it has no address for.
import os from 'node:os';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { formatIPv6, parseIPv6 } from '../wire/addr.ts';
import { samePrefix } from '../dhcp/service/v6/on-link.ts';

/** Where the snapshot comes from; tests pass a fixed one. */
export interface Ipv6InterfaceSource {
  networkInterfaces(): NodeJS.Dict<os.NetworkInterfaceInfo[]>;
  /** Device names (/sys/class/net); undefined when unreadable (then the names above are used). */
  devices(): string[] | undefined;
  /** /sys/class/net/<name>/<attr> text, or undefined. */
  readSysNet(name: string, attr: 'flags' | 'address'): string | undefined;
  /** A bridge or bond port (/sys/class/net/<name>/master exists). */
  enslaved(name: string): boolean;
  /** /proc/sys/net/ipv6/conf/<name>/disable_ipv6 is 1. */
  ipv6Disabled(name: string): boolean;
}

const safeName = (name: string) => /^[^/\0]{1,15}$/.test(name) && name !== '.' && name !== '..';

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

export const systemIpv6Source: Ipv6InterfaceSource = {
  networkInterfaces: () => os.networkInterfaces(),
  devices() {
    try {
      return readdirSync('/sys/class/net').filter(safeName);
    } catch {
      return undefined;
    }
  },
  readSysNet: (name, attr) => (safeName(name) ? readText(`/sys/class/net/${name}/${attr}`) : undefined),
  enslaved: (name) => safeName(name) && existsSync(`/sys/class/net/${name}/master`),
  ipv6Disabled: (name) => safeName(name) && readText(`/proc/sys/net/ipv6/conf/${name}/disable_ipv6`) === '1',
};

/** include/uapi/linux/if.h */
const IFF_UP = 0x1;
const IFF_LOOPBACK = 0x8;
const IFF_MULTICAST = 0x1000;

export interface Ipv6InterfaceAddress {
  /** 16 bytes. */
  readonly address: Uint8Array;
  /** RFC 5952 text, no zone. */
  readonly text: string;
  readonly prefix: number;
  /** fe80::/10. */
  readonly linkLocal: boolean;
}

export interface Ipv6Interface {
  readonly name: string;
  readonly loopback: boolean;
  /** IFF_UP; true when sysfs cannot be read. */
  readonly up: boolean;
  /** IFF_MULTICAST; true when sysfs cannot be read and the interface is not loopback. */
  readonly multicast: boolean;
  /**
   * A bridge or bond port: what arrives on it is delivered on the master device, so a socket
   * never sees it as the ingress interface, and the default listen leaves it out.
   */
  readonly enslaved: boolean;
  /** Lowercase colon form; undefined for none or all zeros. */
  readonly mac: string | undefined;
  /** Global and ULA addresses first (in OS order), then link-local ones. */
  readonly addresses: readonly Ipv6InterfaceAddress[];
}

export function isLinkLocal6(a: Uint8Array): boolean {
  return a[0] === 0xfe && ((a[1] ?? 0) & 0xc0) === 0x80;
}

/** Counts the leading one bits of an IPv6 netmask text (`ffff:ffff::` → 32); 128 if malformed. */
function prefixOf(netmask: string): number {
  const m = parseIPv6(netmask);
  if (m === undefined) return 128;
  let n = 0;
  for (const b of m) {
    if (b === 0xff) {
      n += 8;
      continue;
    }
    for (let bit = 0x80; bit > 0 && (b & bit) !== 0; bit >>= 1) n++;
    break;
  }
  return n;
}

const ZERO_MAC = '00:00:00:00:00:00';

/**
 * Every device that can carry IPv6 (IPv6 not disabled), with its addresses (possibly none yet),
 * in the OS's order (sysfs lists devices by name; getifaddrs order wins for those it has).
 */
export function readIpv6Interfaces(source: Ipv6InterfaceSource = systemIpv6Source): Ipv6Interface[] {
  const infosByName = source.networkInterfaces();
  const names = [...Object.keys(infosByName)];
  for (const d of source.devices() ?? []) if (!names.includes(d)) names.push(d);
  const out: Ipv6Interface[] = [];
  for (const name of names) {
    const infos = infosByName[name] ?? [];
    const global: Ipv6InterfaceAddress[] = [];
    const local: Ipv6InterfaceAddress[] = [];
    let mac: string | undefined;
    let internal = false;
    for (const info of infos) {
      if (info.mac !== ZERO_MAC) mac ??= info.mac.toLowerCase();
      internal ||= info.internal;
      if (info.family !== 'IPv6') continue;
      const address = parseIPv6(info.address.split('%')[0] ?? '');
      if (address === undefined) continue;
      const entry = { address, text: formatIPv6(address), prefix: prefixOf(info.netmask), linkLocal: isLinkLocal6(address) };
      const list = entry.linkLocal ? local : global;
      if (!list.some((a) => a.text === entry.text)) list.push(entry);
    }
    if (global.length + local.length === 0 && (infos.length > 0 || source.ipv6Disabled(name))) continue;
    if (mac === undefined) {
      const sysMac = source.readSysNet(name, 'address')?.toLowerCase();
      if (sysMac !== undefined && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(sysMac) && sysMac !== ZERO_MAC) mac = sysMac;
    }
    const flagsText = source.readSysNet(name, 'flags');
    const flags = flagsText === undefined || !/^0x[0-9a-f]+$/i.test(flagsText) ? undefined : parseInt(flagsText, 16);
    const loopback = flags === undefined ? internal : (flags & IFF_LOOPBACK) !== 0;
    out.push({
      name,
      loopback,
      up: flags === undefined ? true : (flags & IFF_UP) !== 0,
      multicast: flags === undefined ? !loopback : (flags & IFF_MULTICAST) !== 0,
      enslaved: source.enslaved(name),
      mac,
      addresses: [...global, ...local],
    });
  }
  return out;
}

/**
 * The interface a source address reached us on: the zone of a link-local address (`fe80::1%eth0`),
 * else the interface with the longest on-link prefix holding the address; undefined if none.
 */
export function interfaceOfSource(all: readonly Ipv6Interface[], source: string): Ipv6Interface | undefined {
  const pct = source.indexOf('%');
  if (pct !== -1) {
    const zone = source.slice(pct + 1);
    return all.find((i) => i.name === zone);
  }
  const a = parseIPv6(source);
  if (a === undefined || isLinkLocal6(a)) return undefined;
  let best: Ipv6Interface | undefined;
  let bestPrefix = -1;
  for (const i of all) {
    for (const x of i.addresses) {
      if (x.linkLocal || x.prefix <= bestPrefix || !samePrefix(a, x.address, x.prefix)) continue;
      best = i;
      bestPrefix = x.prefix;
    }
  }
  return best;
}
