// Which of an SMD interface's addresses a DHCPv4 request may be given (spec coresmd-dhcp §5.3,
// with the fixes). The lease is the first IPv4 address of the result.
//
//   relayed (giaddr, or RFC 3527 link selection) and the rules name subnets:
//     the relay address in a subnet → the interface's IPv4s inside the most specific one
//                                     (longest prefix; upstream picks by Go map order, so
//                                     overlapping subnets choose at random); none → no lease
//     the relay address in none     → every address (upstream does the same, and warns)
//   directly attached (giaddr 0):
//     the interface's IPv4s inside the subnet of our address on the ingress interface, when
//     there are any; every address otherwise (upstream: every address, whatever the link)
//
// Upstream's relay filter is on only when the rules name subnets (the "subnet context"); the
// ingress filter needs no config, because the server knows its own interface.
import { cidrContains, prefixToMask, type Cidr, type IpAddress } from '../../../wire/addr.ts';

export type CandidateSource = 'relay-subnet' | 'relay-unmatched' | 'ingress-subnet' | 'all';

export interface CandidateSelection {
  /** Candidate addresses in SMD order; both families unless filtered by a subnet. */
  readonly ips: readonly IpAddress[];
  readonly source: CandidateSource;
  /** The subnet the relay address fell in (source `relay-subnet`). */
  readonly subnet?: Cidr;
}

export interface IngressNetwork {
  /** Our address on the ingress interface (u32); 0 when unknown. */
  readonly serverAddress: number;
  /** Its prefix length; 0 when unknown. */
  readonly serverPrefix: number;
}

export class CandidateSelector {
  /** The IPv4 subnets of the subnet context, longest prefix first (stable for equal ones). */
  readonly #subnets: readonly Cidr[];

  constructor(subnets: readonly Cidr[]) {
    this.#subnets = Object.freeze(
      subnets
        .filter((c) => c.family === 4)
        .map((c, i) => ({ c, i }))
        .sort((a, b) => b.c.prefix - a.c.prefix || a.i - b.i)
        .map(({ c }) => c),
    );
  }

  /** The most specific subnet of the context containing `addr`, if any. */
  subnetOf(addr: number): Cidr | undefined {
    for (const c of this.#subnets) {
      if (c.network.family === 4 && ((addr & prefixToMask(c.prefix)) >>> 0) === c.network.v4) return c;
    }
    return undefined;
  }

  /**
   * `relay`: giaddr or the link-selection address, undefined for a directly attached client.
   * Returns the candidates; `ips` may be empty only for source `relay-subnet`.
   */
  select(ips: readonly IpAddress[], relay: number | undefined, ingress: IngressNetwork): CandidateSelection {
    if (relay !== undefined) {
      if (this.#subnets.length === 0) return { ips, source: 'all' };
      const subnet = this.subnetOf(relay);
      if (subnet === undefined) return { ips, source: 'relay-unmatched' };
      return { ips: ips.filter((ip) => cidrContains(subnet, ip)), source: 'relay-subnet', subnet };
    }
    if (ingress.serverAddress !== 0 && ingress.serverPrefix > 0) {
      const mask = prefixToMask(ingress.serverPrefix);
      const net = (ingress.serverAddress & mask) >>> 0;
      const onLink = ips.filter((ip) => ip.family === 4 && ((ip.v4 & mask) >>> 0) === net);
      if (onLink.length > 0) return { ips: onLink, source: 'ingress-subnet' };
    }
    return { ips, source: 'all' };
  }
}

/** The first IPv4 address of a list: the lease (upstream takes entry 0 whatever its family). */
export function firstIPv4(ips: readonly IpAddress[]): (IpAddress & { readonly family: 4 }) | undefined {
  for (const ip of ips) if (ip.family === 4) return ip;
  return undefined;
}
