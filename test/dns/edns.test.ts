import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Reader } from '../../src/wire/reader.ts';
import { Writer } from '../../src/wire/writer.ts';
import { DnsEdnsOption, DnsRcode } from '../../src/dns/constants.ts';
import {
  DNS_UDP_MAX_PAYLOAD,
  DNS_UDP_MIN_PAYLOAD,
  decodeEdns,
  encodeOpt,
  fullRcode,
  optByteLength,
  udpResponseLimit,
  type DnsEdns,
} from '../../src/dns/edns.ts';
import { u16 } from './support.ts';

const edns = (over: Partial<DnsEdns> = {}): DnsEdns => ({ udpPayloadSize: 1232, version: 0, dnssecOk: false, z: 0, options: [], ...over });

describe('decodeEdns (RFC 6891 §6.1)', () => {
  const cases: ReadonlyArray<{ name: string; klass: number; ttl: number; rdata: number[]; want: DnsEdns }> = [
    { name: 'dig default: 1232, no flags, one cookie', klass: 1232, ttl: 0, rdata: [...u16(10), ...u16(8), 1, 2, 3, 4, 5, 6, 7, 8], want: edns({ options: [{ code: 10, data: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) }] }) },
    { name: 'DO bit (RFC 3225 §3)', klass: 4096, ttl: 0x0000_8000, rdata: [], want: edns({ udpPayloadSize: 4096, dnssecOk: true }) },
    { name: 'version 1 and Z bits are reported as sent', klass: 1232, ttl: 0x0001_4001, rdata: [], want: edns({ version: 1, z: 0x4001 }) },
    { name: 'a size below 512 reads as 512 (§6.2.3)', klass: 100, ttl: 0, rdata: [], want: edns({ udpPayloadSize: 512 }) },
    {
      name: 'unknown and duplicate options are kept in order',
      klass: 1232,
      ttl: 0,
      rdata: [...u16(65001), ...u16(0), ...u16(12), ...u16(2), 0, 0, ...u16(65001), ...u16(1), 7],
      want: edns({ options: [{ code: 65001, data: new Uint8Array(0) }, { code: 12, data: new Uint8Array(2) }, { code: 65001, data: Uint8Array.of(7) }] }),
    },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(decodeEdns(new Reader(Uint8Array.from(c.rdata)), c.klass, c.ttl), c.want));
  }

  test('an option longer than RDATA is ERR_WIRE_TRUNCATED', () => {
    const r = new Reader(Uint8Array.from([...u16(10), ...u16(8), 1, 2]));
    assert.throws(() => decodeEdns(r, 1232, 0), { code: 'ERR_WIRE_TRUNCATED', field: 'edns.option.data' });
  });

  test('a partial option header is ERR_WIRE_TRUNCATED', () => {
    assert.throws(() => decodeEdns(new Reader(Uint8Array.of(0, 10, 0)), 1232, 0), { code: 'ERR_WIRE_TRUNCATED', field: 'edns.option.length' });
  });

  test('option data is a copy, not a view of the datagram', () => {
    const buf = Uint8Array.from([...u16(10), ...u16(1), 42]);
    const e = decodeEdns(new Reader(buf), 1232, 0);
    buf[4] = 0;
    assert.equal(e.options[0]!.data[0], 42);
  });

  test('fullRcode joins the header bits and EXTENDED-RCODE', () => {
    assert.equal(fullRcode(0, 0x0100_0000), DnsRcode.BADVERS);
    assert.equal(fullRcode(7, 0xff00_0000), 0xff7);
    assert.equal(fullRcode(3, 0), 3);
  });
});

describe('encodeOpt', () => {
  test('writes the fixed part, flags and options (RFC 6891 §6.1.2)', () => {
    const e = edns({ dnssecOk: true, options: [{ code: DnsEdnsOption.Cookie, data: Uint8Array.of(1, 2) }] });
    const w = new Writer(new Uint8Array(64).fill(0xa5));
    encodeOpt(w, e, DnsRcode.BADVERS);
    assert.deepEqual(Array.from(w.finish()), [
      0x00, // NAME: root
      0x00, 0x29, // TYPE OPT
      0x04, 0xd0, // CLASS: UDP payload size 1232
      0x01, // EXTENDED-RCODE: BADVERS (16) >> 4
      0x00, // VERSION
      0x80, 0x00, // DO
      0x00, 0x06, // RDLENGTH
      0x00, 0x0a, 0x00, 0x02, 0x01, 0x02, // COOKIE, length 2
    ]);
    assert.equal(optByteLength(e), w.length);
  });

  test('decode(encode(x)) = x', () => {
    const e = edns({ udpPayloadSize: 4096, version: 0, z: 0x1234, options: [{ code: 3, data: Uint8Array.of(9) }] });
    const w = new Writer(new Uint8Array(64));
    encodeOpt(w, e, 0);
    const r = new Reader(w.finish(), 11);
    assert.deepEqual(decodeEdns(r, 4096, 0x1234), e);
  });

  test('an RCODE over 12 bits is ERR_ENCODE_VALUE', () => {
    assert.throws(() => encodeOpt(new Writer(new Uint8Array(64)), edns(), 0x1000), { code: 'ERR_ENCODE_VALUE', field: 'edns.extendedRcode' });
  });
});

describe('udpResponseLimit', () => {
  const cases: ReadonlyArray<{ name: string; query: DnsEdns | undefined; ourMax?: number; want: number }> = [
    { name: 'no EDNS: 512 (RFC 1035 §4.2.1)', query: undefined, want: DNS_UDP_MIN_PAYLOAD },
    { name: 'dig default 1232', query: edns(), want: 1232 },
    { name: 'kdig 4096 is capped at our 1232', query: edns({ udpPayloadSize: 4096 }), want: DNS_UDP_MAX_PAYLOAD },
    { name: 'a client size between 512 and ours is honoured', query: edns({ udpPayloadSize: 700 }), want: 700 },
    { name: 'a larger configured maximum', query: edns({ udpPayloadSize: 4096 }), ourMax: 4096, want: 4096 },
    { name: 'never below 512, whatever the configuration', query: edns({ udpPayloadSize: 512 }), ourMax: 100, want: 512 },
  ];
  for (const c of cases) test(c.name, () => assert.equal(udpResponseLimit(c.query, c.ourMax), c.want));
});
