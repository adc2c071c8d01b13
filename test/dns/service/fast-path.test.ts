// The fast path (fast-path.ts) must be invisible: for every query, a handler with it and one
// without it (the general decode → answerQuery → encode path) give the same reply bytes, the
// same metrics and the same node lookups. The cases cover what the fast path answers (A, AAAA,
// PTR, NODATA, NXDOMAIN, case, EDNS, TCP) and what it must hand over (apex, SOA/NS/ANY, other
// classes, names with escapes, pointers, names near the SOA's MNAME/RNAME, truncation, reverse
// names outside the zones, no inventory, `log`).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DnsClass, DnsType } from '../../../src/dns/constants.ts';
import { DnsMetrics } from '../../../src/dns/service/metrics.ts';
import { DnsQueryHandler, type CoresmdZones, type DnsRequestContext, type DnsServerBlock } from '../../../src/dns/service/query-handler.ts';
import { buildZoneIndex, type DnsZoneSpec } from '../../../src/dns/service/zone-index.ts';
import { formatReverseName } from '../../../src/dns/service/reverse-name.ts';
import { parseIp } from '../../../src/wire/addr.ts';
import { nullLogger } from '../../../src/seams/logger.ts';
import { F4, queryBytes, snapshotOf, type IfaceRow, type QueryInit } from './support.ts';

const CTX: readonly DnsRequestContext[] = [
  { proto: 'udp', family: 4, remoteAddress: '127.0.0.1', remotePort: 5353 },
  { proto: 'udp', family: 6, remoteAddress: '::1', remotePort: 5353 },
  { proto: 'tcp', family: 4, remoteAddress: '127.0.0.1', remotePort: 40000 },
];

/** F4 plus a node with 60 addresses (too many for 512 octets) and a BMC. */
const ROWS: readonly IfaceRow[] = [
  ...F4,
  { mac: '02:00:00:00:00:01', id: 'x1000c0s0b0n0', type: 'Node', nid: 7, ips: Array.from({ length: 60 }, (_, i) => `10.0.0.${i + 1}`) },
  { mac: '02:00:00:00:00:02', id: 'x1000c0s0b0', type: 'NodeBMC', nid: undefined, ips: ['10.1.0.1'] },
];

interface Setup {
  readonly name: string;
  readonly zones: readonly DnsZoneSpec[];
  readonly rows: readonly IfaceRow[] | undefined;
  readonly blockZones?: readonly string[];
  readonly log?: boolean;
}

const SETUPS: readonly Setup[] = [
  { name: 'one zone with a node pattern', zones: [{ name: 'cluster.local', pattern: 'nid{04d}' }], rows: ROWS },
  { name: 'zone written with capitals and a trailing dot', zones: [{ name: 'Cluster.Local.', pattern: 'nid{04d}' }], rows: ROWS },
  {
    name: 'forward zone plus a reverse zone',
    zones: [
      { name: 'cluster.local', pattern: 'nid{04d}' },
      { name: '168.192.in-addr.arpa', pattern: undefined },
      { name: 'bmc.cluster.local', pattern: undefined },
    ],
    rows: ROWS,
  },
  { name: 'a block for the zone only', zones: [{ name: 'cluster.local', pattern: 'nid{04d}' }], rows: ROWS, blockZones: ['cluster.local.'] },
  { name: 'no inventory yet', zones: [{ name: 'cluster.local', pattern: 'nid{04d}' }], rows: undefined },
  { name: 'with the log directive', zones: [{ name: 'cluster.local', pattern: 'nid{04d}' }], rows: ROWS, log: true },
];

const IPS = ['192.168.1.10', '2001:db8::10', '192.168.1.100', '2001:db8::100', '2001:db8::20', '10.0.0.1', '10.0.0.60', '10.1.0.1', '192.168.9.9', '2001:db8::99'];

