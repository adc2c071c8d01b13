// DNS codec hot path: decodeDnsQuery of a captured dig A query, and encodeDnsResponse of the
// one-record A answer coresmd gives (with OPT) into one reused buffer, as a pooled send slot is.
//
//   node --import tsx bench/dns-codec.ts
//
// Prints the median of several rounds in ns per operation; BENCHMARKS.md records the numbers.
import { parseIPv4 } from '../src/wire/addr.ts';
import { Writer } from '../src/wire/writer.ts';
import { DnsClass, DnsType } from '../src/dns/constants.ts';
import { DNS_UDP_MAX_PAYLOAD, udpResponseLimit } from '../src/dns/edns.ts';
import { decodeDnsQuery, encodeDnsResponse, type DnsMessage } from '../src/dns/message.ts';
import { loadHexFixture } from '../test/support/hex.ts';

const ROUNDS = 7;
const OPS = 200_000;

function bench(name: string, op: () => void): void {
  for (let i = 0; i < OPS; i++) op(); // warm up: let the JIT settle before timing
  const perOp: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < OPS; i++) op();
    perOp.push(Number(process.hrtime.bigint() - t0) / OPS);
  }
  perOp.sort((a, b) => a - b);
  const median = perOp[Math.floor(ROUNDS / 2)]!;
  console.log(`${name.padEnd(48)} ${median.toFixed(0).padStart(6)} ns/op  (min ${perOp[0]!.toFixed(0)}, max ${perOp[ROUNDS - 1]!.toFixed(0)})`);
}

const query = loadHexFixture(new URL('../test/fixtures/dns/dig-9.18-a.hex', import.meta.url));
const decoded = decodeDnsQuery(query);
if (!decoded.ok) throw decoded.error;
const q = decoded.value;

const reply: DnsMessage = {
  header: { id: q.header.id, qr: true, opcode: q.header.opcode, aa: true, tc: false, rd: q.header.rd, ra: false, z: false, ad: false, cd: q.header.cd, rcode: 0 },
  questions: [q.question],
  answers: [{ name: q.question.name, type: DnsType.A, class: DnsClass.IN, ttl: 60, data: { kind: 'a', address: parseIPv4('10.0.0.1')! } }],
  authorities: [],
  additionals: [],
  edns: { udpPayloadSize: DNS_UDP_MAX_PAYLOAD, version: 0, dnssecOk: false, z: 0, options: [] },
};
const slot = new Uint8Array(DNS_UDP_MAX_PAYLOAD);
const maxSize = udpResponseLimit(q.edns);

let sink = 0;
console.log(`node ${process.version}, ${OPS} ops x ${ROUNDS} rounds, median`);
bench('decodeDnsQuery (dig 9.18 A, EDNS + cookie, 62 B)', () => {
  const r = decodeDnsQuery(query);
  if (r.ok) sink += r.value.question.type;
});
bench('encodeDnsResponse (1 A + OPT, 66 B, reused buf)', () => {
  sink += encodeDnsResponse(reply, new Writer(slot), { maxSize }).length;
});
bench('decode + encode (one query answered)', () => {
  const r = decodeDnsQuery(query);
  if (r.ok) sink += encodeDnsResponse(reply, new Writer(slot), { maxSize }).length;
});
if (sink === 0) console.log('unreachable');
