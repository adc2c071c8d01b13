import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIPv4, parseIPv6 } from '../../src/wire/addr.ts';
import { EncodeError, WireError } from '../../src/wire/errors.ts';
import { Writer } from '../../src/wire/writer.ts';
import { DnsClass, DnsEdnsOption, DnsRcode, DnsType } from '../../src/dns/constants.ts';
import { udpResponseLimit, type DnsEdns } from '../../src/dns/edns.ts';
import { peekDnsQuery, type DnsHeader } from '../../src/dns/header.ts';
import {
  decodeDnsMessage,
  decodeDnsQuery,
  dnsMessageByteLength,
  encodeDnsMessage,
  encodeDnsResponse,
  type DnsEncodeOptions,
  type DnsEncodeResult,
  type DnsMessage,
  type DnsQuery,
} from '../../src/dns/message.ts';
import type { DnsRecord } from '../../src/dns/record.ts';
import { loadHexFixture } from '../support/hex.ts';
import { header, labels, ptr, u16, u32 } from './support.ts';

const fixture = (name: string) => loadHexFixture(new URL(`../fixtures/dns/${name}`, import.meta.url));

//------------ Captured queries ---------------------------------------------------

interface QueryWant {
  file: string;
  id: number;
  name: string;
  type: number;
  /** Absent: the query had no OPT record. */
  edns?: { udpPayloadSize: number; dnssecOk: boolean; cookie: boolean };
}

const IP6_ARPA_FD00_1 = `${'1.'.concat('0.'.repeat(29))}d.f.ip6.arpa.`;

const captured: readonly QueryWant[] = [
  { file: 'dig-9.18-a.hex', id: 0x91a2, name: 'nid0001.cluster.local.', type: DnsType.A, edns: { udpPayloadSize: 1232, dnssecOk: false, cookie: true } },
  { file: 'dig-9.18-aaaa-edns.hex', id: 0x84ad, name: 'nid0001.cluster.local.', type: DnsType.AAAA, edns: { udpPayloadSize: 1232, dnssecOk: false, cookie: true } },
  { file: 'dig-9.18-ptr-in-addr.hex', id: 0xde5a, name: '1.0.0.10.in-addr.arpa.', type: DnsType.PTR, edns: { udpPayloadSize: 1232, dnssecOk: false, cookie: true } },
  { file: 'dig-9.18-ptr-ip6.hex', id: 0x9b26, name: IP6_ARPA_FD00_1, type: DnsType.PTR, edns: { udpPayloadSize: 1232, dnssecOk: false, cookie: true } },
  { file: 'dig-9.18-a-noedns.hex', id: 0xd0f4, name: 'nid0001.cluster.local.', type: DnsType.A },
  { file: 'dig-9.18-a-dnssec.hex', id: 0xb91e, name: 'nid0001.cluster.local.', type: DnsType.A, edns: { udpPayloadSize: 1232, dnssecOk: true, cookie: true } },
  { file: 'dig-9.18-a-mixed-case.hex', id: 0x1b5d, name: 'NiD0001.ClUsTeR.LoCaL.', type: DnsType.A, edns: { udpPayloadSize: 1232, dnssecOk: false, cookie: true } },
  { file: 'kdig-3.2-a.hex', id: 0x26d9, name: 'nid0001.cluster.local.', type: DnsType.A },
  { file: 'kdig-3.2-aaaa-edns.hex', id: 0x3ab3, name: 'nid0001.cluster.local.', type: DnsType.AAAA, edns: { udpPayloadSize: 4096, dnssecOk: false, cookie: false } },
  { file: 'kdig-3.2-ptr-in-addr.hex', id: 0x54ae, name: '1.0.0.10.in-addr.arpa.', type: DnsType.PTR },
  { file: 'kdig-3.2-a-dnssec.hex', id: 0x7309, name: 'nid0001.cluster.local.', type: DnsType.A, edns: { udpPayloadSize: 4096, dnssecOk: true, cookie: false } },
];

