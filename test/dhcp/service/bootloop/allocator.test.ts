import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressAllocator } from '../../../../src/dhcp/service/bootloop/allocator.ts';
import { ExpiryHeap } from '../../../../src/dhcp/service/bootloop/expiry-heap.ts';
import { ip } from './support.ts';

const T0 = 1_000_000;
const MIN = 60_000;

describe('AddressAllocator', () => {
  test('hands out the lowest available address first, in order', () => {
    const a = new AddressAllocator(ip('10.0.0.10'), ip('10.0.0.12'));
    assert.equal(a.allocate(T0, T0 + MIN), ip('10.0.0.10'));
    assert.equal(a.allocate(T0, T0 + MIN), ip('10.0.0.11'));
    assert.equal(a.allocate(T0, T0 + MIN), ip('10.0.0.12'));
  });

  test('returns undefined when every address is held by an unexpired lease', () => {
    const a = new AddressAllocator(ip('10.0.0.10'), ip('10.0.0.11'));
    a.allocate(T0, T0 + MIN);
    a.allocate(T0, T0 + MIN);
    assert.equal(a.allocate(T0, T0 + MIN), undefined);
    assert.equal(a.available(T0), 0);
  });

  test('a single-address range works', () => {
    const a = new AddressAllocator(ip('10.0.0.5'), ip('10.0.0.5'));
    assert.equal(a.allocate(T0, T0 + MIN), ip('10.0.0.5'));
    assert.equal(a.allocate(T0, T0 + MIN), undefined);
  });

  test('release makes an address the lowest available again', () => {
    const a = new AddressAllocator(ip('10.0.0.1'), ip('10.0.0.9'));
    for (let i = 0; i < 5; i++) a.allocate(T0, T0 + MIN);
    a.release(ip('10.0.0.2'));
    assert.equal(a.allocate(T0, T0 + MIN), ip('10.0.0.2'));
    assert.equal(a.allocate(T0, T0 + MIN), ip('10.0.0.6'));
  });

  test('an expired hold is available again, lowest first, and not a moment before', () => {
    const a = new AddressAllocator(ip('10.0.0.1'), ip('10.0.0.3'));
    a.allocate(T0, T0 + 5 * MIN); // .1 long
    a.allocate(T0, T0 + MIN); // .2 short
    a.allocate(T0, T0 + MIN); // .3 short
    assert.equal(a.allocate(T0 + MIN - 1, T0 + 10 * MIN), undefined);
    assert.equal(a.isAvailable(ip('10.0.0.2'), T0 + MIN), true);
    assert.equal(a.allocate(T0 + MIN, T0 + 10 * MIN), ip('10.0.0.2'));
    assert.equal(a.allocate(T0 + MIN, T0 + 10 * MIN), ip('10.0.0.3'));
    assert.equal(a.allocate(T0 + MIN, T0 + 10 * MIN), undefined);
  });

  test('a renewal (reserve with a later expiry) keeps the address held past the old expiry', () => {
    const a = new AddressAllocator(ip('10.0.0.1'), ip('10.0.0.1'));
    const got = a.allocate(T0, T0 + MIN)!;
    a.reserve(got, T0 + 3 * MIN);
    assert.equal(a.allocate(T0 + 2 * MIN, T0 + 4 * MIN), undefined);
    assert.equal(a.heldUntil(got), T0 + 3 * MIN);
    assert.equal(a.allocate(T0 + 3 * MIN, T0 + 4 * MIN), got);
  });

  const requested: { name: string; req: string; expect: string }[] = [
    { name: 'an available requested address is honoured', req: '10.0.0.7', expect: '10.0.0.7' },
    { name: 'a held requested address falls back to the lowest', req: '10.0.0.1', expect: '10.0.0.2' },
    { name: 'a requested address outside the range falls back to the lowest', req: '10.0.1.7', expect: '10.0.0.2' },
  ];
  for (const c of requested) {
    test(c.name, () => {
      const a = new AddressAllocator(ip('10.0.0.1'), ip('10.0.0.9'));
      a.allocate(T0, T0 + MIN); // .1
      assert.equal(a.allocate(T0, T0 + MIN, ip(c.req)), ip(c.expect));
    });
  }

  test('a requested address whose lease expired is honoured', () => {
    const a = new AddressAllocator(ip('10.0.0.1'), ip('10.0.0.9'));
    a.allocate(T0, T0 + MIN); // .1
    a.allocate(T0, T0 + MIN); // .2
    assert.equal(a.allocate(T0 + MIN, T0 + 2 * MIN, ip('10.0.0.2')), ip('10.0.0.2'));
  });

  test('reserve outside the range is an error; release outside is ignored', () => {
    const a = new AddressAllocator(ip('10.0.0.1'), ip('10.0.0.9'));
    assert.throws(() => a.reserve(ip('10.0.0.10'), T0), RangeError);
    a.release(ip('10.0.0.10'));
    assert.equal(a.available(T0), 9);
  });

  test('rejects a range whose start is after its end', () => {
    assert.throws(() => new AddressAllocator(ip('10.0.0.9'), ip('10.0.0.1')), RangeError);
  });

  test('a /16 fills and churns at the low end without scanning the pool', () => {
    const a = new AddressAllocator(ip('10.1.0.0'), ip('10.1.255.255'));
    const started = performance.now();
    for (let i = 0; i < 65536; i++) assert.equal(a.allocate(T0, T0 + MIN), ip('10.1.0.0') + i);
    assert.equal(a.allocate(T0, T0 + MIN), undefined);
    // The worst case for a cursor-and-scan design: free a low address, take it back, repeat.
    // More cycles than twice the pool, so the expiry heap's stale entries are pruned too.
    for (let i = 0; i < 150_000; i++) {
      const low = ip('10.1.0.0') + (i % 100);
      a.release(low);
      assert.equal(a.allocate(T0, T0 + MIN), low);
    }
    const ms = performance.now() - started;
    assert.ok(ms < 2000, `took ${ms.toFixed(0)} ms`);
  });

  test('stale expiry entries from many renewals do not grow without bound or break expiry', () => {
    const a = new AddressAllocator(ip('10.0.0.1'), ip('10.0.0.2'));
    const x = a.allocate(T0, T0 + MIN)!;
    for (let i = 1; i <= 10_000; i++) a.reserve(x, T0 + MIN + i);
    assert.equal(a.allocate(T0 + MIN + 9_999, T0 + 10 * MIN), ip('10.0.0.2'));
    assert.equal(a.allocate(T0 + MIN + 9_999, T0 + 10 * MIN), undefined);
    assert.equal(a.allocate(T0 + MIN + 10_000, T0 + 10 * MIN), x);
  });
});

describe('ExpiryHeap', () => {
  test('pops keys in expiry order, ties by key, and retain keeps one entry per key', () => {
    const h = new ExpiryHeap();
    for (const [at, key] of [[5, 1], [3, 9], [5, 0], [1, 4], [3, 9], [3, 2]] as const) h.push(at, key);
    h.retain((at) => at !== 1);
    const order: number[] = [];
    for (let k = h.pop(); k !== undefined; k = h.pop()) order.push(k);
    assert.deepEqual(order, [2, 9, 0, 1]);
    assert.equal(h.peekAt(), Infinity);
  });
});
