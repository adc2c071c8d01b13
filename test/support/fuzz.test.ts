import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32, mutate, runFuzz } from './fuzz.ts';

describe('fuzz support', () => {
  test('mulberry32 is deterministic for a seed and stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a());
    assert.deepEqual(xs, Array.from({ length: 1000 }, () => b()));
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    assert.ok(new Set(xs).size > 990);
  });

  test('mutations change inputs and never touch the corpus entry', () => {
    const rng = mulberry32(7);
    const seed = Uint8Array.from({ length: 64 }, (_, i) => i);
    const copy = Uint8Array.from(seed);
    let changed = 0;
    for (let i = 0; i < 200; i++) if (Buffer.compare(mutate(rng, seed, [seed]), seed) !== 0) changed++;
    assert.deepEqual(seed, copy);
    assert.ok(changed > 150);
  });

  test('a broken invariant is reported with seed, iteration and input', () => {
    assert.throws(
      () => runFuzz({ corpus: [Uint8Array.of(1, 2, 3)], iterations: 50, seed: 1, check: (b) => assert.ok(b.length < 3) }),
      /fuzz failure \(seed 1, iteration \d+\)[\s\S]*input: [0-9a-f]*/,
    );
  });
});