describe('captured queries decode field by field', () => {
  for (const c of captured) {
    test(c.file, () => {
      const buf = fixture(c.file);
      assert.equal(peekDnsQuery(buf), 'ok');
      const res = decodeDnsQuery(buf);
      assert.ok(res.ok, res.ok ? '' : res.error.message);
      const q = res.value;
      // dig 9.18 and kdig 3.2 both send RD and AD (RFC 6840 §5.7) and nothing else.
      assert.deepEqual(q.header, { id: c.id, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, z: false, ad: true, cd: false, rcode: 0 });
      assert.equal(q.question.name, c.name);
      assert.equal(q.question.nameKey, c.name.toLowerCase());
      assert.equal(q.question.type, c.type);
      assert.equal(q.question.class, DnsClass.IN);
      if (c.edns === undefined) {
        assert.equal(q.edns, undefined);
      } else {
        assert.ok(q.edns);
        assert.equal(q.edns.udpPayloadSize, c.edns.udpPayloadSize);
        assert.equal(q.edns.version, 0);
        assert.equal(q.edns.dnssecOk, c.edns.dnssecOk);
        assert.equal(q.edns.z, 0);
        // RFC 7873 §4.1: a client cookie alone is 8 octets; dig sends it last in the datagram.
        assert.deepEqual(q.edns.options, c.edns.cookie ? [{ code: DnsEdnsOption.Cookie, data: buf.slice(buf.length - 8) }] : []);
      }
      // The full decoder agrees and finds nothing else.
      const full = decodeDnsMessage(buf);
      assert.ok(full.ok);
      assert.deepEqual(full.value.header, q.header);
      assert.deepEqual(full.value.questions, [{ name: c.name, type: c.type, class: DnsClass.IN }]);
      assert.deepEqual([full.value.answers, full.value.authorities, full.value.additionals], [[], [], []]);
      assert.deepEqual(full.value.edns, q.edns);
    });
  }
});

describe('hand-built adversarial queries', () => {
  const cases: ReadonlyArray<{ file: string; peek: string; reason: string; code: string; offset: number; field: string }> = [
    { file: 'crafted-pointer-loop.hex', peek: 'ok', reason: 'body', code: 'ERR_WIRE_MALFORMED', offset: 14, field: 'question[0].name' },
    { file: 'crafted-forward-pointer.hex', peek: 'ok', reason: 'body', code: 'ERR_WIRE_MALFORMED', offset: 12, field: 'question[0].name' },
    { file: 'crafted-name-256.hex', peek: 'ok', reason: 'body', code: 'ERR_WIRE_LIMIT', offset: 204, field: 'question[0].name' },
    { file: 'crafted-label-64.hex', peek: 'ok', reason: 'body', code: 'ERR_WIRE_MALFORMED', offset: 12, field: 'question[0].name' },
    { file: 'crafted-truncated-header.hex', peek: 'drop', reason: 'header', code: 'ERR_WIRE_TRUNCATED', offset: 11, field: 'header' },
    { file: 'crafted-qdcount-2.hex', peek: 'formerr', reason: 'qdcount', code: 'ERR_WIRE_MALFORMED', offset: 4, field: 'header.qdcount' },
  ];
  for (const c of cases) {
    test(`${c.file}: peek ${c.peek}, ${c.reason} error ${c.code} at ${c.offset}`, () => {
      const buf = fixture(c.file);
      assert.equal(peekDnsQuery(buf), c.peek);
      const res = decodeDnsQuery(buf);
      assert.equal(res.ok, false);
      if (res.ok) return;
      assert.equal(res.reason, c.reason);
      assert.equal(res.headerParsed, c.reason !== 'header');
      assert.ok(res.error instanceof WireError);
      assert.deepEqual([res.error.code, res.error.offset, res.error.field], [c.code, c.offset, c.field]);
      if (res.headerParsed) assert.equal(res.header.id, new DataView(buf.buffer, buf.byteOffset).getUint16(0));
    });
  }

  test('crafted-qdcount-2.hex decodes fully with decodeDnsMessage (it is well formed)', () => {
    const res = decodeDnsMessage(fixture('crafted-qdcount-2.hex'));
    assert.ok(res.ok);
    assert.deepEqual(res.value.questions, [
      { name: 'nid0001.cluster.local.', type: DnsType.A, class: DnsClass.IN },
      { name: 'nid0002.cluster.local.', type: DnsType.AAAA, class: DnsClass.IN },
    ]);
  });
});

