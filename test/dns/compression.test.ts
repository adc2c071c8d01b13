import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DnsCompressor, MAX_COMPRESSION_OFFSET } from '../../src/dns/compression.ts';

describe('DnsCompressor', () => {
  test('offsets are relative to the message start', () => {
    const c = new DnsCompressor(100);
    c.add('k', 112);
    assert.equal(c.find('k'), 12);
  });

  test('the first offset of a suffix wins', () => {
    const c = new DnsCompressor(0);
    c.add('k', 12);
    c.add('k', 40);
    assert.equal(c.find('k'), 12);
  });

  test('offsets past 14 bits are not kept (RFC 1035 §4.1.4)', () => {
    const c = new DnsCompressor(0);
    c.add('edge', MAX_COMPRESSION_OFFSET);
    c.add('past', MAX_COMPRESSION_OFFSET + 1);
    assert.equal(c.find('edge'), 0x3fff);
    assert.equal(c.find('past'), undefined);
  });

  test('rollback forgets suffixes written at or after the mark, keeps earlier ones', () => {
    const c = new DnsCompressor(10);
    c.add('a', 22);
    c.add('b', 40);
    c.add('c', 41);
    c.rollback(50);
    assert.equal(c.size, 3);
    c.rollback(40);
    assert.deepEqual([c.find('a'), c.find('b'), c.find('c'), c.size], [12, undefined, undefined, 1]);
    c.add('b', 45);
    assert.equal(c.find('b'), 35);
  });
});
