// The zone index: what names, RRsets and PTR records one snapshot publishes (spec coresmd-dns
// §1.5.2–1.5.4, §2.2), deterministically.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIPv4 } from '../../../src/wire/addr.ts';
import { nameKey } from '../../../src/dns/name.ts';
import { buildZoneIndex, type DnsZoneSpec } from '../../../src/dns/service/zone-index.ts';
import { buildSnapshot } from '../../../src/smd/snapshot.ts';
import { loadExample } from '../../smd/support/example.ts';
import { F1, FETCHED_AT, snapshotOf, type IfaceRow } from './support.ts';

const OPTS = { ttl: 60, nsAddresses: [] };
const v4 = (entry: { a: readonly { kind: string; address?: unknown }[] } | undefined) =>
  (entry?.a ?? []).map((d) => (d.kind === 'a' ? formatIPv4(d.address as number) : '?'));

describe('zone index: fixture F2 patterns (spec §2.2)', () => {
  const rows: readonly [pattern: string, nid: number, xname: string, ip: string, names: readonly string[]][] = [
    ['nid{04d}', 1, 'x1000c0s0b0n0', '10.0.0.1', ['nid0001.test.cluster', 'x1000c0s0b0n0.test.cluster']],
    ['re{03d}', 7, 'x1000c0s0b0n7', '10.0.0.7', ['re007.test.cluster', 'x1000c0s0b0n7.test.cluster']],
    ['fe{02d}', 12, 'x1000c0s0b0n12', '10.0.0.12', ['fe12.test.cluster', 'x1000c0s0b0n12.test.cluster']],
    ['node-{05d}', 42, 'x1000c0s0b0n42', '10.0.0.42', ['node-00042.test.cluster', 'x1000c0s0b0n42.test.cluster']],
    ['compute-{05d}', 123, 'x1000c0s0b0n123', '10.0.1.23', ['compute-00123.test.cluster', 'x1000c0s0b0n123.test.cluster']],
  ];
  for (const [pattern, nid, xname, ip, names] of rows) {
    test(`${pattern}: ${names.join(', ')} → ${ip}`, () => {
      const snap = snapshotOf([{ mac: '02:00:00:00:00:01', id: xname, type: 'Node', nid, ips: [ip] }]);
      const index = buildZoneIndex(snap, [{ name: 'test.cluster', pattern }], OPTS);
      for (const n of names) {
        // F1-10: the lookup is by key; with or without the trailing dot in the text it is the same key.
        assert.deepEqual(v4(index.name(nameKey(`${n}.`))), [ip], n);
      }
    });
  }
});