//------------ decodeDnsQuery details ----------------------------------------------

const Q = [...labels('a.example'), ...u16(DnsType.A), ...u16(DnsClass.IN)]; // question at 12
const OPT = (opts: number[] = [], ttl = 0, klass = 1232) => [0, ...u16(DnsType.OPT), ...u16(klass), ...u32(ttl), ...u16(opts.length), ...opts];
const RR_A = [...ptr(12), ...u16(DnsType.A), ...u16(DnsClass.IN), ...u32(60), ...u16(4), 10, 0, 0, 1];
const TSIG_LIKE = [...labels('key'), ...u16(DnsType.TSIG), ...u16(DnsClass.ANY), ...u32(0), ...u16(3), 1, 2, 3];

describe('decodeDnsQuery', () => {
  const ok: ReadonlyArray<{ name: string; bytes: number[]; edns?: Partial<DnsEdns>; rcode?: number }> = [
    { name: 'skips an answer and an authority record (NOTIFY, IXFR)', bytes: [...header(0, 1, 1, 1, 0), ...Q, ...RR_A, ...RR_A] },
    { name: 'skips a non-OPT additional record before OPT', bytes: [...header(0, 1, 0, 0, 2), ...Q, ...TSIG_LIKE, ...OPT()], edns: { udpPayloadSize: 1232 } },
    { name: 'finds OPT before a TSIG-like record', bytes: [...header(0, 1, 0, 0, 2), ...Q, ...OPT(), ...TSIG_LIKE], edns: { udpPayloadSize: 1232 } },
    { name: 'folds EXTENDED-RCODE into rcode', bytes: [...header(0, 1, 0, 0, 1), ...Q, ...OPT([], 0x0100_0000)], edns: {}, rcode: DnsRcode.BADVERS },
    { name: 'ignores bytes after the last record (as miekg/dns)', bytes: [...header(0, 1), ...Q, 0xde, 0xad] },
  ];
  for (const c of ok) {
    test(c.name, () => {
      const res = decodeDnsQuery(Uint8Array.from(c.bytes));
      assert.ok(res.ok, res.ok ? '' : res.error.message);
      assert.deepEqual(res.value.question, { name: 'a.example.', nameKey: 'a.example.', type: DnsType.A, class: DnsClass.IN });
      assert.equal(res.value.edns === undefined, c.edns === undefined);
      if (c.edns?.udpPayloadSize !== undefined) assert.equal(res.value.edns?.udpPayloadSize, c.edns.udpPayloadSize);
      assert.equal(res.value.header.rcode, c.rcode ?? 0);
    });
  }

  const bad: ReadonlyArray<{ name: string; bytes: number[]; code: string; field: string }> = [
    { name: 'two OPT records (RFC 6891 §6.1.1)', bytes: [...header(0, 1, 0, 0, 2), ...Q, ...OPT(), ...OPT()], code: 'ERR_WIRE_MALFORMED', field: 'additional[1].name' },
    {
      name: 'OPT whose owner is not the root',
      bytes: [...header(0, 1, 0, 0, 1), ...Q, ...labels('x'), ...OPT().slice(1)],
      code: 'ERR_WIRE_MALFORMED',
      field: 'additional[0].name',
    },
    { name: 'OPT option running past RDLENGTH', bytes: [...header(0, 1, 0, 0, 1), ...Q, ...OPT([0, 10, 0, 8, 1])], code: 'ERR_WIRE_TRUNCATED', field: 'additional[0].edns.option.data' },
    { name: 'OPT RDLENGTH past the datagram', bytes: [...header(0, 1, 0, 0, 1), ...Q, ...OPT().slice(0, -2), 0, 9], code: 'ERR_WIRE_TRUNCATED', field: 'additional[0].rdata' },
    { name: 'ARCOUNT larger than the records present', bytes: [...header(0, 1, 0, 0, 2), ...Q, ...OPT()], code: 'ERR_WIRE_TRUNCATED', field: 'additional[1].name' },
    { name: 'an answer record cut short', bytes: [...header(0, 1, 1), ...Q, ...RR_A.slice(0, 8)], code: 'ERR_WIRE_TRUNCATED', field: 'answer[0].type' },
    { name: 'an authority record with label type 01', bytes: [...header(0, 1, 0, 1), ...Q, 0x41], code: 'ERR_WIRE_MALFORMED', field: 'authority[0].name' },
    { name: 'question without QCLASS', bytes: [...header(0, 1), ...Q.slice(0, -2)], code: 'ERR_WIRE_TRUNCATED', field: 'question[0].class' },
  ];
  for (const c of bad) {
    test(`body error: ${c.name}`, () => {
      const res = decodeDnsQuery(Uint8Array.from(c.bytes));
      assert.equal(res.ok, false);
      if (res.ok) return;
      assert.equal(res.reason, 'body');
      assert.deepEqual([res.error.code, res.error.field], [c.code, c.field]);
    });
  }
});

