// coredhcp `lease_time`: option 51, IP Address Lease Time (RFC 2132 §9.2), "unless it has
// already been set" (coredhcp plugins/lease_time Handler4). So it is a default: a handler
// before it (coresmd, with its own lease_time key) wins, and handlers after it (file) find
// draft.leaseSeconds already filled. The server core writes option 51 from the draft, and only
// into replies that lease an address (not NAK, not the ACK to an INFORM: RFC 2131 Table 3).
import type { Dhcp4Handler } from '../chain.ts';
import type { Dhcp4Decision } from '../draft.ts';
import { answersClient } from './static-option.ts';

export interface LeaseTimeHandlerOptions {
  /** Whole seconds (the config's duration truncated, spec §10.13); 1 to 2^32-1. */
  readonly leaseSeconds: number;
}

export function createLeaseTimeHandler(options: LeaseTimeHandlerOptions): Dhcp4Handler {
  const { leaseSeconds } = options;
  if (!Number.isInteger(leaseSeconds) || leaseSeconds < 1 || leaseSeconds > 0xffffffff) {
    throw new RangeError(`lease_time: ${leaseSeconds} s is not between 1 s and 2^32-1 s`);
  }
  const decision: Dhcp4Decision = Object.freeze({ plugin: 'lease_time', reason: `default lease ${leaseSeconds} s` });
  return {
    name: 'lease_time',
    handle(_req, draft) {
      if (!answersClient(draft) || draft.leaseSeconds !== undefined) return 'next';
      draft.leaseSeconds = leaseSeconds;
      draft.decisions.push(decision);
      return 'next';
    },
  };
}
