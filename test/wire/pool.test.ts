import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { BufferPool, PoolError, PoolErrorCode } from '../../src/wire/pool.ts';

function poolErrorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof PoolError, `expected PoolError, got ${String(e)}`);
    return e.code;
  }
  assert.fail('expected a PoolError, nothing was thrown');
}

describe('BufferPool', () => {
  test('hands out distinct, non-overlapping slots of slotSize bytes', () => {
    const pool = new BufferPool(16, 3);
    const slots = [pool.acquire(), pool.acquire(), pool.acquire()];
    const offsets = new Set<number>();
    for (const s of slots) {
      assert.ok(s);
      assert.equal(s.length, 16);
      offsets.add(s.byteOffset);
    }
    assert.equal(offsets.size, 3);
    slots[0]!.fill(1);
    slots[1]!.fill(2);
    assert.ok(slots[0]!.every((b) => b === 1), 'writing one slot leaves the others alone');
  });

  test('when empty, acquire returns undefined and counts each failure', () => {
    const pool = new BufferPool(8, 2);
    const a = pool.acquire();
    const b = pool.acquire();
    assert.ok(a && b);
    assert.equal(pool.acquire(), undefined);
    assert.equal(pool.acquire(), undefined);
    assert.deepEqual(pool.stats(), { slots: 2, inUse: 2, peakInUse: 2, exhausted: 2 });
  });

  test('a released slot is handed out again, and peakInUse remembers the high-water mark', () => {
    const pool = new BufferPool(8, 3);
    const a = pool.acquire()!;
    const b = pool.acquire()!;
    pool.release(a);
    assert.deepEqual(pool.stats(), { slots: 3, inUse: 1, peakInUse: 2, exhausted: 0 });
    const c = pool.acquire();
    assert.equal(c, a, 'the freed slot comes back (LIFO)');
    pool.release(b);
    pool.release(c!);
    assert.deepEqual(pool.stats(), { slots: 3, inUse: 0, peakInUse: 2, exhausted: 0 });
  });

  test('slots are not zeroed: the previous packet is still there (encoders write every byte)', () => {
    const pool = new BufferPool(4, 1);
    const a = pool.acquire()!;
    a.set([9, 8, 7, 6]);
    pool.release(a);
    assert.deepEqual([...pool.acquire()!], [9, 8, 7, 6]);
  });

  test('a double release is ERR_POOL_DOUBLE_RELEASE and does not corrupt the free list', () => {
    const pool = new BufferPool(8, 2);
    const a = pool.acquire()!;
    pool.release(a);
    assert.equal(poolErrorCode(() => pool.release(a)), PoolErrorCode.DoubleRelease);
    assert.equal(pool.stats().inUse, 0);
    const x = pool.acquire();
    const y = pool.acquire();
    assert.ok(x && y && x !== y, 'two distinct slots, not the same one twice');
    assert.equal(pool.acquire(), undefined);
  });

  const foreign: ReadonlyArray<{ name: string; make: (pool: BufferPool, other: BufferPool) => Uint8Array }> = [
    { name: 'a fresh Buffer', make: () => Buffer.alloc(8) },
    { name: "another pool's slot", make: (_p, other) => other.acquire()! },
    { name: 'a subarray of an acquired slot', make: (p) => p.acquire()!.subarray(0, 4) },
    { name: 'a view at a slot offset but of the wrong length', make: (p) => { const s = p.acquire()!; return new Uint8Array(s.buffer, s.byteOffset, 4); } },
    { name: 'a view that straddles two slots', make: (p) => { const s = p.acquire()!; return new Uint8Array(s.buffer, s.byteOffset + 4, 8); } },
  ];
  for (const c of foreign) {
    test(`releasing ${c.name} is ERR_POOL_FOREIGN`, () => {
      const pool = new BufferPool(8, 2);
      const other = new BufferPool(8, 2);
      const buf = c.make(pool, other);
      const before = pool.stats().inUse;
      assert.equal(poolErrorCode(() => pool.release(buf)), PoolErrorCode.Foreign);
      assert.equal(pool.stats().inUse, before);
    });
  }

  test('rejects sizes that are not positive integers', () => {
    assert.throws(() => new BufferPool(0, 4), RangeError);
    assert.throws(() => new BufferPool(1500, 0), RangeError);
    assert.throws(() => new BufferPool(1.5, 4), RangeError);
  });
});