describe('decodeDnsMessage', () => {
  test('OPT outside the additional section is malformed (RFC 6891 §6.1.1)', () => {
    const res = decodeDnsMessage(Uint8Array.from([...header(0x8000, 1, 1), ...Q, ...OPT()]));
    assert.equal(res.ok, false);
    if (!res.ok) assert.deepEqual([res.error.code, res.error.field], ['ERR_WIRE_MALFORMED', 'answer[0].type']);
  });

  test('a bad name in RDATA reports section, index and field', () => {
    const badPtr = [...ptr(12), ...u16(DnsType.PTR), ...u16(DnsClass.IN), ...u32(60), ...u16(2), ...ptr(200)];
    const res = decodeDnsMessage(Uint8Array.from([...header(0x8000, 1, 2), ...Q, ...RR_A, ...badPtr]));
    assert.equal(res.ok, false);
    if (!res.ok) assert.deepEqual([res.error.code, res.error.field], ['ERR_WIRE_MALFORMED', 'answer[1].rdata.target']);
  });

  test('an empty datagram is a truncated header', () => {
    const res = decodeDnsMessage(new Uint8Array(0));
    assert.equal(res.ok, false);
    if (!res.ok) assert.deepEqual([res.error.code, res.error.field], ['ERR_WIRE_TRUNCATED', 'header']);
  });
});

//------------ Encoding -------------------------------------------------------------

const A = (name: string, ip: string, ttl = 60): DnsRecord => ({ name, type: DnsType.A, class: DnsClass.IN, ttl, data: { kind: 'a', address: parseIPv4(ip)! } });
const REPLY_EDNS: DnsEdns = { udpPayloadSize: 1232, version: 0, dnssecOk: false, z: 0, options: [] };

/** The reply coresmd gives (spec §1.5.5): ID, opcode, RD, CD copied; QR and AA set. */
function replyTo(q: DnsQuery, answers: DnsRecord[], rest: Partial<DnsMessage> = {}): DnsMessage {
  const header: DnsHeader = { id: q.header.id, qr: true, opcode: q.header.opcode, aa: true, tc: false, rd: q.header.rd, ra: false, z: false, ad: false, cd: q.header.cd, rcode: 0 };
  const base: DnsMessage = { header, questions: [q.question], answers, authorities: [], additionals: [] };
  return { ...base, ...(q.edns === undefined ? {} : { edns: REPLY_EDNS }), ...rest };
}

