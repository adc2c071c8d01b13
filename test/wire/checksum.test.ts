import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  finishChecksum,
  internetChecksum,
  ipv4PseudoHeaderSum,
  onesComplementSum,
  udpChecksumIPv4,
} from '../../src/wire/checksum.ts';
import { parseAnnotatedHex } from '../support/hex.ts';

// RFC 1071 §3, "Numerical Examples": bytes 00 01 f2 03 f4 f5 f6 f7 sum to 2ddf0,
// which folds to ddf2; the checksum is its complement, 220d.
const RFC1071_EXAMPLE = Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7);

describe('RFC 1071 internet checksum', () => {
  test('the §3 numerical example: sum 2ddf0, folded ddf2, checksum 220d', () => {
    assert.equal(onesComplementSum(RFC1071_EXAMPLE), 0x2ddf0);
    assert.equal(finishChecksum(0x2ddf0), 0x220d);
    assert.equal(internetChecksum(RFC1071_EXAMPLE), 0x220d);
  });

  test('data followed by its checksum sums to zero (§1 (4))', () => {
    const withSum = Uint8Array.of(...RFC1071_EXAMPLE, 0x22, 0x0d);
    assert.equal(internetChecksum(withSum), 0);
  });

  test('byte order independence (§2 (B)): swapping every pair swaps the sum', () => {
    const swapped = Uint8Array.of(0x01, 0x00, 0x03, 0xf2, 0xf5, 0xf4, 0xf7, 0xf6);
    assert.equal(internetChecksum(swapped), 0x0d22);
  });

  const cases: ReadonlyArray<{ name: string; bytes: number[]; start?: number; end?: number; want: number }> = [
    { name: 'an empty range is the complement of zero', bytes: [], want: 0xffff },
    { name: 'an odd trailing byte is padded on the right', bytes: [0x12, 0x34, 0x56], want: ~(0x1234 + 0x5600) & 0xffff },
    { name: 'a lone byte is the high half of a word', bytes: [0x01], want: 0xfeff },
    { name: 'carries wrap around (ffff + 0001 = 0001)', bytes: [0xff, 0xff, 0x00, 0x01], want: 0xfffe },
    { name: 'a sub-range ignores bytes around it', bytes: [0xaa, 0x00, 0x01, 0xf2, 0x03, 0xbb], start: 1, end: 5, want: ~(0x0001 + 0xf203) & 0xffff },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const b = Uint8Array.from(c.bytes);
      assert.equal(internetChecksum(b, c.start ?? 0, c.end ?? b.length), c.want);
    });
  }

  test('a partial sum chains: sum(a) then sum(b, initial) equals sum(a ++ b)', () => {
    const a = RFC1071_EXAMPLE.subarray(0, 4);
    const b = RFC1071_EXAMPLE.subarray(4);
    assert.equal(internetChecksum(b, 0, b.length, onesComplementSum(a)), 0x220d);
  });

  test('a range outside the buffer is a RangeError (a caller bug, not input)', () => {
    assert.throws(() => internetChecksum(RFC1071_EXAMPLE, 0, 9), RangeError);
    assert.throws(() => internetChecksum(RFC1071_EXAMPLE, 5, 4), RangeError);
  });
});

describe('RFC 768 UDP checksum over IPv4', () => {
  test('the pseudo-header sum adds address halves, protocol and length', () => {
    // 192.168.0.1 -> 255.255.255.255, UDP, length 21
    assert.equal(ipv4PseudoHeaderSum(0xc0a80001, 0xffffffff, 17, 21), 0xc0a8 + 0x0001 + 0xffff + 0xffff + 17 + 21);
  });

  test('matches the independently computed checksum of the golden datagram (0x4d7f)', () => {
    // UDP part of test/fixtures/wire/ipv4-udp-golden.hex with its checksum field zeroed.
    const udp = parseAnnotatedHex(`
      0043 0044 0015 0000          ; ports 67 -> 68, length 21, checksum 0
      636f7265736d6400 68656c6c6f  ; "coresmd\\0hello"
    `);
    assert.equal(udpChecksumIPv4(0xc0a80001, 0xffffffff, udp), 0x4d7f);
  });

  test('a computed zero is sent as ffff (RFC 768: zero means "no checksum")', () => {
    // 10.0.0.1:1000 -> 10.0.0.2:2000, "zero" and a word chosen (python3 one-off) so the sum is ffff.
    const udp = parseAnnotatedHex(`
      03e8 07d0 000e 0000  ; ports 1000 -> 2000, length 14, checksum 0
      7a65726f f342        ; "zero", balancing word
    `);
    assert.equal(internetChecksum(udp, 0, udp.length, ipv4PseudoHeaderSum(0x0a000001, 0x0a000002, 17, 14)), 0);
    assert.equal(udpChecksumIPv4(0x0a000001, 0x0a000002, udp), 0xffff);
  });
});
