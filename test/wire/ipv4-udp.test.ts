import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EncodeError, EncodeErrorCode, WireErrorCode } from '../../src/wire/errors.ts';
import { decodeIpv4Udp, encodeIpv4Udp, ipv4UdpByteLength } from '../../src/wire/ipv4-udp.ts';
import type { Ipv4UdpHeader } from '../../src/wire/ipv4-udp.ts';
import { Writer } from '../../src/wire/writer.ts';
import { loadHexFixture } from '../support/hex.ts';
import { wireErrorOf } from '../support/wire-error.ts';

const GOLDEN = loadHexFixture(new URL('../fixtures/wire/ipv4-udp-golden.hex', import.meta.url));
const GOLDEN_PAYLOAD = new TextEncoder().encode('coresmd\0hello');
const GOLDEN_HEADER: Ipv4UdpHeader = {
  src: 0xc0a80001,
  dst: 0xffffffff,
  srcPort: 67,
  dstPort: 68,
  ttl: 64,
  id: 0x1c46,
  dontFragment: true,
  tos: 0x10,
};

// A reference checksum written independently of src/wire/checksum.ts (DataView words, fold
// with >>> 16), used to re-seal headers after a mutation.
function refChecksum(b: Uint8Array, start: number, end: number, initial = 0): number {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let s = initial;
  let i = start;
  for (; i + 1 < end; i += 2) s += dv.getUint16(i);
  if (i < end) s += dv.getUint8(i) * 256;
  while (s >>> 16 !== 0) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

function resealIp(b: Uint8Array): Uint8Array {
  const ihl = (b[0]! & 0x0f) * 4;
  b[10] = 0;
  b[11] = 0;
  const c = refChecksum(b, 0, ihl);
  b[10] = c >> 8;
  b[11] = c & 0xff;
  return b;
}


describe('IPv4/UDP golden packet', () => {
  test('the fixture checksums verify with the reference implementation', () => {
    assert.equal(GOLDEN.length, 41);
    assert.equal(refChecksum(GOLDEN, 0, 20), 0, 'IPv4 header');
    const pseudo = 0xc0a8 + 0x0001 + 0xffff + 0xffff + 17 + 21;
    assert.equal(refChecksum(GOLDEN, 20, 41, pseudo), 0, 'UDP with pseudo-header');
  });

  test('decodes every field', () => {
    const p = decodeIpv4Udp(GOLDEN, { verifyUdpChecksum: true });
    const { payload, options, ...fields } = p;
    assert.deepEqual(fields, {
      tos: 0x10,
      totalLength: 41,
      id: 0x1c46,
      flags: 0b010,
      dontFragment: true,
      ttl: 64,
      protocol: 17,
      src: 0xc0a80001,
      dst: 0xffffffff,
      srcPort: 67,
      dstPort: 68,
      udpLength: 21,
      udpChecksum: 0x4d7f,
    });
    assert.deepEqual(payload, GOLDEN_PAYLOAD);
    assert.equal(options.length, 0);
    assert.equal(payload.buffer, GOLDEN.buffer, 'payload is a view, not a copy');
    assert.equal(payload.byteOffset, GOLDEN.byteOffset + 28);
  });

  test('encodes the golden bytes into a 0xa5-filled buffer', () => {
    const buf = new Uint8Array(64).fill(0xa5);
    const w = new Writer(buf);
    encodeIpv4Udp(w, GOLDEN_HEADER, GOLDEN_PAYLOAD);
    assert.deepEqual(w.finish(), GOLDEN);
    assert.equal(w.length, ipv4UdpByteLength(GOLDEN_PAYLOAD.length));
  });

  test('encodes at offset 10 of a larger buffer and touches nothing outside', () => {
    const buf = new Uint8Array(80).fill(0xa5);
    const w = new Writer(buf, 10, 41);
    encodeIpv4Udp(w, GOLDEN_HEADER, GOLDEN_PAYLOAD);
    assert.deepEqual(buf.subarray(10, 51), GOLDEN);
    assert.ok(buf.subarray(0, 10).every((b) => b === 0xa5));
    assert.ok(buf.subarray(51).every((b) => b === 0xa5));
  });

  test('defaults: TTL 64, id 0, TOS 0, DF clear', () => {
    const w = new Writer(new Uint8Array(64).fill(0xa5));
    encodeIpv4Udp(w, { src: 0x0a000001, dst: 0x0a000002, srcPort: 1, dstPort: 2 }, new Uint8Array(0));
    const p = decodeIpv4Udp(w.finish(), { verifyUdpChecksum: true });
    assert.equal(p.ttl, 64);
    assert.equal(p.id, 0);
    assert.equal(p.tos, 0);
    assert.equal(p.flags, 0);
    assert.equal(p.payload.length, 0);
  });
});

describe('IPv4/UDP round trip', () => {
  const headers: ReadonlyArray<{ name: string; h: Ipv4UdpHeader; payloadLength: number }> = [
    { name: 'DHCP offer to broadcast', h: GOLDEN_HEADER, payloadLength: 300 },
    { name: 'relay unicast, odd payload', h: { src: 0x0a0a0a01, dst: 0x0a140001, srcPort: 67, dstPort: 67, ttl: 1, id: 0xffff, tos: 0xff }, payloadLength: 333 },
    { name: 'empty payload, all-ones fields', h: { src: 0xffffffff, dst: 0, srcPort: 0xffff, dstPort: 0, ttl: 255, dontFragment: true }, payloadLength: 0 },
  ];
  for (const c of headers) {
    test(`${c.name}: decode(encode(x)) gives x back with valid checksums`, () => {
      const payload = Uint8Array.from({ length: c.payloadLength }, (_, i) => (i * 7 + 3) & 0xff);
      const w = new Writer(new Uint8Array(1500).fill(0xa5));
      encodeIpv4Udp(w, c.h, payload);
      const bytes = w.finish();
      assert.equal(refChecksum(bytes, 0, 20), 0);
      const p = decodeIpv4Udp(bytes, { verifyUdpChecksum: true });
      assert.deepEqual(
        { src: p.src, dst: p.dst, srcPort: p.srcPort, dstPort: p.dstPort, ttl: p.ttl, id: p.id, tos: p.tos, dontFragment: p.dontFragment },
        { ttl: 64, id: 0, tos: 0, dontFragment: false, ...c.h },
      );
      assert.deepEqual(p.payload, payload);
      assert.notEqual(p.udpChecksum, 0, 'a checksum is always sent');
    });
  }

  test('a UDP checksum that computes to zero is sent as ffff and still verifies', () => {
    // 10.0.0.1:1000 -> 10.0.0.2:2000 "zero" + f342: the one's-complement sum is ffff (python3 one-off).
    const w = new Writer(new Uint8Array(64).fill(0xa5));
    encodeIpv4Udp(w, { src: 0x0a000001, dst: 0x0a000002, srcPort: 1000, dstPort: 2000 }, Uint8Array.of(0x7a, 0x65, 0x72, 0x6f, 0xf3, 0x42));
    const bytes = w.finish();
    assert.deepEqual([...bytes.subarray(26, 28)], [0xff, 0xff]);
    assert.equal(decodeIpv4Udp(bytes, { verifyUdpChecksum: true }).udpChecksum, 0xffff);
  });

  test('IPv4 options (IHL 6) are returned as a view and skipped', () => {
    const b = new Uint8Array(45);
    b.set(GOLDEN.subarray(0, 20));
    b[0] = 0x46;
    b[3] = 45;
    b.set([0x01, 0x01, 0x01, 0x00], 20); // NOP, NOP, NOP, EOL
    b.set(GOLDEN.subarray(20), 24);
    const p = decodeIpv4Udp(resealIp(b), { verifyUdpChecksum: true });
    assert.deepEqual(p.options, Uint8Array.of(1, 1, 1, 0));
    assert.deepEqual(p.payload, GOLDEN_PAYLOAD);
  });

  test('bytes after Total Length (link padding) are ignored', () => {
    const b = new Uint8Array(60);
    b.set(GOLDEN);
    assert.deepEqual(decodeIpv4Udp(b).payload, GOLDEN_PAYLOAD);
  });

  test('a UDP checksum of 0 (none) is accepted even when verifying', () => {
    const b = Uint8Array.from(GOLDEN);
    b[26] = 0;
    b[27] = 0;
    assert.equal(decodeIpv4Udp(b, { verifyUdpChecksum: true }).udpChecksum, 0);
  });
});

describe('decodeIpv4Udp rejects', () => {
  const cases: ReadonlyArray<{ name: string; mutate: (b: Uint8Array) => Uint8Array; verify?: boolean; want: { code: string; offset: number; field: string } }> = [
    { name: 'fewer than 20 bytes', mutate: (b) => b.subarray(0, 19), want: { code: WireErrorCode.Truncated, offset: 0, field: 'ipv4.header' } },
    { name: 'an empty buffer', mutate: () => new Uint8Array(0), want: { code: WireErrorCode.Truncated, offset: 0, field: 'ipv4.header' } },
    { name: 'version 6', mutate: (b) => resealIp(((b[0] = 0x65), b)), want: { code: WireErrorCode.Malformed, offset: 0, field: 'ipv4.version' } },
    { name: 'IHL 4', mutate: (b) => resealIp(((b[0] = 0x44), b)), want: { code: WireErrorCode.Malformed, offset: 0, field: 'ipv4.ihl' } },
    { name: 'IHL 15 in a 41-byte buffer', mutate: (b) => ((b[0] = 0x4f), b.subarray(0, 41)), want: { code: WireErrorCode.Truncated, offset: 20, field: 'ipv4.options' } },
    { name: 'Total Length shorter than the headers', mutate: (b) => resealIp(((b[3] = 27), b)), want: { code: WireErrorCode.Malformed, offset: 2, field: 'ipv4.totalLength' } },
    { name: 'Total Length beyond the buffer', mutate: (b) => resealIp(((b[3] = 42), b)), want: { code: WireErrorCode.Truncated, offset: 41, field: 'ipv4.totalLength' } },
    { name: 'a packet cut short', mutate: (b) => b.subarray(0, 40), want: { code: WireErrorCode.Truncated, offset: 40, field: 'ipv4.totalLength' } },
    { name: 'a bad header checksum', mutate: (b) => ((b[11] = b[11]! ^ 1), b), want: { code: WireErrorCode.Malformed, offset: 10, field: 'ipv4.checksum' } },
    { name: 'a changed TTL without a new checksum', mutate: (b) => ((b[8] = 63), b), want: { code: WireErrorCode.Malformed, offset: 10, field: 'ipv4.checksum' } },
    { name: 'protocol 6 (TCP)', mutate: (b) => resealIp(((b[9] = 6), b)), want: { code: WireErrorCode.Malformed, offset: 9, field: 'ipv4.protocol' } },
    { name: 'More Fragments set', mutate: (b) => resealIp(((b[6] = 0x20), b)), want: { code: WireErrorCode.Malformed, offset: 6, field: 'ipv4.fragment' } },
    { name: 'a non-zero fragment offset', mutate: (b) => resealIp(((b[7] = 0x01), (b[6] = 0x00), b)), want: { code: WireErrorCode.Malformed, offset: 6, field: 'ipv4.fragment' } },
    { name: 'UDP length below 8', mutate: (b) => ((b[25] = 7), b), want: { code: WireErrorCode.Malformed, offset: 24, field: 'udp.length' } },
    { name: 'UDP length beyond the IP data', mutate: (b) => ((b[25] = 22), b), want: { code: WireErrorCode.Malformed, offset: 24, field: 'udp.length' } },
    { name: 'a bad UDP checksum when verifying', mutate: (b) => ((b[40] = b[40]! ^ 0x20), b), verify: true, want: { code: WireErrorCode.Malformed, offset: 26, field: 'udp.checksum' } },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.want.code} ${c.want.field}`, () => {
      const b = c.mutate(Uint8Array.from(GOLDEN));
      assert.deepEqual(wireErrorOf(() => decodeIpv4Udp(b, { verifyUdpChecksum: c.verify === true })), c.want);
    });
  }

  test('a bad UDP checksum passes when not verifying (veth CHECKSUM_PARTIAL)', () => {
    const b = Uint8Array.from(GOLDEN);
    b[40] = b[40]! ^ 0x20;
    assert.equal(decodeIpv4Udp(b).payload.length, 13);
  });

  test('every truncation of the golden packet throws WireError, never anything else', () => {
    for (let n = 0; n < GOLDEN.length; n++) {
      assert.equal(wireErrorOf(() => decodeIpv4Udp(GOLDEN.subarray(0, n))).code, WireErrorCode.Truncated, `cut at ${n}`);
    }
  });
});

describe('encodeIpv4Udp errors', () => {
  const cases: ReadonlyArray<{ name: string; run: () => void; code: string }> = [
    { name: 'a payload over 65535 - 28 bytes', run: () => encodeIpv4Udp(new Writer(new Uint8Array(70000)), GOLDEN_HEADER, new Uint8Array(65508)), code: EncodeErrorCode.Value },
    { name: 'a buffer too small', run: () => encodeIpv4Udp(new Writer(new Uint8Array(40)), GOLDEN_HEADER, GOLDEN_PAYLOAD), code: EncodeErrorCode.Overflow },
    { name: 'a port above 65535', run: () => encodeIpv4Udp(new Writer(new Uint8Array(64)), { ...GOLDEN_HEADER, dstPort: 70000 }, GOLDEN_PAYLOAD), code: EncodeErrorCode.Value },
    { name: 'a TTL above 255', run: () => encodeIpv4Udp(new Writer(new Uint8Array(64)), { ...GOLDEN_HEADER, ttl: 256 }, GOLDEN_PAYLOAD), code: EncodeErrorCode.Value },
  ];
  for (const c of cases) {
    test(`${c.name} is ${c.code}`, () => {
      assert.throws(c.run, (e: unknown) => e instanceof EncodeError && e.code === c.code);
    });
  }

  test('the largest payload (65507 bytes) fits', () => {
    const w = new Writer(new Uint8Array(65535));
    encodeIpv4Udp(w, GOLDEN_HEADER, new Uint8Array(65507));
    assert.equal(w.length, 65535);
    assert.equal(decodeIpv4Udp(w.finish(), { verifyUdpChecksum: true }).payload.length, 65507);
  });
});
