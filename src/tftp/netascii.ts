// netascii (RFC 1350 §1 and §5: ASCII "with the modifications specified in" the Telnet protocol).
// RFC 764, the Telnet NVT: a carriage return must be followed by LF or NUL, so local text goes
// on the wire as
//
//     LF  →  CR LF      (end of line)
//     CR  →  CR NUL     (a bare carriage return)
//
// the rule tftpd-hpa's and BSD tftpd's `readit` and pin/tftp's `netascii` package apply.
//
// Each source byte converts on its own, so a source can be fed in chunks of any size without
// state. The output side can split a pair: when a block has room for the CR but not for the LF
// or NUL after it, the CR ends that DATA block and the second byte opens the next one. That byte
// is the carry, passed explicitly from one call to the next:
//
//     const a = encodeNetascii(src, block1, NETASCII_NO_CARRY);     // block1 ends with CR
//     const b = encodeNetascii(src.subarray(a.read), block2, a.carry); // block2 starts with LF
//
// A transfer is complete only when the source is exhausted *and* the carry is NETASCII_NO_CARRY.

const NUL = 0x00;
const LF = 0x0a;
const CR = 0x0d;

/** No byte owed to the next block. */
export const NETASCII_NO_CARRY = -1;

/** The second byte of a CR pair still owed to the next output (LF or NUL), or NETASCII_NO_CARRY. */
export type NetasciiCarry = typeof NETASCII_NO_CARRY | typeof LF | typeof NUL;

export interface NetasciiEncodeStep {
  /** Source bytes consumed. */
  readonly read: number;
  /** Bytes written to the output, the carry of the previous call included. */
  readonly written: number;
  /** What the next call must write first. */
  readonly carry: NetasciiCarry;
}

/**
 * Converts local text in `src` to netascii in `dst`, as far as `dst` has room: first the carry
 * of the previous call, then `src` from its start. Allocates nothing but the result object.
 */
export function encodeNetascii(src: Uint8Array, dst: Uint8Array, carry: NetasciiCarry): NetasciiEncodeStep {
  const room = dst.length;
  let o = 0;
  if (carry !== NETASCII_NO_CARRY) {
    if (room === 0) return { read: 0, written: 0, carry };
    dst[o++] = carry;
  }
  let i = 0;
  while (i < src.length && o < room) {
    const c = src[i++]!;
    if (c === LF || c === CR) {
      dst[o++] = CR;
      const second = c === LF ? LF : NUL;
      // The pair is split across blocks: the CR ends this one, `second` opens the next.
      if (o === room) return { read: i, written: o, carry: second };
      dst[o++] = second;
    } else {
      dst[o++] = c;
    }
  }
  return { read: i, written: o, carry: NETASCII_NO_CARRY };
}

/**
 * Octets `local` takes on the wire as netascii: one more for every LF and every CR. Additive over
 * chunks, so the tsize of a netascii transfer (RFC 2349) is the sum over the file's chunks.
 */
export function netasciiByteLength(local: Uint8Array): number {
  let n = local.length;
  for (let i = 0; i < local.length; i++) {
    const c = local[i]!;
    if (c === LF || c === CR) n++;
  }
  return n;
}

export interface NetasciiDecodeStep {
  readonly read: number;
  readonly written: number;
  /** The last byte read was a CR whose meaning depends on the next byte. */
  readonly pendingCr: boolean;
}

/**
 * The reverse, netascii in `src` to local text in `dst` (CR LF → LF, CR NUL → CR), for a client
 * and for tests. A CR at the end of `src` is held in `pendingCr` for the next call; a CR followed
 * by anything else is kept as a CR (lenient: RFC 764 forbids it, old senders produce it). At the
 * end of the stream a still pending CR stands for itself: the caller appends 0x0d.
 */
export function decodeNetascii(src: Uint8Array, dst: Uint8Array, pendingCr: boolean): NetasciiDecodeStep {
  const room = dst.length;
  let i = 0;
  let o = 0;
  let cr = pendingCr;
  while (i < src.length) {
    const c = src[i]!;
    if (cr) {
      if (o === room) break;
      if (c === LF) {
        dst[o++] = LF;
        i++;
      } else if (c === NUL) {
        dst[o++] = CR;
        i++;
      } else {
        dst[o++] = CR; // bare CR; `c` is read again below on the next turn
      }
      cr = false;
      continue;
    }
    if (c === CR) {
      cr = true;
      i++;
      continue;
    }
    if (o === room) break;
    dst[o++] = c;
    i++;
  }
  return { read: i, written: o, pendingCr: cr };
}
