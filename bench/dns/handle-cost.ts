// What the DNS work of `coresmd dns` costs per query without any socket (BENCHMARKS.md, "DNS",
// profile findings): the same 10,000-node inventory and the same query mix as bench/dns.sh, fed
// as wire bytes to DnsQueryHandler.handle (what the UDP listener calls per datagram), and then
// its stages one by one: decodeDnsQuery, answerQuery, encodeDnsResponse, and the metric updates
// the handler makes per query (the same calls with the same label values).
//
//   taskset -c 1 node --import tsx bench/dns/handle-cost.ts [--nodes 10000] [--queries 100000] [--rounds 7]
//
// Prints the median over rounds of ns per query (each round runs the whole query list once,
// after one warm-up pass) and the GCs per 100,000 queries (a PerformanceObserver on `gc`).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { Writer } from '../../src/wire/writer.ts';
import { parseIp } from '../../src/wire/addr.ts';
import { DnsType } from '../../src/dns/constants.ts';
import { udpResponseLimit } from '../../src/dns/edns.ts';
import { decodeDnsQuery, encodeDnsResponse, type DnsMessage, type DnsQuery } from '../../src/dns/message.ts';
import { answerQuery } from '../../src/dns/service/answer.ts';
import { coresmdTypeLabel, DnsMetrics, rcodeLabel, standardTypeLabel } from '../../src/dns/service/metrics.ts';
import { DnsQueryHandler, type DnsRequestContext } from '../../src/dns/service/query-handler.ts';
import { buildZoneIndex } from '../../src/dns/service/zone-index.ts';
import { nullLogger } from '../../src/seams/logger.ts';
import { parseInventoryDocument } from '../../src/smd/inventory-document.ts';
import { buildSnapshot } from '../../src/smd/snapshot.ts';
import { queryBytes } from '../../test/dns/service/support.ts';
import { PATTERN, SERVER_ADDRESS, TTL, writeWorkload, ZONE } from './workload.ts';

function num(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i === -1 ? undefined : Number(process.argv[i + 1]);
  return v === undefined || !Number.isFinite(v) ? fallback : v;
}
const NODES = num('nodes', 10_000);
const QUERIES = num('queries', 100_000);
const ROUNDS = num('rounds', 7);

const dir = mkdtempSync(join(tmpdir(), 'bench-dns-cost-'));
const w = writeWorkload(dir, { nodes: NODES, queries: QUERIES });
const raw = parseInventoryDocument(readFileSync(w.files.inventory, 'utf8'), w.files.inventory);
const queriesText = readFileSync(w.files.queries, 'utf8');
rmSync(dir, { recursive: true, force: true });

const snapshot = buildSnapshot(raw, { fetchedAt: Date.now(), source: 'bench' });
const index = buildZoneIndex(snapshot, [{ name: ZONE, pattern: PATTERN }], { ttl: TTL, nsAddresses: [parseIp(SERVER_ADDRESS)!] });
const metrics = new DnsMetrics();
const server = 'dns://127.0.0.1:15301';
const handler = new DnsQueryHandler({
  server,
  blocks: [{ zones: ['.'], coresmd: { current: () => index, ttl: TTL }, forward: undefined, queryLog: undefined, logErrors: false }],
  metrics,
  logger: nullLogger,
  monotonicMs: () => performance.now(),
});

const TYPES: Record<string, number> = { A: DnsType.A, AAAA: DnsType.AAAA, PTR: DnsType.PTR };
// dnsperf's queries: no EDNS, RD set, a fresh ID each.
const wire: Uint8Array[] = queriesText
  .trim()
  .split('\n')
  .map((line, i) => {
    const [name, type] = line.split(' ') as [string, string];
    return queryBytes(name, { type: TYPES[type]!, id: i & 0xffff, rd: true });
  });
