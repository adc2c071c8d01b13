// The zones follow the inventory: a new index per snapshot, built in the swap listener.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InventoryZones } from '../../../src/dns/service/inventory-zones.ts';
import type { Snapshot } from '../../../src/smd/snapshot.ts';
import type { SwapListener } from '../../../src/smd/inventory.ts';
import { recordingLogger } from '../../support/logger.ts';
import { F1, snapshotOf } from './support.ts';

class FakeInventory {
  snapshot: Snapshot | undefined;
  readonly listeners = new Set<SwapListener>();
  current(): Snapshot | undefined {
    return this.snapshot;
  }
  onSwap(l: SwapListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  swap(next: Snapshot): void {
    const prev = this.snapshot;
    this.snapshot = next;
    for (const l of this.listeners) l(next, prev);
  }
}

describe('InventoryZones', () => {
  test('starts from the current snapshot (or none) and rebuilds on every swap', () => {
    const inv = new FakeInventory();
    const zones = new InventoryZones({ inventory: inv, zones: [{ name: 'cluster.local', pattern: 'nid{04d}' }], ttl: 60, nsAddresses: [], logger: recordingLogger() });
    assert.equal(zones.current().hasInventory, false);
    inv.swap(snapshotOf(F1));
    const first = zones.current();
    assert.ok(first.name('nid0001.cluster.local.') !== undefined);
    assert.equal(first.name('nid0002.cluster.local.'), undefined);
    inv.swap(snapshotOf([...F1, { mac: '02:00:00:00:00:09', id: 'node002', type: 'Node', nid: 2, ips: ['192.168.1.11'] }]));
    assert.ok(zones.current().name('nid0002.cluster.local.') !== undefined);
    // The old index is untouched: a query in flight keeps a consistent view.
    assert.equal(first.name('nid0002.cluster.local.'), undefined);
  });

  test('close() stops following', () => {
    const inv = new FakeInventory();
    const zones = new InventoryZones({ inventory: inv, zones: [{ name: 'c.local', pattern: undefined }], ttl: 60, nsAddresses: [], logger: recordingLogger() });
    zones.close();
    assert.equal(inv.listeners.size, 0);
    inv.swap(snapshotOf(F1));
    assert.equal(zones.current().hasInventory, false);
  });

  test('name collisions are warned about once per change, not every refresh', () => {
    const logger = recordingLogger();
    const inv = new FakeInventory();
    const dup = [
      { mac: '02:00:00:00:00:01', id: 'a', type: 'Node', nid: 7, ips: ['10.0.0.1'] },
      { mac: '02:00:00:00:00:02', id: 'b', type: 'Node', nid: 7, ips: ['10.0.0.2'] },
    ];
    new InventoryZones({ inventory: inv, zones: [{ name: 'c.local', pattern: 'nid{04d}' }], ttl: 60, nsAddresses: [], logger });
    inv.swap(snapshotOf(dup));
    inv.swap(snapshotOf(dup));
    assert.equal(logger.lines.filter((l) => l.level === 'warn').length, 1);
  });
});