function queryOf(file: string): DnsQuery {
  const res = decodeDnsQuery(fixture(file));
  assert.ok(res.ok);
  return res.value;
}

function encodeToBytes(m: DnsMessage, options: DnsEncodeOptions, size = 4096): { bytes: Uint8Array; result: DnsEncodeResult } {
  const w = new Writer(new Uint8Array(size).fill(0xa5));
  const result = encodeDnsResponse(m, w, options);
  return { bytes: w.finish(), result };
}

function decodeOk(bytes: Uint8Array): DnsMessage {
  const res = decodeDnsMessage(bytes);
  assert.ok(res.ok, res.ok ? '' : res.error.message);
  return res.value;
}

describe('encodeDnsResponse: the coresmd A answer', () => {
  test('a reply to dig-9.18-a.hex is exactly these 66 octets', () => {
    const q = queryOf('dig-9.18-a.hex');
    const { bytes, result } = encodeToBytes(replyTo(q, [A(q.question.name, '10.0.0.1')]), { maxSize: udpResponseLimit(q.edns) });
    // prettier-ignore
    const want = [
      0x91, 0xa2, // ID copied
      0x85, 0x00, // QR AA RD, RCODE NOERROR
      0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, // QD 1, AN 1, NS 0, AR 1 (OPT)
      ...labels('nid0001.cluster.local'), 0x00, 0x01, 0x00, 0x01, // question echoed
      0xc0, 0x0c, // owner: pointer to the question name
      0x00, 0x01, 0x00, 0x01, // A IN
      0x00, 0x00, 0x00, 0x3c, // TTL 60
      0x00, 0x04, 0x0a, 0x00, 0x00, 0x01, // RDLENGTH 4, 10.0.0.1
      0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // OPT: root, 1232, no flags, no options
    ];
    assert.deepEqual(Array.from(bytes), want);
    assert.deepEqual(result, { length: 66, truncated: false, answers: 1, authorities: 0, additionals: 0 });
  });

  test('the question and the owner keep the query case (0x20 resolvers compare it)', () => {
    const q = queryOf('dig-9.18-a-mixed-case.hex');
    const { bytes } = encodeToBytes(replyTo(q, [A(q.question.name, '10.0.0.1')]), { maxSize: 512 });
    const m = decodeOk(bytes);
    assert.equal(m.questions[0]!.name, 'NiD0001.ClUsTeR.LoCaL.');
    assert.equal(m.answers[0]!.name, 'NiD0001.ClUsTeR.LoCaL.');
    assert.deepEqual(Array.from(bytes.subarray(12, 12 + 23)), Array.from(fixture('dig-9.18-a-mixed-case.hex').subarray(12, 12 + 23)));
  });

  test('encodeDnsResponse sets QR even if the model does not; encodeDnsMessage writes what it is given', () => {
    const q = queryOf('kdig-3.2-a.hex');
    const m: DnsMessage = { header: q.header, questions: [q.question], answers: [], authorities: [], additionals: [] };
    assert.equal(decodeOk(encodeToBytes(m, { maxSize: 512 }).bytes).header.qr, true);
    const w = new Writer(new Uint8Array(512));
    encodeDnsMessage(m, w, { maxSize: 512 });
    assert.deepEqual(Array.from(w.finish()), Array.from(fixture('kdig-3.2-a.hex')));
  });
});

