// One walker for every code/length/value option space:
//
//   DHCPv4 options (RFC 2132 §2)         1-byte code, 1-byte length, Pad 0 and End 255
//   DHCPv6 options (RFC 8415 §21.1)      2-byte code, 2-byte length, no pad or end
//   sub-options: relay agent info (82, RFC 3046 §2.0), PXE vendor options (43, PXE spec 2.1)
//   and others with 1-byte code and length; 43 uses Pad and End like the options it sits in.
//
// The walker hands out offsets, not copies, and allocates nothing per item; the `field` path
// in an error (`options[61].length`) is only built when something is wrong. Each option space
// sets its own `maxCount`, so a packet of 1500 one-byte options cannot make us do 1500 things.

import { WireError, WireErrorCode } from './errors.ts';

export interface TlvFormat {
  /** Width of the code field in bytes. */
  readonly codeBytes: 1 | 2;
  /** Width of the length field in bytes. */
  readonly lenBytes: 1 | 2;
  /** A code that stands alone with no length (DHCPv4 Pad, 0); not counted, not visited. */
  readonly pad?: number;
  /** A code that stands alone and stops the walk (DHCPv4 End, 255). */
  readonly end?: number;
  /** Most options visited before ERR_WIRE_LIMIT. */
  readonly maxCount: number;
  /** Path prefix for errors, e.g. `options` or `options[82]`. */
  readonly field: string;
}

/**
 * A cursor over one TLV range: `while (c.next()) use(c.code, c.valueStart, c.valueEnd)`.
 * Offsets index the buffer given to the constructor. Throws WireError only.
 */
export class TlvCursor {
  readonly #bytes: Uint8Array;
  readonly #limit: number;
  readonly #fmt: TlvFormat;
  #pos: number;
  #count = 0;
  #done = false;
  #endMarker = -1;
  #code = -1;
  #valueStart = 0;
  #valueEnd = 0;

  constructor(bytes: Uint8Array, start: number, end: number, format: TlvFormat) {
    if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end)) {
      throw new WireError(WireErrorCode.Malformed, 0, format.field, `invalid range ${start}..${end}`);
    }
    if (end > bytes.length) throw new WireError(WireErrorCode.Truncated, bytes.length, format.field);
    this.#bytes = bytes;
    this.#pos = start;
    this.#limit = end;
    this.#fmt = format;
  }

  /** Code of the current option. */
  get code(): number {
    return this.#code;
  }

  /** Absolute offset of the current option's value. */
  get valueStart(): number {
    return this.#valueStart;
  }

  /** Absolute offset one past the current option's value. */
  get valueEnd(): number {
    return this.#valueEnd;
  }

  /** Offset of the End marker once the walk has met it, else -1. */
  get endMarker(): number {
    return this.#endMarker;
  }

  /** Options visited so far. */
  get count(): number {
    return this.#count;
  }

  /** Moves to the next option; false at the end of the range or after an End marker. */
  next(): boolean {
    if (this.#done) return false;
    const b = this.#bytes;
    const f = this.#fmt;
    const limit = this.#limit;
    let p = this.#pos;
    for (;;) {
      if (p >= limit) {
        this.#pos = p;
        this.#done = true;
        return false;
      }
      if (p + f.codeBytes > limit) throw new WireError(WireErrorCode.Truncated, p, `${f.field}.code`);
      const code = f.codeBytes === 1 ? b[p]! : (b[p]! << 8) | b[p + 1]!;
      if (code === f.pad) {
        p += f.codeBytes;
        continue;
      }
      if (code === f.end) {
        this.#endMarker = p;
        this.#pos = p + f.codeBytes;
        this.#done = true;
        return false;
      }
      if (this.#count >= f.maxCount) {
        throw new WireError(WireErrorCode.Limit, p, `${f.field}.count`, `more than ${f.maxCount} options`);
      }
      const lenAt = p + f.codeBytes;
      if (lenAt + f.lenBytes > limit) throw new WireError(WireErrorCode.Truncated, lenAt, `${f.field}[${code}].length`);
      const len = f.lenBytes === 1 ? b[lenAt]! : (b[lenAt]! << 8) | b[lenAt + 1]!;
      const valueStart = lenAt + f.lenBytes;
      if (len > limit - valueStart) {
        throw new WireError(WireErrorCode.Truncated, lenAt, `${f.field}[${code}].length`, `${len} bytes, ${limit - valueStart} left`);
      }
      this.#count++;
      this.#code = code;
      this.#valueStart = valueStart;
      this.#valueEnd = valueStart + len;
      this.#pos = valueStart + len;
      return true;
    }
  }
}

/** Called once per option with absolute offsets of its value in the walked buffer. */
export type TlvVisitor = (code: number, valueStart: number, valueEnd: number) => void;

/**
 * Visits every option in bytes[start..end) in wire order, duplicates included (RFC 3396
 * concatenation is the codec's business). Returns the offset of the End marker, or `end`
 * when the range ran out without one.
 */
export function walkTlv(bytes: Uint8Array, start: number, end: number, format: TlvFormat, visit: TlvVisitor): number {
  const c = new TlvCursor(bytes, start, end, format);
  while (c.next()) visit(c.code, c.valueStart, c.valueEnd);
  return c.endMarker === -1 ? end : c.endMarker;
}
