// Shared by the DHCPv6 codec tests: the fixtures, small builders for inline cases and a
// WireError probe.
import { loadHexFixture } from '../../support/hex.ts';

/** Captures from real clients (scripts/capture-dhcp6.sh) and hand-built cases, all in test/fixtures/dhcp6. */
export const FIXTURES = [
  'dhclient-4.4.3-information-request.hex',
  'dhclient-4.4.3-solicit.hex',
  'dhclient-4.4.3-request.hex',
  'dhclient-4.4.3-renew.hex',
  'dhclient-4.4.3-rebind.hex',
  'dhclient-4.4.3-confirm.hex',
  'dhclient-4.4.3-release.hex',
  'dhclient-4.4.3-solicit-pxe-options.hex',
  'dhcpcd-9.4.1-solicit.hex',
  'dhcrelay-4.4.3-relay-forw-solicit.hex',
  'dhcrelay-4.4.3-relay-forw-request.hex',
  'dhcrelay-4.4.3-relay-forw-nested-solicit.hex',
  'ovmf-2022.11-pxe6-solicit.hex',
  'ovmf-2022.11-pxe6-request.hex',
  'handmade-decline.hex',
  'handmade-relay-forw-8-layers.hex',
  'handmade-reply-ia-na-several-iaaddr.hex',
  'handmade-solicit-duid-en.hex',
  'handmade-solicit-duid-uuid-pxe.hex',
  'handmade-solicit-unknown-options.hex',
] as const;
export type FixtureName = (typeof FIXTURES)[number];

export function fixture(name: FixtureName | string): Uint8Array {
  return loadHexFixture(new URL(`../../fixtures/dhcp6/${name}`, import.meta.url));
}

export { wireErrorOf, type WireErrorInfo } from '../../support/wire-error.ts';

/** One option: code, length, value (RFC 8415 §21.1). */
export function opt(code: number, ...value: number[]): number[] {
  return [code >> 8, code & 0xff, value.length >> 8, value.length & 0xff, ...value];
}

/** A client/server message: msg-type, transaction id 0x010203, then the option bytes. */
export function msg(type: number, ...options: number[][]): Uint8Array {
  return Uint8Array.from([type, 1, 2, 3, ...options.flat()]);
}

/** A relay message with the given header fields and options. */
export function relay(type: number, hops: number, link: readonly number[], peer: readonly number[], ...options: number[][]): number[] {
  return [type, hops, ...link, ...peer, ...options.flat()];
}

export const ZERO16: readonly number[] = new Array<number>(16).fill(0);

export const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** DUID-LL for 52:54:00:d6:00:21 (RFC 8415 §11.4). */
export const DUID_LL: readonly number[] = [0, 3, 0, 1, 0x52, 0x54, 0, 0xd6, 0, 0x21];
