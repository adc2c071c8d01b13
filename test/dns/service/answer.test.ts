// The spec's acceptance tables (coresmd-dns §2.1–2.5, §2.8) as query → answer cases, adapted to
// the improved behaviour: where the original says "→ next" for a name inside a coresmd zone we
// answer NXDOMAIN or NODATA with the zone's SOA; outside the zones the verdict stays `next`
// (forward, else REFUSED, query-handler.test.ts). Every divergence is listed in
// docs/differences.md "DNS".
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp } from '../../../src/wire/addr.ts';
import { DnsClass, DnsType, nameOf } from '../../../src/dns/constants.ts';
import { answerQuery } from '../../../src/dns/service/answer.ts';
import { buildZoneIndex, type DnsZoneSpec } from '../../../src/dns/service/zone-index.ts';
import type { IpAddress } from '../../../src/wire/addr.ts';
import { F1, F3, F4, outcomeOf, query, snapshotOf, soaOf, type IfaceRow, type Outcome, type QueryInit } from './support.ts';

const CLUSTER: readonly DnsZoneSpec[] = [{ name: 'cluster.local', pattern: 'nid{04d}' }];

interface Case {
  readonly id: string;
  readonly rows: readonly IfaceRow[] | undefined;
  readonly zones?: readonly DnsZoneSpec[];
  readonly name: string;
  readonly q?: QueryInit;
  readonly nsAddresses?: readonly string[];
  /** `next`: not ours (forward or REFUSED); else the reply. */
  readonly want: Outcome | 'next';
  readonly withAdditional?: boolean;
}

const ok = (...answer: string[]): Outcome => ({ rcode: 'NOERROR', aa: true, answer, authority: [] });
const nxdomain = (zone: string): Outcome => ({ rcode: 'NXDOMAIN', aa: true, answer: [], authority: [soaOf(zone)] });
const nodata = (zone: string): Outcome => ({ rcode: 'NOERROR', aa: true, answer: [], authority: [soaOf(zone)] });
const IP6_10 = '0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.';
const IP6_1 = '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.';

