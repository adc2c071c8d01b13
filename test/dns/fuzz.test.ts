// Seeded mutation fuzzing of the DNS codec over the captured and crafted fixtures plus a few
// replies of our own (so records, RDATA and pointers get mutated too). Invariants (house style
// §5.7, hickory-dns fuzz/fuzz_targets/message.rs):
//   1. decodeDnsQuery and decodeDnsMessage never throw; failures are WireError results;
//   2. when the full decoder accepts a one-question message, the query decoder agrees with it;
//   3. anything that decodes re-encodes without compression and re-decodes to an equal model;
//   4. with compression it re-decodes to the same model up to the case of names (suffixes
//      match case-insensitively, so a pointer may carry an earlier spelling).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { parseIPv4, parseIPv6 } from '../../src/wire/addr.ts';
import { WireError } from '../../src/wire/errors.ts';
import { Writer } from '../../src/wire/writer.ts';
import { DnsClass, DnsType } from '../../src/dns/constants.ts';
import { decodeDnsMessage, decodeDnsQuery, encodeDnsMessage, DNS_MAX_MESSAGE_LENGTH, type DnsMessage } from '../../src/dns/message.ts';
import { nameKey } from '../../src/dns/name.ts';
import { loadHexFixture } from '../support/hex.ts';
import { runFuzz } from '../support/fuzz.ts';
import { foldNames } from './support.ts';

const dir = new URL('../fixtures/dns/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.hex'))
  .sort()
  .map((f) => loadHexFixture(new URL(f, dir)));

function ourReply(): Uint8Array {
  const owner = 'Nid0001.Cluster.local.';
  const m: DnsMessage = {
    header: { id: 7, qr: true, opcode: 0, aa: true, tc: false, rd: true, ra: false, z: false, ad: false, cd: false, rcode: 0 },
    questions: [{ name: owner, type: DnsType.ANY, class: DnsClass.IN }],
    answers: [
      { name: owner, type: DnsType.A, class: DnsClass.IN, ttl: 60, data: { kind: 'a', address: parseIPv4('10.0.0.1')! } },
      { name: owner, type: DnsType.AAAA, class: DnsClass.IN, ttl: 60, data: { kind: 'aaaa', address: parseIPv6('fd00::1')! } },
      { name: owner, type: DnsType.TXT, class: DnsClass.IN, ttl: 60, data: { kind: 'txt', strings: [Uint8Array.of(0x61, 0x2e, 0x00)] } },
      { name: owner, type: DnsType.MX, class: DnsClass.IN, ttl: 60, data: { kind: 'mx', preference: 1, exchange: 'mx.cluster.local.' } },
      { name: '_dns._udp.cluster.local.', type: DnsType.SRV, class: DnsClass.IN, ttl: 60, data: { kind: 'srv', priority: 0, weight: 1, port: 53, target: 'ns.cluster.local.' } },
      { name: owner, type: 65280, class: DnsClass.CH, ttl: 1, data: { kind: 'unknown', data: Uint8Array.of(1, 2, 3) } },
    ],
    authorities: [
      {
        name: 'cluster.local.', type: DnsType.SOA, class: DnsClass.IN, ttl: 60,
        data: { kind: 'soa', mname: 'ns.cluster.local.', rname: 'admin\\.x.cluster.local.', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5 },
      },
    ],
    additionals: [{ name: 'ns.cluster.local.', type: DnsType.PTR, class: DnsClass.IN, ttl: 60, data: { kind: 'name', target: '1.0.0.10.in-addr.arpa.' } }],
    edns: { udpPayloadSize: 1232, version: 0, dnssecOk: true, z: 0, options: [{ code: 10, data: new Uint8Array(8) }] },
  };
  const w = new Writer(new Uint8Array(1232));
  encodeDnsMessage(m, w, { maxSize: 1232 });
  return Uint8Array.from(w.finish());
}

const corpus = [...fixtures, ourReply()];

describe('DNS codec fuzz', () => {
  test(`the corpus: ${corpus.length} messages, every captured one decodes`, () => {
    assert.ok(fixtures.length >= 11);
    const decoded = corpus.filter((b) => decodeDnsMessage(b).ok);
    assert.ok(decoded.length >= 12);
  });

  test('mutated messages: only WireError results, and decode → encode → decode is stable', () => {
    const scratch = new Uint8Array(DNS_MAX_MESSAGE_LENGTH);
    let decodedCount = 0;
    const reencode = (m: DnsMessage, compress: boolean): DnsMessage | undefined => {
      const w = new Writer(scratch);
      const r = encodeDnsMessage(m, w, { maxSize: DNS_MAX_MESSAGE_LENGTH, compress });
      if (r.truncated) return undefined; // hickory excuses truncation too
      const back = decodeDnsMessage(w.finish());
      if (!back.ok) throw new Error(`re-encoded message does not decode: ${back.error.message}`);
      return back.value;
    };
    runFuzz({
      corpus,
      check(input) {
        const q = decodeDnsQuery(input);
        if (!q.ok) assert.ok(q.error instanceof WireError);
        const m = decodeDnsMessage(input);
        if (!m.ok) {
          assert.ok(m.error instanceof WireError);
          return;
        }
        decodedCount++;
        if (m.value.questions.length === 1) {
          assert.ok(q.ok, 'the query decoder rejects what the full decoder accepts');
          const first = m.value.questions[0]!;
          assert.deepEqual(q.value.question, { ...first, nameKey: nameKey(first.name) });
          assert.deepEqual(q.value.header, m.value.header);
          assert.deepEqual(q.value.edns, m.value.edns);
        }
        const plain = reencode(m.value, false);
        if (plain !== undefined) assert.deepEqual(plain, m.value);
        const packed = reencode(m.value, true);
        if (packed !== undefined) assert.deepEqual(foldNames(packed), foldNames(m.value));
      },
    });
    // The mutator must leave enough messages intact for invariant 3 to mean something.
    assert.ok(decodedCount > 0);
  });
});
