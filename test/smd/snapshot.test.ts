import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { macToBytes, parseIp } from '../../src/wire/addr.ts';
import { buildSnapshot } from '../../src/smd/snapshot.ts';
import type { RawInventory } from '../../src/smd/types.ts';
import { loadExample } from './support/example.ts';

const META = { fetchedAt: 1_741_111_361_000, source: 'test' };
const snap = buildSnapshot(loadExample(), META);

// Spec coresmd-dns §4, one row per entry: what each lookup must find.
interface Row {
  readonly row: number;
  readonly xname: string;
  readonly type: string;
  readonly nid: number | undefined;
  readonly macs: readonly string[];
  readonly v4: readonly string[];
  readonly v6: readonly string[];
}

const ROWS: readonly Row[] = [
  { row: 1, xname: 'x1000c0s0b0', type: 'NodeBMC', nid: undefined, macs: ['de:ca:fc:0f:fe:e1'], v4: ['172.16.0.101'], v6: [] },
  { row: 2, xname: 'x1000c0s0b0n0', type: 'Node', nid: 1, macs: ['52:54:00:be:ef:01'], v4: ['172.16.0.1'], v6: ['fd00:172:16::1'] },
  { row: 3, xname: 'x1000c0s0b1', type: 'NodeBMC', nid: undefined, macs: ['de:ca:fc:0f:fe:e2'], v4: ['172.16.0.102'], v6: [] },
  { row: 4, xname: 'x1000c0s0b1n0', type: 'Node', nid: 2, macs: ['52:54:00:be:ef:02'], v4: ['172.16.0.2'], v6: [] },
  { row: 5, xname: 'x1000c0s0b2', type: 'NodeBMC', nid: undefined, macs: ['de:ca:fc:0f:fe:e3'], v4: ['172.16.0.103'], v6: [] },
  { row: 6, xname: 'x1000c0s0b2n0', type: 'Node', nid: 3, macs: ['52:54:00:be:ef:03'], v4: ['172.16.0.3'], v6: ['fd00:172:16::3'] },
  { row: 7, xname: 'x1000c0s0b3', type: 'NodeBMC', nid: undefined, macs: ['de:ca:fc:0f:fe:e4'], v4: ['172.16.0.104'], v6: [] },
  { row: 8, xname: 'x1000c0s0b3n0', type: 'Node', nid: 4, macs: ['52:54:00:be:ef:04'], v4: ['172.16.0.4'], v6: [] },
  { row: 9, xname: 'x1000c0s0b4', type: 'NodeBMC', nid: undefined, macs: ['de:ca:fc:0f:fe:e5'], v4: ['172.16.0.105'], v6: [] },
  { row: 10, xname: 'x1000c0s0b4n0', type: 'Node', nid: 5, macs: ['52:54:00:be:ef:05', '02:00:00:91:31:05'], v4: ['172.16.0.5', '192.168.0.5'], v6: [] },
  { row: 11, xname: 'x1000c0s1b0n0', type: 'Node', nid: undefined, macs: ['52:54:00:be:ef:06'], v4: ['172.16.0.6'], v6: [] },
  { row: 12, xname: 'x1000c0s1b0', type: 'NodeBMC', nid: undefined, macs: [], v4: [], v6: [] },
];

/** The same MAC in the spellings SMD may hold or a caller may pass (spec coresmd-dns §5.8). */
function spellings(mac: string): string[] {
  const hex = mac.replace(/:/g, '');
  return [mac, mac.toUpperCase(), mac.replace(/:/g, '-').toUpperCase(), hex, `${hex.slice(0, 4)}.${hex.slice(4, 8)}.${hex.slice(8)}`];
}

