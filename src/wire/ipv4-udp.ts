// IPv4 + UDP headers, for the raw-socket path (IP_HDRINCL replies, raw receives).
//
// RFC 791 §3.1, Internet Header Format:
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |Version|  IHL  |Type of Service|          Total Length         |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |         Identification        |Flags|      Fragment Offset    |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |  Time to Live |    Protocol   |         Header Checksum       |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                       Source Address                          |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                    Destination Address                        |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                    Options                    |    Padding    |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// RFC 768, User Datagram Header Format:
//
//     0      7 8     15 16    23 24    31
//    +--------+--------+--------+--------+
//    |     Source      |   Destination   |
//    |      Port       |      Port       |
//    +--------+--------+--------+--------+
//    |                 |                 |
//    |     Length      |    Checksum     |
//    +--------+--------+--------+--------+
//    |
//    |          data octets ...
//    +---------------- ...
//
// Addresses are unsigned 32-bit numbers (addr.ts formatIPv4/parseIPv4). The decoded payload
// is a subarray of the received buffer: copy what must outlive the handler call.

import { internetChecksum, ipv4PseudoHeaderSum, IpProtocol, udpChecksumIPv4 } from './checksum.ts';
import { EncodeError, EncodeErrorCode, WireError, WireErrorCode } from './errors.ts';
import type { Writer } from './writer.ts';

/** Byte offsets of the fixed IPv4 header (RFC 791 §3.1), then of UDP relative to its start. */
const ip = {
  VER_IHL: 0,
  TOS: 1,
  TOTAL_LENGTH: 2,
  ID: 4,
  FLAGS_FRAG: 6,
  TTL: 8,
  PROTOCOL: 9,
  CHECKSUM: 10,
  SRC: 12,
  DST: 16,
} as const;
const udp = { SRC_PORT: 0, DST_PORT: 2, LENGTH: 4, CHECKSUM: 6 } as const;

export const IPV4_HEADER_LENGTH = 20; // RFC 791: IHL 5, no options
export const UDP_HEADER_LENGTH = 8; // RFC 768
const IPV4_VERSION = 4;
const IPV4_MAX_LENGTH = 0xffff; // RFC 791: Total Length is 16 bits
const FLAG_DF = 0x4000; // RFC 791: bit 1 of Flags, "Don't Fragment"
const FLAG_MF = 0x2000; // RFC 791: bit 2 of Flags, "More Fragments"
const FRAG_OFFSET_MASK = 0x1fff;
const DEFAULT_TTL = 64; // RFC 1700 recommended default

/** A decoded IPv4 packet carrying UDP. Field names follow RFC 791 and RFC 768. */
export interface Ipv4UdpDatagram {
  /** Type of Service / DSCP+ECN byte. */
  readonly tos: number;
  /** Total Length: header plus data, in octets. */
  readonly totalLength: number;
  /** Identification. */
  readonly id: number;
  /** The 3 Flags bits (0b010 = Don't Fragment). */
  readonly flags: number;
  readonly dontFragment: boolean;
  readonly ttl: number;
  /** Always 17 (UDP); anything else is rejected. */
  readonly protocol: number;
  readonly src: number;
  readonly dst: number;
  /** IPv4 options (IHL > 5), zero-copy; empty when there are none. */
  readonly options: Uint8Array;
  readonly srcPort: number;
  readonly dstPort: number;
  /** UDP Length: header plus payload. */
  readonly udpLength: number;
  /** UDP Checksum as received; 0 means the sender computed none. */
  readonly udpChecksum: number;
  /** UDP data, zero-copy. */
  readonly payload: Uint8Array;
}

export interface DecodeIpv4UdpOptions {
  /**
   * Check the UDP checksum when the sender set one. Off by default: a datagram from a local
   * socket through a veth pair can carry a partial checksum (CHECKSUM_PARTIAL, completed by
   * hardware that is never reached), and the kernel does not fix it up for raw receivers.
   */
  readonly verifyUdpChecksum?: boolean;
}

/**
 * Decodes an IPv4 header and the UDP header behind it. Bytes after Total Length (link-layer
 * padding) are ignored. Throws WireError only.
 */