describe('encode: compression', () => {
  const q = queryOf('dig-9.18-ptr-in-addr.hex');
  const ptrAnswer: DnsRecord = { name: q.question.name, type: DnsType.PTR, class: DnsClass.IN, ttl: 60, data: { kind: 'name', target: 'x1000c0s0b0n0.cluster.local.' } };
  const soa: DnsRecord = {
    name: 'cluster.local.', type: DnsType.SOA, class: DnsClass.IN, ttl: 60,
    data: { kind: 'soa', mname: 'ns.cluster.local.', rname: 'admin.cluster.local.', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5 },
  };
  const m = replyTo(q, [ptrAnswer], { authorities: [soa] });

  test('saves the octets of every repeated suffix and decodes to the same model', () => {
    const packed = encodeToBytes(m, { maxSize: 1232 });
    const plain = encodeToBytes(m, { maxSize: 1232, compress: false });
    // Saved: owner 23-2, "cluster.local." in SOA owner 15-2, in mname 15-2, in rname 15-2.
    assert.equal(plain.bytes.length - packed.bytes.length, 21 + 13 * 3);
    assert.equal(plain.bytes.length, dnsMessageByteLength(m));
    assert.deepEqual(decodeOk(packed.bytes), decodeOk(plain.bytes));
    const back = decodeOk(packed.bytes);
    assert.deepEqual([back.answers, back.authorities], [[ptrAnswer], [soa]]);
  });
});

