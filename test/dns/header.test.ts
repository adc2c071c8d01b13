import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WireError } from '../../src/wire/errors.ts';
import { Writer } from '../../src/wire/writer.ts';
import { DnsFlag, DnsOpcode } from '../../src/dns/constants.ts';
import {
  DNS_HEADER_LENGTH,
  DnsHeaderView,
  decodeHeader,
  encodeHeader,
  headerFlags,
  patchHeaderCounts,
  peekDnsQuery,
  type DnsHeader,
} from '../../src/dns/header.ts';
import { header } from './support.ts';

describe('DnsHeaderView', () => {
  test('reads every field of RFC 1035 §4.1.1 with AD and CD (RFC 4035 §3.2)', () => {
    const v = new DnsHeaderView(
      Uint8Array.of(
        0xbe, 0xef, // ID
        0b1_0101_1_1_0, // QR, opcode 5, AA, TC, RD=0
        0b1_0_1_1_0101, // RA, Z=0, AD, CD, RCODE 5
        0x00, 0x01, // QDCOUNT
        0x00, 0x02, // ANCOUNT
        0x00, 0x03, // NSCOUNT
        0xff, 0xff, // ARCOUNT
      ),
    );
    assert.deepEqual(
      {
        id: v.id, qr: v.qr, opcode: v.opcode, aa: v.aa, tc: v.tc, rd: v.rd, ra: v.ra, z: v.z, ad: v.ad, cd: v.cd,
        rcode: v.rcode, qd: v.qdcount, an: v.ancount, ns: v.nscount, ar: v.arcount,
      },
      {
        id: 0xbeef, qr: true, opcode: 5, aa: true, tc: true, rd: false, ra: true, z: false, ad: true, cd: true,
        rcode: 5, qd: 1, an: 2, ns: 3, ar: 0xffff,
      },
    );
  });

  test('each flag getter reads its own bit', () => {
    const bits: ReadonlyArray<[keyof typeof DnsFlag, (v: DnsHeaderView) => boolean]> = [
      ['QR', (v) => v.qr], ['AA', (v) => v.aa], ['TC', (v) => v.tc], ['RD', (v) => v.rd],
      ['RA', (v) => v.ra], ['Z', (v) => v.z], ['AD', (v) => v.ad], ['CD', (v) => v.cd],
    ];
    for (const [name, get] of bits) {
      const v = new DnsHeaderView(Uint8Array.from(header(DnsFlag[name], 1)));
      for (const [other, getOther] of bits) assert.equal(getOther(v), other === name, `${name} set, ${other} read`);
      assert.equal(get(v), true);
    }
  });

  test('a buffer shorter than 12 octets is ERR_WIRE_TRUNCATED', () => {
    assert.throws(() => new DnsHeaderView(new Uint8Array(11)), (e: unknown) => e instanceof WireError && e.code === 'ERR_WIRE_TRUNCATED' && e.offset === 11);
  });
});

describe('header model', () => {
  const h: DnsHeader = { id: 0xabcd, qr: true, opcode: DnsOpcode.NOTIFY, aa: true, tc: false, rd: true, ra: false, z: true, ad: false, cd: true, rcode: 3 };

  test('encodeHeader + decodeHeader round trip, counts patched afterwards', () => {
    const buf = new Uint8Array(20).fill(0xa5);
    const w = new Writer(buf, 4);
    const at = encodeHeader(w, h, headerFlags(h));
    patchHeaderCounts(w, at, 1, 2, 3, 4);
    assert.equal(w.length, DNS_HEADER_LENGTH);
    const v = new DnsHeaderView(buf.subarray(4));
    assert.deepEqual(decodeHeader(v), h);
    assert.deepEqual([v.qdcount, v.ancount, v.nscount, v.arcount], [1, 2, 3, 4]);
    assert.deepEqual(Array.from(buf.subarray(0, 4)), [0xa5, 0xa5, 0xa5, 0xa5]);
  });

  test('headerFlags keeps only the low 4 RCODE bits and rejects a 5-bit opcode', () => {
    assert.equal(headerFlags({ ...h, rcode: 16 }) & 0xf, 0);
    assert.throws(() => headerFlags({ ...h, opcode: 16 }), { code: 'ERR_ENCODE_VALUE', field: 'header.opcode' });
  });
});

describe('peekDnsQuery (miekg/dns defaultMsgAcceptFunc)', () => {
  const op = (o: number) => o << 11;
  const cases: ReadonlyArray<{ name: string; bytes: number[]; want: string }> = [
    { name: 'a plain query', bytes: header(DnsFlag.RD, 1), want: 'ok' },
    { name: 'a query with OPT and TSIG', bytes: header(0, 1, 0, 0, 2), want: 'ok' },
    { name: 'NOTIFY with one SOA in the answer (RFC 1996 §3.7)', bytes: header(op(DnsOpcode.NOTIFY), 1, 1), want: 'ok' },
    { name: 'IXFR-style query with one SOA in authority (RFC 1995 §3)', bytes: header(0, 1, 0, 1), want: 'ok' },
    { name: 'fewer than 12 octets', bytes: header(0, 1).slice(0, 11), want: 'drop' },
    { name: 'empty datagram', bytes: [], want: 'drop' },
    { name: 'a response (QR=1): replying could start ping-pong', bytes: header(DnsFlag.QR, 1), want: 'drop' },
    { name: 'a response with a bad opcode is still dropped', bytes: header(DnsFlag.QR | op(DnsOpcode.UPDATE), 1), want: 'drop' },
    { name: 'UPDATE', bytes: header(op(DnsOpcode.UPDATE), 1), want: 'notimp' },
    { name: 'IQUERY', bytes: header(op(DnsOpcode.IQUERY), 1), want: 'notimp' },
    { name: 'STATUS', bytes: header(op(DnsOpcode.STATUS), 1), want: 'notimp' },
    { name: 'unassigned opcode 15', bytes: header(op(15), 1), want: 'notimp' },
    { name: 'QDCOUNT 0', bytes: header(0, 0), want: 'formerr' },
    { name: 'QDCOUNT 2', bytes: header(0, 2), want: 'formerr' },
    { name: 'ANCOUNT 2', bytes: header(0, 1, 2), want: 'formerr' },
    { name: 'NSCOUNT 2', bytes: header(0, 1, 0, 2), want: 'formerr' },
    { name: 'ARCOUNT 3', bytes: header(0, 1, 0, 0, 3), want: 'formerr' },
  ];
  for (const c of cases) {
    test(`${c.name} → ${c.want}`, () => assert.equal(peekDnsQuery(Uint8Array.from(c.bytes)), c.want));
  }
});
