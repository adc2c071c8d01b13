// Value shapes shared by many DHCPv4 options (RFC 2132 §2: "all multi-octet quantities are in
// network byte-order"): decoders for typed accessors and builders for reply option values.
//
// Decoders take the option's bytes, the error path (`options[51]`) and the absolute offset of the
// value, and throw WireError for a length the shape cannot have. Builders return fresh bytes and
// throw EncodeError for a value that cannot be represented: that is config or our own mistake.

import { Buffer } from 'node:buffer';
import { EncodeError, EncodeErrorCode, WireError, WireErrorCode } from '../../wire/errors.ts';

/**
 * Reads one option value. `field` names it for a WireError if the bytes are wrong: a path such as
 * `options[82][5]`, or just the option code (`51` stands for `options[51]`, formatted only when an
 * error is thrown, so the hot path builds no strings); `offset` is where the value starts.
 */
export type Dhcp4ValueDecoder<T> = (data: Uint8Array, field: string | number, offset: number) => T;

//------------ Decoders ----------------------------------------------------------

function badLength(field: string | number, offset: number, got: number, want: string): WireError {
  const path = typeof field === 'number' ? `options[${field}]` : field;
  return new WireError(WireErrorCode.Malformed, offset, `${path}.length`, `${got} bytes, want ${want}`);
}

export const decodeU8: Dhcp4ValueDecoder<number> = (data, field, offset) => {
  if (data.length !== 1) throw badLength(field, offset, data.length, '1');
  return data[0]!;
};

export const decodeU16: Dhcp4ValueDecoder<number> = (data, field, offset) => {
  if (data.length !== 2) throw badLength(field, offset, data.length, '2');
  return (data[0]! << 8) | data[1]!;
};

export const decodeU32: Dhcp4ValueDecoder<number> = (data, field, offset) => {
  if (data.length !== 4) throw badLength(field, offset, data.length, '4');
  return ((data[0]! << 24) | (data[1]! << 16) | (data[2]! << 8) | data[3]!) >>> 0;
};

/** One IPv4 address as an unsigned 32-bit number. */
export const decodeIpv4: Dhcp4ValueDecoder<number> = decodeU32;

/** RFC 2132 §3.5-style lists: one or more addresses, length a multiple of 4. */
export const decodeIpv4List: Dhcp4ValueDecoder<number[]> = (data, field, offset) => {
  if (data.length === 0 || data.length % 4 !== 0) throw badLength(field, offset, data.length, 'a non-zero multiple of 4');
  const out: number[] = [];
  for (let i = 0; i < data.length; i += 4) {
    out.push(((data[i]! << 24) | (data[i + 1]! << 16) | (data[i + 2]! << 8) | data[i + 3]!) >>> 0);
  }
  return out;
};

/** One or more big-endian u16 (RFC 4578 §2.1 architecture list). */
export const decodeU16List: Dhcp4ValueDecoder<number[]> = (data, field, offset) => {
  if (data.length === 0 || data.length % 2 !== 0) throw badLength(field, offset, data.length, 'a non-zero multiple of 2');
  const out: number[] = [];
  for (let i = 0; i < data.length; i += 2) out.push((data[i]! << 8) | data[i + 1]!);
  return out;
};

/**
 * NVT ASCII text (RFC 2132 §2). Decoded byte for byte as latin1 so nothing a client sends can
 * fail or be lost; a trailing NUL, which some clients add, is kept (callers compare exactly).
 */
export const decodeText: Dhcp4ValueDecoder<string> = (data) => latin1(data);

/** The bytes themselves (the identity decoder, for `get()`). */
export const decodeBytes: Dhcp4ValueDecoder<Uint8Array> = (data) => data;

export function latin1(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
}

//------------ Builders ----------------------------------------------------------

export function u8(value: number): Uint8Array {
  if ((value & 0xff) !== value) throw new EncodeError(EncodeErrorCode.Value, 'u8', `${value} is not a u8`);
  return Uint8Array.of(value);
}

export function u16(value: number): Uint8Array {
  if ((value & 0xffff) !== value) throw new EncodeError(EncodeErrorCode.Value, 'u16', `${value} is not a u16`);
  return Uint8Array.of(value >>> 8, value & 0xff);
}

/** Lease time, T1, T2 (RFC 2132 §9.2, §9.11, §9.12): whole seconds as u32. */
export function u32(value: number): Uint8Array {
  if (value >>> 0 !== value) throw new EncodeError(EncodeErrorCode.Value, 'u32', `${value} is not a u32`);
  return Uint8Array.of(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

/** One IPv4 address (server identifier, subnet mask) from its u32 form. */
export function ipv4(addr: number): Uint8Array {
  return ipv4List([addr]);
}

/** Router, DNS, NTP lists (RFC 2132 §3.5, §3.8, §8.3): at least one address. */
export function ipv4List(addrs: readonly number[]): Uint8Array {
  if (addrs.length === 0) throw new EncodeError(EncodeErrorCode.Value, 'ipv4List', 'empty address list');
  const out = new Uint8Array(addrs.length * 4);
  addrs.forEach((a, i) => {
    if (a >>> 0 !== a) throw new EncodeError(EncodeErrorCode.Value, 'ipv4List', `${a} is not an IPv4 address`);
    out[i * 4] = a >>> 24;
    out[i * 4 + 1] = (a >>> 16) & 0xff;
    out[i * 4 + 2] = (a >>> 8) & 0xff;
    out[i * 4 + 3] = a & 0xff;
  });
  return out;
}

/** NVT ASCII text (host name, root path, bootfile URL), without a trailing NUL (RFC 2132 §2). */
export function text(value: string): Uint8Array {
  const out = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0x7f) throw new EncodeError(EncodeErrorCode.Value, 'text', `non-ASCII character at ${i}`);
    out[i] = c;
  }
  return out;
}
