// The DHCPv6 handler chain: the config's server6 plugin list in the config's order, as for
// DHCPv4 (../chain.ts), with coredhcp's `(resp, stop)` pair spelled out as a verdict.
import type { Dhcp6ClientInfo } from './client-info.ts';
import type { Dhcp6Draft } from './draft.ts';

/** One of our addresses on the ingress link (global or ULA first, then link-local). */
export interface Dhcp6LinkAddress {
  /** 16 bytes. */
  readonly address: Uint8Array;
  /** Prefix length of the on-link prefix it was configured with (64 for SLAAC). */
  readonly prefix: number;
  /** RFC 5952 text, without a zone. */
  readonly text: string;
  /** fe80::/10. */
  readonly linkLocal: boolean;
}

/** Where the datagram came in, as the transport saw it. */
export interface Dhcp6Ingress {
  /**
   * The interface the datagram arrived on: the zone of a link-local source, or the interface
   * whose prefix holds a global source (a relay); '' when the transport cannot tell.
   */
  readonly ifname: string;
  /** The source address as received; link-local ones carry `%ifname` (node:dgram's form). */
  readonly srcAddress: string;
  readonly srcPort: number;
  /** Our addresses on that interface, global/ULA ones first; empty when unknown. */
  readonly serverAddresses: readonly Dhcp6LinkAddress[];
}

export interface Dhcp6Request {
  readonly info: Dhcp6ClientInfo;
  readonly ingress: Dhcp6Ingress;
  /** Milliseconds since the epoch when the request was received (from the injected clock). */
  readonly receivedAt: number;
}

/**
 * - `next`: not mine (or I only added options); the next handler runs.
 * - `send`: I own this client; stop and answer with what the draft holds.
 * - `drop`: send nothing and stop (an `ignore` rule).
 */
export type Dhcp6Verdict = 'next' | 'send' | 'drop';

export interface Dhcp6Handler {
  /** Plugin name, as in the config. */
  readonly name: string;
  handle(req: Dhcp6Request, draft: Dhcp6Draft): Dhcp6Verdict | Promise<Dhcp6Verdict>;
}

export interface Dhcp6ChainResult {
  readonly verdict: Dhcp6Verdict;
  /** The handler that ended the chain; undefined when every handler said `next`. */
  readonly decidedBy: string | undefined;
}

/** Runs handlers in order until one says something other than `next`. */
export async function runChain6(handlers: readonly Dhcp6Handler[], req: Dhcp6Request, draft: Dhcp6Draft): Promise<Dhcp6ChainResult> {
  for (const h of handlers) {
    const v = h.handle(req, draft);
    const verdict = typeof v === 'string' ? v : await v;
    if (verdict !== 'next') return { verdict, decidedBy: h.name };
  }
  return { verdict: 'next', decidedBy: undefined };
}
