// The quarantine table: a MAC is held until its time (Clock seam), then released by its timer;
// holds() checks the time too; every change is a boot event; the table is bounded.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_QUARANTINE_SECONDS, QuarantineStore } from '../../../src/app/admin/quarantine-store.ts';
import { FakeClock } from '../../tftp/service/support.ts';
import { RecordingEvents } from './support.ts';

const MAC = '52:54:00:be:ef:01';

describe('QuarantineStore', () => {
  test('holds a MAC until its time, then its timer ends it and says so', async () => {
    const clock = new FakeClock();
    const events = new RecordingEvents();
    const q = new QuarantineStore({ clock, events });
    assert.equal(q.holds(MAC), false);
    const e = q.set(MAC, 30, 'flapping NIC');
    assert.deepEqual(e, { mac: MAC, until: clock.now() + 30_000, reason: 'flapping NIC' });
    assert.equal(q.holds(MAC), true);
    assert.equal(q.holds('52:54:00:be:ef:02'), false);
    await clock.advance(29_999);
    assert.equal(q.holds(MAC), true);
    await clock.advance(1);
    assert.equal(q.size, 0, 'the timer removed it');
    assert.equal(q.holds(MAC), false);
    assert.deepEqual(events.types(), ['admin quarantine-set', 'admin quarantine-cleared']);
    assert.equal(events.events[1]?.detail?.['reason'], 'expired');
  });

  test('holds() ends an entry whose time has passed even if its timer was late', () => {
    let now = 0;
    const timers: (() => void)[] = [];
    const clock = { now: () => now, setTimer: (_ms: number, fn: () => void) => (timers.push(fn), { cancel() {} }) };
    const q = new QuarantineStore({ clock, events: new RecordingEvents() });
    q.set(MAC, 1, '');
    now = 1_000;
    assert.equal(q.holds(MAC), false);
    assert.deepEqual(q.list(), []);
  });

  test('set again replaces the entry and its timer; clear ends it at once; list is soonest first', async () => {
    const clock = new FakeClock();
    const events = new RecordingEvents();
    const q = new QuarantineStore({ clock, events });
    q.set(MAC, 10, 'a');
    q.set(MAC, 100, 'b');
    q.set('52:54:00:be:ef:02', 50, '');
    await clock.advance(20_000);
    assert.equal(q.holds(MAC), true, 'the first timer was cancelled');
    assert.deepEqual(q.list().map((e) => e.mac), ['52:54:00:be:ef:02', MAC]);
    assert.equal(q.clear(MAC), true);
    assert.equal(q.clear(MAC), false);
    assert.equal(q.holds(MAC), false);
    assert.equal(events.events.at(-1)?.detail?.['reason'], 'deleted');
  });

  test('a full table refuses new MACs but still updates those it holds', () => {
    const clock = new FakeClock();
    const q = new QuarantineStore({ clock, events: new RecordingEvents(), maxEntries: 2 });
    assert.ok(q.set('02:00:00:00:00:01', 5, ''));
    assert.ok(q.set('02:00:00:00:00:02', 5, ''));
    assert.equal(q.set('02:00:00:00:00:03', 5, ''), undefined);
    assert.ok(q.set('02:00:00:00:00:01', 9, 'longer'));
  });

  test('the longest quarantine (30 days) is longer than one timer can wait: the timer re-arms', async () => {
    const clock = new FakeClock();
    const q = new QuarantineStore({ clock, events: new RecordingEvents() });
    q.set(MAC, MAX_QUARANTINE_SECONDS, '');
    assert.ok(clock.pending()[0]! <= 2 ** 31 - 1);
    await clock.advance(2 ** 31);
    assert.equal(q.holds(MAC), true);
    await clock.advance(MAX_QUARANTINE_SECONDS * 1000);
    assert.equal(q.size, 0);
  });
});
