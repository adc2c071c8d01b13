// The handler chain: an ordered array built from the config's plugin list (coredhcp's chain,
// with coredhcp's `(resp, stop)` pair spelled out). "Ordering is VERY important" (CoreDNS
// plugin.cfg): the config's order is the chain's order, as in the original.
import type { Dhcp4ClientInfo } from './client-info.ts';
import type { Dhcp4Draft } from './draft.ts';

/** Where the request came in, as the transport saw it. */
export interface Dhcp4Ingress {
  /** Interface name; '' when the transport cannot tell (dgram fallback). */
  readonly ifname: string;
  /** Our IPv4 address on that interface (u32); 0 when unknown. */
  readonly serverAddress: number;
  /** Prefix length of that address's subnet; 0 when unknown. */
  readonly serverPrefix: number;
  readonly srcAddress: number;
  readonly srcPort: number;
  /** True when the datagram was sent to a broadcast address. */
  readonly broadcast: boolean;
}

export interface Dhcp4Request {
  readonly info: Dhcp4ClientInfo;
  readonly ingress: Dhcp4Ingress;
  /** Milliseconds since the epoch when the request was received (from the injected clock). */
  readonly receivedAt: number;
}

/**
 * What a handler says after looking at a request:
 * - `next`: not mine (or I only added options); the next handler runs.
 * - `send`: I own this reply; stop and send it.
 * - `nak`: I own this client and its request is wrong; stop and send a DHCPNAK.
 * - `drop`: send nothing and stop (an `ignore` rule, an exhausted pool).
 */
export type Dhcp4Verdict = 'next' | 'send' | 'nak' | 'drop';

export interface Dhcp4Handler {
  /** Plugin name, as in the config (`coresmd`, `router`, …). */
  readonly name: string;
  handle(req: Dhcp4Request, draft: Dhcp4Draft): Dhcp4Verdict | Promise<Dhcp4Verdict>;
}

export interface ChainResult {
  readonly verdict: Dhcp4Verdict;
  /** The handler that ended the chain; undefined when every handler said `next`. */
  readonly decidedBy: string | undefined;
}

/** Runs handlers in order until one says something other than `next`. */
export async function runChain(handlers: readonly Dhcp4Handler[], req: Dhcp4Request, draft: Dhcp4Draft): Promise<ChainResult> {
  for (const h of handlers) {
    const v = h.handle(req, draft);
    const verdict = typeof v === 'string' ? v : await v;
    if (verdict !== 'next') return { verdict, decidedBy: h.name };
  }
  return { verdict: 'next', decidedBy: undefined };
}
