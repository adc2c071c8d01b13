// `lease_time` under server6: the lifetime of an address a later handler leases without a
// lifetime of its own ("unless it has already been set", as coredhcp's DHCPv4 plugin; coredhcp
// has no DHCPv6 lease_time). coresmd sets its own lease_time, so this matters only for
// handlers placed after it.
import type { Dhcp6Handler } from '../chain.ts';
import type { Dhcp6Decision } from '../draft.ts';

export function createLeaseTime6Handler(options: { readonly leaseSeconds: number }): Dhcp6Handler {
  const { leaseSeconds } = options;
  if (!Number.isInteger(leaseSeconds) || leaseSeconds < 1 || leaseSeconds > 0xffffffff) {
    throw new RangeError(`lease_time: ${leaseSeconds} s is not between 1 s and 2^32-1 s`);
  }
  const decision: Dhcp6Decision = Object.freeze({ plugin: 'lease_time', reason: `default lifetime ${leaseSeconds} s` });
  return {
    name: 'lease_time',
    handle(_req, draft) {
      if (draft.leaseSeconds !== undefined) return 'next';
      draft.leaseSeconds = leaseSeconds;
      draft.decisions.push(decision);
      return 'next';
    },
  };
}
