// Value shapes of DHCPv6 options (RFC 8415 §21: "all values in network byte order"): decoders
// for the typed accessors of Dhcp6Options, and builders for reply option values.
//
// Decoders take the option's bytes, the error path of the option list it sits in (`options`,
// `relay[0].options`, `options[3]`), its code and the absolute offset of the value, and throw
// WireError for bytes the shape cannot have; the path `options[61].length` is formatted only
// when an error is thrown, so the hot path builds no strings. Builders return fresh bytes and
// throw EncodeError for a value that cannot be represented: config or our own mistake.

import { Buffer } from 'node:buffer';
import { formatIPv6, parseIPv6 } from '../../wire/addr.ts';
import { EncodeError, EncodeErrorCode, WireError, WireErrorCode } from '../../wire/errors.ts';

export type Dhcp6ValueDecoder<T> = (data: Uint8Array, prefix: string, code: number, offset: number) => T;

//------------ Decoders ----------------------------------------------------------------

export function badLength(prefix: string, code: number, offset: number, got: number, want: string): WireError {
  return new WireError(WireErrorCode.Malformed, offset, `${prefix}[${code}].length`, `${got} bytes, want ${want}`);
}

export const decodeU8: Dhcp6ValueDecoder<number> = (data, prefix, code, offset) => {
  if (data.length !== 1) throw badLength(prefix, code, offset, data.length, '1');
  return data[0]!;
};

export const decodeU16: Dhcp6ValueDecoder<number> = (data, prefix, code, offset) => {
  if (data.length !== 2) throw badLength(prefix, code, offset, data.length, '2');
  return (data[0]! << 8) | data[1]!;
};

export const decodeU32: Dhcp6ValueDecoder<number> = (data, prefix, code, offset) => {
  if (data.length !== 4) throw badLength(prefix, code, offset, data.length, '4');
  return readU32(data, 0);
};

/** Option Request (RFC 8415 §21.7): "option-len: 2 * number of requested options"; may be empty. */
export const decodeU16List: Dhcp6ValueDecoder<number[]> = (data, prefix, code, offset) => {
  if (data.length % 2 !== 0) throw badLength(prefix, code, offset, data.length, 'a multiple of 2');
  const out: number[] = [];
  for (let i = 0; i < data.length; i += 2) out.push((data[i]! << 8) | data[i + 1]!);
  return out;
};

/** Client architecture types (RFC 5970 §3.3): one or more u16. */
export const decodeArchList: Dhcp6ValueDecoder<number[]> = (data, prefix, code, offset) => {
  if (data.length === 0 || data.length % 2 !== 0) throw badLength(prefix, code, offset, data.length, 'a non-zero multiple of 2');
  return decodeU16List(data, prefix, code, offset);
};

/** Address lists (RFC 3646 §3 DNS servers): "the length of the list of addresses … in octets; must be a multiple of 16". */
export const decodeIPv6List: Dhcp6ValueDecoder<string[]> = (data, prefix, code, offset) => {
  if (data.length % 16 !== 0) throw badLength(prefix, code, offset, data.length, 'a multiple of 16');
  const out: string[] = [];
  for (let i = 0; i < data.length; i += 16) out.push(formatIPv6(data.subarray(i, i + 16)));
  return out;
};

/**
 * A run of (2-byte length, data) items: user class data (RFC 8415 §21.15), vendor class data
 * (§21.16) and boot file parameters (RFC 5970 §3.2). Zero-copy subarrays.
 */
export function decodeOpaqueList(data: Uint8Array, prefix: string, code: number, offset: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let p = 0;
  while (p < data.length) {
    if (p + 2 > data.length) throw new WireError(WireErrorCode.Truncated, offset + p, `${prefix}[${code}][${out.length}].length`);
    const len = (data[p]! << 8) | data[p + 1]!;
    if (p + 2 + len > data.length) {
      throw new WireError(WireErrorCode.Truncated, offset + p, `${prefix}[${code}][${out.length}].length`, `${len} bytes, ${data.length - p - 2} left`);
    }
    out.push(data.subarray(p + 2, p + 2 + len));
    p += 2 + len;
  }
  return out;
}

