import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoDuration, formatGoDurationNs, parseGoDuration, parseGoDurationNs } from '../../../src/app/config/duration.ts';

describe('parseGoDuration (Go time.ParseDuration)', () => {
  const ok: Array<[string, number]> = [
    ['0', 0],
    ['-0', 0],
    ['+0', 0],
    ['300ms', 300],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['-5s', -5000],
    ['+5s', 5000],
    ['30s', 30_000],
    ['1h', 3_600_000],
    ['10m', 600_000],
    ['.5s', 500],
    ['1.s', 1000],
    ['1ns', 1e-6],
    ['1us', 0.001],
    ['1\u00b5s', 0.001],
    ['1\u03bcs', 0.001],
    ['2h45m30.5s', 9_930_500],
    ['1m0s', 60_000],
  ];
  for (const [text, ms] of ok) {
    test(`${JSON.stringify(text)} → ${ms} ms`, () => assert.deepEqual(parseGoDuration(text), { ok: true, ms }));
  }

  const bad: Array<[string, string]> = [
    ['', 'time: invalid duration ""'],
    ['-', 'time: invalid duration "-"'],
    ['5', 'time: missing unit in duration "5"'],
    ['1d', 'time: unknown unit "d" in duration "1d"'],
    ['1hx', 'time: unknown unit "hx" in duration "1hx"'],
    ['.s', 'time: invalid duration ".s"'],
    ['s', 'time: invalid duration "s"'],
    ['1h 30m', 'time: unknown unit "h " in duration "1h 30m"'],
    ['notaduration', 'time: invalid duration "notaduration"'],
    ['9223372036854775808ns', 'time: invalid duration "9223372036854775808ns"'],
    ['3000000h', 'time: invalid duration "3000000h"'],
  ];
  for (const [text, error] of bad) {
    test(`rejects ${JSON.stringify(text)}`, () => assert.deepEqual(parseGoDuration(text), { ok: false, error }));
  }

  test('the int64 edges match Go', () => {
    assert.equal(parseGoDurationNs('9223372036854775807ns'), 9223372036854775807n);
    assert.equal(parseGoDurationNs('-9223372036854775808ns'), -9223372036854775808n);
  });

  test('fractions go through float64 as in Go', () => {
    assert.equal(parseGoDurationNs('0.1s'), 100_000_000n);
    assert.equal(parseGoDurationNs('1.0000000001s'), 1_000_000_000n);
    assert.equal(parseGoDurationNs('0.3333333333333h'), 1_199_999_999_999n);
  });
});

describe('formatGoDuration (Go Duration.String)', () => {
  const cases: Array<[number, string]> = [
    [0, '0s'],
    [3_600_000, '1h0m0s'],
    [30_000, '30s'],
    [300_000, '5m0s'],
    [15_000, '15s'],
    [1_800_000, '30m0s'],
    [1500, '1.5s'],
    [300, '300ms'],
    [90_000, '1m30s'],
    [5_400_000, '1h30m0s'],
    [-5000, '-5s'],
    [2500, '2.5s'],
    [0.0015, '1.5µs'],
    [1e-6, '1ns'],
    [1.5, '1.5ms'],
    [90_061_001, '25h1m1.001s'],
  ];
  for (const [ms, text] of cases) {
    test(`${ms} ms → ${text}`, () => assert.equal(formatGoDuration(ms), text));
  }

  test('round-trips through the parser', () => {
    for (const t of ['1h0m0s', '1m30s', '1.5s', '300ms', '1.5µs', '7ns', '-2h3m4.5s']) assert.equal(formatGoDurationNs(parseGoDurationNs(t) as bigint), t);
  });
});
