// The process inventory whose SMD source a reload can change: one poller at a time, the last
// snapshot keeps serving across the switch, subscribers stay subscribed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { nullLogger } from '../../../src/seams/logger.ts';
import { createInventory, type Inventory } from '../../../src/smd/inventory.ts';
import type { InventorySource, RawInventory } from '../../../src/smd/types.ts';
import { SwitchableInventory } from '../../../src/app/serve/switchable-inventory.ts';
import { FakeClock } from '../../smd/support/fake-clock.ts';
import { loadExample } from '../../smd/support/example.ts';

const EXAMPLE = loadExample();
const EMPTY: RawInventory = { interfaces: [], components: [] };

function source(name: string, data: () => RawInventory | Error): InventorySource & { fetches: number } {
  const s = {
    kind: 'smd' as const,
    fetches: 0,
    describe: () => name,
    fetch: async () => {
      s.fetches++;
      const d = data();
      if (d instanceof Error) throw d;
      return d;
    },
  };
  return s;
}

function refresher(src: InventorySource, clock: FakeClock, intervalMs = 1000): Inventory {
  return createInventory({ source: src, clock, logger: nullLogger, refreshIntervalMs: intervalMs });
}

const flush = () => new Promise((r) => setImmediate(r));

describe('SwitchableInventory', () => {
  test('serves what its refresher fetched and forwards swaps to subscribers', async () => {
    const clock = new FakeClock();
    const a = source('a', () => EXAMPLE);
    const inv = new SwitchableInventory(refresher(a, clock));
    const seen: number[] = [];
    inv.onSwap((s) => seen.push(s.stats.interfaces));
    await inv.start();
    assert.equal(inv.current()?.byMac('52:54:00:be:ef:01')?.component?.id, 'x1000c0s0b0n0');
    assert.equal(seen.length, 1);
    assert.equal(inv.status().lastSuccessAt, clock.now());
    await inv.stop();
  });

  test('replace(): the old refresher stops before the new one starts, so only one polls', async () => {
    const clock = new FakeClock();
    const a = source('a', () => EXAMPLE);
    const b = source('b', () => EMPTY);
    const inv = new SwitchableInventory(refresher(a, clock));
    const seen: number[] = [];
    inv.onSwap((s) => seen.push(s.stats.interfaces));
    await inv.start();
    await inv.replace(refresher(b, clock));
    assert.equal(b.fetches, 1);
    assert.equal(inv.current()?.stats.interfaces, 0);
    const before = a.fetches;
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      await flush();
    }
    assert.equal(a.fetches, before, 'the old refresher no longer polls');
    assert.ok(b.fetches >= 5);
    assert.deepEqual(seen.slice(0, 2), [EXAMPLE.interfaces.length, 0]);
    await inv.stop();
  });

  test('a new source that fails keeps the last snapshot serving, with its age and success time', async () => {
    const clock = new FakeClock();
    const inv = new SwitchableInventory(refresher(source('a', () => EXAMPLE), clock));
    await inv.start();
    const servedAt = clock.now();
    clock.advance(500);
    await inv.replace(refresher(source('b', () => new Error('connection refused')), clock));
    assert.equal(inv.current()?.stats.interfaces, EXAMPLE.interfaces.length);
    assert.equal(inv.status().ageMs(clock.now()), 500);
    assert.equal(inv.status().lastSuccessAt, servedAt);
    assert.equal(inv.status().consecutiveFailures, 1);
    await inv.stop();
  });

  test('replace(undefined) stops polling and keeps the snapshot; refreshNow() then says why', async () => {
    const clock = new FakeClock();
    const a = source('a', () => EXAMPLE);
    const inv = new SwitchableInventory(refresher(a, clock));
    await inv.start();
    await inv.replace(undefined);
    clock.advance(5000);
    await flush();
    assert.equal(a.fetches, 1);
    assert.ok(inv.current() !== undefined);
    const r = await inv.refreshNow();
    assert.equal(r.ok, false);
  });

  test('a refresher attached before start() starts with it, not before', async () => {
    const clock = new FakeClock();
    const a = source('a', () => EXAMPLE);
    const inv = new SwitchableInventory();
    await inv.replace(refresher(a, clock));
    assert.equal(a.fetches, 0);
    await inv.start();
    assert.equal(a.fetches, 1);
    await inv.stop();
  });
});
