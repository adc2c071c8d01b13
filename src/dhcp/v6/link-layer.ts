// Where a DHCPv6 server can find a client's MAC besides its DUID (coresmd's ExtractMAC, spec
// coresmd-dhcp §6.2, in its order): the relay's Client Link-Layer Address option (79,
// RFC 6939), then an EUI-64 interface identifier in the relay's peer-address.
//
// Modified EUI-64 (RFC 4291 §2.5.1, Appendix A): a 48-bit MAC becomes the interface
// identifier by inserting ff:fe in the middle and inverting the universal/local bit:
//
//   MAC      52:54:00:d4:00:01
//   IID      50:54:00:ff:fe:d4:00:01      (bytes 8–15 of the address; 0x52 ^ 0x02 = 0x50)

import { formatMac } from '../../wire/addr.ts';
import { HARDWARE_TYPE_ETHERNET } from './constants.ts';
import type { Dhcp6LinkLayerAddress } from './option-values.ts';

/** RFC 4291 Appendix A: the universal/local bit of the first octet, inverted in the IID. */
const UL_BIT = 0x02;

/**
 * The MAC inside an address whose interface identifier is a modified EUI-64 built from a 48-bit
 * MAC (bytes 11–12 are ff:fe), with the U/L bit flipped back; undefined otherwise. The prefix is
 * not looked at: coresmd applies this to any relay peer-address, link-local or not. Privacy
 * (RFC 8981) and stable opaque (RFC 7217) identifiers have no ff:fe there, barring a 1 in 65536
 * coincidence that this cannot tell apart. Never throws.
 */
export function macFromEui64(address: Uint8Array): string | undefined {
  if (address.length !== 16 || address[11] !== 0xff || address[12] !== 0xfe) return undefined;
  const mac = Uint8Array.of(address[8]! ^ UL_BIT, address[9]!, address[10]!, address[13]!, address[14]!, address[15]!);
  return formatMac(mac);
}

/** The MAC in an option 79 value: Ethernet (hardware type 1) with 6 bytes; undefined otherwise. */
export function macFromLinkLayerAddress(lla: Dhcp6LinkLayerAddress): string | undefined {
  if (lla.linkLayerType !== HARDWARE_TYPE_ETHERNET || lla.address.length !== 6) return undefined;
  return formatMac(lla.address);
}
