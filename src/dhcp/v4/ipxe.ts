// Option 175, iPXE's encapsulated options (iPXE `src/include/ipxe/dhcp.h`, DHCP_EB_ENCAP):
// sub-options in the DHCPv4 format itself, one-byte code and length, with Pad and End allowed
// (iPXE's DHCP_ENCAP blocks end in End). A client request carries:
//
//   feature markers  0x10–0x4f, length 1, value = feature version (0x13 01 = HTTP supported)
//   0xb1 bus id      5 bytes: bus type (1 = PCI), vendor id, device id (big-endian)
//   0xeb version     3 bytes: major, minor, patch
//
// Their presence is iPXE's own second way to say "this is iPXE" besides user class 77
// (peers-and-anchors §1.6: the chainloading loop-breaker checks 77 = `iPXE` or 175 present).

import { WireError, WireErrorCode } from '../../wire/errors.ts';
import { walkTlv } from '../../wire/tlv.ts';
import type { TlvFormat } from '../../wire/tlv.ts';
import { IPXE_FEATURE_FIRST, IPXE_FEATURE_LAST, IpxeOpt } from './constants.ts';
import type { Dhcp4SubOption } from './relay-agent.ts';

export interface IpxeBusId {
  /** 1 = PCI (iPXE BUS_TYPE_PCI); others per iPXE's `device.h`. */
  readonly type: number;
  readonly vendor: number;
  readonly device: number;
}

export interface IpxeVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

// A build with every feature has about 25 markers (features.h lists 24 codes; the reserved
// range holds 64); add bus id, version and a few settings: 96 covers any real client.
export const MAX_IPXE_SUBOPTIONS = 96;

const FORMAT: TlvFormat = { codeBytes: 1, lenBytes: 1, pad: 0, end: 255, maxCount: MAX_IPXE_SUBOPTIONS, field: 'options[175]' };

/** Option 175 decoded: the typed parts eagerly, the sub-option list on first use. */
export class Dhcp4IpxeOptions {
  /** Feature marker codes present (0x13 HTTP, 0x14 HTTPS, 0x24 EFI, …), in wire order. */
  readonly features: readonly number[];
  readonly busId: IpxeBusId | undefined;
  readonly version: IpxeVersion | undefined;
  readonly #bytes: Uint8Array;
  /** code, start, end per sub-option. */
  readonly #spans: readonly number[];
  #list: Dhcp4SubOption[] | undefined;

  constructor(bytes: Uint8Array, spans: readonly number[], features: readonly number[], busId: IpxeBusId | undefined, version: IpxeVersion | undefined) {
    this.#bytes = bytes;
    this.#spans = spans;
    this.features = features;
    this.busId = busId;
    this.version = version;
  }

  /** Every sub-option in wire order (zero-copy when the option came in one piece). */
  get subOptions(): readonly Dhcp4SubOption[] {
    if (this.#list === undefined) {
      const s = this.#spans;
      const list: Dhcp4SubOption[] = [];
      for (let i = 0; i < s.length; i += 3) list.push({ code: s[i]!, data: this.#bytes.subarray(s[i + 1]!, s[i + 2]!) });
      this.#list = list;
    }
    return this.#list;
  }

  has(code: number): boolean {
    for (let i = 0; i < this.#spans.length; i += 3) if (this.#spans[i] === code) return true;
    return false;
  }
}

/** Decodes bytes[start..end) as option 175. First instance of a sub-option wins. Throws WireError only. */
export function decodeIpxeOptions(bytes: Uint8Array, start: number, end: number): Dhcp4IpxeOptions {
  const spans: number[] = [];
  const features: number[] = [];
  let busId: IpxeBusId | undefined;
  let version: IpxeVersion | undefined;
  walkTlv(bytes, start, end, FORMAT, (code, s, e) => {
    spans.push(code, s, e);
    if (code >= IPXE_FEATURE_FIRST && code <= IPXE_FEATURE_LAST) {
      features.push(code);
    } else if (code === IpxeOpt.BusId && busId === undefined) {
      // struct dhcp_netdev_desc { uint8_t type; uint16_t vendor; uint16_t device; } packed
      if (e - s !== 5) throw new WireError(WireErrorCode.Malformed, s, 'options[175][177].length', `${e - s} bytes, want 5`);
      busId = { type: bytes[s]!, vendor: (bytes[s + 1]! << 8) | bytes[s + 2]!, device: (bytes[s + 3]! << 8) | bytes[s + 4]! };
    } else if (code === IpxeOpt.Version && version === undefined) {
      // FEATURE_VERSION(VERSION_MAJOR, VERSION_MINOR, VERSION_PATCH)
      if (e - s !== 3) throw new WireError(WireErrorCode.Malformed, s, 'options[175][235].length', `${e - s} bytes, want 3`);
      version = { major: bytes[s]!, minor: bytes[s + 1]!, patch: bytes[s + 2]! };
    }
  });
  return new Dhcp4IpxeOptions(bytes, spans, features, busId, version);
}
