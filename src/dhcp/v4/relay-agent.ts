// Option 82, Relay Agent Information (RFC 3046 §2.0): sub-options with a one-byte code and a
// one-byte length, no Pad and no End.
//
//        Code   Len     Agent Information Field
//       +------+------+------+------+------+------+--...-+------+
//       |  82  |   N  |  i1  |  i2  |  i3  |  i4  |      |  iN  |
//       +------+------+------+------+------+------+--...-+------+
//
//        SubOpt  Len     Sub-option Value
//       +------+------+------+------+------+------+--...-+------+
//       |  1   |   n  |  s1  |  s2  |  s3  |  s4  |      |  sn  |
//       +------+------+------+------+------+------+--...-+------+
//
// A server echoes "the entire contents" in its reply (RFC 3046 §2.2), as the last option
// (§2.1), so `raw` is kept as sent; the sub-options are for policy (circuit id, remote id, the
// relay's link).

import { walkTlv } from '../../wire/tlv.ts';
import type { TlvFormat } from '../../wire/tlv.ts';
import { Dhcp4RelaySubOpt } from './constants.ts';
import { decodeIpv4 } from './option-values.ts';

export interface Dhcp4SubOption {
  readonly code: number;
  /** Zero-copy when the option came in one piece; aliases the datagram. */
  readonly data: Uint8Array;
}

export interface Dhcp4RelayAgentInfo {
  /** The option value exactly as received, for the echo. */
  readonly raw: Uint8Array;
  /** Every sub-option in wire order, unknown codes included. */
  readonly subOptions: readonly Dhcp4SubOption[];
  readonly circuitId?: Uint8Array;
  readonly remoteId?: Uint8Array;
  /** RFC 3527: the subnet the relay wants the address from, instead of giaddr's. */
  readonly linkSelection?: number;
  /** RFC 5107: the address the client must use as our server identifier. */
  readonly serverIdOverride?: number;
}

// RFC 3046 and its successors define about a dozen sub-option codes (1, 2, 4–12, 151, 152); a
// relay inserts a handful. 32 leaves room for all of them and bounds hostile input: a 255-byte
// option would otherwise carry 127 empty sub-options.
export const MAX_RELAY_SUBOPTIONS = 32;

const FORMAT: TlvFormat = { codeBytes: 1, lenBytes: 1, maxCount: MAX_RELAY_SUBOPTIONS, field: 'options[82]' };

/**
 * Decodes bytes[start..end) as option 82. Offsets in errors index `bytes`. The first instance of
 * a repeated sub-option wins. Throws WireError only.
 */
export function decodeRelayAgentInfo(bytes: Uint8Array, start: number, end: number): Dhcp4RelayAgentInfo {
  const subOptions: Dhcp4SubOption[] = [];
  let circuitId: Uint8Array | undefined;
  let remoteId: Uint8Array | undefined;
  let linkSelection: number | undefined;
  let serverIdOverride: number | undefined;
  walkTlv(bytes, start, end, FORMAT, (code, s, e) => {
    const data = bytes.subarray(s, e);
    subOptions.push({ code, data });
    if (code === Dhcp4RelaySubOpt.CircuitId) circuitId ??= data;
    else if (code === Dhcp4RelaySubOpt.RemoteId) remoteId ??= data;
    else if (code === Dhcp4RelaySubOpt.LinkSelection) linkSelection ??= decodeIpv4(data, 'options[82][5]', s); // RFC 3527 §3: length 4
    else if (code === Dhcp4RelaySubOpt.ServerIdOverride) serverIdOverride ??= decodeIpv4(data, 'options[82][11]', s); // RFC 5107 §4: length 4
  });
  return {
    raw: bytes.subarray(start, end),
    subOptions,
    ...(circuitId === undefined ? {} : { circuitId }),
    ...(remoteId === undefined ? {} : { remoteId }),
    ...(linkSelection === undefined ? {} : { linkSelection }),
    ...(serverIdOverride === undefined ? {} : { serverIdOverride }),
  };
}