const NAMES = [
  'nid0001.cluster.local.',
  'NID0001.Cluster.LOCAL.',
  'nid0002.cluster.local.',
  'nid0007.cluster.local.',
  'nid0099.cluster.local.',
  'node001.cluster.local.',
  'bmc001.cluster.local.',
  'x1000c0s0b0n0.cluster.local.',
  'x1000c0s0b0.cluster.local.',
  'x1000c0s0b0.bmc.cluster.local.',
  'missing.cluster.local.',
  'a.b.missing.cluster.local.',
  'cluster.local.',
  'ns.dns.cluster.local.',
  'dns.cluster.local.',
  'foo.dns.cluster.local.',
  'foodns.cluster.local.',
  'hostmaster.cluster.local.',
  'a.hostmaster.cluster.local.',
  'under_score-1.cluster.local.',
  'a\\.b.cluster.local.',
  'star*.cluster.local.',
  'example.com.',
  'in-addr.arpa.',
  '168.192.in-addr.arpa.',
  '1.168.192.in-addr.arpa.',
  ...IPS.map((ip) => formatReverseName(parseIp(ip)!)),
  ...IPS.map((ip) => formatReverseName(parseIp(ip)!).toUpperCase()),
];

const TYPES = [DnsType.A, DnsType.AAAA, DnsType.PTR, DnsType.SOA, DnsType.NS, DnsType.ANY, DnsType.MX];

const VARIANTS: readonly QueryInit[] = [
  {},
  { rd: false, id: 0xbeef },
  { edns: true },
  { edns: { dnssecOk: true } },
  { edns: { udpPayloadSize: 512 } },
  { edns: { udpPayloadSize: 100 } },
  { edns: { udpPayloadSize: 4096 } },
  { edns: { options: [{ code: 10, data: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) }] } },
  { edns: { version: 1 } },
  { klass: DnsClass.CH },
  { klass: DnsClass.ANY },
];

interface Run {
  readonly replies: string[];
  readonly lookups: string[];
  readonly metrics: string;
}

function run(setup: Setup, fastPath: boolean, requests: readonly { bytes: Uint8Array; ctx: DnsRequestContext }[]): Run {
  const index = buildZoneIndex(setup.rows === undefined ? undefined : snapshotOf(setup.rows), setup.zones, { ttl: 60, nsAddresses: [parseIp('10.9.9.9')!] });
  const zones: CoresmdZones = { current: () => index, ttl: 60 };
  const block: DnsServerBlock = {
    zones: setup.blockZones ?? ['.'],
    coresmd: zones,
    forward: undefined,
    queryLog: setup.log === true ? { matches: () => false } : undefined,
    logErrors: false,
  };
  const metrics = new DnsMetrics();
  const lookups: string[] = [];
  const h = new DnsQueryHandler({
    server: 'dns://:1053',
    blocks: [block],
    metrics,
    logger: nullLogger,
    monotonicMs: () => 0,
    fastPath,
    onNodeLookup: (xname, name, qtype, rcode) => lookups.push(`${xname} ${name} ${qtype} ${rcode}`),
  });
  const replies: string[] = [];
  for (const r of requests) {
    const out = new Uint8Array(r.ctx.proto === 'tcp' ? 65535 : 1232);
    const n = h.handle(r.bytes, r.ctx, out);
    assert.equal(typeof n, 'number', 'no forwarding configured');
    replies.push(Buffer.from(out.subarray(0, n as number)).toString('hex'));
  }
  const sorted = metrics.format().split('\n').sort().join('\n');
  return { replies, lookups, metrics: sorted };
}

function requests(): { bytes: Uint8Array; ctx: DnsRequestContext; label: string }[] {
  const out: { bytes: Uint8Array; ctx: DnsRequestContext; label: string }[] = [];
  for (const name of NAMES) {
    for (const type of TYPES) {
      for (const v of VARIANTS) {
        for (const ctx of CTX) out.push({ bytes: queryBytes(name, { ...v, type }), ctx, label: `${name} ${type} ${JSON.stringify(v)} ${ctx.proto}${ctx.family}` });
      }
    }
  }
  return out;
}