const CASES: readonly Case[] = [
  // §2.1 fixture F1
  { id: 'F1-1', rows: F1, name: 'nid0001.cluster.local.', want: ok('nid0001.cluster.local. 60 IN A 192.168.1.10') },
  { id: 'F1-2', rows: F1, name: '10.1.168.192.in-addr.arpa.', q: { type: DnsType.PTR }, want: ok('10.1.168.192.in-addr.arpa. 60 IN PTR node001.cluster.local.') },
  { id: 'F1-3', rows: F1, name: '100.1.168.192.in-addr.arpa.', q: { type: DnsType.PTR }, want: ok('100.1.168.192.in-addr.arpa. 60 IN PTR bmc001.cluster.local.') },
  { id: 'F1-4 (upstream: next)', rows: F1, name: 'unknown.cluster.local.', want: nxdomain('cluster.local.') },
  { id: 'F1-5', rows: F1, name: '1.1.1.1.in-addr.arpa.', q: { type: DnsType.PTR }, want: 'next' },
  { id: 'F1-6 (upstream: next)', rows: F1, name: 'nid0001.cluster.local.', q: { type: DnsType.MX }, want: nodata('cluster.local.') },
  { id: 'F1-8 no inventory yet (upstream: next)', rows: undefined, name: 'nid0001.cluster.local.', want: { rcode: 'SERVFAIL', aa: false, answer: [], authority: [] } },
  // §2.3 fixture F3
  { id: 'F3 BMC by xname', rows: F3, zones: [{ name: 'redondo.usrc', pattern: 'nid{04d}' }], name: 'x3000c0s0b1.redondo.usrc.', want: ok('x3000c0s0b1.redondo.usrc. 60 IN A 192.168.100.10') },
  { id: 'F3 BMCs get no NID name (upstream: next)', rows: F3, zones: [{ name: 'redondo.usrc', pattern: 'nid{04d}' }], name: 'nid0002.redondo.usrc.', want: nxdomain('redondo.usrc.') },
  // §2.4 fixture F4
  { id: 'F4 AAAA node', rows: F4, name: 'nid0001.cluster.local.', q: { type: DnsType.AAAA }, want: ok('nid0001.cluster.local. 60 IN AAAA 2001:db8::10') },
  { id: 'F4 AAAA bmc', rows: F4, name: 'bmc001.cluster.local.', q: { type: DnsType.AAAA }, want: ok('bmc001.cluster.local. 60 IN AAAA 2001:db8::100') },
  { id: 'F4 AAAA v6-only node', rows: F4, name: 'nid0002.cluster.local.', q: { type: DnsType.AAAA }, want: ok('nid0002.cluster.local. 60 IN AAAA 2001:db8::20') },
  { id: 'F4 A exactly one', rows: F4, name: 'nid0001.cluster.local.', want: ok('nid0001.cluster.local. 60 IN A 192.168.1.10') },
  { id: 'F4 A of a v6-only node (upstream: next)', rows: F4, name: 'nid0002.cluster.local.', want: nodata('cluster.local.') },
  { id: 'F4 ip6.arpa PTR', rows: F4, name: IP6_10, q: { type: DnsType.PTR }, want: ok(`${IP6_10} 60 IN PTR node001.cluster.local.`) },
  { id: 'F4 unknown AAAA (upstream: next)', rows: F4, name: 'unknown.cluster.local.', q: { type: DnsType.AAAA }, want: nxdomain('cluster.local.') },
  // §2.5 reverse-name parser cases, asked as PTR queries
  { id: '§2.5 in-addr with trailing dot', rows: F1, name: '10.1.168.192.in-addr.arpa.', q: { type: DnsType.PTR }, want: ok('10.1.168.192.in-addr.arpa. 60 IN PTR node001.cluster.local.') },
  { id: '§2.5 not under in-addr.arpa', rows: F1, name: '10.1.168.192.example.com.', q: { type: DnsType.PTR }, want: 'next' },
  { id: '§2.5 three labels', rows: F1, name: '10.1.168.in-addr.arpa.', q: { type: DnsType.PTR }, want: 'next' },
  { id: '§2.5 octet 256', rows: F1, name: '256.1.168.192.in-addr.arpa.', q: { type: DnsType.PTR }, want: 'next' },
  { id: '§2.5 leading zero', rows: F1, name: '010.1.168.192.in-addr.arpa.', q: { type: DnsType.PTR }, want: 'next' },
  { id: '§2.5 ip6 2001:db8::1 (not in the inventory)', rows: F4, name: IP6_1, q: { type: DnsType.PTR }, want: 'next' },
  { id: '§2.5 ip6 24 nibbles', rows: F4, name: '0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.', q: { type: DnsType.PTR }, want: 'next' },
  { id: '§2.5 ip6 uppercase nibbles', rows: F4, name: IP6_10.replace('8.b.d', '8.B.D'), q: { type: DnsType.PTR }, want: ok(`${IP6_10.replace('8.b.d', '8.B.D')} 60 IN PTR node001.cluster.local.`) },
  { id: '§2.5 32 nibbles under example.com', rows: F4, name: IP6_10.replace('ip6.arpa.', 'example.com.'), q: { type: DnsType.PTR }, want: 'next' },
  // §2.8 derived cases
  { id: '§2.8 case-insensitive, case echoed (upstream: next)', rows: F1, name: 'NID0001.Cluster.LOCAL.', want: ok('NID0001.Cluster.LOCAL. 60 IN A 192.168.1.10') },
  { id: '§2.8 node by xname', rows: F1, name: 'node001.cluster.local.', want: ok('node001.cluster.local. 60 IN A 192.168.1.10') },
  { id: '§2.8 BMC by xname', rows: F1, name: 'bmc001.cluster.local.', want: ok('bmc001.cluster.local. 60 IN A 192.168.1.100') },
  { id: '§2.8 AAAA without IPv6 (upstream: next)', rows: F1, name: 'nid0001.cluster.local.', q: { type: DnsType.AAAA }, want: nodata('cluster.local.') },
  { id: '§2.8 apex SOA (upstream: next)', rows: F1, name: 'cluster.local.', q: { type: DnsType.SOA }, want: ok(soaOf('cluster.local.')) },
  { id: '§2.8 apex NS (upstream: next)', rows: F1, name: 'cluster.local.', q: { type: DnsType.NS }, want: ok('cluster.local. 60 IN NS ns.dns.cluster.local.') },
  { id: '§2.8 apex A (upstream: next)', rows: F1, name: 'cluster.local.', want: nodata('cluster.local.') },
  { id: '§2.8 uppercase reverse suffix (upstream: next)', rows: F1, name: '10.1.168.192.IN-ADDR.ARPA.', q: { type: DnsType.PTR }, want: ok('10.1.168.192.IN-ADDR.ARPA. 60 IN PTR node001.cluster.local.') },
  { id: '§2.8 class CH (upstream: answered as IN)', rows: F1, name: 'nid0001.cluster.local.', q: { klass: DnsClass.CH }, want: { rcode: 'REFUSED', aa: false, answer: [], authority: [] } },
  { id: '§2.8 class ANY matches IN', rows: F1, name: 'nid0001.cluster.local.', q: { klass: DnsClass.ANY }, want: ok('nid0001.cluster.local. 60 IN A 192.168.1.10') },
  ...((): Case[] => {
    const zones = [{ name: 'cluster.local', pattern: 'nid{04d}' }, { name: 'mgmt.local', pattern: 'mgmt{04d}' }];
    return [
      { id: '§2.8 second zone pattern', rows: F1, zones, name: 'mgmt0001.mgmt.local.', want: ok('mgmt0001.mgmt.local. 60 IN A 192.168.1.10') },
      { id: '§2.8 second zone xname', rows: F1, zones, name: 'node001.mgmt.local.', want: ok('node001.mgmt.local. 60 IN A 192.168.1.10') },
      { id: '§2.8 PTR under the first zone with a pattern', rows: F1, zones, name: '10.1.168.192.in-addr.arpa.', q: { type: DnsType.PTR }, want: ok('10.1.168.192.in-addr.arpa. 60 IN PTR node001.cluster.local.') },
    ];
  })(),
  ...((): Case[] => {
    const zones = [{ name: 'a.local', pattern: undefined }, { name: 'b.local', pattern: 'nid{04d}' }];
    return [
      { id: '§2.8 node PTR skips the pattern-less zone', rows: F1, zones, name: '10.1.168.192.in-addr.arpa.', q: { type: DnsType.PTR }, want: ok('10.1.168.192.in-addr.arpa. 60 IN PTR node001.b.local.') },
      { id: '§2.8 BMC PTR under the first zone', rows: F1, zones, name: '100.1.168.192.in-addr.arpa.', q: { type: DnsType.PTR }, want: ok('100.1.168.192.in-addr.arpa. 60 IN PTR bmc001.a.local.') },
      { id: '§2.8 no pattern name in a pattern-less zone (upstream: next)', rows: F1, zones, name: 'nid0001.a.local.', want: nxdomain('a.local.') },
      { id: '§2.8 xname in a pattern-less zone', rows: F1, zones, name: 'node001.a.local.', want: ok('node001.a.local. 60 IN A 192.168.1.10') },
    ];
  })(),
  { id: '§2.8 zone written with a trailing dot (upstream: never matches)', rows: F1, zones: [{ name: 'cluster.local.', pattern: 'nid{04d}' }], name: 'nid0001.cluster.local.', want: ok('nid0001.cluster.local. 60 IN A 192.168.1.10') },
  { id: '§2.8 a Node without NID gets no nid0000 (upstream: all collide there)', rows: [{ mac: '00:00:00:00:00:01', id: 'x1c0s0b0n0', type: 'Node', nid: undefined, ips: ['10.0.0.1'] }], name: 'nid0000.cluster.local.', want: nxdomain('cluster.local.') },
  { id: '§2.8 a Node without NID still has its xname', rows: [{ mac: '00:00:00:00:00:01', id: 'x1c0s0b0n0', type: 'Node', nid: undefined, ips: ['10.0.0.1'] }], name: 'x1c0s0b0n0.cluster.local.', want: ok('x1c0s0b0n0.cluster.local. 60 IN A 10.0.0.1') },
  { id: '§2.8 IPv4-mapped text is an A record', rows: [{ mac: '00:00:00:00:00:01', id: 'n1', type: 'Node', nid: 1, ips: ['::ffff:192.168.1.10'] }], name: 'nid0001.cluster.local.', want: ok('nid0001.cluster.local. 60 IN A 192.168.1.10') },
  { id: '§2.8 IPv4-mapped text is no AAAA (upstream: next)', rows: [{ mac: '00:00:00:00:00:01', id: 'n1', type: 'Node', nid: 1, ips: ['::ffff:192.168.1.10'] }], name: 'nid0001.cluster.local.', q: { type: DnsType.AAAA }, want: nodata('cluster.local.') },
  { id: '§2.8 interface without ComponentID has no PTR', rows: [{ mac: '00:00:00:00:00:01', id: '', type: '', nid: undefined, ips: ['192.168.1.10'] }], name: '10.1.168.192.in-addr.arpa.', q: { type: DnsType.PTR }, want: 'next' },
  // Improvements beyond the tables
  {
    id: 'a node with several addresses gets the whole RRset, in SMD order',
    rows: [
      { mac: '00:00:00:00:00:01', id: 'n1', type: 'Node', nid: 1, ips: ['10.0.0.3', '10.0.0.1', 'fd00::1'] },
      { mac: '00:00:00:00:00:02', id: 'n1', type: 'Node', nid: 1, ips: ['10.0.0.2', '10.0.0.1'] },
    ],
    name: 'nid0001.cluster.local.',
    want: ok('nid0001.cluster.local. 60 IN A 10.0.0.3', 'nid0001.cluster.local. 60 IN A 10.0.0.1', 'nid0001.cluster.local. 60 IN A 10.0.0.2'),
  },
  { id: 'ANY gives A and AAAA', rows: F4, name: 'nid0001.cluster.local.', q: { type: DnsType.ANY }, want: ok('nid0001.cluster.local. 60 IN A 192.168.1.10', 'nid0001.cluster.local. 60 IN AAAA 2001:db8::10') },
  { id: 'outside every zone: next', rows: F1, name: 'example.com.', want: 'next' },
  { id: 'a sibling that only ends with the zone text is outside (label boundary)', rows: F1, name: 'nid0001.foocluster.local.', want: 'next' },
  { id: 'zone transfer refused', rows: F1, name: 'cluster.local.', q: { type: DnsType.AXFR }, want: { rcode: 'REFUSED', aa: false, answer: [], authority: [] } },
  { id: 'empty non-terminal is NODATA (RFC 8020)', rows: F1, name: 'dns.cluster.local.', want: nodata('cluster.local.') },
  { id: 'below a node is NXDOMAIN', rows: F1, name: 'a.nid0001.cluster.local.', want: nxdomain('cluster.local.') },
  { id: 'the name server resolves to the bind address', rows: F1, nsAddresses: ['172.16.0.254'], name: 'ns.dns.cluster.local.', want: ok('ns.dns.cluster.local. 60 IN A 172.16.0.254') },
  {
    id: 'apex NS carries glue',
    rows: F1,
    nsAddresses: ['172.16.0.254', 'fd00::254'],
    name: 'cluster.local.',
    q: { type: DnsType.NS },
    withAdditional: true,
    want: { ...ok('cluster.local. 60 IN NS ns.dns.cluster.local.'), additional: ['ns.dns.cluster.local. 60 IN A 172.16.0.254', 'ns.dns.cluster.local. 60 IN AAAA fd00::254'] },
  },
  {
    id: 'a reverse zone in the config makes unknown reverse names NXDOMAIN',
    rows: F1,
    zones: [...CLUSTER, { name: '1.168.192.in-addr.arpa', pattern: undefined }],
    name: '99.1.168.192.in-addr.arpa.',
    q: { type: DnsType.PTR },
    want: nxdomain('1.168.192.in-addr.arpa.'),
  },
  {
    id: 'and known ones are still answered there',
    rows: F1,
    zones: [...CLUSTER, { name: '1.168.192.in-addr.arpa', pattern: undefined }],
    name: '10.1.168.192.in-addr.arpa.',
    q: { type: DnsType.PTR },
    want: ok('10.1.168.192.in-addr.arpa. 60 IN PTR node001.cluster.local.'),
  },
];

