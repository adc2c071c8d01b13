// Option 77, User Class, in the two shapes clients actually send.
//
// RFC 3004 §4 defines a list of length-prefixed class names:
//
//    Code   Len   Len   Class-data   Len   Class-data
//   +-----+-----+-----+------------+-----+------------+--
//   |  77 |  N  |  L1 | d1 d2 ...  |  L2 | d1 d2 ...  | ...
//   +-----+-----+-----+------------+-----+------------+--
//
// iPXE sends `iPXE` with no length prefix (src/net/udp/dhcp.c, DHCP_STRING('i','P','X','E'),
// and `set user-class Tinkerbell` does the same), as did RFC 3004's predecessors. The two forms
// are told apart by shape: if the bytes split exactly into non-empty length-prefixed items they
// are RFC 3004, otherwise they are one plain string. A printable first byte (≥ 0x20) would be a
// length of at least 32, so plain names shorter than 33 bytes are never mistaken for a list.
// Decoding never fails: every byte string is one of the two forms.

import { latin1 } from './option-values.ts';

export interface Dhcp4UserClass {
  /** `rfc3004`: a length-prefixed list; `plain`: one unprefixed string (iPXE's `iPXE`). */
  readonly form: 'rfc3004' | 'plain';
  /** The option bytes as sent; coresmd compares these with `iPXE` exactly (spec §5.1 step 6). */
  readonly raw: Uint8Array;
  /** The class names, decoded as latin1; a plain value is a list of one (empty for no bytes). */
  readonly classes: readonly string[];
}

export function decodeUserClass(raw: Uint8Array): Dhcp4UserClass {
  const items = splitRfc3004(raw);
  if (items !== undefined) return { form: 'rfc3004', raw, classes: items };
  return { form: 'plain', raw, classes: raw.length === 0 ? [] : [latin1(raw)] };
}

function splitRfc3004(raw: Uint8Array): string[] | undefined {
  if (raw.length === 0) return undefined;
  const out: string[] = [];
  let p = 0;
  while (p < raw.length) {
    const len = raw[p]!;
    // RFC 3004 §4: "Each instance of UC_Len_i MUST be non-zero" (an item has at least one byte).
    if (len === 0 || p + 1 + len > raw.length) return undefined;
    out.push(latin1(raw.subarray(p + 1, p + 1 + len)));
    p += 1 + len;
  }
  return out;
}
