// The request path over bytes (query-handler.ts): silence, FORMERR, NOTIMP, BADVERS, zone
// routing, REFUSED, truncation against the client's limit, forwarding, and the metrics.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DnsClass, DnsOpcode, DnsRcode, DnsType, nameOf } from '../../../src/dns/constants.ts';
import { decodeDnsMessage, type DnsMessage } from '../../../src/dns/message.ts';
import { DnsMetrics } from '../../../src/dns/service/metrics.ts';
import { DnsQueryHandler, type CoresmdZones, type DnsForwarder, type DnsRequestContext, type DnsServerBlock } from '../../../src/dns/service/query-handler.ts';
import { buildZoneIndex } from '../../../src/dns/service/zone-index.ts';
import { nullLogger } from '../../../src/seams/logger.ts';
import { recordingLogger } from '../../support/logger.ts';
import { F1, formatRecord, queryBytes, snapshotOf, type IfaceRow } from './support.ts';
import { header, labels, u16 } from '../support.ts';

const UDP: DnsRequestContext = { proto: 'udp', family: 4, remoteAddress: '127.0.0.1', remotePort: 5353 };
const TCP: DnsRequestContext = { ...UDP, proto: 'tcp' };
const SERVER = 'dns://:1053';

/** 100 addresses on one node: 1600+ octets of answers, over every UDP limit. */
const MANY: IfaceRow[] = [{ mac: '02:00:00:00:00:01', id: 'big', type: 'Node', nid: 1, ips: Array.from({ length: 100 }, (_, i) => `10.0.${i >> 8}.${i & 255}`) }];

function zonesOf(rows: readonly IfaceRow[] | undefined): CoresmdZones {
  const index = buildZoneIndex(rows === undefined ? undefined : snapshotOf(rows), [{ name: 'cluster.local', pattern: 'nid{04d}' }], { ttl: 60, nsAddresses: [] });
  return { current: () => index, ttl: 60 };
}

function block(init: Partial<DnsServerBlock> = {}): DnsServerBlock {
  return { zones: ['.'], coresmd: zonesOf(F1), forward: undefined, queryLog: undefined, logErrors: false, ...init };
}

function handlerOf(blocks: readonly DnsServerBlock[], extra: { metrics?: DnsMetrics; logger?: ReturnType<typeof recordingLogger> } = {}) {
  const metrics = extra.metrics ?? new DnsMetrics();
  let t = 0;
  return { metrics, h: new DnsQueryHandler({ server: SERVER, blocks, metrics, logger: extra.logger ?? nullLogger, monotonicMs: () => (t += 0.1) }) };
}

/** Runs a request; `size` is the output buffer (a UDP slot is 1232). */
async function ask(h: DnsQueryHandler, req: Uint8Array, ctx = UDP, size = 1232): Promise<Uint8Array | undefined> {
  const out = new Uint8Array(size);
  const r = h.handle(req, ctx, out);
  if (typeof r === 'number') return r === 0 ? undefined : out.slice(0, r);
  return r;
}

function decoded(bytes: Uint8Array | undefined): DnsMessage {
  assert.ok(bytes !== undefined, 'expected a reply');
  const m = decodeDnsMessage(bytes);
  assert.ok(m.ok, m.ok ? '' : m.error.message);
  return m.value;
}

const rcodeOf = (m: DnsMessage) => nameOf(DnsRcode, m.header.rcode);