describe('answerQuery: the spec acceptance tables, improved', () => {
  for (const c of CASES) {
    test(`${c.id}: ${c.name} ${nameOf(DnsType, c.q?.type ?? DnsType.A)}`, () => {
      const snap = c.rows === undefined ? undefined : snapshotOf(c.rows);
      const nsAddresses = (c.nsAddresses ?? []).map((t) => parseIp(t)).filter((ip): ip is IpAddress => ip !== undefined);
      const index = buildZoneIndex(snap, c.zones ?? CLUSTER, { ttl: 60, nsAddresses });
      const got = answerQuery(query(c.name, c.q), index, { ttl: 60 });
      if (c.want === 'next') {
        assert.equal(got.kind, 'next');
        return;
      }
      assert.equal(got.kind, 'reply');
      if (got.kind !== 'reply') return;
      assert.deepEqual(outcomeOf(got.message, c.withAdditional === true), c.want);
      // The question is echoed exactly; the ID and RD come from the query.
      assert.deepEqual(got.message.questions[0]?.name, c.name);
      assert.equal(got.message.header.id, 0x1234);
      assert.equal(got.message.header.rd, true);
      assert.equal(got.message.header.ra, false);
    });
  }
});

describe('answerQuery: facts for the metrics', () => {
  const index = buildZoneIndex(snapshotOf(F4), CLUSTER, { ttl: 60, nsAddresses: [] });
  const rows: readonly { name: string; type: number; zone: string; hit: boolean | undefined }[] = [
    { name: 'nid0001.cluster.local.', type: DnsType.A, zone: 'cluster.local.', hit: true },
    { name: 'nid0002.cluster.local.', type: DnsType.A, zone: 'cluster.local.', hit: false },
    { name: 'nope.cluster.local.', type: DnsType.AAAA, zone: 'cluster.local.', hit: false },
    { name: 'nid0001.cluster.local.', type: DnsType.MX, zone: 'cluster.local.', hit: undefined },
    { name: '10.1.168.192.in-addr.arpa.', type: DnsType.PTR, zone: 'in-addr.arpa.', hit: true },
    { name: '11.1.168.192.in-addr.arpa.', type: DnsType.PTR, zone: 'in-addr.arpa.', hit: false },
    { name: IP6_1, type: DnsType.PTR, zone: 'ip6.arpa.', hit: false },
    { name: 'example.com.', type: DnsType.A, zone: 'unknown', hit: undefined },
  ];
  for (const r of rows) {
    test(`${r.name} ${nameOf(DnsType, r.type)}: zone ${r.zone}, hit ${String(r.hit)}`, () => {
      const a = answerQuery(query(r.name, { type: r.type }), index, { ttl: 60 });
      assert.deepEqual(a.facts, { zone: r.zone, hit: r.hit });
    });
  }
});