/** Status code (RFC 8415 §21.13): 2-byte code, then a UTF-8 message "not null-terminated". */
export interface Dhcp6StatusCode {
  readonly status: number;
  readonly message: string;
}

export const decodeStatusCode: Dhcp6ValueDecoder<Dhcp6StatusCode> = (data, prefix, code, offset) => {
  if (data.length < 2) throw badLength(prefix, code, offset, data.length, 'at least 2');
  return { status: (data[0]! << 8) | data[1]!, message: utf8(data.subarray(2)) };
};

/** Vendor class (RFC 8415 §21.16): enterprise number, then the class data items as latin1 text. */
export interface Dhcp6VendorClass {
  readonly enterpriseNumber: number;
  /** Items decoded byte for byte (latin1), so nothing can fail or be lost: `PXEClient:Arch:00007:UNDI:003016`. */
  readonly classes: readonly string[];
}

export const decodeVendorClass: Dhcp6ValueDecoder<Dhcp6VendorClass> = (data, prefix, code, offset) => {
  if (data.length < 4) throw badLength(prefix, code, offset, data.length, 'at least 4');
  return { enterpriseNumber: readU32(data, 0), classes: decodeOpaqueList(data.subarray(4), prefix, code, offset + 4).map(latin1) };
};

/** Remote-ID (RFC 4649 §3): the relay's enterprise number and an opaque remote id. */
export interface Dhcp6RemoteId {
  readonly enterpriseNumber: number;
  /** Zero-copy: aliases the datagram. */
  readonly remoteId: Uint8Array;
}

export const decodeRemoteId: Dhcp6ValueDecoder<Dhcp6RemoteId> = (data, prefix, code, offset) => {
  if (data.length < 5) throw badLength(prefix, code, offset, data.length, 'at least 5');
  return { enterpriseNumber: readU32(data, 0), remoteId: data.subarray(4) };
};

/** Client link-layer address (RFC 6939 §4): IANA hardware type, then the address. */
export interface Dhcp6LinkLayerAddress {
  readonly linkLayerType: number;
  /** Zero-copy: aliases the datagram. */
  readonly address: Uint8Array;
}

export const decodeLinkLayerAddress: Dhcp6ValueDecoder<Dhcp6LinkLayerAddress> = (data, prefix, code, offset) => {
  // RFC 6939 §4: option-len is "2 + length of link-layer address"; an empty address says nothing.
  if (data.length < 3) throw badLength(prefix, code, offset, data.length, 'at least 3');
  return { linkLayerType: (data[0]! << 8) | data[1]!, address: data.subarray(2) };
};

/** Client network interface identifier (RFC 5970 §3.4): type (1 = UNDI), major, minor. */
export interface Dhcp6Nii {
  readonly type: number;
  readonly major: number;
  readonly minor: number;
}

export const decodeNii: Dhcp6ValueDecoder<Dhcp6Nii> = (data, prefix, code, offset) => {
  if (data.length !== 3) throw badLength(prefix, code, offset, data.length, '3');
  return { type: data[0]!, major: data[1]!, minor: data[2]! };
};

/** The bytes themselves (the identity decoder, for `get()`). */
export const decodeBytes: Dhcp6ValueDecoder<Uint8Array> = (data) => data;

/** Byte-for-byte text: RFC 5970 §3.1 URLs are ASCII, and latin1 cannot fail on what is not. */
export const decodeText: Dhcp6ValueDecoder<string> = (data) => latin1(data);

export function latin1(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
}

/** UTF-8 as RFC 8415 §21.13 and RFC 5970 §3.2 say; invalid sequences become U+FFFD, never an error. */
export function utf8(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
}

