// Which UDP sockets the DHCPv6 transport opens for a `listen` list, and which multicast groups it
// joins on which interfaces (pure, tested as a table).
//
// node:dgram cannot read a datagram's ingress interface (no IPV6_PKTINFO), but a DHCPv6 client
// always sends from its link-local address (RFC 8415 §13.1; relays from theirs or a global
// one), and node reports a link-local source with its zone: `fe80::1%eth0`. So one wildcard
// socket, joined to ff02::1:2 on each served interface, tells the interfaces apart, and a reply
// sent to that scoped address leaves through the same interface.
//
//   listen (ServerSection)        socket           groups joined                  serves
//   (none: the default)           [::]:547         ff02::1:2 + ff05::1:3 on every  those interfaces
//                                                  up multicast interface (not
//                                                  loopback, not a bridge port)
//   "%eth0"                       [::]:547         ff02::1:2 + ff05::1:3 on eth0   eth0
//   "[ff02::1:2%eth0]:547"        [::]:547         ff02::1:2 on eth0               eth0
//   "[ff02::1:2]:547"             [::]:547         ff02::1:2 on every mc interface those
//   "[::]:547"                    [::]:547         none (coredhcp does the same)   any
//   "[2001:db8::1]:547"           [2001:db8::1]    none: relays' unicast only      any
//   "[fe80::1%eth0]:547"          [fe80::1%eth0]   none                            eth0
//
// Wildcard targets on one port share one socket. coredhcp joins nothing for "%eth0"; here it
// means "serve eth0", which needs the group.
import { formatIPv6 } from '../wire/addr.ts';
import { isLinkLocal6, type Ipv6Interface } from './dhcp6-interfaces.ts';

export const ALL_DHCP_RELAY_AGENTS_AND_SERVERS = 'ff02::1:2';
export const ALL_DHCP_SERVERS = 'ff05::1:3';

export interface Dhcp6ListenTarget {
  /** 16 bytes: `::`, a multicast group, or one of our unicast addresses. */
  readonly address: Uint8Array;
  readonly ifname?: string | undefined;
  readonly port: number;
  /** No `listen:` in the config: coredhcp's default (both groups on every multicast interface). */
  readonly isDefault?: boolean;
}

export interface Dhcp6Membership {
  readonly group: string;
  readonly ifname: string;
  /**
   * The listen named this interface: failing to join is fatal. Interfaces the default picked
   * (an interface without carrier, say) only get a warning.
   */
  readonly required: boolean;
}

export interface Dhcp6SocketPlan {
  /** `::`, or a unicast address (link-local ones with `%ifname`). */
  readonly bindAddress: string;
  readonly port: number;
  readonly memberships: readonly Dhcp6Membership[];
  /** Interfaces whose link-local traffic this socket answers; undefined: any. */
  readonly interfaces: readonly string[] | undefined;
  /** SO_REUSEADDR: only when a wildcard and a specific socket share the port. */
  readonly reuseAddr: boolean;
}

export type Dhcp6ListenPlan = { readonly ok: true; readonly sockets: readonly Dhcp6SocketPlan[] } | { readonly ok: false; readonly error: string };

const isUnspecified = (a: Uint8Array) => a.every((b) => b === 0);
const isMulticast = (a: Uint8Array) => a[0] === 0xff;

interface Wild {
  memberships: Dhcp6Membership[];
  interfaces: Set<string> | undefined;
}

/** Up, multicast-capable, not loopback, not a bridge or bond port: what the default listen serves. */
export function multicastInterfaces(all: readonly Ipv6Interface[]): Ipv6Interface[] {
  return all.filter((i) => i.up && i.multicast && !i.loopback && !i.enslaved);
}

export function planDhcp6Listeners(targets: readonly Dhcp6ListenTarget[], all: readonly Ipv6Interface[]): Dhcp6ListenPlan {
  const wild = new Map<number, Wild>();
  const specific: { bindAddress: string; port: number; ifname: string | undefined }[] = [];
  const wildFor = (port: number): Wild => {
    let w = wild.get(port);
    if (w === undefined) {
      w = { memberships: [], interfaces: new Set() };
      wild.set(port, w);
    }
    return w;
  };
  const join = (w: Wild, group: string, ifaces: readonly Ipv6Interface[], required: boolean) => {
    for (const i of ifaces) {
      const m = w.memberships.find((x) => x.group === group && x.ifname === i.name);
      if (m === undefined) w.memberships.push({ group, ifname: i.name, required });
      else if (required && !m.required) w.memberships[w.memberships.indexOf(m)] = { ...m, required };
      w.interfaces?.add(i.name);
    }
  };
  const named = (ifname: string): Ipv6Interface | string => {
    const i = all.find((x) => x.name === ifname);
    return i ?? `interface '${ifname}' not found or has no IPv6 address`;
  };
  for (const t of targets) {
    const mc = multicastInterfaces(all);
    if (t.isDefault === true) {
      if (mc.length === 0) return { ok: false, error: 'no interface other than loopback is up, multicast-capable and has IPv6 enabled' };
      const w = wildFor(t.port);
      join(w, ALL_DHCP_RELAY_AGENTS_AND_SERVERS, mc, false);
      join(w, ALL_DHCP_SERVERS, mc, false);
      continue;
    }
    const iface = t.ifname === undefined ? undefined : named(t.ifname);
    if (typeof iface === 'string') return { ok: false, error: iface };
    if (isUnspecified(t.address)) {
      const w = wildFor(t.port);
      if (iface === undefined) w.interfaces = undefined;
      else {
        join(w, ALL_DHCP_RELAY_AGENTS_AND_SERVERS, [iface], true);
        join(w, ALL_DHCP_SERVERS, [iface], true);
      }
      continue;
    }
    const text = formatIPv6(t.address);
    if (isMulticast(t.address)) {
      const ifaces = iface === undefined ? mc : [iface];
      if (ifaces.length === 0) return { ok: false, error: `no multicast-capable interface to join ${text} on` };
      join(wildFor(t.port), text, ifaces, iface !== undefined);
      continue;
    }
    const owner = all.find((i) => i.addresses.some((a) => a.text === text) && (iface === undefined || i.name === iface.name));
    if (owner === undefined) {
      return { ok: false, error: iface === undefined ? `no interface has the address ${text}` : `interface '${iface.name}' has no address ${text}` };
    }
    const ll = isLinkLocal6(t.address);
    specific.push({ bindAddress: ll ? `${text}%${owner.name}` : text, port: t.port, ifname: ll ? owner.name : undefined });
  }
  const sockets: Dhcp6SocketPlan[] = [];
  for (const [port, w] of wild) {
    const shared = specific.some((s) => s.port === port);
    sockets.push({ bindAddress: '::', port, memberships: w.memberships, interfaces: w.interfaces === undefined ? undefined : [...w.interfaces], reuseAddr: shared });
  }
  for (const s of specific) {
    if (sockets.some((x) => x.bindAddress === s.bindAddress && x.port === s.port)) continue;
    sockets.push({ bindAddress: s.bindAddress, port: s.port, memberships: [], interfaces: s.ifname === undefined ? undefined : [s.ifname], reuseAddr: wild.has(s.port) });
  }
  return { ok: true, sockets };
}
