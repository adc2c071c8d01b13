// Shared by the DHCPv4 codec tests: the captured fixtures and a WireError probe.
import { loadHexFixture } from '../../support/hex.ts';

/** Every capture in test/fixtures/dhcp4 (see scripts/capture-dhcp4.sh for how each was made). */
export const FIXTURES = [
  'dhclient-4.4.3-discover.hex',
  'dhclient-4.4.3-request-selecting.hex',
  'dhclient-4.4.3-release.hex',
  'udhcpc-1.35-discover.hex',
  'udhcpc-1.35-discover-pxe-efi64.hex',
  'udhcpc-1.35-discover-user-class-rfc3004.hex',
  'udhcpc-1.35-discover-user-class-plain.hex',
  'udhcpc-1.35-request-selecting.hex',
  'dhcrelay-4.4.3-discover-option82.hex',
  'ipxe-1.0.0-git20190125-discover.hex',
  'ipxe-1.0.0-git20190125-request.hex',
  'ovmf-2022.11-pxe-discover.hex',
] as const;
export type FixtureName = (typeof FIXTURES)[number];

export function fixture(name: FixtureName | string): Uint8Array {
  return loadHexFixture(new URL(`../../fixtures/dhcp4/${name}`, import.meta.url));
}

export { wireErrorOf, type WireErrorInfo } from '../../support/wire-error.ts';

/**
 * A minimal BOOTREQUEST: 236-byte header (chaddr 52:54:00:00:00:01, xid 0x01020304), cookie,
 * then `options` as given (End included by the caller when wanted). `sname`/`file` may be
 * filled with raw bytes to build overload cases.
 */
export function request(options: readonly number[], fields: { sname?: readonly number[]; file?: readonly number[]; op?: number } = {}): Uint8Array {
  const b = new Uint8Array(240 + options.length);
  b[0] = fields.op ?? 1;
  b[1] = 1;
  b[2] = 6;
  b.set([1, 2, 3, 4], 4);
  b.set([0x52, 0x54, 0, 0, 0, 1], 28);
  if (fields.sname) b.set(fields.sname, 44);
  if (fields.file) b.set(fields.file, 108);
  b.set([99, 130, 83, 99], 236);
  b.set(options, 240);
  return b;
}
