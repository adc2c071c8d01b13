// The DNS message header (RFC 1035 §4.1.1), with AD and CD taken from Z (RFC 4035 §3.2):
//
//                                     1  1  1  1  1  1
//       0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
//     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//     |                      ID                       |
//     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//     |QR|   Opcode  |AA|TC|RD|RA| Z|AD|CD|   RCODE   |
//     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//     |                    QDCOUNT                    |
//     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//     |                    ANCOUNT                    |
//     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//     |                    NSCOUNT                    |
//     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//     |                    ARCOUNT                    |
//     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//
// Two shapes (house style §5.2): `DnsHeaderView`, cheap getters over the 12 received bytes
// whose length is checked once, and `DnsHeader`, the plain model an encoder writes.

import { EncodeError, EncodeErrorCode, WireError, WireErrorCode } from '../wire/errors.ts';
import type { Writer } from '../wire/writer.ts';
import { DnsFlag, DnsOpcode } from './constants.ts';

/** RFC 1035 §4.1.1: six 16-bit fields. */
export const DNS_HEADER_LENGTH = 12;

// Offsets of the fields, for views and for patching counts after the sections are written.
const ID = 0;
const FLAGS = 2;
const QDCOUNT = 4;
const ANCOUNT = 6;
const NSCOUNT = 8;
const ARCOUNT = 10;

const OPCODE_SHIFT = 11;
const OPCODE_MASK = 0xf;
const RCODE_MASK = 0xf;

/** Zero-copy accessor for the fixed header at the start of `buf`. */
export class DnsHeaderView {
  readonly #buf: Uint8Array;

  /** Throws WireError(ERR_WIRE_TRUNCATED) when `buf` is shorter than 12 bytes. */
  constructor(buf: Uint8Array) {
    if (buf.length < DNS_HEADER_LENGTH) throw new WireError(WireErrorCode.Truncated, buf.length, 'header');
    this.#buf = buf;
  }

  #u16(at: number): number {
    return (this.#buf[at]! << 8) | this.#buf[at + 1]!;
  }

  get id(): number {
    return this.#u16(ID);
  }
  /** The whole second word: QR, Opcode, AA, TC, RD, RA, Z, AD, CD, RCODE. */
  get flags(): number {
    return this.#u16(FLAGS);
  }
  get qr(): boolean {
    return (this.flags & DnsFlag.QR) !== 0;
  }
  get opcode(): number {
    return (this.flags >> OPCODE_SHIFT) & OPCODE_MASK;
  }
  get aa(): boolean {
    return (this.flags & DnsFlag.AA) !== 0;
  }
  get tc(): boolean {
    return (this.flags & DnsFlag.TC) !== 0;
  }
  get rd(): boolean {
    return (this.flags & DnsFlag.RD) !== 0;
  }
  get ra(): boolean {
    return (this.flags & DnsFlag.RA) !== 0;
  }
  get z(): boolean {
    return (this.flags & DnsFlag.Z) !== 0;
  }
  get ad(): boolean {
    return (this.flags & DnsFlag.AD) !== 0;
  }
  get cd(): boolean {
    return (this.flags & DnsFlag.CD) !== 0;
  }
  /** The low 4 bits only; EDNS may carry the upper 8 (RFC 6891 §6.1.3). */
  get rcode(): number {
    return this.flags & RCODE_MASK;
  }
  get qdcount(): number {
    return this.#u16(QDCOUNT);
  }
  get ancount(): number {
    return this.#u16(ANCOUNT);
  }
  get nscount(): number {
    return this.#u16(NSCOUNT);
  }
  get arcount(): number {
    return this.#u16(ARCOUNT);
  }
}

/**
 * Header fields of a message model. Counts are not stored: the encoder derives them from the
 * sections. `rcode` is the full 12-bit value (header bits plus the EDNS extension).
 */
export interface DnsHeader {
  readonly id: number;
  /** QR: true in responses. */
  readonly qr: boolean;
  readonly opcode: number;
  /** AA: authoritative answer. */
  readonly aa: boolean;
  /** TC: truncated. The encoder also sets it when a reply does not fit. */
  readonly tc: boolean;
  /** RD: recursion desired. */
  readonly rd: boolean;
  /** RA: recursion available. */
  readonly ra: boolean;
  /** Z: reserved; kept so a decoded message re-encodes to the same bytes. */
  readonly z: boolean;
  /** AD: authentic data (RFC 4035 §3.2.3). */
  readonly ad: boolean;
  /** CD: checking disabled (RFC 4035 §3.2.2). */
  readonly cd: boolean;
  readonly rcode: number;
}

