// Building the Dhcp4Ingress a DHCPv4 request is handled with, from what each kind of socket can
// see. Pure functions: the transport calls them, tests drive them with tables.
//
// A raw socket bound to a device sees the IP header, so it knows the ingress interface and the
// destination address. A node:dgram socket knows neither (no IP_PKTINFO in Node, nodejs/node
// #54483); there the ingress is inferred, and the guesses are spelled out below.

import type { Dhcp4Ingress } from '../dhcp/service/chain.ts';
import type { Ipv4UdpDatagram } from '../wire/ipv4-udp.ts';
import type { Ipv4Interface, Ipv4InterfaceAddress } from './interfaces.ts';

/** RFC 919 §7: the limited broadcast address. */
export const LIMITED_BROADCAST = 0xffffffff;
const IPV4_VERSION = 4;
const IP_PROTOCOL_UDP = 17; // IANA protocol numbers
const MIN_IPV4_HEADER = 20; // RFC 791 §3.1, IHL 5
const UDP_HEADER = 8; // RFC 768

/**
 * The UDP destination port of an IPv4 packet, or -1 when it is not a whole IPv4/UDP header.
 * Raw sockets see all UDP on the interface (DNS, TFTP…); this look costs four byte reads, so only
 * datagrams for our port pay for a full decode.
 */
export function peekUdp4DstPort(packet: Uint8Array): number {
  if (packet.length < MIN_IPV4_HEADER + UDP_HEADER) return -1;
  const verIhl = packet[0]!;
  if (verIhl >> 4 !== IPV4_VERSION || packet[9] !== IP_PROTOCOL_UDP) return -1;
  const ihl = (verIhl & 0x0f) * 4;
  if (ihl < MIN_IPV4_HEADER || packet.length < ihl + UDP_HEADER) return -1;
  return (packet[ihl + 2]! << 8) | packet[ihl + 3]!;
}

/** True for 255.255.255.255 and for the directed broadcast of any subnet on the interface. */
export function isBroadcastOn(iface: Ipv4Interface, dst: number): boolean {
  if (dst === LIMITED_BROADCAST) return true;
  // A /31 or /32 has no broadcast address (RFC 3021 §2.2): its "broadcast" is a host.
  return iface.addresses.some((a) => a.prefix < 31 && a.broadcast === dst);
}

function inSubnet(a: Ipv4InterfaceAddress, ip: number): boolean {
  const mask = a.prefix === 0 ? 0 : (0xffffffff << (32 - a.prefix)) >>> 0;
  return ((a.address ^ ip) & mask) >>> 0 === 0;
}

/**
 * Which of the interface's addresses a request was for: the destination when it is one of
 * them, else the subnet the destination broadcast or the client's address belongs to, else
 * `preferred` (the listen address), else the primary address. This is the server identifier
 * a multi-homed server gives the client (RFC 2131 §4.3.1: "the address the server uses to
 * reach the client" is what a client can use to reach us back).
 */
export function pickInterfaceAddress(iface: Ipv4Interface, dst: number, src: number, preferred = 0): Ipv4InterfaceAddress | undefined {
  const list = iface.addresses;
  return (
    list.find((a) => a.address === dst) ??
    list.find((a) => a.prefix < 31 && a.broadcast === dst) ??
    (src === 0 ? undefined : list.find((a) => inSubnet(a, src))) ??
    (preferred === 0 ? undefined : list.find((a) => a.address === preferred)) ??
    list[0]
  );
}

/**
 * Ingress for a datagram seen on a raw socket bound to `iface`. A unicast to one of our
 * addresses on another interface (Linux accepts it on any, the weak host model of RFC 1122
 * §3.3.4.2) keeps the address the sender chose: a relay expects the server it addressed.
 */
export function rawIngress(iface: Ipv4Interface, d: Ipv4UdpDatagram, preferred = 0, others: readonly Ipv4Interface[] = []): Dhcp4Ingress {
  let ours = iface.addresses.find((a) => a.address === d.dst);
  for (let i = 0; ours === undefined && i < others.length; i++) ours = others[i]!.addresses.find((a) => a.address === d.dst);
  ours ??= pickInterfaceAddress(iface, d.dst, d.src, preferred);
  return {
    ifname: iface.name,
    serverAddress: ours?.address ?? 0,
    serverPrefix: ours?.prefix ?? 0,
    srcAddress: d.src,
    srcPort: d.srcPort,
    broadcast: isBroadcastOn(iface, d.dst),
  };
}

/** What a dgram socket was bound to and which interfaces its listen targets cover. */
export interface DgramBinding {
  /** The bound address; 0 for 0.0.0.0. */
  readonly address: number;
  readonly interfaces: readonly Ipv4Interface[];
}

/**
 * Ingress for a datagram from a node:dgram socket, which reports only the source.
 * - ifname: known only when the socket serves exactly one interface;
 * - serverAddress: the bound address; else the one interface's address; else the address of
 *   the served subnet the source is in; else the first served interface (a guess, and why the
 *   dgram fallback serves multi-homed hosts wrongly);
 * - broadcast: true only for a source of 0.0.0.0, which cannot have been unicast to us by a
 *   client in INIT (RFC 2131 §4.1); otherwise unknown and reported as false.
 */
export function dgramIngress(b: DgramBinding, srcAddress: number, srcPort: number): Dhcp4Ingress {
  const single = b.interfaces.length === 1 ? b.interfaces[0] : undefined;
  let ours: Ipv4InterfaceAddress | undefined;
  if (b.address !== 0) {
    const holder = b.interfaces.find((i) => i.addresses.some((a) => a.address === b.address));
    ours = holder?.addresses.find((a) => a.address === b.address) ?? { address: b.address, prefix: 0, broadcast: b.address };
  } else if (single !== undefined) {
    ours = pickInterfaceAddress(single, 0, srcAddress);
  } else {
    for (const i of b.interfaces) {
      ours = srcAddress === 0 ? undefined : i.addresses.find((a) => inSubnet(a, srcAddress));
      if (ours !== undefined) break;
    }
    ours ??= b.interfaces[0]?.addresses[0];
  }
  return {
    ifname: single?.name ?? '',
    serverAddress: ours?.address ?? 0,
    serverPrefix: ours?.prefix ?? 0,
    srcAddress,
    srcPort,
    broadcast: srcAddress === 0,
  };
}
