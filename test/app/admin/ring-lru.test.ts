// The two bounded containers of the admin store: a ring that overwrites its oldest entry and a
// map that forgets its least recently touched key.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Ring } from '../../../src/app/admin/ring.ts';
import { LruMap } from '../../../src/app/admin/lru-map.ts';

describe('Ring', () => {
  test('keeps the newest `capacity` entries, oldest first, and says when it overwrote one', () => {
    const r = new Ring<number>(3);
    assert.deepEqual([r.push(1), r.push(2), r.push(3)], [false, false, false]);
    assert.equal(r.push(4), true);
    assert.equal(r.push(5), true);
    assert.deepEqual(r.toArray(), [3, 4, 5]);
    assert.equal(r.size, 3);
    assert.equal(r.first(), 3);
    assert.equal(r.last(), 5);
  });

  test('an empty ring has no first or last; a capacity must be a positive integer', () => {
    const r = new Ring<string>(2);
    assert.equal(r.first(), undefined);
    assert.equal(r.last(), undefined);
    assert.deepEqual(r.toArray(), []);
    assert.throws(() => new Ring(0), RangeError);
    assert.throws(() => new Ring(1.5), RangeError);
  });
});

describe('LruMap', () => {
  test('evicts the least recently touched key; get touches, peek does not', () => {
    const evicted: string[] = [];
    const m = new LruMap<string, number>(2, (k) => evicted.push(k));
    m.set('a', 1);
    m.set('b', 2);
    assert.equal(m.get('a'), 1); // a is now the most recent
    m.set('c', 3);
    assert.deepEqual(evicted, ['b']);
    assert.equal(m.peek('a'), 1);
    m.set('d', 4); // a was peeked, not touched: c is more recent
    assert.deepEqual(evicted, ['b', 'a']);
    assert.deepEqual([...m.entries()].map(([k]) => k), ['c', 'd']);
    assert.equal(m.size, 2);
  });

  test('evictOldest on an empty map says so', () => {
    assert.equal(new LruMap<string, number>(1).evictOldest(), false);
  });
});