export function decodeIpv4Udp(buf: Uint8Array, opts: DecodeIpv4UdpOptions = {}): Ipv4UdpDatagram {
  if (buf.length < IPV4_HEADER_LENGTH) throw new WireError(WireErrorCode.Truncated, 0, 'ipv4.header');
  const verIhl = buf[ip.VER_IHL]!;
  if (verIhl >> 4 !== IPV4_VERSION) throw new WireError(WireErrorCode.Malformed, ip.VER_IHL, 'ipv4.version');
  const headerLength = (verIhl & 0x0f) * 4;
  if (headerLength < IPV4_HEADER_LENGTH) throw new WireError(WireErrorCode.Malformed, ip.VER_IHL, 'ipv4.ihl');
  if (headerLength > buf.length) throw new WireError(WireErrorCode.Truncated, IPV4_HEADER_LENGTH, 'ipv4.options');
  const totalLength = u16(buf, ip.TOTAL_LENGTH);
  if (totalLength < headerLength + UDP_HEADER_LENGTH) {
    throw new WireError(WireErrorCode.Malformed, ip.TOTAL_LENGTH, 'ipv4.totalLength');
  }
  if (totalLength > buf.length) throw new WireError(WireErrorCode.Truncated, buf.length, 'ipv4.totalLength');
  // RFC 1071 §1 (4): summing a header that includes its correct checksum gives zero.
  if (internetChecksum(buf, 0, headerLength) !== 0) {
    throw new WireError(WireErrorCode.Malformed, ip.CHECKSUM, 'ipv4.checksum');
  }
  const protocol = buf[ip.PROTOCOL]!;
  if (protocol !== IpProtocol.UDP) throw new WireError(WireErrorCode.Malformed, ip.PROTOCOL, 'ipv4.protocol');
  const flagsFrag = u16(buf, ip.FLAGS_FRAG);
  // A fragment is not a whole UDP datagram; raw IP sockets get reassembled packets anyway.
  if ((flagsFrag & FLAG_MF) !== 0 || (flagsFrag & FRAG_OFFSET_MASK) !== 0) {
    throw new WireError(WireErrorCode.Malformed, ip.FLAGS_FRAG, 'ipv4.fragment');
  }
  const src = u32(buf, ip.SRC);
  const dst = u32(buf, ip.DST);

  const u = headerLength;
  const udpLength = u16(buf, u + udp.LENGTH);
  // RFC 768: Length counts header and data, so it is at least 8 and within the IP data.
  if (udpLength < UDP_HEADER_LENGTH || udpLength > totalLength - headerLength) {
    throw new WireError(WireErrorCode.Malformed, u + udp.LENGTH, 'udp.length');
  }
  const udpChecksum = u16(buf, u + udp.CHECKSUM);
  if (opts.verifyUdpChecksum === true && udpChecksum !== 0) {
    const pseudo = ipv4PseudoHeaderSum(src, dst, IpProtocol.UDP, udpLength);
    if (internetChecksum(buf, u, u + udpLength, pseudo) !== 0) {
      throw new WireError(WireErrorCode.Malformed, u + udp.CHECKSUM, 'udp.checksum');
    }
  }
  return {
    tos: buf[ip.TOS]!,
    totalLength,
    id: u16(buf, ip.ID),
    flags: flagsFrag >>> 13,
    dontFragment: (flagsFrag & FLAG_DF) !== 0,
    ttl: buf[ip.TTL]!,
    protocol,
    src,
    dst,
    options: buf.subarray(IPV4_HEADER_LENGTH, headerLength),
    srcPort: u16(buf, u + udp.SRC_PORT),
    dstPort: u16(buf, u + udp.DST_PORT),
    udpLength,
    udpChecksum,
    payload: buf.subarray(u + UDP_HEADER_LENGTH, u + udpLength),
  };
}

/** What encodeIpv4Udp needs; optional fields default to TTL 64, id 0, TOS 0, DF clear. */
export interface Ipv4UdpHeader {
  readonly src: number;
  readonly dst: number;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly ttl?: number;
  readonly id?: number;
  readonly tos?: number;
  readonly dontFragment?: boolean;
}

/** Bytes encodeIpv4Udp writes for a payload of `payloadLength`. */
export function ipv4UdpByteLength(payloadLength: number): number {
  return IPV4_HEADER_LENGTH + UDP_HEADER_LENGTH + payloadLength;
}

/**
 * Writes a 20-byte IPv4 header (no options), the UDP header and `payload`, with both
 * checksums filled in. Every header byte is written, so a dirty pooled buffer is fine.
 */
export function encodeIpv4Udp(w: Writer, h: Ipv4UdpHeader, payload: Uint8Array): void {
  const totalLength = ipv4UdpByteLength(payload.length);
  if (totalLength > IPV4_MAX_LENGTH) {
    throw new EncodeError(EncodeErrorCode.Value, 'ipv4.totalLength', `${totalLength} > ${IPV4_MAX_LENGTH}`);
  }
  const start = w.offset;
  w.u8((IPV4_VERSION << 4) | (IPV4_HEADER_LENGTH / 4), 'ipv4.version');
  w.u8(h.tos ?? 0, 'ipv4.tos');
  w.u16(totalLength, 'ipv4.totalLength');
  w.u16(h.id ?? 0, 'ipv4.id');
  w.u16(h.dontFragment === true ? FLAG_DF : 0, 'ipv4.flags');
  w.u8(h.ttl ?? DEFAULT_TTL, 'ipv4.ttl');
  w.u8(IpProtocol.UDP, 'ipv4.protocol');
  w.u16(0, 'ipv4.checksum');
  w.u32(h.src, 'ipv4.src');
  w.u32(h.dst, 'ipv4.dst');
  w.patchU16(start + ip.CHECKSUM, internetChecksum(w.buffer, start, start + IPV4_HEADER_LENGTH), 'ipv4.checksum');

  const u = w.offset;
  w.u16(h.srcPort, 'udp.srcPort');
  w.u16(h.dstPort, 'udp.dstPort');
  w.u16(UDP_HEADER_LENGTH + payload.length, 'udp.length');
  w.u16(0, 'udp.checksum');
  w.bytes(payload, 'udp.payload');
  w.patchU16(u + udp.CHECKSUM, udpChecksumIPv4(h.src, h.dst, w.buffer, u, w.offset), 'udp.checksum');
}

// Callers have checked the length; these only read.
function u16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}