describe('encode: truncation at the size limit (RFC 1035 §4.2.1, RFC 2181 §9)', () => {
  const q = queryOf('dig-9.18-a.hex'); // nid0001.cluster.local. A, EDNS 1232
  const qNoEdns = queryOf('dig-9.18-a-noedns.hex');
  const many = (n: number) => Array.from({ length: n }, (_, i) => A(`nid${String(i + 1).padStart(4, '0')}.cluster.local.`, `10.0.${i >> 8}.${i & 255}`));
  // Sizes with compression: header 12 + question 27 = 39; the first answer (owner = question)
  // takes 16 octets, each other "nidNNNN" + pointer to cluster.local. takes 24; OPT takes 11.

  const cases: ReadonlyArray<{ name: string; query: DnsQuery; clientSize?: number; ourMax?: number; records: number; wantAnswers: number; wantLength: number; tc: boolean }> = [
    { name: 'no EDNS: 512 octets, 20 whole records, TC', query: qNoEdns, records: 100, wantAnswers: 20, wantLength: 511, tc: true },
    { name: 'EDNS 512: OPT kept, 19 whole records, TC', query: q, clientSize: 512, records: 100, wantAnswers: 19, wantLength: 498, tc: true },
    { name: 'EDNS 1232 (dig): 49 records, TC', query: q, records: 100, wantAnswers: 49, wantLength: 1218, tc: true },
    { name: 'EDNS 4096 (kdig) capped at our 1232', query: q, clientSize: 4096, records: 100, wantAnswers: 49, wantLength: 1218, tc: true },
    { name: 'EDNS 700 honoured', query: q, clientSize: 700, records: 100, wantAnswers: 27, wantLength: 55 + 24 * 26 + 11, tc: true },
    { name: 'EDNS 4096 with our maximum raised to 4096: everything fits', query: q, clientSize: 4096, ourMax: 4096, records: 100, wantAnswers: 100, wantLength: 55 + 24 * 99 + 11, tc: false },
    { name: 'exactly full is not truncated', query: qNoEdns, records: 20, wantAnswers: 20, wantLength: 511, tc: false },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const query: DnsQuery = c.clientSize === undefined ? c.query : { ...c.query, edns: { ...c.query.edns!, udpPayloadSize: c.clientSize } };
      const maxSize = udpResponseLimit(query.edns, c.ourMax);
      const records = many(c.records);
      const { bytes, result } = encodeToBytes(replyTo(query, records), { maxSize }, 8192);
      assert.ok(bytes.length <= maxSize);
      assert.deepEqual(result, { length: c.wantLength, truncated: c.tc, answers: c.wantAnswers, authorities: 0, additionals: 0 });
      const back = decodeOk(bytes);
      assert.equal(back.header.tc, c.tc);
      assert.deepEqual(back.answers, records.slice(0, c.wantAnswers)); // whole records only
      assert.equal(back.edns !== undefined, query.edns !== undefined); // OPT always kept
    });
  }

  test('an RRset that does not fit is dropped whole, back to the last whole RRset', () => {
    const target = 'nid0002.cluster.local.';
    const cname: DnsRecord = { name: qNoEdns.question.name, type: DnsType.CNAME, class: DnsClass.IN, ttl: 60, data: { kind: 'name', target } };
    // 39 + CNAME 22 + 30 × 16 = 541 > 512: none of the A RRset may go out.
    const rrset = Array.from({ length: 30 }, (_, i) => A(target, `10.1.0.${i}`));
    const { bytes, result } = encodeToBytes(replyTo(qNoEdns, [cname, ...rrset]), { maxSize: 512 });
    assert.deepEqual(result, { length: 39 + 22, truncated: true, answers: 1, authorities: 0, additionals: 0 });
    assert.deepEqual(decodeOk(bytes).answers, [cname]);
  });

  test('owner names that differ only in case are one RRset', () => {
    const rrset = [A('nid0001.cluster.local.', '10.0.0.1'), ...Array.from({ length: 40 }, (_, i) => A('NID0001.cluster.local.', `10.0.1.${i}`))];
    const { result } = encodeToBytes(replyTo(qNoEdns, rrset), { maxSize: 512 });
    assert.equal(result.answers, 0);
  });

  test('authority overflow also sets TC', () => {
    const ns = Array.from({ length: 40 }, (_, i): DnsRecord => ({ name: `z${i}.cluster.local.`, type: DnsType.NS, class: DnsClass.IN, ttl: 60, data: { kind: 'name', target: `ns.z${i}.cluster.local.` } }));
    const { result } = encodeToBytes(replyTo(qNoEdns, [A(qNoEdns.question.name, '10.0.0.1')], { authorities: ns }), { maxSize: 512 });
    assert.equal(result.truncated, true);
    assert.equal(result.answers, 1);
    assert.ok(result.authorities > 0 && result.authorities < 40);
  });

  test('additional records that do not fit are dropped without TC (RFC 2181 §9), OPT kept', () => {
    const extra = Array.from({ length: 40 }, (_, i): DnsRecord => ({ name: `h${i}.cluster.local.`, type: DnsType.AAAA, class: DnsClass.IN, ttl: 60, data: { kind: 'aaaa', address: parseIPv6(`fd00::${i + 1}`)! } }));
    const query: DnsQuery = { ...q, edns: { ...q.edns!, udpPayloadSize: 512 } };
    const { bytes, result } = encodeToBytes(replyTo(query, [A(q.question.name, '10.0.0.1')], { additionals: extra }), { maxSize: 512 });
    assert.equal(result.truncated, false);
    assert.ok(result.additionals > 0 && result.additionals < 40);
    const back = decodeOk(bytes);
    assert.equal(back.header.tc, false);
    assert.ok(back.edns);
    assert.deepEqual(back.additionals, extra.slice(0, result.additionals));
  });

  test('a writer smaller than maxSize limits the reply the same way', () => {
    const w = new Writer(new Uint8Array(300));
    const result = encodeDnsResponse(replyTo(q, many(100)), w, { maxSize: 1232 });
    assert.ok(result.truncated);
    assert.ok(result.length <= 300);
    assert.ok(decodeOk(w.finish()).edns);
  });

  test('header, question and OPT that cannot fit are ERR_ENCODE_OVERFLOW, and nothing stays written', () => {
    const w = new Writer(new Uint8Array(100));
    assert.throws(() => encodeDnsResponse(replyTo(q, []), w, { maxSize: 40 }), (e: unknown) => e instanceof EncodeError && e.code === 'ERR_ENCODE_OVERFLOW' && e.field === 'question');
    assert.equal(w.length, 0);
  });
});

