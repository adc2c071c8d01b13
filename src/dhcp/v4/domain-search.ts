// Option 119, Domain Search (RFC 3397 §2): a list of domain names in RFC 1035 §3.1 wire form,
// with RFC 1035 §4.1.4 compression pointers whose offsets count from the start of the
// (RFC 3396-joined) option value, not of the message.
//
//    Code  Len         Data
//   +-----+-----+------+------+------+------+------+------+--
//   | 119 |  n  |  s1  |  s2  |  s3  |  s4  |  s5  |  s6  |  ...
//   +-----+-----+------+------+------+------+------+------+--
//
//   s = len label … 0   or   len label … 11xxxxxx xxxxxxxx (pointer)
//
// A value longer than 255 bytes is split into several options by the encoder (RFC 3397 §2
// refers to RFC 3396 for that).

import { EncodeError, EncodeErrorCode, WireError, WireErrorCode } from '../../wire/errors.ts';

/** RFC 1035 §2.3.4: labels are 63 octets or less, names 255 octets or less. */
const MAX_LABEL = 63;
const MAX_NAME = 255;
/** Pointers carry a 14-bit offset (RFC 1035 §4.1.4). */
const MAX_POINTER_TARGET = 0x3fff;
// Each pointer must go strictly backwards, so a chain cannot be longer than the value; 128
// hops is far beyond any real list and bounds the work for a hostile one ("allow only pointers
// to prior data", mafintosh/dns-packet).
const MAX_POINTER_HOPS = 128;

/**
 * Encodes search domains (`example.com`, a trailing dot is allowed) with suffix compression.
 * Throws EncodeError for an empty name or label, a label over 63 or a name over 255 octets,
 * or a non-ASCII character.
 */
export function encodeDomainSearch(names: readonly string[]): Uint8Array {
  const out: number[] = [];
  const suffixes = new Map<string, number>();
  for (const name of names) {
    const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
    if (trimmed.length === 0) throw new EncodeError(EncodeErrorCode.Value, 'options[119]', 'empty domain name');
    const labels = trimmed.split('.');
    let wireLength = 1;
    for (const label of labels) {
      if (label.length === 0 || label.length > MAX_LABEL) {
        throw new EncodeError(EncodeErrorCode.Value, 'options[119]', `label of ${label.length} octets in ${JSON.stringify(name)}`);
      }
      wireLength += 1 + label.length;
    }
    if (wireLength > MAX_NAME) throw new EncodeError(EncodeErrorCode.Value, 'options[119]', `${JSON.stringify(name)} is over 255 octets`);
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join('.');
      const at = suffixes.get(suffix);
      if (at !== undefined) {
        out.push(0xc0 | (at >> 8), at & 0xff);
        break;
      }
      if (out.length <= MAX_POINTER_TARGET) suffixes.set(suffix, out.length);
      const label = labels[i]!;
      out.push(label.length);
      for (let k = 0; k < label.length; k++) {
        const c = label.charCodeAt(k);
        if (c > 0x7f) throw new EncodeError(EncodeErrorCode.Value, 'options[119]', `non-ASCII character in ${JSON.stringify(name)}`);
        out.push(c);
      }
      if (i === labels.length - 1) out.push(0);
    }
  }
  return Uint8Array.from(out);
}

/** Decodes an option 119 value into names without the trailing dot. Throws WireError only. */
export function decodeDomainSearch(data: Uint8Array): string[] {
  const names: string[] = [];
  let pos = 0;
  while (pos < data.length) {
    const { name, next } = readName(data, pos);
    names.push(name);
    pos = next;
  }
  return names;
}

function readName(data: Uint8Array, start: number): { name: string; next: number } {
  let pos = start;
  let next = -1;
  let hops = 0;
  let wireLength = 1;
  let name = '';
  for (;;) {
    if (pos >= data.length) throw new WireError(WireErrorCode.Truncated, pos, 'options[119].name');
    const len = data[pos]!;
    if (len === 0) {
      if (next === -1) next = pos + 1;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= data.length) throw new WireError(WireErrorCode.Truncated, pos, 'options[119].pointer');
      const target = ((len & 0x3f) << 8) | data[pos + 1]!;
      // Only backwards: a pointer to itself or ahead could loop or read what is not a name yet.
      if (target >= pos) throw new WireError(WireErrorCode.Malformed, pos, 'options[119].pointer', `forward pointer to ${target}`);
      if (++hops > MAX_POINTER_HOPS) throw new WireError(WireErrorCode.Limit, pos, 'options[119].pointer', 'too many pointers');
      if (next === -1) next = pos + 2;
      pos = target;
      continue;
    }
    if (kind !== 0) throw new WireError(WireErrorCode.Malformed, pos, 'options[119].label', `label type 0x${kind.toString(16)}`);
    if (pos + 1 + len > data.length) throw new WireError(WireErrorCode.Truncated, pos, 'options[119].label');
    wireLength += 1 + len;
    if (wireLength > MAX_NAME) throw new WireError(WireErrorCode.Limit, pos, 'options[119].name', 'over 255 octets');
    let label = '';
    for (let i = pos + 1; i <= pos + len; i++) label += String.fromCharCode(data[i]!);
    name += name.length === 0 ? label : `.${label}`;
    pos += 1 + len;
  }
  return { name, next };
}
