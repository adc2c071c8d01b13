// EDNS(0): the OPT pseudo-record (RFC 6891 §6.1), which rides in the additional section.
//
// RFC 6891 §6.1.2, the fixed part (an ordinary RR header with fields reused):
//
//     NAME     domain name    MUST be 0 (root domain)
//     TYPE     u_int16_t      OPT (41)
//     CLASS    u_int16_t      requestor's UDP payload size
//     TTL      u_int32_t      extended RCODE and flags
//     RDLEN    u_int16_t      length of all RDATA
//     RDATA    octet stream   {attribute,value} pairs
//
// RFC 6891 §6.1.3, the TTL field:
//
//                 +0 (MSB)                            +1 (LSB)
//      +---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
//   0: |         EXTENDED-RCODE        |            VERSION            |
//      +---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
//   2: | DO|                           Z                               |
//      +---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
//
// RFC 6891 §6.1.2, each option in RDATA:
//
//                 +0 (MSB)                            +1 (LSB)
//      +---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
//   0: |                          OPTION-CODE                          |
//      +---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
//   2: |                         OPTION-LENGTH                         |
//      +---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
//   4: /                          OPTION-DATA                          /
//      +---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
//
// The extended RCODE is not part of the model here: the message model holds the full 12-bit
// RCODE, and the message codec splits it between the header and this record.

import type { Reader } from '../wire/reader.ts';
import type { Writer } from '../wire/writer.ts';
import { DnsType } from './constants.ts';

/** An EDNS option kept as bytes, whatever its code (miekg/dns `EDNS0_LOCAL`). */
export interface DnsEdnsOption {
  readonly code: number;
  /** A copy, not a view of the datagram. */
  readonly data: Uint8Array;
}

export interface DnsEdns {
  /** Requestor's UDP payload size from CLASS; values below 512 read as 512 (RFC 6891 §6.2.3). */
  readonly udpPayloadSize: number;
  /** RFC 6891 §6.1.3: 0 is the only version; a server answers others with BADVERS. */
  readonly version: number;
  /** DO, "DNSSEC answer OK" (RFC 3225 §3). */
  readonly dnssecOk: boolean;
  /** The 15 flag bits after DO ("Z", set to zero by senders, RFC 6891 §6.1.4), kept as read. */
  readonly z: number;
  /** In wire order, duplicates included. */
  readonly options: readonly DnsEdnsOption[];
}

/** RFC 1035 §2.3.4 / §4.2.1: the UDP message limit without EDNS, and EDNS's floor. */
export const DNS_UDP_MIN_PAYLOAD = 512;

/**
 * The largest UDP reply we send and the size we advertise. 1232 is the DNS Flag Day 2020 value
 * (also BIND 9.18's and the CoreDNS `bufsize` plugin's default): the IPv6 minimum MTU of 1280
 * less 40 octets of IPv6 and 8 of UDP header, so a reply never needs IP fragmentation, which is
 * lost on many paths and lets an off-path attacker splice forged fragments into a reply. Our
 * answers are one record, so a larger limit would buy nothing; bigger replies go over TCP.
 */
export const DNS_UDP_MAX_PAYLOAD = 1232;

/** OPT RR header: root name (1), TYPE, CLASS (2 + 2), TTL (4), RDLENGTH (2). */
export const OPT_FIXED_LENGTH = 11;

const DO_BIT = 0x8000; // RFC 3225 §3
const Z_MASK = 0x7fff;
const EXTENDED_RCODE_SHIFT = 24;
const VERSION_SHIFT = 16;
const HEADER_RCODE_BITS = 4;

/**
 * Decodes the OPT record whose CLASS and TTL have been read, from a reader over its RDATA.
 * Option lengths that overrun the RDATA are ERR_WIRE_TRUNCATED.
 */
export function decodeEdns(r: Reader, klass: number, ttl: number): DnsEdns {
  const options: DnsEdnsOption[] = [];
  // Bounded by RDLENGTH: every option takes at least 4 octets.
  while (!r.atEnd) {
    const code = r.u16('edns.option.code');
    const len = r.u16('edns.option.length');
    options.push({ code, data: new Uint8Array(r.bytes(len, 'edns.option.data')) });
  }
  const flags = ttl & 0xffff;
  return {
    // RFC 6891 §6.2.3: "Values lower than 512 MUST be treated as equal to 512."
    udpPayloadSize: Math.max(klass, DNS_UDP_MIN_PAYLOAD),
    version: (ttl >>> VERSION_SHIFT) & 0xff,
    dnssecOk: (flags & DO_BIT) !== 0,
    z: flags & Z_MASK,
    options,
  };
}

/** The full RCODE from the header's 4 bits and an OPT TTL (RFC 6891 §6.1.3). */
export function fullRcode(headerRcode: number, optTtl: number): number {
  return ((optTtl >>> EXTENDED_RCODE_SHIFT) << HEADER_RCODE_BITS) | headerRcode;
}

/** Writes a whole OPT record carrying the upper 8 bits of `rcode` (12 bits in all). */
export function encodeOpt(w: Writer, edns: DnsEdns, rcode: number): void {
  w.u8(0, 'edns.name'); // RFC 6891 §6.1.2: the root domain
  w.u16(DnsType.OPT, 'edns.type');
  w.u16(edns.udpPayloadSize, 'edns.udpPayloadSize');
  w.u8(rcode >>> HEADER_RCODE_BITS, 'edns.extendedRcode');
  w.u8(edns.version, 'edns.version');
  w.u16((edns.dnssecOk ? DO_BIT : 0) | (edns.z & Z_MASK), 'edns.flags');
  const len = w.reserveU16('edns.rdlength');
  for (const o of edns.options) {
    w.u16(o.code, 'edns.option.code');
    w.u16(o.data.length, 'edns.option.length');
    w.bytes(o.data, 'edns.option.data');
  }
  w.patchLength(len, 'edns.rdlength');
}

/** Octets encodeOpt writes for `edns`. */
export function optByteLength(edns: DnsEdns): number {
  let n = OPT_FIXED_LENGTH;
  for (const o of edns.options) n += 4 + o.data.length;
  return n;
}

/**
 * The most octets a UDP reply to a query may take: 512 without EDNS (RFC 1035 §4.2.1), else the
 * requestor's size, never below 512 and never above our own maximum (RFC 6891 §6.2.5).
 */
export function udpResponseLimit(queryEdns: DnsEdns | undefined, ourMax = DNS_UDP_MAX_PAYLOAD): number {
  if (queryEdns === undefined) return DNS_UDP_MIN_PAYLOAD;
  return Math.max(DNS_UDP_MIN_PAYLOAD, Math.min(queryEdns.udpPayloadSize, ourMax));
}