describe('snapshot of examples/inventory.json (spec coresmd-dns §4)', () => {
  test('counts every interface and component, with nothing skipped', () => {
    assert.deepEqual(snap.stats, {
      interfaces: 13,
      components: 12,
      rawInterfaces: 13,
      rawComponents: 12,
      duplicateMacs: 0,
      invalidMacs: 0,
      invalidIps: 0,
      duplicateComponents: 0,
      unlinkedInterfaces: 1,
      ipv4: 13,
      ipv6: 2,
    });
    assert.equal(snap.fetchedAt, META.fetchedAt);
    assert.equal(snap.source, 'test');
  });

  for (const r of ROWS) {
    describe(`row ${r.row}: ${r.xname}`, () => {
      test('byXname finds the component with its type and NID', () => {
        const c = snap.byXname(r.xname);
        assert.ok(c);
        assert.equal(c.type, r.type);
        assert.equal(c.nid, r.nid);
        assert.deepEqual(c.interfaces.map((i) => i.mac), r.macs);
      });

      for (const mac of r.macs) {
        test(`byMac finds ${mac} in every spelling`, () => {
          for (const s of spellings(mac)) {
            const rec = snap.byMac(s);
            assert.ok(rec, s);
            assert.equal(rec.mac, mac);
            assert.equal(rec.componentId, r.xname);
            assert.equal(rec.componentType, r.type);
            assert.equal(rec.nid, r.nid);
            assert.equal(rec.component, snap.byXname(r.xname));
          }
        });
        test(`byMacBytes finds ${mac} from chaddr bytes at an offset`, () => {
          const buf = new Uint8Array(40).fill(0xa5);
          buf.set(macToBytes(mac)!, 28);
          assert.equal(snap.byMacBytes(buf, 28, 6), snap.byMac(mac));
        });
      }

      for (const ip of [...r.v4, ...r.v6]) {
        test(`byIp finds ${ip}`, () => {
          const hits = snap.byIp(ip);
          assert.equal(hits.length, 1);
          assert.equal(hits[0]?.componentId, r.xname);
          assert.equal(snap.byIp(parseIp(ip)!), hits);
        });
      }

      if (r.nid !== undefined) {
        test(`byNid(${r.nid}) finds only this component`, () => {
          assert.deepEqual(snap.byNid(r.nid!).map((c) => c.id), [r.xname]);
        });
      }
    });
  }

  test('row 10: the two-NIC node lists both interfaces and both networks in SMD order', () => {
    const c = snap.byXname('x1000c0s0b4n0')!;
    assert.deepEqual(c.interfaces.flatMap((i) => i.ips.map((ip) => ip.text)), ['172.16.0.5', '192.168.0.5']);
    assert.deepEqual(c.interfaces.flatMap((i) => i.networks), ['management', 'HSN']);
  });

  test('row 2: one interface carries both families, IPv4 first as SMD lists them', () => {
    const rec = snap.byMac('52:54:00:be:ef:01')!;
    assert.deepEqual(rec.ips.map((ip) => [ip.family, ip.text]), [[4, '172.16.0.1'], [6, 'fd00:172:16::1']]);
  });

  test('row 11: the node without NID has nid undefined, not 0, and byNid(0) is empty', () => {
    assert.equal(snap.byMac('52:54:00:be:ef:06')?.nid, undefined);
    assert.equal(snap.byXname('x1000c0s1b0n0')?.state, 'Off');
    assert.equal(snap.byXname('x1000c0s1b0n0')?.enabled, false);
    assert.deepEqual(snap.byNid(0), []);
  });

  test('row 12: the BMC without interface has no addresses', () => {
    assert.deepEqual(snap.byXname('x1000c0s1b0')?.interfaces, []);
  });

  test('row 13: the interface without ComponentID is found by MAC and IP but has no component', () => {
    const rec = snap.byMac('52:54:00:de:ad:aa');
    assert.ok(rec);
    assert.equal(rec.componentId, '');
    assert.equal(rec.component, undefined);
    assert.equal(rec.componentType, '');
    assert.equal(rec.nid, undefined);
    assert.deepEqual(snap.byIp('172.16.0.200'), [rec]);
  });

  test('IPv6 lookups accept any spelling of the address', () => {
    for (const text of ['fd00:172:16::1', 'FD00:172:16:0:0:0:0:1', 'fd00:0172:0016::0001']) {
      assert.equal(snap.byIp(text)[0]?.componentId, 'x1000c0s0b0n0', text);
    }
  });

  test('misses return undefined or an empty list', () => {
    assert.equal(snap.byMac('52:54:00:00:00:00'), undefined);
    assert.equal(snap.byMac('not a mac'), undefined);
    assert.equal(snap.byMacBytes(Uint8Array.of(0x52, 0x54, 0, 0, 0, 0), 0, 6), undefined);
    assert.equal(snap.byMacBytes(Uint8Array.of(0x52, 0x54), 0, 6), undefined);
    assert.deepEqual(snap.byIp('10.9.9.9'), []);
    assert.deepEqual(snap.byIp('garbage'), []);
    assert.equal(snap.byXname('X1000C0S0B0N0'), undefined); // exact case (spec coresmd-dns §5.2)
    assert.deepEqual(snap.byNid(99), []);
  });

  test('records, lists and the snapshot are frozen', () => {
    const rec = snap.byMac('52:54:00:be:ef:01')!;
    assert.ok(Object.isFrozen(snap));
    assert.ok(Object.isFrozen(rec));
    assert.ok(Object.isFrozen(rec.ips));
    assert.ok(Object.isFrozen(rec.component));
    assert.ok(Object.isFrozen(rec.component?.interfaces));
    assert.ok(Object.isFrozen(snap.interfaces));
    assert.ok(Object.isFrozen(snap.byIp('172.16.0.1')));
    assert.ok(Object.isFrozen(snap.byNid(1)));
    assert.throws(() => {
      (rec as { mac: string }).mac = 'x';
    }, TypeError);
  });
});

