import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIPv4, parseIPv6 } from '../../src/wire/addr.ts';
import { WireError } from '../../src/wire/errors.ts';
import { Reader } from '../../src/wire/reader.ts';
import { Writer } from '../../src/wire/writer.ts';
import { DnsCompressor } from '../../src/dns/compression.ts';
import { DnsClass, DnsType } from '../../src/dns/constants.ts';
import { encodeName } from '../../src/dns/name.ts';
import {
  decodeRdata,
  encodeRdata,
  rdataByteLength,
  rdataKindOf,
  rdataMayCompress,
  rdataTypeName,
  type DnsRdata,
} from '../../src/dns/rdata.ts';
import { labels, labelsNoRoot, ptr, u16, u32 } from './support.ts';

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

function decode(bytes: number[], type: number, klass: number = DnsClass.IN): DnsRdata {
  const buf = Uint8Array.from(bytes);
  return decodeRdata(new Reader(buf), type, klass);
}

function encode(type: number, data: DnsRdata): number[] {
  const w = new Writer(new Uint8Array(600).fill(0xa5));
  encodeRdata(w, type, data);
  return Array.from(w.finish());
}

describe('rdata: each modelled type decodes, encodes back and has a byteLength', () => {
  const cases: ReadonlyArray<{ name: string; type: number; bytes: number[]; want: DnsRdata }> = [
    { name: 'A', type: DnsType.A, bytes: [10, 0, 0, 1], want: { kind: 'a', address: parseIPv4('10.0.0.1')! } },
    {
      name: 'AAAA',
      type: DnsType.AAAA,
      bytes: [0xfd, 0, ...new Array<number>(13).fill(0), 1],
      want: { kind: 'aaaa', address: parseIPv6('fd00::1')! },
    },
    { name: 'PTR', type: DnsType.PTR, bytes: labels('x1000c0s0b0n0.cluster.local'), want: { kind: 'name', target: 'x1000c0s0b0n0.cluster.local.' } },
    { name: 'NS', type: DnsType.NS, bytes: labels('ns1.example'), want: { kind: 'name', target: 'ns1.example.' } },
    { name: 'CNAME', type: DnsType.CNAME, bytes: labels('a.example'), want: { kind: 'name', target: 'a.example.' } },
    {
      name: 'SOA',
      type: DnsType.SOA,
      bytes: [...labels('ns.cluster.local'), ...labels('admin.cluster.local'), ...u32(2024010101), ...u32(3600), ...u32(600), ...u32(86400), ...u32(60)],
      want: {
        kind: 'soa', mname: 'ns.cluster.local.', rname: 'admin.cluster.local.',
        serial: 2024010101, refresh: 3600, retry: 600, expire: 86400, minimum: 60,
      },
    },
    { name: 'MX', type: DnsType.MX, bytes: [...u16(10), ...labels('mail.example')], want: { kind: 'mx', preference: 10, exchange: 'mail.example.' } },
    {
      name: 'SRV',
      type: DnsType.SRV,
      bytes: [...u16(1), ...u16(5), ...u16(53), ...labels('dns.cluster.local')],
      want: { kind: 'srv', priority: 1, weight: 5, port: 53, target: 'dns.cluster.local.' },
    },
    {
      name: 'TXT with two strings, one empty',
      type: DnsType.TXT,
      bytes: [5, ...ascii('v=abc'), 0],
      want: { kind: 'txt', strings: [ascii('v=abc'), new Uint8Array(0)] },
    },
    { name: 'TXT with no strings', type: DnsType.TXT, bytes: [], want: { kind: 'txt', strings: [] } },
    {
      name: 'unknown type 65280 kept raw (RFC 3597)',
      type: 65280,
      bytes: [0xde, 0xad, 0xbe, 0xef, 0xc0, 0x0c],
      want: { kind: 'unknown', data: Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0xc0, 0x0c) },
    },
  ];
  for (const c of cases) {
    test(`${c.name}`, () => {
      const got = decode(c.bytes, c.type);
      assert.deepEqual(got, c.want);
      assert.deepEqual(encode(c.type, got), c.bytes);
      assert.equal(rdataByteLength(got), c.bytes.length);
    });
  }
});

describe('rdata decoding errors', () => {
  const cases: ReadonlyArray<{ name: string; type: number; bytes: number[]; code: string; field: string }> = [
    { name: 'A of 3 octets', type: DnsType.A, bytes: [10, 0, 0], code: 'ERR_WIRE_TRUNCATED', field: 'rdata.address' },
    { name: 'A of 5 octets', type: DnsType.A, bytes: [10, 0, 0, 1, 9], code: 'ERR_WIRE_TRAILING', field: 'rdata' },
    { name: 'AAAA of 4 octets', type: DnsType.AAAA, bytes: [10, 0, 0, 1], code: 'ERR_WIRE_TRUNCATED', field: 'rdata.address' },
    { name: 'PTR with bytes after the name', type: DnsType.PTR, bytes: [...labels('a'), 0], code: 'ERR_WIRE_TRAILING', field: 'rdata' },
    { name: 'PTR name without its root', type: DnsType.PTR, bytes: labelsNoRoot('a'), code: 'ERR_WIRE_TRUNCATED', field: 'rdata.target' },
    { name: 'SOA missing MINIMUM', type: DnsType.SOA, bytes: [0, 0, ...u32(1), ...u32(2), ...u32(3), ...u32(4)], code: 'ERR_WIRE_TRUNCATED', field: 'rdata.minimum' },
    { name: 'TXT string running past RDATA', type: DnsType.TXT, bytes: [4, 0x61], code: 'ERR_WIRE_TRUNCATED', field: 'rdata.string' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.throws(() => decode(c.bytes, c.type), (e: unknown) => e instanceof WireError && e.code === c.code && e.field === c.field);
    });
  }
});