describe('encode: buffers and sizes', () => {
  const q = queryOf('dig-9.18-aaaa-edns.hex');
  const msg = replyTo(q, [{ name: q.question.name, type: DnsType.AAAA, class: DnsClass.IN, ttl: 60, data: { kind: 'aaaa', address: parseIPv6('fd00::1')! } }]);

  test('into a dirty (0xa5) buffer at offset 10: same octets, nothing outside touched', () => {
    const clean = new Writer(new Uint8Array(512));
    encodeDnsResponse(msg, clean, { maxSize: 512 });
    const buf = new Uint8Array(700).fill(0xa5);
    const w = new Writer(buf, 10, 600);
    const { length } = encodeDnsResponse(msg, w, { maxSize: 512 });
    assert.deepEqual(Array.from(w.finish()), Array.from(clean.finish()));
    assert.ok(buf.subarray(0, 10).every((b) => b === 0xa5));
    assert.ok(buf.subarray(10 + length).every((b) => b === 0xa5));
    // Pointers are relative to the message, not the buffer.
    assert.deepEqual(decodeOk(buf.subarray(10, 10 + length)).answers, msg.answers);
  });

  test('after a TCP length prefix: the message starts after the reserved octets', () => {
    const w = new Writer(new Uint8Array(600).fill(0xa5));
    const len = w.reserveU16('tcp.length');
    encodeDnsResponse(msg, w, { maxSize: 0xffff - 2 });
    const total = w.patchLength(len);
    const out = w.finish();
    assert.equal((out[0]! << 8) | out[1]!, total);
    assert.deepEqual(decodeOk(out.subarray(2)).answers, msg.answers);
  });

  test('dnsMessageByteLength equals the uncompressed encoding', () => {
    const messages: DnsMessage[] = [
      msg,
      replyTo(queryOf('kdig-3.2-a.hex'), []),
      replyTo(queryOf('dig-9.18-a-dnssec.hex'), [A('nid0001.cluster.local.', '10.0.0.1'), A('x.y.', '10.0.0.2')], {
        edns: { ...REPLY_EDNS, options: [{ code: DnsEdnsOption.Cookie, data: new Uint8Array(24) }] },
      }),
    ];
    for (const m of messages) assert.equal(encodeToBytes(m, { maxSize: 4096, compress: false }).bytes.length, dnsMessageByteLength(m));
  });

  test('maxSize must be 12..65535', () => {
    for (const maxSize of [11, 65536, 512.5, Number.NaN]) {
      assert.throws(() => encodeDnsResponse(msg, new Writer(new Uint8Array(10)), { maxSize }), { code: 'ERR_ENCODE_VALUE', field: 'maxSize' });
    }
  });
});

describe('encode: extended RCODE and unknown types', () => {
  const q = queryOf('dig-9.18-a.hex');

  test('BADVERS travels as 0 in the header and 1 in OPT, and decodes back to 16', () => {
    const m = replyTo(q, [], {});
    const { bytes } = encodeToBytes({ ...m, header: { ...m.header, rcode: DnsRcode.BADVERS } }, { maxSize: 512 });
    assert.equal(bytes[3]! & 0xf, 0);
    assert.equal(decodeOk(bytes).header.rcode, DnsRcode.BADVERS);
  });

  test('an extended RCODE without EDNS is ERR_ENCODE_VALUE', () => {
    const m = replyTo(queryOf('kdig-3.2-a.hex'), []);
    assert.throws(() => encodeToBytes({ ...m, header: { ...m.header, rcode: DnsRcode.BADVERS } }, { maxSize: 512 }), { code: 'ERR_ENCODE_VALUE', field: 'header.rcode' });
  });

  test('an unknown type round-trips verbatim (RFC 3597), even with compression on', () => {
    const raw: DnsRecord = { name: q.question.name, type: 65280, class: DnsClass.IN, ttl: 5, data: { kind: 'unknown', data: Uint8Array.of(0xc0, 0x0c, 1, 2) } };
    const { bytes } = encodeToBytes(replyTo(q, [raw]), { maxSize: 512 });
    assert.deepEqual(decodeOk(bytes).answers, [raw]);
    assert.deepEqual(Array.from(bytes.subarray(39 + 12, 39 + 16)), [0xc0, 0x0c, 1, 2]);
  });
});