/** The model of a received header; `rcode` holds only the 4 header bits. */
export function decodeHeader(view: DnsHeaderView): DnsHeader {
  const f = view.flags;
  return {
    id: view.id,
    qr: (f & DnsFlag.QR) !== 0,
    opcode: (f >> OPCODE_SHIFT) & OPCODE_MASK,
    aa: (f & DnsFlag.AA) !== 0,
    tc: (f & DnsFlag.TC) !== 0,
    rd: (f & DnsFlag.RD) !== 0,
    ra: (f & DnsFlag.RA) !== 0,
    z: (f & DnsFlag.Z) !== 0,
    ad: (f & DnsFlag.AD) !== 0,
    cd: (f & DnsFlag.CD) !== 0,
    rcode: f & RCODE_MASK,
  };
}

/** The second header word for `h`, with only the low 4 bits of its RCODE. */
export function headerFlags(h: DnsHeader): number {
  if ((h.opcode & OPCODE_MASK) !== h.opcode) {
    throw new EncodeError(EncodeErrorCode.Value, 'header.opcode', `${h.opcode} is not 4 bits`);
  }
  return (
    (h.qr ? DnsFlag.QR : 0) |
    (h.opcode << OPCODE_SHIFT) |
    (h.aa ? DnsFlag.AA : 0) |
    (h.tc ? DnsFlag.TC : 0) |
    (h.rd ? DnsFlag.RD : 0) |
    (h.ra ? DnsFlag.RA : 0) |
    (h.z ? DnsFlag.Z : 0) |
    (h.ad ? DnsFlag.AD : 0) |
    (h.cd ? DnsFlag.CD : 0) |
    (h.rcode & RCODE_MASK)
  );
}

/**
 * Writes ID, flags and four zero counts; returns the absolute offset of the header so the
 * message encoder can patch flags (TC) and counts once the sections are written.
 */
export function encodeHeader(w: Writer, h: DnsHeader, flags: number): number {
  const at = w.offset;
  w.u16(h.id, 'header.id');
  w.u16(flags, 'header.flags');
  w.zeros(8, 'header.counts');
  return at;
}

/** Overwrites the flags word of a header written at `at`. */
export function patchHeaderFlags(w: Writer, at: number, flags: number): void {
  w.patchU16(at + FLAGS, flags, 'header.flags');
}

/** Overwrites the four counts of a header written at `at`. */
export function patchHeaderCounts(w: Writer, at: number, qd: number, an: number, ns: number, ar: number): void {
  w.patchU16(at + QDCOUNT, qd, 'header.qdcount');
  w.patchU16(at + ANCOUNT, an, 'header.ancount');
  w.patchU16(at + NSCOUNT, ns, 'header.nscount');
  w.patchU16(at + ARCOUNT, ar, 'header.arcount');
}

//------------ Accept filter ----------------------------------------------------

/**
 * What a server does with a datagram after looking at its header only:
 * - `ok`: decode it and answer;
 * - `formerr` / `notimp`: answer with that RCODE without decoding the body;
 * - `drop`: stay silent ("Let client hang, they are sending crap; any reply can be used to
 *   amplify", miekg/dns `server.go`).
 */
export type DnsPeekVerdict = 'ok' | 'formerr' | 'notimp' | 'drop';

/**
 * The header-only accept filter of miekg/dns (`defaultMsgAcceptFunc` in `acceptfunc.go`), which
 * CoreDNS runs before any plugin sees a message.
 */
export function peekDnsQuery(buf: Uint8Array): DnsPeekVerdict {
  // No header: nothing to address a reply to (miekg server.go drops on unpackMsgHdr failure).
  if (buf.length < DNS_HEADER_LENGTH) return 'drop';
  const h = new DnsHeaderView(buf);
  // A response arriving at a server: answering could start DNS ping-pong between two servers.
  if (h.qr) return 'drop';
  // miekg: "Don't allow dynamic updates, because then the sections can contain a whole bunch of RRs."
  if (h.opcode !== DnsOpcode.QUERY && h.opcode !== DnsOpcode.NOTIFY) return 'notimp';
  if (h.qdcount !== 1) return 'formerr';
  // NOTIFY may carry one SOA in the answer section (RFC 1996 §3.7).
  if (h.ancount > 1) return 'formerr';
  // An IXFR request carries one SOA in the authority section (RFC 1995 §3).
  if (h.nscount > 1) return 'formerr';
  // OPT plus TSIG at most.
  if (h.arcount > 2) return 'formerr';
  return 'ok';
}
