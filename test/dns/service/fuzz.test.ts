// Seeded fuzzing of the whole request path (house style §5.7): mutated dig/kdig captures go
// through DnsQueryHandler. Invariants:
//   1. handle() never throws and never logs an error (a malformed query is not a bug);
//   2. a reply decodes, is a response (QR), carries the query's ID, and fits the client's limit
//      (512 octets without EDNS, the UDP slot with it);
//   3. a forwarded query whose upstream reply is garbage, or too big, still gets a reply that
//      decodes and fits.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { decodeDnsMessage, decodeDnsQuery } from '../../../src/dns/message.ts';
import { DnsMetrics } from '../../../src/dns/service/metrics.ts';
import { DnsQueryHandler, type DnsForwarder, type DnsRequestContext } from '../../../src/dns/service/query-handler.ts';
import { buildZoneIndex } from '../../../src/dns/service/zone-index.ts';
import { loadHexFixture } from '../../support/hex.ts';
import { fuzzIterations, fuzzSeed, mulberry32, mutate, runFuzz } from '../../support/fuzz.ts';
import { recordingLogger } from '../../support/logger.ts';
import { F4, queryBytes, snapshotOf } from './support.ts';

const dir = new URL('../../fixtures/dns/', import.meta.url);
const captures = readdirSync(dir)
  .filter((f) => f.endsWith('.hex'))
  .sort()
  .map((f) => loadHexFixture(new URL(f, dir)));
const corpus = [...captures, queryBytes('nid0001.cluster.local.', { edns: true }), queryBytes('2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.', { type: 12 })];

const UDP: DnsRequestContext = { proto: 'udp', family: 4, remoteAddress: '127.0.0.1', remotePort: 1 };
const SLOT = 1232;

function handler(forward: DnsForwarder | undefined) {
  const logger = recordingLogger();
  const index = buildZoneIndex(snapshotOf(F4), [{ name: 'cluster.local', pattern: 'nid{04d}' }], { ttl: 60, nsAddresses: [] });
  const h = new DnsQueryHandler({
    server: 'dns://:53',
    blocks: [{ zones: ['.'], coresmd: { current: () => index, ttl: 60 }, forward, queryLog: undefined, logErrors: false }],
    metrics: new DnsMetrics(),
    logger,
    monotonicMs: () => 0,
  });
  return { h, logger };
}

function checkReply(req: Uint8Array, reply: Uint8Array): void {
  const m = decodeDnsMessage(reply);
  assert.ok(m.ok, `reply does not decode: ${m.ok ? '' : m.error.message}`);
  assert.equal(m.value.header.qr, true);
  assert.equal(m.value.header.id, (req[0]! << 8) | req[1]!);
  const q = decodeDnsQuery(req);
  const limit = q.ok && q.value.edns !== undefined ? SLOT : 512;
  assert.ok(reply.length <= limit, `${reply.length} octets > ${limit}`);
}

describe('DNS request path fuzz', () => {
  test(`mutated queries: no throw, no error log, replies decode and fit (${fuzzIterations} runs)`, () => {
    const { h, logger } = handler(undefined);
    let replies = 0;
    runFuzz({
      corpus,
      check(input) {
        const out = new Uint8Array(SLOT);
        const r = h.handle(input, UDP, out);
        assert.equal(typeof r, 'number', 'no forward configured: always synchronous');
        if (r === 0) return;
        replies++;
        checkReply(input, out.subarray(0, r as number));
      },
    });
    assert.deepEqual(logger.lines.filter((l) => l.level === 'error'), []);
    assert.ok(replies > fuzzIterations / 4, `${replies} replies`);
  });

  test('garbage and oversized upstream replies: the client still gets a reply that decodes and fits', async () => {
    const rng = mulberry32(fuzzSeed ^ 0xf0);
    const query = queryBytes('www.example.com.', { id: 0x4242 });
    let upstreamReply: Uint8Array = new Uint8Array(0);
    const { h, logger } = handler({ covers: () => true, exchange: async () => upstreamReply });
    // Seeds: a well-formed reply with 60 A records (too big for 512), and the query itself.
    const big = Uint8Array.from([...query.subarray(0, 2), 0x81, 0x80, 0, 1, 0, 60, 0, 0, 0, 0, ...query.subarray(12), ...Array.from({ length: 60 }, (_, i) => [0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, i]).flat()]);
    const seeds = [big, query];
    const runs = Math.max(200, Math.floor(fuzzIterations / 5));
    for (let i = 0; i < runs; i++) {
      let u = seeds[i % seeds.length]!;
      for (let k = 0; k < 1 + Math.floor(rng() * 3); k++) u = mutate(rng, u, seeds);
      upstreamReply = u;
      const r = h.handle(query, UDP, new Uint8Array(SLOT));
      assert.ok(typeof r !== 'number');
      const reply = await r;
      assert.ok(reply !== undefined);
      checkReply(query, reply);
    }
    assert.deepEqual(logger.lines.filter((l) => l.level === 'error'), []);
  });
});