describe('query handler: what gets no reply, FORMERR or NOTIMP', () => {
  const { h } = handlerOf([block()]);
  test('fewer than 12 octets: silence', async () => {
    assert.equal(await ask(h, Uint8Array.of(1, 2, 3)), undefined);
    assert.equal(await ask(h, new Uint8Array(0)), undefined);
  });
  test('a response (QR=1) sent to us: silence', async () => {
    const q = queryBytes('nid0001.cluster.local.');
    q[2] = q[2]! | 0x80;
    assert.equal(await ask(h, q), undefined);
  });
  test('no question (F1-7): FORMERR, header only, ID echoed', async () => {
    const m = decoded(await ask(h, Uint8Array.from(header(0x0100, 0))));
    assert.equal(rcodeOf(m), 'FORMERR');
    assert.equal(m.header.id, 0x1234);
    assert.equal(m.questions.length, 0);
  });
  test('two questions: FORMERR', async () => {
    const q = [...labels('a.cluster.local'), ...u16(1), ...u16(1)];
    assert.equal(rcodeOf(decoded(await ask(h, Uint8Array.from([...header(0x0100, 2), ...q, ...q])))), 'FORMERR');
  });
  test('a body that does not decode (name runs off the end): FORMERR', async () => {
    assert.equal(rcodeOf(decoded(await ask(h, Uint8Array.from([...header(0x0100, 1), 7, 0x6e, 0x69])))), 'FORMERR');
  });
  for (const [name, opcode] of [['IQUERY', DnsOpcode.IQUERY], ['STATUS', DnsOpcode.STATUS], ['UPDATE', DnsOpcode.UPDATE], ['NOTIFY', DnsOpcode.NOTIFY]] as const) {
    test(`opcode ${name}: NOTIMP with the opcode echoed`, async () => {
      const m = decoded(await ask(h, queryBytes('cluster.local.', { opcode, type: DnsType.SOA })));
      assert.equal(rcodeOf(m), 'NOTIMP');
      assert.equal(m.header.opcode, opcode);
    });
  }
  test('EDNS version 1: BADVERS (RFC 6891 §6.1.3) in an OPT record', async () => {
    const m = decoded(await ask(h, queryBytes('nid0001.cluster.local.', { edns: { version: 1 } })));
    assert.equal(m.header.rcode, DnsRcode.BADVERS);
    assert.equal(m.edns?.version, 0);
  });
});

describe('query handler: routing, REFUSED, never SERVFAIL for a miss', () => {
  test('a name in the zone is answered from the index, AA set', async () => {
    const { h } = handlerOf([block()]);
    const m = decoded(await ask(h, queryBytes('nid0001.cluster.local.')));
    assert.deepEqual(m.answers.map(formatRecord), ['nid0001.cluster.local. 60 IN A 192.168.1.10']);
    assert.equal(m.header.aa, true);
  });
  test('outside the zones without forward: REFUSED', async () => {
    const { h } = handlerOf([block()]);
    const m = decoded(await ask(h, queryBytes('example.com.')));
    assert.equal(rcodeOf(m), 'REFUSED');
    assert.equal(m.header.aa, false);
  });
  test('no server block covers the name: REFUSED', async () => {
    const { h } = handlerOf([block({ zones: ['cluster.local.'] })]);
    assert.equal(rcodeOf(decoded(await ask(h, queryBytes('example.com.')))), 'REFUSED');
  });
  test('the block with the longest zone takes the query', async () => {
    const calls: string[] = [];
    const fwd: DnsForwarder = { covers: () => true, exchange: async (req) => (calls.push('fwd'), answerBytes(req, DnsRcode.NXDOMAIN)) };
    const { h } = handlerOf([block({ zones: ['.'], coresmd: undefined, forward: fwd }), block({ zones: ['cluster.local.'] })]);
    assert.equal(rcodeOf(decoded(await ask(h, queryBytes('nid0001.cluster.local.')))), 'NOERROR');
    assert.equal(rcodeOf(decoded(await ask(h, queryBytes('example.com.')))), 'NXDOMAIN');
    assert.deepEqual(calls, ['fwd']);
  });
  test('an in-zone miss is NXDOMAIN even with a forward (we are the authority)', async () => {
    let forwarded = 0;
    const fwd: DnsForwarder = { covers: () => true, exchange: async (req) => (forwarded++, answerBytes(req, 0)) };
    const { h } = handlerOf([block({ forward: fwd })]);
    assert.equal(rcodeOf(decoded(await ask(h, queryBytes('nobody.cluster.local.')))), 'NXDOMAIN');
    assert.equal(forwarded, 0);
  });
  test('a bug in a plugin becomes SERVFAIL and one error line', async () => {
    const logger = recordingLogger();
    const broken: CoresmdZones = { current: () => { throw new Error('boom'); }, ttl: 60 };
    const { h } = handlerOf([block({ coresmd: broken })], { logger });
    assert.equal(rcodeOf(decoded(await ask(h, queryBytes('nid0001.cluster.local.')))), 'SERVFAIL');
    assert.equal(logger.lines.filter((l) => l.level === 'error').length, 1);
  });
});