describe('zone index: what is published', () => {
  test('only Node and NodeBMC, compared exactly (VirtualNode, node, MgmtSwitch get nothing)', () => {
    const rows: IfaceRow[] = [
      { mac: '02:00:00:00:00:01', id: 'v1', type: 'VirtualNode', nid: 1, ips: ['10.0.0.1'] },
      { mac: '02:00:00:00:00:02', id: 'n2', type: 'node', nid: 2, ips: ['10.0.0.2'] },
      { mac: '02:00:00:00:00:03', id: 's3', type: 'MgmtSwitch', nid: 3, ips: ['10.0.0.3'] },
    ];
    const index = buildZoneIndex(snapshotOf(rows), [{ name: 'c.local', pattern: 'nid{04d}' }], OPTS);
    for (const n of ['v1', 'n2', 's3', 'nid0001', 'nid0002', 'nid0003']) assert.equal(index.name(`${n}.c.local.`), undefined, n);
    assert.equal(index.ptr('1.0.0.10.in-addr.arpa.'), undefined);
  });

  test('a duplicate NID: the first component in SMD order keeps the name, the collision is counted', () => {
    const rows: IfaceRow[] = [
      { mac: '02:00:00:00:00:01', id: 'a', type: 'Node', nid: 7, ips: ['10.0.0.1'] },
      { mac: '02:00:00:00:00:02', id: 'b', type: 'Node', nid: 7, ips: ['10.0.0.2'] },
    ];
    const index = buildZoneIndex(snapshotOf(rows), [{ name: 'c.local', pattern: 'nid{04d}' }], OPTS);
    assert.deepEqual(v4(index.name('nid0007.c.local.')), ['10.0.0.1']);
    assert.equal(index.stats.collisions, 1);
  });

  test('Nodes without a NID get no pattern name; they are counted', () => {
    const rows: IfaceRow[] = [
      { mac: '02:00:00:00:00:01', id: 'a', type: 'Node', nid: undefined, ips: ['10.0.0.1'] },
      { mac: '02:00:00:00:00:02', id: 'b', type: 'Node', nid: undefined, ips: ['10.0.0.2'] },
    ];
    const index = buildZoneIndex(snapshotOf(rows), [{ name: 'c.local', pattern: 'nid{04d}' }], OPTS);
    assert.equal(index.name('nid0000.c.local.'), undefined);
    assert.equal(index.stats.nodesWithoutNid, 2);
    assert.equal(index.stats.collisions, 0);
  });

  test('…but a pattern that only uses {id} still applies', () => {
    const rows: IfaceRow[] = [{ mac: '02:00:00:00:00:01', id: 'x1', type: 'Node', nid: undefined, ips: ['10.0.0.1'] }];
    const index = buildZoneIndex(snapshotOf(rows), [{ name: 'c.local', pattern: '{id}-mgmt' }], OPTS);
    assert.deepEqual(v4(index.name('x1-mgmt.c.local.')), ['10.0.0.1']);
  });

  test('a component with no interface exists with empty RRsets (NODATA, not NXDOMAIN)', () => {
    const snap = snapshotOf(F1, { components: [{ ID: 'lonely', Type: 'Node', NID: 9 }] });
    const index = buildZoneIndex(snap, [{ name: 'c.local', pattern: 'nid{04d}' }], OPTS);
    const e = index.name('nid0009.c.local.');
    assert.ok(e !== undefined);
    assert.deepEqual([e.a.length, e.aaaa.length], [0, 0]);
  });

  test('the same address on two interfaces: the PTR follows the first in SMD order', () => {
    const rows: IfaceRow[] = [
      { mac: '02:00:00:00:00:01', id: 'first', type: 'Node', nid: 1, ips: ['10.0.0.9'] },
      { mac: '02:00:00:00:00:02', id: 'second', type: 'Node', nid: 2, ips: ['10.0.0.9'] },
    ];
    for (let i = 0; i < 5; i++) {
      const index = buildZoneIndex(snapshotOf(rows), [{ name: 'c.local', pattern: 'nid{04d}' }], OPTS);
      assert.equal(index.ptr('9.0.0.10.in-addr.arpa.'), 'first.c.local.');
    }
  });

  test('the PTR target keeps the zone as written', () => {
    const index = buildZoneIndex(snapshotOf(F1), [{ name: 'Cluster.Local.', pattern: 'nid{04d}' }], OPTS);
    assert.equal(index.ptr('10.1.168.192.in-addr.arpa.'), 'node001.Cluster.Local.');
    assert.deepEqual(v4(index.name('nid0001.cluster.local.')), ['192.168.1.10']);
  });

  test('zones: longest apex first; the same zone twice is one zone (first pattern)', () => {
    const specs: DnsZoneSpec[] = [
      { name: 'local', pattern: 'a{02d}' },
      { name: 'cluster.local', pattern: 'nid{04d}' },
      { name: 'CLUSTER.local.', pattern: 'other{02d}' },
    ];
    const index = buildZoneIndex(snapshotOf(F1), specs, OPTS);
    assert.deepEqual(index.zones.map((z) => z.key), ['cluster.local.', 'local.']);
    assert.equal(index.findZone('x.cluster.local.')?.key, 'cluster.local.');
    assert.equal(index.findZone('x.other.local.')?.key, 'local.');
    assert.equal(index.findZone('local.')?.key, 'local.');
    assert.equal(index.findZone('xlocal.'), undefined);
    assert.equal(index.name('other01.cluster.local.'), undefined);
  });

  test('without a snapshot the zones exist but hold nothing', () => {
    const index = buildZoneIndex(undefined, [{ name: 'c.local', pattern: 'nid{04d}' }], OPTS);
    assert.equal(index.hasInventory, false);
    assert.equal(index.zones[0]?.soa.data.kind === 'soa' ? index.zones[0].soa.data.serial : -1, 0);
  });

  test('the SOA serial is the snapshot fetch time in seconds', () => {
    const index = buildZoneIndex(snapshotOf(F1), [{ name: 'c.local', pattern: undefined }], OPTS);
    const soa = index.zones[0]!.soa.data;
    assert.ok(soa.kind === 'soa');
    assert.equal(soa.serial, Math.floor(FETCHED_AT / 1000));
  });

  test('the example inventory: the two-NIC node answers both addresses; NID-less node only by xname', () => {
    const snap = buildSnapshot(loadExample(), { fetchedAt: FETCHED_AT, source: 'example' });
    const index = buildZoneIndex(snap, [{ name: 'openchami.cluster', pattern: 'nid{03d}' }], OPTS);
    assert.deepEqual(v4(index.name('nid005.openchami.cluster.')), ['172.16.0.5', '192.168.0.5']);
    assert.deepEqual(v4(index.name('x1000c0s1b0n0.openchami.cluster.')), ['172.16.0.6']);
    assert.equal(index.name('nid000.openchami.cluster.'), undefined);
    assert.equal(index.ptr('5.0.168.192.in-addr.arpa.'), 'x1000c0s0b4n0.openchami.cluster.');
    // The unassociated interface (row 13) has no PTR.
    assert.equal(index.ptr('200.0.16.172.in-addr.arpa.'), undefined);
    assert.deepEqual(index.stats, { names: 1 + 12 + 5, ptrs: 14, collisions: 0, nodesWithoutNid: 1 });
  });
});