describe('rdata and classes', () => {
  test('A and AAAA outside class IN stay raw (class-specific types, RFC 3597 §4)', () => {
    assert.deepEqual(decode([1, 2, 3, 4, 5, 6], DnsType.A, DnsClass.CH), { kind: 'unknown', data: Uint8Array.of(1, 2, 3, 4, 5, 6) });
    assert.deepEqual(decode([], DnsType.AAAA, DnsClass.ANY), { kind: 'unknown', data: new Uint8Array(0) });
  });
  test('other types decode in any class (a CH TXT query for version.bind)', () => {
    assert.deepEqual(decode([1, 0x78], DnsType.TXT, DnsClass.CH), { kind: 'txt', strings: [ascii('x')] });
  });
});

describe('names in RDATA and compression (RFC 3597 §4)', () => {
  // Message so far: "example.com." at 0, then the RDATA at 13.
  function encodeAfterSuffix(type: number, data: DnsRdata): number[] {
    const w = new Writer(new Uint8Array(200));
    const c = new DnsCompressor(0);
    encodeName(w, 'example.com.', c);
    const from = w.offset;
    encodeRdata(w, type, data, c);
    return Array.from(w.finish().subarray(from));
  }
  const cases: ReadonlyArray<{ name: string; type: number; data: DnsRdata; want: number[] }> = [
    { name: 'PTR target is compressed', type: DnsType.PTR, data: { kind: 'name', target: 'www.example.com.' }, want: [...labelsNoRoot('www'), ...ptr(0)] },
    { name: 'NS target is compressed', type: DnsType.NS, data: { kind: 'name', target: 'example.com.' }, want: ptr(0) },
    { name: 'MX exchange is compressed', type: DnsType.MX, data: { kind: 'mx', preference: 5, exchange: 'example.com.' }, want: [...u16(5), ...ptr(0)] },
    {
      name: 'SOA names are compressed',
      type: DnsType.SOA,
      data: { kind: 'soa', mname: 'ns.example.com.', rname: 'example.com.', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5 },
      want: [...labelsNoRoot('ns'), ...ptr(0), ...ptr(0), ...u32(1), ...u32(2), ...u32(3), ...u32(4), ...u32(5)],
    },
    {
      name: 'SRV target is never compressed (RFC 2782)',
      type: DnsType.SRV,
      data: { kind: 'srv', priority: 0, weight: 0, port: 53, target: 'example.com.' },
      want: [...u16(0), ...u16(0), ...u16(53), ...labels('example.com')],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(encodeAfterSuffix(c.type, c.data), c.want));

  test('pointers in SRV are still accepted when reading (RFC 3597 §4 SHOULD)', () => {
    const bytes = Uint8Array.from([...labels('example.com'), ...u16(1), ...u16(2), ...u16(3), ...ptr(0)]);
    assert.deepEqual(decodeRdata(new Reader(bytes, 13), DnsType.SRV, DnsClass.IN), {
      kind: 'srv', priority: 1, weight: 2, port: 3, target: 'example.com.',
    });
  });

  test('the table says which types compress and what they decode to', () => {
    assert.deepEqual(
      [DnsType.A, DnsType.NS, DnsType.CNAME, DnsType.SOA, DnsType.PTR, DnsType.MX, DnsType.TXT, DnsType.AAAA, DnsType.SRV, 99].map(
        (t) => [rdataTypeName(t), rdataKindOf(t), rdataMayCompress(t)],
      ),
      [
        ['A', 'a', false], ['NS', 'name', true], ['CNAME', 'name', true], ['SOA', 'soa', true], ['PTR', 'name', true],
        ['MX', 'mx', true], ['TXT', 'txt', false], ['AAAA', 'aaaa', false], ['SRV', 'srv', false], ['TYPE99', 'unknown', false],
      ],
    );
  });
});

describe('rdata encoding errors', () => {
  const cases: ReadonlyArray<{ name: string; type: number; data: DnsRdata; field: string }> = [
    { name: 'A data under type PTR', type: DnsType.PTR, data: { kind: 'a', address: 1 }, field: 'rdata' },
    { name: 'name data under an unmodelled type', type: 99, data: { kind: 'name', target: 'a.' }, field: 'rdata' },
    { name: 'AAAA of 4 octets', type: DnsType.AAAA, data: { kind: 'aaaa', address: new Uint8Array(4) }, field: 'rdata.address' },
    { name: 'A address above 32 bits', type: DnsType.A, data: { kind: 'a', address: 2 ** 32 }, field: 'rdata.address' },
    { name: 'TXT string of 256 octets', type: DnsType.TXT, data: { kind: 'txt', strings: [new Uint8Array(256)] }, field: 'rdata.string' },
  ];
  for (const c of cases) {
    test(c.name, () => assert.throws(() => encode(c.type, c.data), { code: 'ERR_ENCODE_VALUE', field: c.field }));
  }
  test('unknown data may carry any type verbatim (RFC 3597 \\# form)', () => {
    assert.deepEqual(encode(DnsType.A, { kind: 'unknown', data: Uint8Array.of(10, 0, 0, 1) }), [10, 0, 0, 1]);
  });
});