/** A reply to `req` with `rcode` and, for NOERROR, one A record, as an upstream would send it. */
function answerBytes(req: Uint8Array, rcode: number, count = 1): Uint8Array {
  const q = decodeDnsMessage(req);
  assert.ok(q.ok);
  const question = q.value.questions[0]!;
  const out: number[] = [req[0]!, req[1]!, 0x81, 0x80 | rcode, ...u16(1), ...u16(rcode === 0 ? count : 0), ...u16(0), ...u16(0)];
  out.push(...labels(question.name), ...u16(question.type), ...u16(DnsClass.IN));
  for (let i = 0; rcode === 0 && i < count; i++) out.push(0xc0, 12, ...u16(DnsType.A), ...u16(1), 0, 0, 0, 60, ...u16(4), 192, 0, 2, i & 255);
  return Uint8Array.from(out);
}

describe('query handler: forward', () => {
  test('a covered name is forwarded and the upstream reply passed through', async () => {
    const fwd: DnsForwarder = { covers: (k) => k.endsWith('example.com.'), exchange: async (req) => answerBytes(req, 0) };
    const { h, metrics } = handlerOf([block({ forward: fwd })]);
    const m = decoded(await ask(h, queryBytes('www.example.com.', { id: 777 })));
    assert.equal(m.header.id, 777);
    assert.deepEqual(m.answers.map(formatRecord), ['www.example.com. 60 IN A 192.0.2.0']);
    assert.equal(metrics.responses.get([SERVER, '.', '', 'NOERROR', 'forward']), 1);
  });
  test('a name the forward does not cover (except) is REFUSED', async () => {
    const fwd: DnsForwarder = { covers: (k) => !k.endsWith('internal.'), exchange: async (req) => answerBytes(req, 0) };
    const { h } = handlerOf([block({ forward: fwd })]);
    assert.equal(rcodeOf(decoded(await ask(h, queryBytes('x.internal.')))), 'REFUSED');
  });
  test('every upstream failing gives SERVFAIL (and an error line with `errors`)', async () => {
    const logger = recordingLogger();
    const fwd: DnsForwarder = { covers: () => true, exchange: async () => { throw new Error('timeout'); } };
    const { h } = handlerOf([block({ forward: fwd, logErrors: true })], { logger });
    assert.equal(rcodeOf(decoded(await ask(h, queryBytes('www.example.com.')))), 'SERVFAIL');
    assert.equal(logger.lines.filter((l) => l.msg === 'forward failed').length, 1);
  });
  test('an upstream reply larger than the client may take is truncated to its limit, TC set', async () => {
    const fwd: DnsForwarder = { covers: () => true, exchange: async (req) => answerBytes(req, 0, 60) };
    const { h } = handlerOf([block({ forward: fwd })]);
    const bytes = await ask(h, queryBytes('big.example.com.'));
    assert.ok(bytes !== undefined && bytes.length <= 512, `got ${bytes?.length}`);
    const m = decoded(bytes);
    assert.equal(m.header.tc, true);
    assert.equal(m.answers.length, 0);
  });
});

describe('query handler: size limits and TC (RFC 1035 §4.2.1, RFC 6891 §6.2.5)', () => {
  const { h } = handlerOf([block({ coresmd: zonesOf(MANY) })]);
  test('UDP without EDNS: at most 512 octets, the RRset dropped whole, TC set', async () => {
    const bytes = await ask(h, queryBytes('nid0001.cluster.local.'));
    assert.ok(bytes !== undefined && bytes.length <= 512);
    const m = decoded(bytes);
    assert.deepEqual([m.header.tc, m.answers.length, m.header.aa], [true, 0, true]);
  });
  test('UDP with EDNS 4096: capped at our 1232, still TC', async () => {
    const bytes = await ask(h, queryBytes('nid0001.cluster.local.', { edns: { udpPayloadSize: 4096 } }));
    assert.ok(bytes !== undefined && bytes.length <= 1232);
    assert.equal(decoded(bytes).header.tc, true);
  });
  test('UDP with EDNS 600: the client’s size is respected', async () => {
    const bytes = await ask(h, queryBytes('nid0001.cluster.local.', { edns: { udpPayloadSize: 600 } }));
    assert.ok(bytes !== undefined && bytes.length <= 600);
  });
  test('TCP: the whole RRset of 100 records, no TC', async () => {
    const m = decoded(await ask(h, queryBytes('nid0001.cluster.local.'), TCP, 65535));
    assert.deepEqual([m.header.tc, m.answers.length], [false, 100]);
  });
  test('a node with few addresses fits: no TC', async () => {
    const small = handlerOf([block()]).h;
    assert.equal(decoded(await ask(small, queryBytes('nid0001.cluster.local.'))).header.tc, false);
  });
});