const decoded: DnsQuery[] = wire.map((b) => {
  const r = decodeDnsQuery(b);
  if (!r.ok) throw r.error;
  return r.value;
});
const replies: DnsMessage[] = decoded.map((q) => {
  const a = answerQuery(q, index, { ttl: TTL });
  if (a.kind !== 'reply') throw new Error(`not answered: ${q.question.name}`);
  return a.message;
});
const ctx: DnsRequestContext = { proto: 'udp', family: 4, remoteAddress: '127.0.0.1', remotePort: 40000 };
const out = new Uint8Array(1232);
const n = wire.length;

let gcs = 0;
new PerformanceObserver((list) => (gcs += list.getEntries().length)).observe({ entryTypes: ['gc'] });

let sink = 0;
/** Times `pass` (one run over every query) ROUNDS times after one warm-up run; prints the median. */
async function bench(name: string, pass: () => void): Promise<void> {
  pass(); // warm-up
  await new Promise((r) => setTimeout(r, 50));
  const per: number[] = [];
  const gcBefore = gcs;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    pass();
    per.push(Number(process.hrtime.bigint() - t0) / n);
  }
  // GC entries reach the observer asynchronously: let them arrive before counting.
  await new Promise((r) => setTimeout(r, 50));
  per.sort((a, b) => a - b);
  const gcPer100k = ((gcs - gcBefore) * 100_000) / (n * ROUNDS);
  console.log(`${name.padEnd(60)} ${per[ROUNDS >> 1]!.toFixed(0).padStart(6)} ns/query  (min ${per[0]!.toFixed(0)}, max ${per[ROUNDS - 1]!.toFixed(0)})  GCs per 100k queries: ${gcPer100k.toFixed(1)}`);
}

const maxSize = udpResponseLimit(undefined);
async function main(): Promise<void> {
  console.log(`node ${process.version}, ${n} queries (the bench/dns.sh mix) x ${ROUNDS} rounds, median; ${index.stats.names} names, ${index.stats.ptrs} PTRs`);
  const step = bench;
  await step('DnsQueryHandler.handle (wire in, reply bytes out, metrics)', () => {
    for (let i = 0; i < n; i++) sink += handler.handle(wire[i]!, ctx, out) as number;
  });
  await step('  decodeDnsQuery', () => {
    for (let i = 0; i < n; i++) sink += decodeDnsQuery(wire[i]!).ok ? 1 : 0;
  });
  await step('  answerQuery (index lookup + reply model)', () => {
    for (let i = 0; i < n; i++) sink += answerQuery(decoded[i]!, index, { ttl: TTL }).kind.length;
  });
  await step('  encodeDnsResponse (into one reused buffer)', () => {
    for (let i = 0; i < n; i++) sink += encodeDnsResponse(replies[i]!, new Writer(out, 0, maxSize), { maxSize }).length;
  });
  // What #coresmdMetrics and #finish do per query: 3 clock reads, 4 counters, 2 histograms.
  const zone = `${ZONE}.`;
  await step('  metric updates as the handler makes them (+ 3 clock reads)', () => {
    for (let i = 0; i < n; i++) {
      const q = decoded[i]!;
      const t0 = performance.now();
      const ct = coresmdTypeLabel(q.question.type);
      metrics.coresmdRequests.inc([server, zone, ct]);
      metrics.cacheHits.inc([server, zone, ct]);
      metrics.coresmdDuration.observe([server, zone], (performance.now() - t0) / 1000);
      const st = standardTypeLabel(q.question.type);
      metrics.requests.inc([server, zone, '', 'udp', '1', st]);
      metrics.responses.inc([server, zone, '', rcodeLabel(replies[i]!.header.rcode), 'coresmd']);
      metrics.duration.observe([server, zone, '', st], (performance.now() - t0) / 1000);
    }
  });
  await step('  3 × performance.now() alone', () => {
    for (let i = 0; i < n; i++) sink += performance.now() + performance.now() + performance.now();
  });
  if (sink === 0) console.log('unreachable');
  process.exit(0);
}
void main();
