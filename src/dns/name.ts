// Domain names on the wire (RFC 1035 §3.1, §4.1.4) and as presentation text (RFC 1035 §5.1).
//
// A name is a sequence of labels, each a length octet and that many octets, ended by the root
// label (a zero length octet):
//
//     +--+--+--+--+--+--+--+--+
//     | 0  0|     LENGTH      |   followed by LENGTH octets, 1 to 63
//     +--+--+--+--+--+--+--+--+
//
// or ended early by a pointer to a prior occurrence of the rest of the name (RFC 1035 §4.1.4):
//
//     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//     | 1  1|                OFFSET                   |
//     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//
// The other two label types, 01 (the "extended label" of RFC 2671, retired by RFC 6891 §5) and
// 10 (never assigned), are malformed. That also covers the "64-octet label": its length octet
// 0x40 is label type 01.
//
// Presentation text is absolute with a trailing dot (`nid0001.cluster.local.`, root is `.`), in
// the case it had on the wire. Inside a label, bytes that would read as syntax are escaped the
// way miekg/dns does it (`UnpackDomainName`), so our text matches what CoreDNS plugins saw:
// `\.`, `\\`, `\ `, `\'`, `\@`, `\;`, `\(`, `\)`, `\"`, and `\DDD` (decimal, RFC 1035 §5.1) for
// bytes below 0x20 or above 0x7e. The text is therefore pure ASCII, and its lookup key
// (`nameKey`) folds A–Z only, as RFC 4343 §3 asks: other bytes never change case.

import { EncodeError, EncodeErrorCode, WireError, WireErrorCode } from '../wire/errors.ts';
import type { Reader } from '../wire/reader.ts';
import type { Writer } from '../wire/writer.ts';
import type { DnsCompressor } from './compression.ts';

/** RFC 1035 §2.3.4: a name is at most 255 octets on the wire, length octets and root included. */
export const MAX_NAME_OCTETS = 255;

/** RFC 1035 §2.3.4: a label is at most 63 octets (the length octet's two top bits are its type). */
export const MAX_LABEL_OCTETS = 63;

/**
 * Most compression pointers one name may follow (as miekg/dns `maxCompressionPointers`).
 *
 * A name of at most 255 octets has at most (255 - 1) / 2 = 127 labels besides the root, since
 * each takes a length octet and at least one octet of text. A pointer replaces "a list of labels
 * at the end of a domain name" (RFC 1035 §4.1.4), so every segment reached through a pointer
 * holds at least one label of its own; more than 127 hops means pointers to pointers, which no
 * encoder writes. Our backwards-only rule already makes loops impossible; this bounds the work a
 * chain of pointers to pointers (about 8,000 hops fit in a 16 KiB message) could cost.
 */
export const MAX_POINTER_HOPS = (MAX_NAME_OCTETS - 1) / 2;

const LABEL_TYPE_MASK = 0xc0;
const LABEL_TYPE_NORMAL = 0x00;
const LABEL_TYPE_POINTER = 0xc0;
const POINTER_OFFSET_MASK = 0x3fff;

const BACKSLASH = 0x5c;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const PRINTABLE_FIRST = 0x20;
const PRINTABLE_LAST = 0x7e;

// Bytes escaped with a backslash rather than \DDD (miekg/dns `isDomainNameLabelSpecial`).
function isLabelSpecial(b: number): boolean {
  switch (b) {
    case 0x2e: // .
    case 0x20: // space
    case 0x27: // '
    case 0x40: // @
    case 0x3b: // ;
    case 0x28: // (
    case 0x29: // )
    case 0x22: // "
    case 0x5c: // \
      return true;
    default:
      return false;
  }
}

//------------ Decoding ---------------------------------------------------------

/**
 * Reads the name at the reader's position and returns it as presentation text; the reader moves
 * past the name as it appears inline (up to and including the first pointer).
 *
 * Labels before the first pointer must lie inside the reader's range (for a name in RDATA, the
 * RDATA); pointers may reach anywhere earlier in the message, which is `r.buffer` from offset 0.
 */
