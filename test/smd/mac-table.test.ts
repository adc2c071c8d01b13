import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MacTable, macKeyFromText } from '../../src/smd/mac-table.ts';
import type { MacKey } from '../../src/smd/mac-table.ts';

describe('macKeyFromText', () => {
  const cases: { text: string; want: MacKey | undefined }[] = [
    { text: '00:00:00:00:00:00', want: { hi: 0, lo: 0 } },
    { text: 'ff:ff:ff:ff:ff:ff', want: { hi: 0xffff, lo: -1 } },
    { text: '52:54:00:be:ef:01', want: { hi: 0x5254, lo: 0x00beef01 } },
    { text: 'de:ca:fc:0f:fe:e1', want: { hi: 0xdeca, lo: 0xfc0ffee1 | 0 } },
    { text: 'DE:CA:FC:0F:FE:E1', want: undefined }, // only the canonical lowercase form
    { text: 'de-ca-fc-0f-fe-e1', want: undefined },
    { text: 'decafc0ffee1', want: undefined },
    { text: 'de:ca:fc:0f:fe:g1', want: undefined },
  ];
  for (const c of cases) {
    test(`${c.text} → ${c.want === undefined ? 'not canonical' : 'key'}`, () => {
      const key = { hi: -1, lo: -1 };
      assert.equal(macKeyFromText(c.text, key), c.want !== undefined);
      if (c.want !== undefined) assert.deepEqual(key, c.want);
    });
  }
});

describe('MacTable', () => {
  test('finds every key it holds and misses others, including across wrap-around probes', () => {
    const t = new MacTable<number>(5000);
    for (let i = 0; i < 5000; i++) assert.equal(t.add(i % 7, Math.imul(i, 0x9e3779b1), i), true);
    assert.equal(t.size, 5000);
    for (let i = 0; i < 5000; i++) assert.equal(t.get(i % 7, Math.imul(i, 0x9e3779b1)), i);
    assert.equal(t.get(8, 1), undefined);
    assert.equal(t.get(0, 12345), undefined);
  });

  test('keeps the first value for a repeated key', () => {
    const t = new MacTable<string>(2);
    assert.equal(t.add(1, 2, 'first'), true);
    assert.equal(t.add(1, 2, 'second'), false);
    assert.equal(t.get(1, 2), 'first');
  });

  test('distinguishes keys differing only in the high part, including hi 0', () => {
    const t = new MacTable<string>(2);
    t.add(0, 5, 'a');
    t.add(1, 5, 'b');
    assert.equal(t.get(0, 5), 'a');
    assert.equal(t.get(1, 5), 'b');
  });

  test('refuses to grow past its sizing instead of looping forever', () => {
    const t = new MacTable<number>(1); // 8 slots, at most 4 entries
    for (let i = 0; i < 4; i++) t.add(0, i, i);
    assert.throws(() => t.add(0, 99, 99), RangeError);
  });
});
