// Where a DHCPv4 reply goes (RFC 2131 §4.1, in coredhcp's order), as a pure function so it can
// be tested as a table. The transport maps each kind to a socket.
import type { Dhcp4ClientInfo } from './client-info.ts';
import type { Dhcp4Ingress } from './chain.ts';
import { Dhcp4MessageType } from '../v4/constants.ts';

export const DHCP4_SERVER_PORT = 67;
export const DHCP4_CLIENT_PORT = 68;

export type Dhcp4Route =
  /** To the relay agent (giaddr), server port 67 unless the relay asked for its own (RFC 8357). */
  | { readonly kind: 'relay'; readonly address: number; readonly port: number }
  /** To a client that has an address (ciaddr): plain unicast. */
  | { readonly kind: 'unicast'; readonly address: number; readonly port: number }
  /** To 255.255.255.255:68 out of the interface the request came in on. */
  | { readonly kind: 'broadcast'; readonly ifname: string; readonly port: number };

export function routeDhcp4Reply(info: Dhcp4ClientInfo, ingress: Dhcp4Ingress, replyType: number): Dhcp4Route {
  // §4.1: "If the 'giaddr' field … is not zero, the server sends any return messages to the
  // 'DHCP server' port on the BOOTP relay agent whose address appears in 'giaddr'."
  if (info.giaddr !== 0) {
    return { kind: 'relay', address: info.giaddr, port: info.relayWantsSourcePort ? ingress.srcPort : DHCP4_SERVER_PORT };
  }
  // §4.1: "In all cases, when 'giaddr' is zero, the server broadcasts any DHCPNAK messages".
  if (replyType === Dhcp4MessageType.Nak) return { kind: 'broadcast', ifname: ingress.ifname, port: DHCP4_CLIENT_PORT };
  // §4.1: a client with ciaddr gets unicast (RENEWING, REBINDING, INFORM).
  if (info.ciaddr !== 0) return { kind: 'unicast', address: info.ciaddr, port: DHCP4_CLIENT_PORT };
  // A client without an address cannot take IP unicast before ARP works; broadcasting on the
  // ingress interface is what RFC 2131 §4.1 allows when L2 unicast is not possible.
  return { kind: 'broadcast', ifname: ingress.ifname, port: DHCP4_CLIENT_PORT };
}
