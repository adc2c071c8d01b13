// checkValidNetmask (internal/rule), spec §3.7 M: a mask is valid when its first 32 bits are
// contiguous ones. Only the first 4 bytes are looked at, even for a 16-byte mask.

export function checkValidNetmask(mask: Uint8Array): boolean {
  const first = (((mask[0] ?? 0) << 24) | ((mask[1] ?? 0) << 16) | ((mask[2] ?? 0) << 8) | (mask[3] ?? 0)) >>> 0;
  const x = ~first >>> 0;
  // A contiguous mask inverted is 2^k - 1, so x + 1 shares no bit with x.
  return ((x + 1) & x) >>> 0 === 0;
}

/** The mask bytes Go's net.CIDRMask(ones, bits) would give, for option encoding and tests. */
export function maskBytes(bits: 32 | 128, ones: number): Uint8Array {
  const out = new Uint8Array(bits / 8);
  for (let i = 0; i < out.length; i++) {
    const n = Math.max(0, Math.min(8, ones - i * 8));
    out[i] = (0xff << (8 - n)) & 0xff;
  }
  return out;
}
