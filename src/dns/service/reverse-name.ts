// Reverse-mapping names for PTR records: `in-addr.arpa` (RFC 1035 §3.5) and `ip6.arpa`
// (RFC 3596 §2.5). The index keys PTR records by these names in lookup-key form (lowercase, with
// the trailing dot), so a query's lookup key finds its record with one Map read; a name that is
// not the full-length form of an address (a partial zone such as `1.168.192.in-addr.arpa`, a
// label with a leading zero, a missing nibble) simply matches nothing.

import type { IpAddress } from '../../wire/addr.ts';

export const IN_ADDR_ARPA = 'in-addr.arpa.';
export const IP6_ARPA = 'ip6.arpa.';

const HEX = '0123456789abcdef';

/** `192.168.1.10` → `10.1.168.192.in-addr.arpa.`; `2001:db8::10` → 32 nibbles + `ip6.arpa.`. */
export function formatReverseName(ip: IpAddress): string {
  if (ip.family === 4) {
    const v = ip.v4;
    return `${v & 255}.${(v >>> 8) & 255}.${(v >>> 16) & 255}.${v >>> 24}.${IN_ADDR_ARPA}`;
  }
  // RFC 3596 §2.5: one label per nibble, least significant first.
  let out = '';
  for (let i = 15; i >= 0; i--) {
    const b = ip.bytes[i]!;
    out += `${HEX[b & 15]!}.${HEX[b >> 4]!}.`;
  }
  return out + IP6_ARPA;
}

/** Which reverse tree a lookup key falls in, if any. */
export function reverseTreeOf(key: string): typeof IN_ADDR_ARPA | typeof IP6_ARPA | undefined {
  if (key.endsWith(`.${IN_ADDR_ARPA}`) || key === IN_ADDR_ARPA) return IN_ADDR_ARPA;
  if (key.endsWith(`.${IP6_ARPA}`) || key === IP6_ARPA) return IP6_ARPA;
  return undefined;
}
