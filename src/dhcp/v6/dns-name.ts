// Domain names in DHCPv6 options: RFC 1035 §3.1 wire form, uncompressed. RFC 8415 §10: "domain
// names in DHCP options MUST be encoded as specified … A domain name, or list of domain names,
// in DHCP MUST NOT be stored in compressed form". Used by the domain list (24, RFC 3646 §4) and
// the Client FQDN option (39, RFC 4704 §4.2), which may also hold a partial name: one that does
// not end in the zero-length root label.
//
//   nid0007.override.local  →  07 n i d 0 0 0 7  08 o v e r r i d e  05 l o c a l  00
//
// One name is one sequence of labels with a single terminating zero. The Go original encodes
// each label as a separate name, `07 nid0007 00 08 override 00 05 local 00` (spec coresmd-dhcp
// §6.4); that bug is deliberately not reproduced here.

import { EncodeError, EncodeErrorCode, WireError, WireErrorCode } from '../../wire/errors.ts';
import type { Writer } from '../../wire/writer.ts';

/** RFC 1035 §2.3.4: labels are 63 octets or less, names 255 octets or less (wire form). */
export const MAX_LABEL_LENGTH = 63;
export const MAX_NAME_LENGTH = 255;

export interface Dhcp6DnsName {
  /** Labels joined with `.`, without a trailing dot; `` for the root or an empty field. */
  readonly name: string;
  /** False for a partial name (RFC 4704 §4.2: no terminating zero-length label). */
  readonly fullyQualified: boolean;
}

/**
 * Reads one name at bytes[pos..end). Returns the name and where the next one starts. A name
 * that runs to `end` without its zero label is partial when `allowPartial`, else
 * ERR_WIRE_TRUNCATED. A compression pointer or reserved label type is ERR_WIRE_MALFORMED.
 */
export function readDnsName(bytes: Uint8Array, pos: number, end: number, field: string, allowPartial: boolean): { readonly name: Dhcp6DnsName; readonly next: number } {
  let p = pos;
  let name = '';
  let wireLength = 0;
  for (;;) {
    if (p >= end) {
      if (allowPartial && p > pos) return { name: { name, fullyQualified: false }, next: p };
      throw new WireError(WireErrorCode.Truncated, p, field, 'name without its terminating zero label');
    }
    const len = bytes[p]!;
    wireLength += 1 + len;
    if (len === 0) return { name: { name, fullyQualified: true }, next: p + 1 };
    // RFC 8415 §10: no compression; 0x40 and 0x80 are reserved label types (RFC 6891 §5).
    if (len > MAX_LABEL_LENGTH) throw new WireError(WireErrorCode.Malformed, p, field, `label type 0x${(len & 0xc0).toString(16)} (compression is not allowed)`);
    if (wireLength + 1 > MAX_NAME_LENGTH) throw new WireError(WireErrorCode.Limit, p, field, 'name over 255 octets');
    if (p + 1 + len > end) throw new WireError(WireErrorCode.Truncated, p, field, `label of ${len} bytes, ${end - p - 1} left`);
    let label = '';
    for (let i = p + 1; i <= p + len; i++) label += String.fromCharCode(bytes[i]!);
    name += name.length === 0 ? label : `.${label}`;
    p += 1 + len;
  }
}

/** Every name in bytes[start..end), each fully qualified (domain list, RFC 3646 §4). */
export function decodeDnsNameList(bytes: Uint8Array, start: number, end: number, field: string): string[] {
  const out: string[] = [];
  let p = start;
  while (p < end) {
    const r = readDnsName(bytes, p, end, `${field}[${out.length}]`, false);
    out.push(r.name.name);
    p = r.next;
  }
  return out;
}

/** Labels of `name` (a trailing dot is allowed), checked against RFC 1035 §2.3.4. */
function labelsOf(name: string, field: string): string[] {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  if (trimmed.length === 0) throw new EncodeError(EncodeErrorCode.Value, field, 'empty domain name');
  const labels = trimmed.split('.');
  let wire = 1;
  for (const label of labels) {
    if (label.length === 0 || label.length > MAX_LABEL_LENGTH) {
      throw new EncodeError(EncodeErrorCode.Value, field, `label of ${label.length} octets in ${JSON.stringify(name)}`);
    }
    for (let i = 0; i < label.length; i++) {
      if (label.charCodeAt(i) > 0x7f) throw new EncodeError(EncodeErrorCode.Value, field, `non-ASCII character in ${JSON.stringify(name)}`);
    }
    wire += 1 + label.length;
  }
  if (wire > MAX_NAME_LENGTH) throw new EncodeError(EncodeErrorCode.Value, field, `${JSON.stringify(name)} is over 255 octets`);
  return labels;
}

/** Wire size of `name` written fully qualified. Throws EncodeError for a name that cannot be sent. */
export function dnsNameByteLength(name: string, field = 'name'): number {
  const labels = labelsOf(name, field);
  let n = 1;
  for (const l of labels) n += 1 + l.length;
  return n;
}

/** Writes `name` as one fully qualified name: its labels, then a single zero byte. */
export function writeDnsName(w: Writer, name: string, field = 'name'): void {
  for (const label of labelsOf(name, field)) {
    w.u8(label.length, field);
    w.ascii(label, field);
  }
  w.u8(0, field);
}

/** Domain list value (RFC 3646 §4): the names one after another, uncompressed. */
export function domainList(names: readonly string[]): Uint8Array {
  if (names.length === 0) throw new EncodeError(EncodeErrorCode.Value, 'options[24]', 'empty domain list');
  const parts: number[] = [];
  for (const name of names) {
    for (const label of labelsOf(name, 'options[24]')) {
      parts.push(label.length);
      for (let i = 0; i < label.length; i++) parts.push(label.charCodeAt(i));
    }
    parts.push(0);
  }
  return Uint8Array.from(parts);
}
