import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatContentRange, formatUnsatisfiedRange, parseByteRange } from '../../../src/app/http-boot/byte-range.ts';
import type { ByteRangeDecision } from '../../../src/app/http-boot/byte-range.ts';

interface Case {
  readonly name: string;
  readonly header: string | undefined;
  readonly size?: number;
  readonly want: ByteRangeDecision;
}

const partial = (start: number, end: number): ByteRangeDecision => ({ kind: 'partial', start, end });
const unsatisfiable: ByteRangeDecision = { kind: 'unsatisfiable' };
const full = (reason: 'absent' | 'unit' | 'invalid' | 'multiple' | 'empty'): ByteRangeDecision => ({ kind: 'full', reason });

// RFC 9110 §14.1.2 examples and edges, for a 1000-byte representation unless stated.
const cases: Case[] = [
  { name: 'no Range header serves the whole file', header: undefined, want: full('absent') },
  { name: 'bytes=0-499: the first 500 bytes (§14.1.2 example)', header: 'bytes=0-499', want: partial(0, 499) },
  { name: 'bytes=500-999: the second 500 bytes', header: 'bytes=500-999', want: partial(500, 999) },
  { name: 'bytes=500-: from 500 to the end', header: 'bytes=500-', want: partial(500, 999) },
  { name: 'bytes=-200: the last 200 bytes', header: 'bytes=-200', want: partial(800, 999) },
  { name: 'a suffix longer than the file is the whole file as 206', header: 'bytes=-2000', want: partial(0, 999) },
  { name: 'last-pos past the end is clamped to size-1', header: 'bytes=10-5000', want: partial(10, 999) },
  { name: 'a single last byte', header: 'bytes=999-999', want: partial(999, 999) },
  { name: 'first-pos at the length is unsatisfiable', header: 'bytes=1000-', want: unsatisfiable },
  { name: 'a range wholly past the end is unsatisfiable', header: 'bytes=1000-2000', want: unsatisfiable },
  { name: 'a zero-length suffix is unsatisfiable', header: 'bytes=-0', want: unsatisfiable },
  { name: 'last-pos below first-pos is invalid: whole file', header: 'bytes=5-2', want: full('invalid') },
  { name: 'non-digits are invalid', header: 'bytes=abc', want: full('invalid') },
  { name: 'a sign is not a digit', header: 'bytes=+1-2', want: full('invalid') },
  { name: 'a fraction is not a position', header: 'bytes=1.5-2', want: full('invalid') },
  { name: 'an empty range-set is invalid', header: 'bytes=', want: full('invalid') },
  { name: 'a lone dash is invalid', header: 'bytes=-', want: full('invalid') },
  { name: 'one invalid spec spoils the set', header: 'bytes=0-1,x', want: full('invalid') },
  { name: 'several ranges get the whole file with 200', header: 'bytes=1-2,5-6', want: full('multiple') },
  { name: 'a range plus a suffix is several ranges', header: 'bytes=0-0, -1', want: full('multiple') },
  { name: 'an unknown unit is ignored (§14.2)', header: 'items=0-5', want: full('unit') },
  { name: 'no unit at all is ignored', header: '0-5', want: full('unit') },
  { name: 'the unit is case-insensitive', header: 'BYTES=0-5', want: partial(0, 5) },
  { name: 'whitespace around the spec is allowed', header: 'bytes= 0-5 ', want: partial(0, 5) },
  { name: 'empty list elements are skipped (§5.6.1.2)', header: 'bytes=0-0,', want: partial(0, 0) },
  { name: 'a last-pos beyond 2^53 is clamped', header: 'bytes=0-99999999999999999999', want: partial(0, 999) },
  { name: 'a first-pos beyond 2^53 is unsatisfiable', header: 'bytes=99999999999999999999-', want: unsatisfiable },
  { name: 'a suffix beyond 2^53 is the whole file', header: 'bytes=-99999999999999999999', want: partial(0, 999) },
  { name: 'an empty file is sent whole even for bytes=0-', header: 'bytes=0-', size: 0, want: full('empty') },
  { name: 'an empty file is sent whole even for a suffix', header: 'bytes=-1', size: 0, want: full('empty') },
  { name: 'a one-byte file, first byte', header: 'bytes=0-0', size: 1, want: partial(0, 0) },
  { name: 'a 1 GiB file, last 100 bytes', header: 'bytes=-100', size: 2 ** 30, want: partial(2 ** 30 - 100, 2 ** 30 - 1) },
];

describe('parseByteRange (RFC 9110 §14)', () => {
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(parseByteRange(c.header, c.size ?? 1000), c.want);
    });
  }
});

describe('Content-Range (RFC 9110 §14.4)', () => {
  test('a satisfied range names first-last/length', () => {
    assert.equal(formatContentRange(0, 499, 1234), 'bytes 0-499/1234');
  });
  test('an unsatisfied range has */length', () => {
    assert.equal(formatUnsatisfiedRange(1234), 'bytes */1234');
  });
});