export function decodeName(r: Reader, field: string): string {
  const buf = r.buffer;
  const start = r.offset;
  let pos = start;
  let limit = r.end;
  // Pointers must point strictly before the start of the segment they end, so every hop goes
  // backwards and no chain can loop (RFC 1035 §4.1.4: "a prior occurance of the same name";
  // the rule is mafintosh/dns-packet's "Allow only pointers to prior data").
  let floor = start;
  let resume = -1;
  let hops = 0;
  let octets = 1; // the root label's length octet
  // Character codes of the text, turned into one flat string at the end: measured faster than
  // appending to a string (which builds a rope that the lookup key then has to flatten).
  const text: number[] = [];
  for (;;) {
    if (pos >= limit) throw new WireError(WireErrorCode.Truncated, pos, field);
    const len = buf[pos]!;
    const type = len & LABEL_TYPE_MASK;
    if (type === LABEL_TYPE_NORMAL) {
      if (len === 0) {
        pos++;
        break;
      }
      octets += len + 1;
      // RFC 1035 §2.3.4: counted as expanded, so a pointer cannot smuggle in a longer name.
      if (octets > MAX_NAME_OCTETS) throw new WireError(WireErrorCode.Limit, pos, field, 'name longer than 255 octets');
      const from = pos + 1;
      const to = from + len;
      if (to > limit) throw new WireError(WireErrorCode.Truncated, from, field);
      appendLabel(text, buf, from, to);
      pos = to;
    } else if (type === LABEL_TYPE_POINTER) {
      if (pos + 2 > limit) throw new WireError(WireErrorCode.Truncated, pos, field);
      const target = ((len << 8) | buf[pos + 1]!) & POINTER_OFFSET_MASK;
      if (target >= floor) {
        throw new WireError(WireErrorCode.Malformed, pos, field, `pointer to ${target} does not point backwards`);
      }
      if (++hops > MAX_POINTER_HOPS) throw new WireError(WireErrorCode.Limit, pos, field, 'too many compression pointers');
      if (resume === -1) resume = pos + 2;
      floor = target;
      pos = target;
      limit = buf.length;
    } else {
      throw new WireError(WireErrorCode.Malformed, pos, field, `label type 0x${type.toString(16)}`);
    }
  }
  r.skip((resume === -1 ? pos : resume) - start, field);
  return text.length === 0 ? '.' : String.fromCharCode.apply(null, text);
}

/** Appends the presentation text of the label buf[from..to) and its trailing dot to `out`. */
function appendLabel(out: number[], buf: Uint8Array, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const b = buf[i]!;
    if (b < PRINTABLE_FIRST || b > PRINTABLE_LAST) {
      // RFC 1035 §5.1: \DDD, "the octet corresponding to the decimal number".
      out.push(BACKSLASH, DIGIT_0 + ((b / 100) | 0), DIGIT_0 + (((b / 10) | 0) % 10), DIGIT_0 + (b % 10));
    } else if (isLabelSpecial(b)) {
      out.push(BACKSLASH, b);
    } else {
      out.push(b);
    }
  }
  out.push(DOT);
}

/**
 * Moves the reader past a name without expanding it: labels up to the root or the first
 * pointer, whose target is not followed (golang/net dnsmessage `skipName`). Label types and the
 * 255-octet limit of the inline part are still checked.
 */
export function skipName(r: Reader, field: string): void {
  let octets = 1;
  for (;;) {
    const at = r.offset;
    const len = r.u8(field);
    const type = len & LABEL_TYPE_MASK;
    if (type === LABEL_TYPE_NORMAL) {
      if (len === 0) return;
      octets += len + 1;
      if (octets > MAX_NAME_OCTETS) throw new WireError(WireErrorCode.Limit, at, field, 'name longer than 255 octets');
      r.skip(len, field);
    } else if (type === LABEL_TYPE_POINTER) {
      r.skip(1, field);
      return;
    } else {
      throw new WireError(WireErrorCode.Malformed, at, field, `label type 0x${type.toString(16)}`);
    }
  }
}

/** The lookup key of a name: ASCII A–Z folded to lowercase, nothing else (RFC 4343 §3). */
export function nameKey(text: string): string {
  // Decoded text is pure ASCII, where toLowerCase folds exactly A–Z; other text is folded
  // by hand so that Latin-1 letters keep their case.
  if (!/[^\x00-\x7f]/.test(text)) return text.toLowerCase();
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out += String.fromCharCode(c >= 0x41 && c <= 0x5a ? c + 0x20 : c);
  }
  return out;
}

//------------ Encoding ---------------------------------------------------------

/**
 * Presentation text → wire form, as a string holding one octet per character (length octets,
 * label octets, the root). Accepts absolute (`a.b.`) and relative-looking (`a.b`) text, both
 * meaning the absolute name; `.` and `` are the root. Escapes: `\X` is the character X and
 * `\DDD` the octet DDD (RFC 1035 §5.1). Empty labels, labels over 63 octets, names over 255
 * octets and unescaped non-ASCII characters are ERR_ENCODE_VALUE.
 */
