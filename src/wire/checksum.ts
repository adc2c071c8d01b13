// The Internet checksum (RFC 1071) and the UDP-over-IPv4 checksum (RFC 768).
//
// RFC 1071 §1: sum adjacent octet pairs as 16-bit one's-complement integers, then take the
// one's complement of the sum. Carries are kept in a plain number and folded once at the end
// (§4.1's "fold 32-bit sum to 16 bits"); 2^37 words fit before a double loses precision.

/**
 * Unfolded one's-complement sum of bytes[start..end) as big-endian 16-bit words, added to
 * `initial`. An odd trailing byte is padded with a zero on the right (RFC 1071 §4.1). Chain
 * sums only over even-length ranges, or the word alignment of the next range shifts.
 */
export function onesComplementSum(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  if (!(start >= 0 && start <= end && end <= bytes.length)) {
    throw new RangeError(`checksum range ${start}..${end} outside buffer of ${bytes.length}`);
  }
  let sum = initial;
  const last = end - ((end - start) & 1);
  for (let i = start; i < last; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (last !== end) sum += bytes[last]! << 8;
  return sum;
}

/** Folds carries into 16 bits and complements: the value that goes in a checksum field. */
export function finishChecksum(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

/**
 * RFC 1071 checksum of bytes[start..end), optionally continuing a partial sum (a pseudo-header).
 * Over a range that already contains a correct checksum field the result is 0 (§1 (4)).
 */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  return finishChecksum(onesComplementSum(bytes, start, end, initial));
}

/** Protocol numbers from the IANA registry, for the pseudo-header. */
export const IpProtocol = {
  UDP: 17, // RFC 768
} as const;

/**
 * Partial sum of the RFC 768 pseudo-header: source address, destination address, zero,
 * protocol, UDP length (all 12 bytes, so chaining stays word-aligned).
 */
export function ipv4PseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
}

/**
 * The UDP checksum of the datagram bytes[start..end) (header with a zero checksum field,
 * then payload) sent from `src` to `dst`. RFC 768: "If the computed checksum is zero, it is
 * transmitted as all ones"; zero on the wire means "no checksum".
 */
export function udpChecksumIPv4(src: number, dst: number, bytes: Uint8Array, start = 0, end = bytes.length): number {
  const pseudo = ipv4PseudoHeaderSum(src, dst, IpProtocol.UDP, end - start);
  const c = internetChecksum(bytes, start, end, pseudo);
  return c === 0 ? 0xffff : c;
}
