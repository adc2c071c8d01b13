// The CONFIRM test (RFC 8415 §18.3.3): are the client's addresses appropriate for the link it
// is on? The link's prefixes are our own global and ULA prefixes on the ingress interface for a
// direct client; for a relayed one, the /64 of the innermost relay's link-address (RFC 8415
// §19.1.1: an address on the client's link; IPv6 links are /64, RFC 4291 §2.5.1). When neither
// is known the server "MUST NOT send a Reply".
import type { Dhcp6Ingress } from './chain.ts';
import type { Dhcp6ClientInfo } from './client-info.ts';

export type OnLinkResult =
  | { readonly kind: 'on-link'; readonly checked: number }
  | { readonly kind: 'not-on-link'; readonly address: string }
  | { readonly kind: 'unknown'; readonly reason: string };

interface Prefix {
  readonly address: Uint8Array;
  readonly prefix: number;
}

/** True when the first `prefix` bits of a and b agree. */
export function samePrefix(a: Uint8Array, b: Uint8Array, prefix: number): boolean {
  const bits = Math.max(0, Math.min(128, prefix));
  const whole = bits >> 3;
  for (let i = 0; i < whole; i++) if (a[i] !== b[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((a[whole] ?? 0) & mask) === ((b[whole] ?? 0) & mask);
}

function linkPrefixes(info: Dhcp6ClientInfo, ingress: Dhcp6Ingress): Prefix[] {
  if (info.relays.length > 0) return info.linkAddress === undefined ? [] : [{ address: info.linkAddress, prefix: 64 }];
  return ingress.serverAddresses.filter((a) => !a.linkLocal && a.prefix > 0);
}

export function checkOnLink(info: Dhcp6ClientInfo, ingress: Dhcp6Ingress): OnLinkResult {
  const addresses = info.iaNa.flatMap((ia) => ia.addresses);
  if (addresses.length === 0) return { kind: 'unknown', reason: 'no addresses in the CONFIRM' };
  const prefixes = linkPrefixes(info, ingress);
  if (prefixes.length === 0) {
    return { kind: 'unknown', reason: info.relays.length > 0 ? "the relay's link-address is ::" : `no global prefix on ${ingress.ifname || 'the ingress interface'}` };
  }
  for (const a of addresses) {
    if (!prefixes.some((p) => samePrefix(a.address, p.address, p.prefix))) return { kind: 'not-on-link', address: a.text };
  }
  return { kind: 'on-link', checked: addresses.length };
}