export function parseNameWire(text: string, field = 'name'): string {
  const n = text.length;
  if (n === 0 || (n === 1 && text.charCodeAt(0) === DOT)) return '\0';
  if (PLAIN_NAME.test(text)) return plainNameWire(text, field);
  let wire = '';
  let label = '';
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    let octet = false; // c came from \DDD, so it may be any octet
    if (c === DOT) {
      if (label.length === 0) throw new EncodeError(EncodeErrorCode.Value, field, `empty label in ${JSON.stringify(text)}`);
      wire += String.fromCharCode(label.length) + label;
      label = '';
      i++;
      continue;
    }
    if (c === BACKSLASH) {
      if (i + 1 >= n) throw new EncodeError(EncodeErrorCode.Value, field, `dangling backslash in ${JSON.stringify(text)}`);
      const d = text.charCodeAt(i + 1);
      if (d >= DIGIT_0 && d <= DIGIT_9) {
        c = decimalEscape(text, i + 1, field);
        octet = true;
        i += 4;
      } else {
        c = d;
        i += 2;
      }
    } else {
      i++;
    }
    if (c > 0x7f && !octet) {
      // Text is ASCII; other octets are written \DDD. We do not guess an encoding (no IDNA).
      throw new EncodeError(EncodeErrorCode.Value, field, `non-ASCII character in ${JSON.stringify(text)}`);
    }
    label += String.fromCharCode(c);
    if (label.length > MAX_LABEL_OCTETS) {
      throw new EncodeError(EncodeErrorCode.Value, field, `label longer than ${MAX_LABEL_OCTETS} octets`);
    }
  }
  if (label.length > 0) wire += String.fromCharCode(label.length) + label;
  wire += '\0';
  if (wire.length > MAX_NAME_OCTETS) {
    throw new EncodeError(EncodeErrorCode.Value, field, `name of ${wire.length} octets, more than ${MAX_NAME_OCTETS}`);
  }
  return wire;
}

// Text without escapes or non-ASCII, which is what services write (`nid0001.cluster.local.`).
const PLAIN_NAME = /^[\x00-\x5b\x5d-\x7f]+$/;

function plainNameWire(text: string, field: string): string {
  const labels = text.split('.');
  // "a.b." splits to ["a", "b", ""]: the empty last part is the root.
  const last = labels.length - (labels[labels.length - 1] === '' ? 1 : 0);
  let wire = '';
  for (let i = 0; i < last; i++) {
    const l = labels[i]!;
    if (l.length === 0) throw new EncodeError(EncodeErrorCode.Value, field, `empty label in ${JSON.stringify(text)}`);
    if (l.length > MAX_LABEL_OCTETS) throw new EncodeError(EncodeErrorCode.Value, field, `label longer than ${MAX_LABEL_OCTETS} octets`);
    wire += String.fromCharCode(l.length) + l;
  }
  wire += '\0';
  if (wire.length > MAX_NAME_OCTETS) {
    throw new EncodeError(EncodeErrorCode.Value, field, `name of ${wire.length} octets, more than ${MAX_NAME_OCTETS}`);
  }
  return wire;
}

function decimalEscape(text: string, at: number, field: string): number {
  let v = 0;
  for (let k = 0; k < 3; k++) {
    const d = text.charCodeAt(at + k);
    if (!(d >= DIGIT_0 && d <= DIGIT_9)) {
      throw new EncodeError(EncodeErrorCode.Value, field, `\\DDD needs three digits in ${JSON.stringify(text)}`);
    }
    v = v * 10 + (d - DIGIT_0);
  }
  if (v > 0xff) throw new EncodeError(EncodeErrorCode.Value, field, `\\${v} is not an octet`);
  return v;
}

/** Octets `name` takes on the wire without compression. */
export function nameByteLength(name: string): number {
  return parseNameWire(name).length;
}

/**
 * Writes `name`. With a compressor, the longest suffix already in the message becomes a pointer
 * and each new suffix is remembered (RFC 1035 §4.1.4); without one, the name is written whole,
 * as RFC 3597 §4 requires for names inside RDATA of types not defined in RFC 1035.
 */
export function encodeName(w: Writer, name: string, compressor?: DnsCompressor, field = 'name'): void {
  if (compressor === undefined) {
    const wire = parseNameWire(name, field);
    writeWire(w, wire, 0, wire.length, field);
    return;
  }
  const same = compressor.findText(name);
  if (same !== undefined) {
    w.u16((LABEL_TYPE_POINTER << 8) | same, field);
    return;
  }
  const wire = parseNameWire(name, field);
  const key = wireKey(wire);
  const at = w.offset;
  // Find the longest suffix already written, remembering the ones that will be written here.
  // The root is one octet and never worth a pointer.
  let i = 0;
  let target: number | undefined;
  for (let len = wire.charCodeAt(0); len !== 0; len = wire.charCodeAt(i)) {
    const suffix = i === 0 ? key : key.slice(i);
    target = compressor.find(suffix);
    if (target !== undefined) break;
    // The text is remembered only where its labels are written out, so a later pointer never
    // lands on another pointer.
    if (i === 0) compressor.addText(name, at);
    compressor.add(suffix, at + i);
    i += len + 1;
  }
  writeWire(w, wire, 0, i, field);
  if (target === undefined) w.u8(0, field);
  else w.u16((LABEL_TYPE_POINTER << 8) | target, field);
}

function writeWire(w: Writer, wire: string, from: number, to: number, field: string): void {
  for (let i = from; i < to; i++) w.u8(wire.charCodeAt(i), field);
}

// Wire form with ASCII A–Z folded: length octets are below 0x40, so folding never touches them.
function wireKey(wire: string): string {
  if (!/[A-Z]/.test(wire)) return wire;
  return nameKey(wire);
}