export function readU32(data: Uint8Array, at: number): number {
  return ((data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!) >>> 0;
}

//------------ Builders ----------------------------------------------------------------

function value(field: string, detail: string): EncodeError {
  return new EncodeError(EncodeErrorCode.Value, field, detail);
}

export function u8(v: number): Uint8Array {
  if ((v & 0xff) !== v) throw value('u8', `${v} is not a u8`);
  return Uint8Array.of(v);
}

export function u16(v: number): Uint8Array {
  if ((v & 0xffff) !== v) throw value('u16', `${v} is not a u16`);
  return Uint8Array.of(v >>> 8, v & 0xff);
}

export function u32(v: number): Uint8Array {
  if (v >>> 0 !== v) throw value('u32', `${v} is not a u32`);
  return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

/** Option Request (RFC 8415 §21.7) or client architectures (RFC 5970 §3.3). */
export function u16List(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  values.forEach((v, i) => out.set(u16(v), i * 2));
  return out;
}

/** Preference (RFC 8415 §21.8): 255 makes a client take this ADVERTISE at once (§18.2.1). */
export function preference(v: number): Uint8Array {
  return u8(v);
}

/** One IPv6 address from text or 16 bytes. */
export function ipv6Bytes(addr: string | Uint8Array, field = 'ipv6'): Uint8Array {
  if (typeof addr !== 'string') {
    if (addr.length !== 16) throw value(field, `${addr.length} bytes, want 16`);
    return addr;
  }
  const b = parseIPv6(addr);
  if (b === undefined) throw value(field, `${JSON.stringify(addr)} is not an IPv6 address`);
  return b;
}

/** An address list: DNS recursive name servers (RFC 3646 §3) and the like; at least one address. */
export function ipv6List(addrs: readonly (string | Uint8Array)[]): Uint8Array {
  if (addrs.length === 0) throw value('ipv6List', 'empty address list');
  const out = new Uint8Array(addrs.length * 16);
  addrs.forEach((a, i) => out.set(ipv6Bytes(a, 'ipv6List'), i * 16));
  return out;
}

/** ASCII text without a terminator: the boot file URL (RFC 5970 §3.1). */
export function text(v: string, field = 'text'): Uint8Array {
  const out = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c > 0x7f) throw value(field, `non-ASCII character at ${i}`);
    out[i] = c;
  }
  return out;
}

/** A run of (2-byte length, data) items; strings go as UTF-8 (RFC 5970 §3.2, RFC 8415 §21.15). */
export function opaqueList(items: readonly (string | Uint8Array)[], field = 'opaqueList'): Uint8Array {
  const parts = items.map((it) => (typeof it === 'string' ? new Uint8Array(Buffer.from(it, 'utf8')) : it));
  let total = 0;
  for (const p of parts) {
    if (p.length > 0xffff) throw value(field, `item of ${p.length} bytes`);
    total += 2 + p.length;
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out[o] = p.length >>> 8;
    out[o + 1] = p.length & 0xff;
    out.set(p, o + 2);
    o += 2 + p.length;
  }
  return out;
}

/** Boot file parameters (RFC 5970 §3.2): each one a length-prefixed UTF-8 string. */
export function bootFileParams(params: readonly string[]): Uint8Array {
  return opaqueList(params, 'options[60]');
}

/** Vendor class (RFC 8415 §21.16): enterprise number and length-prefixed items. */
export function vendorClass(enterpriseNumber: number, classes: readonly (string | Uint8Array)[]): Uint8Array {
  const list = opaqueList(classes, 'options[16]');
  const out = new Uint8Array(4 + list.length);
  out.set(u32(enterpriseNumber), 0);
  out.set(list, 4);
  return out;
}

/** Client link-layer address (RFC 6939 §4). */
export function linkLayerAddress(linkLayerType: number, address: Uint8Array): Uint8Array {
  if (address.length === 0) throw value('options[79]', 'empty link-layer address');
  const out = new Uint8Array(2 + address.length);
  out.set(u16(linkLayerType), 0);
  out.set(address, 2);
  return out;
}

/** Remote-ID (RFC 4649 §3). */
export function remoteId(enterpriseNumber: number, id: Uint8Array): Uint8Array {
  if (id.length === 0) throw value('options[37]', 'empty remote id');
  const out = new Uint8Array(4 + id.length);
  out.set(u32(enterpriseNumber), 0);
  out.set(id, 4);
  return out;
}
