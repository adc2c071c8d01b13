// Which socket a DHCPv4 reply leaves through, given its route (src/dhcp/service/route.ts) and
// how the request came in. Pure, so the mapping is a table test.
//
//   relay      → the dgram socket, to giaddr:port (the routing table picks the interface)
//   unicast    → the dgram socket, to ciaddr:68
//   broadcast  → raw mode: the ingress interface's raw socket, our address → 255.255.255.255:68
//                dgram mode: the dgram socket to 255.255.255.255:68, which leaves through the
//                interface of the route for 255.255.255.255 (the default route), right only on
//                a single-interface host
//                loopback mode: the dgram socket, back to the request's source address and port
//
// Relay and unicast destinations have routes, so the kernel picks the right interface; only
// the broadcast needs the ingress interface, which node:dgram cannot choose (no SO_BINDTODEVICE,
// nodejs/node#35769). Loopback mode exists for the demo and tests on 127.0.0.1: lo has no
// broadcast, so "broadcast" replies go back to whoever asked.

import type { Dhcp4Ingress } from '../dhcp/service/chain.ts';
import type { Dhcp4Route } from '../dhcp/service/route.ts';
import type { Ipv4UdpHeader } from '../wire/ipv4-udp.ts';
import { LIMITED_BROADCAST } from './dhcp4-ingress.ts';

/** Default TTL, RFC 1700 (and what coredhcp's raw path uses). */
const REPLY_TTL = 64;

export type Dhcp4TransportMode = 'raw' | 'dgram' | 'loopback';

export type Dhcp4SendPlan =
  /** Through the listen port's node:dgram socket. */
  | { readonly via: 'dgram'; readonly address: number; readonly port: number }
  /** Through the raw socket bound to `ifname`, with this IPv4/UDP header (IP_HDRINCL). */
  | { readonly via: 'raw'; readonly ifname: string; readonly header: Ipv4UdpHeader };

export interface Dhcp4SendContext {
  readonly mode: Dhcp4TransportMode;
  readonly ingress: Dhcp4Ingress;
  /** The port the request came in on: the UDP source port of our replies (RFC 2131 §4.1: 67). */
  readonly listenPort: number;
  /** Interfaces that have a raw socket. */
  readonly rawInterfaces: ReadonlySet<string>;
}

export function planDhcp4Send(route: Dhcp4Route, ctx: Dhcp4SendContext): Dhcp4SendPlan {
  switch (route.kind) {
    case 'relay':
    case 'unicast':
      return { via: 'dgram', address: route.address, port: route.port };
    case 'broadcast':
      if (ctx.mode === 'loopback') return { via: 'dgram', address: ctx.ingress.srcAddress, port: ctx.ingress.srcPort };
      if (ctx.mode === 'raw' && ctx.rawInterfaces.has(route.ifname) && ctx.ingress.serverAddress !== 0) {
        return {
          via: 'raw',
          ifname: route.ifname,
          header: {
            src: ctx.ingress.serverAddress,
            dst: LIMITED_BROADCAST,
            srcPort: ctx.listenPort,
            dstPort: route.port,
            ttl: REPLY_TTL,
          },
        };
      }
      return { via: 'dgram', address: LIMITED_BROADCAST, port: route.port };
  }
}
