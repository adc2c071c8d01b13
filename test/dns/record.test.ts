import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Reader } from '../../src/wire/reader.ts';
import { Writer } from '../../src/wire/writer.ts';
import { DnsClass, DnsType } from '../../src/dns/constants.ts';
import {
  decodeQuestion,
  decodeRecord,
  encodeQuestion,
  encodeRecord,
  questionByteLength,
  recordByteLength,
  skipRecord,
  type DnsRecord,
} from '../../src/dns/record.ts';
import { labels, u16, u32 } from './support.ts';

const PTR_RR = [
  ...labels('1.0.0.10.in-addr.arpa'), // NAME
  ...u16(DnsType.PTR), // TYPE
  ...u16(DnsClass.IN), // CLASS
  ...u32(60), // TTL
  ...u16(15), // RDLENGTH
  ...labels('nid0001.local'), // PTRDNAME
];

describe('records (RFC 1035 §4.1.3)', () => {
  const want: DnsRecord = { name: '1.0.0.10.in-addr.arpa.', type: DnsType.PTR, class: DnsClass.IN, ttl: 60, data: { kind: 'name', target: 'nid0001.local.' } };

  test('decodeRecord reads every field and stops at the end of RDATA', () => {
    const r = new Reader(Uint8Array.from([...PTR_RR, 0xff]));
    assert.deepEqual(decodeRecord(r), want);
    assert.equal(r.remaining, 1);
  });

  test('encodeRecord writes the same octets; recordByteLength counts them', () => {
    const w = new Writer(new Uint8Array(100).fill(0xa5));
    encodeRecord(w, want);
    assert.deepEqual(Array.from(w.finish()), PTR_RR);
    assert.equal(recordByteLength(want), PTR_RR.length);
  });

  test('skipRecord moves past NAME, the fixed fields and RDATA', () => {
    const r = new Reader(Uint8Array.from([...PTR_RR, 0xff]));
    skipRecord(r);
    assert.equal(r.offset, PTR_RR.length);
  });

  test('RDLENGTH shorter than the RDATA name is ERR_WIRE_TRUNCATED inside RDATA', () => {
    const bytes = Uint8Array.from(PTR_RR);
    bytes[labels('1.0.0.10.in-addr.arpa').length + 9] = 5;
    assert.throws(() => decodeRecord(new Reader(bytes)), { code: 'ERR_WIRE_TRUNCATED', field: 'rdata.target' });
  });

  test('TTL values with the top bit set are kept as sent (RFC 2181 §8 is the reader\'s business)', () => {
    const rr: DnsRecord = { ...want, ttl: 0x8000_0000 };
    const w = new Writer(new Uint8Array(100));
    encodeRecord(w, rr);
    assert.equal(decodeRecord(new Reader(w.finish())).ttl, 0x8000_0000);
  });
});

describe('questions (RFC 1035 §4.1.2)', () => {
  test('decode, encode and byteLength agree', () => {
    const bytes = [...labels('NiD0001.local'), ...u16(DnsType.AAAA), ...u16(DnsClass.CH)];
    const q = decodeQuestion(new Reader(Uint8Array.from(bytes)));
    assert.deepEqual(q, { name: 'NiD0001.local.', type: DnsType.AAAA, class: DnsClass.CH });
    const w = new Writer(new Uint8Array(64));
    encodeQuestion(w, q);
    assert.deepEqual(Array.from(w.finish()), bytes);
    assert.equal(questionByteLength(q), bytes.length);
  });
});