describe('answerQuery: EDNS in replies', () => {
  const index = buildZoneIndex(snapshotOf(F1), CLUSTER, { ttl: 60, nsAddresses: [] });
  test('a query with EDNS gets OPT with our 1232-octet limit and DO echoed, no options', () => {
    const a = answerQuery(query('nid0001.cluster.local.', { edns: { dnssecOk: true, udpPayloadSize: 4096, options: [{ code: 10, data: new Uint8Array(8) }] } }), index, { ttl: 60 });
    assert.equal(a.kind, 'reply');
    if (a.kind !== 'reply') return;
    assert.deepEqual(a.message.edns, { udpPayloadSize: 1232, version: 0, dnssecOk: true, z: 0, options: [] });
  });
  test('a query without EDNS gets none', () => {
    const a = answerQuery(query('nid0001.cluster.local.'), index, { ttl: 60 });
    assert.ok(a.kind === 'reply' && a.message.edns === undefined);
  });
  test('the TTL option applies to answers and the SOA', () => {
    const idx = buildZoneIndex(snapshotOf(F1), CLUSTER, { ttl: 5, nsAddresses: [] });
    const hit = answerQuery(query('nid0001.cluster.local.'), idx, { ttl: 5 });
    const miss = answerQuery(query('x.cluster.local.'), idx, { ttl: 5 });
    assert.ok(hit.kind === 'reply' && hit.message.answers[0]?.ttl === 5);
    assert.ok(miss.kind === 'reply');
    if (miss.kind === 'reply') assert.deepEqual(outcomeOf(miss.message).authority, [soaOf('cluster.local.', 5)]);
  });
});