describe('buildSnapshot data problems', () => {
  const raw = (interfaces: RawInventory['interfaces'], components: RawInventory['components'] = []): RawInventory => ({ interfaces, components });
  const e = (mac: string, ips: string[] = [], componentId = '') => ({
    MACAddress: mac,
    ComponentID: componentId,
    IPAddresses: ips.map((IPAddress) => ({ IPAddress })),
  });

  test('normalizes SMD MACs stored as AA-BB-…, bare hex or dotted (upstream never matches them)', () => {
    const s = buildSnapshot(raw([e('DE-CA-FC-0F-FE-E1'), e('525400beef01'), e('5254.00be.ef02')]), META);
    assert.deepEqual(s.interfaces.map((i) => i.mac), ['de:ca:fc:0f:fe:e1', '52:54:00:be:ef:01', '52:54:00:be:ef:02']);
    assert.ok(s.byMacBytes(Uint8Array.of(0xde, 0xca, 0xfc, 0x0f, 0xfe, 0xe1), 0, 6));
  });

  test('keeps the first of duplicate MACs (in any spelling) and counts the rest', () => {
    const s = buildSnapshot(raw([e('aa:bb:cc:dd:ee:01', ['10.0.0.1']), e('AA-BB-CC-DD-EE-01', ['10.0.0.2']), e('aabbccddee01')]), META);
    assert.equal(s.stats.duplicateMacs, 2);
    assert.equal(s.stats.interfaces, 1);
    assert.equal(s.byMac('aa:bb:cc:dd:ee:01')?.ips[0]?.text, '10.0.0.1');
    assert.deepEqual(s.byIp('10.0.0.2'), []);
  });

  test('skips and counts unparseable MACs and IPs (Go rules), keeping the rest', () => {
    const s = buildSnapshot(
      raw([e('zz:zz'), e(''), e('aa:bb:cc:dd:ee:01', ['10.0.0.01', 'fe80::1%eth0', '10.0.0.0/24', '', '10.0.0.1', '::ffff:10.0.0.2'])]),
      META,
    );
    assert.equal(s.stats.invalidMacs, 2);
    assert.equal(s.stats.invalidIps, 4);
    assert.deepEqual(s.byMac('aa:bb:cc:dd:ee:01')?.ips.map((i) => i.text), ['10.0.0.1', '10.0.0.2']);
    assert.equal(s.byIp('::ffff:10.0.0.2')[0]?.mac, 'aa:bb:cc:dd:ee:01'); // mapped = IPv4 (coresmd-dns §5.9)
  });

  test('IPv4 text is accepted or rejected exactly as parseIp (Go rules) decides, and found by any spelling', () => {
    const texts = [
      '0.0.0.0', '1.2.3.4', '255.255.255.255', '128.0.0.1', '10.0.0.10', '192.168.100.200',
      '01.2.3.4', '1.2.3.04', '256.1.1.1', '1.2.3', '1.2.3.4.5', '1..2.3', '.1.2.3', '1.2.3.', '1.2.3.4 ', ' 1.2.3.4',
      '1.2.3.-4', '1.2.3.4/32', '1.2.3.1000', '::ffff:1.2.3.5', '::FFFF:1.2.3.6',
    ];
    const s = buildSnapshot(raw(texts.map((t, i) => e(`aa:bb:cc:dd:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`, [t]))), META);
    const valid = texts.filter((t) => parseIp(t) !== undefined);
    assert.equal(s.stats.invalidIps, texts.length - valid.length);
    for (const t of texts) {
      const want = parseIp(t);
      const hits = s.byIp(t);
      if (want === undefined) {
        assert.deepEqual(hits, [], t);
      } else {
        assert.equal(hits.length, 1, t);
        assert.equal(hits[0]?.ips[0]?.text, want.text, t);
        assert.equal(s.byIp(want.text), hits, t); // canonical text finds the same list
      }
    }
  });

  test('indexes an address shared by two interfaces under both, in SMD order', () => {
    const s = buildSnapshot(raw([e('aa:bb:cc:dd:ee:01', ['10.0.0.9']), e('aa:bb:cc:dd:ee:02', ['10.0.0.9', '10.0.0.9'])]), META);
    assert.deepEqual(s.byIp('10.0.0.9').map((r) => r.mac), ['aa:bb:cc:dd:ee:01', 'aa:bb:cc:dd:ee:02']);
    assert.equal(s.byMac('aa:bb:cc:dd:ee:02')?.ips.length, 1);
  });

  test('byNid returns every component of a duplicated NID; duplicate IDs keep the first', () => {
    const s = buildSnapshot(
      raw([], [
        { ID: 'x1c0s0b0n0', Type: 'Node', NID: 7 },
        { ID: 'x1c0s0b1n0', Type: 'Node', NID: 7 },
        { ID: 'x1c0s0b0n0', Type: 'Node', NID: 8 },
      ]),
      META,
    );
    assert.deepEqual(s.byNid(7).map((c) => c.id), ['x1c0s0b0n0', 'x1c0s0b1n0']);
    assert.equal(s.stats.duplicateComponents, 1);
    assert.deepEqual(s.byNid(8), []);
  });

  test('an interface naming an unknown component keeps its own Type and counts as unlinked', () => {
    const s = buildSnapshot(raw([{ ...e('aa:bb:cc:dd:ee:01', [], 'x9c0s0b0n0'), Type: 'Node' }]), META);
    const rec = s.byMac('aa:bb:cc:dd:ee:01')!;
    assert.equal(rec.component, undefined);
    assert.equal(rec.componentType, 'Node');
    assert.equal(s.stats.unlinkedInterfaces, 1);
  });

  test('byMacBytes handles 8- and 20-octet hardware addresses through the text index', () => {
    const ib = Array.from({ length: 20 }, (_, i) => (i + 1).toString(16).padStart(2, '0')).join(':');
    const s = buildSnapshot(raw([e(ib), e('02:00:00:00:00:00:00:01')]), META);
    assert.equal(s.byMacBytes(Uint8Array.from({ length: 20 }, (_, i) => i + 1), 0, 20)?.mac, ib);
    assert.equal(s.byMacBytes(Uint8Array.of(2, 0, 0, 0, 0, 0, 0, 1), 0, 8)?.mac, '02:00:00:00:00:00:00:01');
  });

  test('an empty inventory builds an empty, valid snapshot', () => {
    const s = buildSnapshot(raw([]), META);
    assert.equal(s.stats.interfaces, 0);
    assert.equal(s.byMac('aa:bb:cc:dd:ee:ff'), undefined);
  });

  test('builds 100,000 interfaces well under one second', () => {
    const interfaces = Array.from({ length: 100_000 }, (_, i) => ({
      MACAddress: `02:00:${((i >> 24) & 255).toString(16).padStart(2, '0')}:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
      ComponentID: `x${i >> 10}c0s${(i >> 2) & 255}b0n${i & 3}`,
      IPAddresses: [{ IPAddress: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }],
    }));
    const components = interfaces.map((x, i) => ({ ID: x.ComponentID, Type: 'Node', NID: i + 1 }));
    // Best of three, so a test file running in parallel on a small CI machine cannot fail it.
    let best = Infinity;
    for (let run = 0; run < 3; run++) {
      const t0 = performance.now();
      const s = buildSnapshot({ interfaces, components }, META);
      best = Math.min(best, performance.now() - t0);
      assert.equal(s.stats.interfaces, 100_000);
    }
    assert.ok(best < 1000, `took ${best.toFixed(0)} ms`);
  });
});
