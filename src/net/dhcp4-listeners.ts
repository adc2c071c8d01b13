// From listen targets (`[addr][%iface][:port]`, coredhcp's `listen:`) to the node:dgram sockets
// the DHCPv4 transport binds and the interfaces each one covers. Pure: the transport opens what
// this plans, and the rules are table tests.
//
// - Targets on a loopback address (127.0.0.0/8), or naming a loopback interface, are the
//   demo/test mode: one socket on that address, no raw sockets, no broadcast.
// - Other targets on one port share one socket bound to 0.0.0.0 when any of them has no address
//   (two sockets on 0.0.0.0:67 and 192.0.2.1:67 would compete for unicast); otherwise each
//   address gets its own socket.
// - Port 0 asks the kernel for a free port (tests); such a target always gets its own socket.

import { formatIPv4 } from '../wire/addr.ts';
import { selectInterfaces, type Ipv4Interface } from './interfaces.ts';

export interface Dhcp4ListenTarget {
  /** IPv4 address as u32; 0 for none (0.0.0.0). */
  readonly address: number;
  /** `%iface`: serve only this interface. */
  readonly ifname?: string | undefined;
  /** UDP port, 67 by default in the config; 0 lets the kernel choose. */
  readonly port: number;
}

/** One target and the interfaces it serves. */
export interface Dhcp4TargetCover {
  readonly target: Dhcp4ListenTarget;
  readonly interfaces: readonly Ipv4Interface[];
}

export interface Dhcp4ListenerPlan {
  readonly loopback: boolean;
  readonly bindAddress: number;
  readonly port: number;
  readonly covers: readonly Dhcp4TargetCover[];
  /** Every interface the covers name, once each, in first-seen order. */
  readonly interfaces: readonly Ipv4Interface[];
}

export type Dhcp4ListenersResult = { readonly ok: true; readonly listeners: readonly Dhcp4ListenerPlan[] } | { readonly ok: false; readonly error: string };

/** `[addr][%iface]:port`, as in the config. */
export function formatListenTarget(t: Dhcp4ListenTarget): string {
  const addr = t.address === 0 && t.ifname !== undefined ? '' : formatIPv4(t.address);
  return `${addr}${t.ifname === undefined ? '' : `%${t.ifname}`}:${t.port}`;
}

export function planDhcp4Listeners(targets: readonly Dhcp4ListenTarget[], all: readonly Ipv4Interface[]): Dhcp4ListenersResult {
  if (targets.length === 0) return { ok: false, error: 'no listen address' };
  const groups = new Map<string, { loopback: boolean; bindAddress: number; port: number; covers: Dhcp4TargetCover[] }>();
  const wildcardPorts = new Set(targets.filter((t) => t.address === 0 && t.port !== 0).map((t) => t.port));
  for (const [index, target] of targets.entries()) {
    if (!Number.isInteger(target.port) || target.port < 0 || target.port > 65535) {
      return { ok: false, error: `listen ${formatListenTarget(target)}: invalid port` };
    }
    const sel = selectInterfaces(all, target);
    if (!sel.ok) return { ok: false, error: `listen ${formatListenTarget(target)}: ${sel.error}` };
    const loopback = sel.interfaces.every((i) => i.loopback);
    if (!loopback && sel.interfaces.some((i) => i.loopback)) {
      return { ok: false, error: `listen ${formatListenTarget(target)}: mixes loopback and other interfaces` };
    }
    let bindAddress = target.address;
    // `%lo` alone: bind lo's own address, since 0.0.0.0 would take datagrams from every interface.
    if (loopback && bindAddress === 0) bindAddress = sel.interfaces[0]?.addresses[0]?.address ?? 0;
    if (!loopback && wildcardPorts.has(target.port)) bindAddress = 0;
    const key = target.port === 0 ? `#${index}` : `${loopback ? 'lo' : 'if'}|${bindAddress}|${target.port}`;
    let g = groups.get(key);
    if (g === undefined) {
      g = { loopback, bindAddress, port: target.port, covers: [] };
      groups.set(key, g);
    }
    g.covers.push({ target, interfaces: sel.interfaces });
  }
  const listeners: Dhcp4ListenerPlan[] = [];
  for (const g of groups.values()) {
    const seen = new Map<string, Ipv4Interface>();
    for (const c of g.covers) for (const i of c.interfaces) if (!seen.has(i.name)) seen.set(i.name, i);
    listeners.push({ ...g, interfaces: [...seen.values()] });
  }
  return { ok: true, listeners };
}
