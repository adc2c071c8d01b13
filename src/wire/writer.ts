// A cursor that encodes into a caller-supplied buffer of fixed capacity (house style §5.3).
//
// The buffer is usually a pooled slot and holds the previous packet: the encoder must write
// every byte it sends. Running out of capacity throws EncodeError(ERR_ENCODE_OVERFLOW); the DNS
// encoder catches it, rolls back to the last whole record (`mark`/`rollback`) and sets TC
// (hickory-dns `emit_iter`). Length fields are reserved first and patched once their content is
// written (hickory `place`, dnsmessage `fixLen`).

import { EncodeError, EncodeErrorCode } from './errors.ts';

/** A position returned by mark(), for rollback(). */
export type WriterMark = number & { readonly __brand: 'WriterMark' };

/** A reserved length field returned by reserveU8()/reserveU16(), for patchLength(). */
export type LengthMark = number & { readonly __brand: 'LengthMark' };

// A LengthMark packs the field's offset and width into one number so reserving allocates
// nothing: offset * 4 + width (1 or 2).
const MARK_STRIDE = 4;

export class Writer {
  readonly #buf: Uint8Array;
  readonly #start: number;
  readonly #limit: number;
  #pos: number;

  /** Writes into `buf` from `start`, at most `capacity` bytes (default: to the end of `buf`). */
  constructor(buf: Uint8Array, start = 0, capacity = buf.length - start) {
    if (!(Number.isInteger(start) && Number.isInteger(capacity) && start >= 0 && capacity >= 0)) {
      throw new EncodeError(EncodeErrorCode.Value, 'writer', `invalid range start=${start} capacity=${capacity}`);
    }
    if (start + capacity > buf.length) {
      throw new EncodeError(EncodeErrorCode.Overflow, 'writer', `${start}+${capacity} > buffer of ${buf.length}`);
    }
    this.#buf = buf;
    this.#start = start;
    this.#limit = start + capacity;
    this.#pos = start;
  }

  /** The whole underlying buffer; `offset` and marks index into it. */
  get buffer(): Uint8Array {
    return this.#buf;
  }

  /** Absolute position of the next byte to write. */
  get offset(): number {
    return this.#pos;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#pos - this.#start;
  }

  /** Bytes that can still be written. */
  get available(): number {
    return this.#limit - this.#pos;
  }

  u8(value: number, field = 'u8'): void {
    if ((value & 0xff) !== value) throw new EncodeError(EncodeErrorCode.Value, field, `${value} is not a u8`);
    const p = this.#take(1, field);
    this.#buf[p] = value;
  }

  /** Big-endian (network order). */
  u16(value: number, field = 'u16'): void {
    if ((value & 0xffff) !== value) throw new EncodeError(EncodeErrorCode.Value, field, `${value} is not a u16`);
    const p = this.#take(2, field);
    this.#buf[p] = value >>> 8;
    this.#buf[p + 1] = value & 0xff;
  }

  /** Big-endian (network order). */
  u32(value: number, field = 'u32'): void {
    if (value >>> 0 !== value) throw new EncodeError(EncodeErrorCode.Value, field, `${value} is not a u32`);
    const p = this.#take(4, field);
    const b = this.#buf;
    b[p] = value >>> 24;
    b[p + 1] = (value >>> 16) & 0xff;
    b[p + 2] = (value >>> 8) & 0xff;
    b[p + 3] = value & 0xff;
  }

  bytes(src: Uint8Array, field = 'bytes'): void {
    const p = this.#take(src.length, field);
    this.#buf.set(src, p);
  }

  /** `n` zero bytes: dirty pooled memory must never reach the wire as "padding". */
  zeros(n: number, field = 'zeros'): void {
    if (!(n >= 0) || !Number.isInteger(n)) throw new EncodeError(EncodeErrorCode.Value, field, `invalid count ${n}`);
    const p = this.#take(n, field);
    this.#buf.fill(0, p, p + n);
  }

  /** Text as one byte per character; anything outside 0x00–0x7f is ERR_ENCODE_VALUE. */
  ascii(text: string, field = 'ascii'): void {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) > 0x7f) throw new EncodeError(EncodeErrorCode.Value, field, `non-ASCII at ${i}`);
    }
    const p = this.#take(text.length, field);
    for (let i = 0; i < text.length; i++) this.#buf[p + i] = text.charCodeAt(i);
  }

  /** Writes a 1-byte placeholder to be filled by patchLength(). */
  reserveU8(field = 'length'): LengthMark {
    const p = this.#take(1, field);
    this.#buf[p] = 0;
    return (p * MARK_STRIDE + 1) as LengthMark;
  }

  /** Writes a 2-byte placeholder to be filled by patchLength(). */
  reserveU16(field = 'length'): LengthMark {
    const p = this.#take(2, field);
    this.#buf[p] = 0;
    this.#buf[p + 1] = 0;
    return (p * MARK_STRIDE + 2) as LengthMark;
  }

  /**
   * Fills a reserved field with the number of bytes written after it, and returns that number.
   * A count the field cannot hold is ERR_ENCODE_VALUE (for example a DHCPv4 option over 255).
   */
  patchLength(mark: LengthMark, field = 'length'): number {
    const width = mark % MARK_STRIDE;
    const at = (mark - width) / MARK_STRIDE;
    if ((width !== 1 && width !== 2) || at < this.#start || at + width > this.#pos) {
      throw new EncodeError(EncodeErrorCode.Value, field, 'mark is not a reserved field of this writer');
    }
    const len = this.#pos - (at + width);
    if (width === 1) this.patchU8(at, len, field);
    else this.patchU16(at, len, field);
    return len;
  }

  /** Overwrites an already written byte at absolute `offset` (a count or a flag fixed up later). */
  patchU8(offset: number, value: number, field = 'u8'): void {
    if ((value & 0xff) !== value) throw new EncodeError(EncodeErrorCode.Value, field, `${value} is not a u8`);
    this.#checkWritten(offset, 1, field);
    this.#buf[offset] = value;
  }

  /** Overwrites an already written big-endian u16 at absolute `offset` (DNS counts, checksums). */
  patchU16(offset: number, value: number, field = 'u16'): void {
    if ((value & 0xffff) !== value) throw new EncodeError(EncodeErrorCode.Value, field, `${value} is not a u16`);
    this.#checkWritten(offset, 2, field);
    this.#buf[offset] = value >>> 8;
    this.#buf[offset + 1] = value & 0xff;
  }

  mark(): WriterMark {
    return this.#pos as WriterMark;
  }

  /** Forgets everything written after `mark` (a half-written DNS record when the reply is full). */
  rollback(mark: WriterMark): void {
    if (!(mark >= this.#start && mark <= this.#pos)) {
      throw new EncodeError(EncodeErrorCode.Value, 'rollback', `mark ${mark} outside ${this.#start}..${this.#pos}`);
    }
    this.#pos = mark;
  }

  /** The bytes written so far, as a subarray of the caller's buffer (no copy). */
  finish(): Uint8Array {
    return this.#buf.subarray(this.#start, this.#pos);
  }

  #take(n: number, field: string): number {
    const p = this.#pos;
    if (n > this.#limit - p) {
      throw new EncodeError(EncodeErrorCode.Overflow, field, `need ${n} bytes, ${this.#limit - p} left`);
    }
    this.#pos = p + n;
    return p;
  }

  #checkWritten(offset: number, n: number, field: string): void {
    if (!(Number.isInteger(offset) && offset >= this.#start && offset + n <= this.#pos)) {
      throw new EncodeError(EncodeErrorCode.Value, field, `offset ${offset} is not in the written range`);
    }
  }
}