describe('DNS fast path: the same bytes, metrics and lookups as the general path', () => {
  const reqs = requests();
  for (const setup of SETUPS) {
    test(setup.name, () => {
      const fast = run(setup, true, reqs);
      const slow = run(setup, false, reqs);
      for (let i = 0; i < reqs.length; i++) assert.equal(fast.replies[i], slow.replies[i], reqs[i]!.label);
      assert.deepEqual(fast.lookups, slow.lookups);
      assert.equal(fast.metrics, slow.metrics);
    });
  }

  test('the cases above do take the fast path (it is not silently always declined)', () => {
    // A compressed question name: same reply either way, but only the general decoder reads it.
    const setup = SETUPS[0]!;
    let fastCount = 0;
    const index = buildZoneIndex(snapshotOf(ROWS), setup.zones, { ttl: 60, nsAddresses: [] });
    const zones: CoresmdZones = { current: () => index, ttl: 60 };
    // A counting index: the general path calls answerQuery → findZone first, the fast path owner().
    const counting: CoresmdZones = {
      ttl: 60,
      current: () =>
        new Proxy(index, {
          get(target, prop, receiver) {
            if (prop === 'owner') fastCount++;
            const v = Reflect.get(target, prop, receiver) as unknown;
            return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
          },
        }),
    };
    void zones;
    const h = new DnsQueryHandler({
      server: 's',
      blocks: [{ zones: ['.'], coresmd: counting, forward: undefined, queryLog: undefined, logErrors: false }],
      metrics: new DnsMetrics(),
      logger: nullLogger,
      monotonicMs: () => 0,
    });
    const out = new Uint8Array(1232);
    for (const name of ['nid0001.cluster.local.', 'missing.cluster.local.', formatReverseName(parseIp('192.168.1.10')!)]) {
      h.handle(queryBytes(name, { type: name.endsWith('arpa.') ? DnsType.PTR : DnsType.A }), CTX[0]!, out);
    }
    assert.equal(fastCount, 3);
  });
});

describe('DNS node lookups for the boot timeline', () => {
  test('reported once per name per 10 s, by both paths, with the xname the name belongs to', () => {
    const index = buildZoneIndex(snapshotOf(ROWS), SETUPS[0]!.zones, { ttl: 60, nsAddresses: [] });
    let now = 0;
    const lookups: string[] = [];
    const h = new DnsQueryHandler({
      server: 's',
      blocks: [{ zones: ['.'], coresmd: { current: () => index, ttl: 60 }, forward: undefined, queryLog: undefined, logErrors: false }],
      metrics: new DnsMetrics(),
      logger: nullLogger,
      monotonicMs: () => now,
      onNodeLookup: (xname, name, qtype, rcode) => lookups.push(`${now} ${xname} ${name} ${qtype} ${rcode}`),
    });
    const out = new Uint8Array(1232);
    const ask = (name: string, type: number) => h.handle(queryBytes(name, { type }), CTX[0]!, out);
    const ptr = formatReverseName(parseIp('192.168.1.10')!);
    ask('nid0001.cluster.local.', DnsType.A); // fast path
    ask('NID0001.cluster.local.', DnsType.AAAA); // the same name: suppressed
    ask(ptr, DnsType.PTR); // another owner: reported
    ask('missing.cluster.local.', DnsType.A); // nobody's name: never reported
    now = 5_000;
    ask('nid0001.cluster.local.', DnsType.ANY); // general path, still within 10 s
    now = 10_000;
    ask('nid0001.cluster.local.', DnsType.ANY); // general path, 10 s later
    now = 20_000;
    ask('nid0001.cluster.local.', DnsType.A);
    assert.deepEqual(lookups, [
      `0 node001 nid0001.cluster.local. ${DnsType.A} 0`,
      `0 node001 ${ptr} ${DnsType.PTR} 0`,
      `10000 node001 nid0001.cluster.local. ${DnsType.ANY} 0`,
      `20000 node001 nid0001.cluster.local. ${DnsType.A} 0`,
    ]);
  });
});
