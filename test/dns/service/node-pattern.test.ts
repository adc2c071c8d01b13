// Node-name patterns (spec coresmd-dns §1.5.2, §2.2).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { expandNodePattern, patternUsesNid } from '../../../src/dns/service/node-pattern.ts';

describe('expandNodePattern', () => {
  const cases: readonly [pattern: string, nid: number, xname: string, want: string][] = [
    // §2.2 fixture F2
    ['nid{04d}', 1, 'x1000c0s0b0n0', 'nid0001'],
    ['re{03d}', 7, 'x1000c0s0b0n7', 're007'],
    ['fe{02d}', 12, 'x1000c0s0b0n12', 'fe12'],
    ['node-{05d}', 42, 'x1000c0s0b0n42', 'node-00042'],
    ['compute-{05d}', 123, 'x1000c0s0b0n123', 'compute-00123'],
    // width grammar
    ['nid{4d}', 1, 'x', 'nid0001'],
    ['nid{004d}', 1, 'x', 'nid0001'],
    ['nid{0d}', 7, 'x', 'nid7'],
    ['nid{00d}', 7, 'x', 'nid7'],
    ['nid{03d}', 12345, 'x', 'nid12345'],
    ['nid{04d}', -5, 'x', 'nid-005'],
    // {id} and literals
    ['{id}-bmc', 0, 'x3000c0s0b1', 'x3000c0s0b1-bmc'],
    ['{id}-{02d}', 3, 'x1', 'x1-03'],
    ['n{04d}{04d}', 2, 'x', 'n00020002'],
    ['nid{d}', 1, 'x', 'nid{d}'],
    ['nid{x}', 1, 'x', 'nid{x}'],
    ['static', 9, 'x', 'static'],
  ];
  for (const [pattern, nid, xname, want] of cases) {
    test(`${pattern} with NID ${nid} → ${want}`, () => assert.equal(expandNodePattern(pattern, nid, xname), want));
  }
});

describe('patternUsesNid', () => {
  for (const [p, want] of [['nid{04d}', true], ['{id}', false], ['nid{d}', false], ['a{0d}', true]] as const) {
    test(`${p}: ${want}`, () => assert.equal(patternUsesNid(p), want));
  }
  test('is stable across calls (no regex lastIndex carried over)', () => {
    assert.equal(patternUsesNid('nid{04d}'), true);
    assert.equal(patternUsesNid('nid{04d}'), true);
  });
});
