import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FreeSet } from '../../../../src/dhcp/service/bootloop/free-set.ts';

describe('FreeSet', () => {
  for (const size of [1, 31, 32, 33, 1024, 1025, 65536, 70000]) {
    test(`a full set of ${size} yields every member lowest first`, () => {
      const s = new FreeSet(size);
      assert.equal(s.count, size);
      const seen: number[] = [];
      for (let i = 0; i < Math.min(size, 2000); i++) {
        const first = s.first();
        seen.push(first);
        assert.ok(s.delete(first));
      }
      assert.deepEqual(seen, Array.from({ length: Math.min(size, 2000) }, (_, i) => i));
      if (size <= 2000) assert.equal(s.first(), -1);
    });
  }

  test('an empty set has no first member and counts zero', () => {
    const s = new FreeSet(100, false);
    assert.equal(s.first(), -1);
    assert.equal(s.count, 0);
    assert.equal(s.has(5), false);
  });

  test('add and delete report whether they changed the set', () => {
    const s = new FreeSet(100, false);
    assert.equal(s.add(7), true);
    assert.equal(s.add(7), false);
    assert.equal(s.delete(7), true);
    assert.equal(s.delete(7), false);
    assert.equal(s.count, 0);
  });

  test('out-of-range members are absent and cannot be added', () => {
    const s = new FreeSet(10);
    assert.equal(s.has(10), false);
    assert.equal(s.has(-1), false);
    assert.equal(s.delete(10), false);
    assert.throws(() => s.add(10), RangeError);
  });

  test('matches a reference model over a seeded random sequence', () => {
    const size = 5000;
    const s = new FreeSet(size, false);
    const model = new Set<number>();
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) % size);
    for (let step = 0; step < 50_000; step++) {
      const i = rand();
      if (step % 3 === 0) {
        assert.equal(s.delete(i), model.delete(i));
      } else {
        assert.equal(s.add(i), !model.has(i));
        model.add(i);
      }
      if (step % 97 === 0) {
        const expected = model.size === 0 ? -1 : Math.min(...model);
        assert.equal(s.first(), expected);
        assert.equal(s.count, model.size);
      }
    }
  });
});
