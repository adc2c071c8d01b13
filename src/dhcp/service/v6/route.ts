// Where a DHCPv6 reply goes, as a pure function (RFC 8415 §18.3, §19.3):
// - a relayed request: a RELAY-REPL to the relay agent it came from, port 547, or the port it
//   sent from when its layer carries the Relay Source Port option (RFC 8357 §5.2);
// - a direct one: the client's source address (link-local, with its zone, so the reply leaves
//   through the interface the request came in on), port 546 (§7.2).
import { DHCP6_CLIENT_PORT, DHCP6_SERVER_PORT } from '../../v6/constants.ts';
import type { Dhcp6Ingress } from './chain.ts';
import type { Dhcp6ClientInfo } from './client-info.ts';

export interface Dhcp6Route {
  readonly kind: 'relay' | 'client';
  /** Text address; link-local ones carry `%ifname`. */
  readonly address: string;
  readonly port: number;
}

export function routeDhcp6Reply(info: Dhcp6ClientInfo, ingress: Dhcp6Ingress): Dhcp6Route {
  const outer = info.relays[0];
  if (outer !== undefined) {
    return { kind: 'relay', address: ingress.srcAddress, port: outer.sourcePort ? ingress.srcPort : DHCP6_SERVER_PORT };
  }
  return { kind: 'client', address: ingress.srcAddress, port: DHCP6_CLIENT_PORT };
}