describe('query handler: metrics', () => {
  test('the coresmd series count hits, misses and other types; the standard ones count every reply', async () => {
    const { h, metrics } = handlerOf([block()]);
    for (const [name, type] of [
      ['nid0001.cluster.local.', DnsType.A],
      ['nid0001.cluster.local.', DnsType.AAAA],
      ['nobody.cluster.local.', DnsType.A],
      ['cluster.local.', DnsType.SOA],
      ['10.1.168.192.in-addr.arpa.', DnsType.PTR],
      ['example.com.', DnsType.A],
    ] as const) {
      await ask(h, queryBytes(name, { type }));
    }
    await ask(h, queryBytes('nid0001.cluster.local.'), TCP, 65535);
    const z = 'cluster.local.';
    assert.equal(metrics.coresmdRequests.get([SERVER, z, 'A']), 3);
    assert.equal(metrics.coresmdRequests.get([SERVER, z, 'AAAA']), 1);
    assert.equal(metrics.coresmdRequests.get([SERVER, z, 'other']), 1);
    assert.equal(metrics.coresmdRequests.get([SERVER, 'in-addr.arpa.', 'PTR']), 1);
    assert.equal(metrics.coresmdRequests.get([SERVER, 'unknown', 'A']), 1);
    assert.equal(metrics.cacheHits.get([SERVER, z, 'A']), 2);
    assert.equal(metrics.cacheMisses.get([SERVER, z, 'A']), 1);
    assert.equal(metrics.cacheMisses.get([SERVER, z, 'AAAA']), 1);
    assert.equal(metrics.cacheHits.get([SERVER, 'in-addr.arpa.', 'PTR']), 1);
    assert.equal(metrics.cacheMisses.get([SERVER, 'unknown', 'A']), 0);
    assert.equal(metrics.requests.get([SERVER, '.', '', 'udp', '1', 'A']), 3);
    assert.equal(metrics.requests.get([SERVER, '.', '', 'tcp', '1', 'A']), 1);
    assert.equal(metrics.responses.get([SERVER, '.', '', 'NXDOMAIN', 'coresmd']), 1);
    assert.equal(metrics.responses.get([SERVER, '.', '', 'NOERROR', 'coresmd']), 5);
    assert.equal(metrics.responses.get([SERVER, '.', '', 'REFUSED', '']), 1);
    assert.equal(metrics.coresmdDuration.count([SERVER, z]), 5);
    const text = metrics.format();
    assert.match(text, /^coredns_coresmd_requests_total\{server="dns:\/\/:1053",zone="cluster.local.",type="A"\} 3$/m);
  });
  test('dropped messages are counted by reason', async () => {
    const { h, metrics } = handlerOf([block()]);
    await ask(h, Uint8Array.of(1));
    const q = queryBytes('a.cluster.local.');
    q[2] = q[2]! | 0x80;
    await ask(h, q);
    assert.equal(metrics.dropped.get([SERVER, 'short']), 1);
    assert.equal(metrics.dropped.get([SERVER, 'response']), 1);
  });
});

describe('query handler: the log directive', () => {
  test('lines for the queries the filter takes, with CoreDNS-like fields', async () => {
    const logger = recordingLogger();
    const { h } = handlerOf([block({ queryLog: { matches: (_k, rcode) => rcode === DnsRcode.NXDOMAIN } })], { logger });
    await ask(h, queryBytes('nid0001.cluster.local.'));
    await ask(h, queryBytes('nobody.cluster.local.', { id: 99 }));
    const lines = logger.lines.filter((l) => l.msg === 'query');
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.fields['name'], 'nobody.cluster.local.');
    assert.equal(lines[0]?.fields['rcode'], 'NXDOMAIN');
    assert.equal(lines[0]?.fields['id'], 99);
    assert.equal(lines[0]?.fields['proto'], 'udp');
  });
});
