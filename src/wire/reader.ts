// A bounds-checked cursor over received bytes (house style §5.4).
//
// Every read checks its bounds *before* touching the buffer, so the only exception a decoder
// built on Reader can leak is WireError; `Buffer#readUInt16BE` would throw RangeError instead.
// Offsets in errors are absolute positions in the underlying buffer, also for child readers
// made by `sub()`, so a log line points at the byte in the datagram as received.
//
// Reads allocate nothing except the subarray that `bytes()`/`sub()` return; `field` arguments
// are constant strings at call sites. As in NLnetLabs/domain, after a throw the cursor's
// position is unspecified: a failed decode is abandoned, not resumed.

import { WireError, WireErrorCode } from './errors.ts';

export class Reader {
  readonly #buf: Uint8Array;
  readonly #end: number;
  #pos: number;

  /**
   * Reads `buf` from `start` up to (not including) `end`. A range outside the buffer throws
   * ERR_WIRE_TRUNCATED, so a length taken from the wire can be passed straight in.
   */
  constructor(buf: Uint8Array, start = 0, end = buf.length, field = 'buffer') {
    if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end)) {
      throw new WireError(WireErrorCode.Malformed, 0, field, `invalid range ${start}..${end}`);
    }
    if (end > buf.length) throw new WireError(WireErrorCode.Truncated, buf.length, field);
    this.#buf = buf;
    this.#pos = start;
    this.#end = end;
  }

  /** The whole underlying buffer (not only this reader's range); offsets index into it. */
  get buffer(): Uint8Array {
    return this.#buf;
  }

  /** Absolute position of the next byte to read. */
  get offset(): number {
    return this.#pos;
  }

  /** Absolute position one past the last byte this reader may read. */
  get end(): number {
    return this.#end;
  }

  get remaining(): number {
    return this.#end - this.#pos;
  }

  get atEnd(): boolean {
    return this.#pos >= this.#end;
  }

  u8(field: string): number {
    const p = this.#pos;
    if (p >= this.#end) throw new WireError(WireErrorCode.Truncated, p, field);
    this.#pos = p + 1;
    return this.#buf[p]!;
  }

  /** Big-endian (network order) unsigned 16-bit. */
  u16(field: string): number {
    const p = this.#pos;
    if (p + 2 > this.#end) throw new WireError(WireErrorCode.Truncated, p, field);
    this.#pos = p + 2;
    const b = this.#buf;
    return (b[p]! << 8) | b[p + 1]!;
  }

  /** Big-endian (network order) unsigned 32-bit, always non-negative. */
  u32(field: string): number {
    const p = this.#pos;
    if (p + 4 > this.#end) throw new WireError(WireErrorCode.Truncated, p, field);
    this.#pos = p + 4;
    const b = this.#buf;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }

  /** The next byte without consuming it. */
  peekU8(field: string): number {
    const p = this.#pos;
    if (p >= this.#end) throw new WireError(WireErrorCode.Truncated, p, field);
    return this.#buf[p]!;
  }

  /** The next `n` bytes as a zero-copy subarray: it aliases the datagram, copy before keeping it. */
  bytes(n: number, field: string): Uint8Array {
    const p = this.#pos;
    this.#check(n, field);
    this.#pos = p + n;
    return this.#buf.subarray(p, p + n);
  }

  skip(n: number, field: string): void {
    this.#check(n, field);
    this.#pos += n;
  }

  /** A child reader over the next `n` bytes; the parent moves past them. */
  sub(n: number, field: string): Reader {
    const p = this.#pos;
    this.#check(n, field);
    this.#pos = p + n;
    return new Reader(this.#buf, p, p + n, field);
  }

  /** The bytes before the next NUL (consumed with it), at most `maxLen` of them, zero-copy. */
  cstringBytes(field: string, maxLen: number): Uint8Array {
    const b = this.#buf;
    const start = this.#pos;
    const stop = Math.min(this.#end, start + maxLen + 1);
    for (let i = start; i < stop; i++) {
      if (b[i] === 0) {
        this.#pos = i + 1;
        return b.subarray(start, i);
      }
    }
    // No NUL in range: either the buffer ran out or the string is longer than allowed.
    if (stop === this.#end) throw new WireError(WireErrorCode.Truncated, this.#end, field, 'no NUL terminator');
    throw new WireError(WireErrorCode.Limit, start, field, `longer than ${maxLen}`);
  }

  /**
   * A NUL-terminated ASCII string (RFC 1350 §5: TFTP filename and mode). A byte above 0x7f is
   * ERR_WIRE_MALFORMED; use cstringBytes() where another encoding must pass through.
   */
  cstring(field: string, maxLen: number): string {
    const start = this.#pos;
    const raw = this.cstringBytes(field, maxLen);
    let out = '';
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i]!;
      if (c > 0x7f) throw new WireError(WireErrorCode.Malformed, start + i, field, 'not ASCII');
      out += String.fromCharCode(c);
    }
    return out;
  }

  /** Strict sub-structures only: bytes left over are ERR_WIRE_TRAILING. */
  expectEnd(field: string): void {
    if (this.#pos !== this.#end) {
      throw new WireError(WireErrorCode.Trailing, this.#pos, field, `${this.#end - this.#pos} bytes left`);
    }
  }

  // Lengths come from the wire and are never negative, but a codec bug (a subtraction gone
  // wrong, NaN) must still surface as WireError, never as a cursor that moved backwards.
  #check(n: number, field: string): void {
    if (n > this.#end - this.#pos) throw new WireError(WireErrorCode.Truncated, this.#pos, field);
    if (!(n >= 0) || !Number.isInteger(n)) {
      throw new WireError(WireErrorCode.Malformed, this.#pos, field, `invalid length ${n}`);
    }
  }
}
