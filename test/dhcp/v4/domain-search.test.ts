import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDomainSearch, encodeDomainSearch } from '../../../src/dhcp/v4/domain-search.ts';
import { EncodeError, EncodeErrorCode, WireErrorCode } from '../../../src/wire/errors.ts';
import { parseAnnotatedHex } from '../../support/hex.ts';
import { wireErrorOf } from './support.ts';

describe('option 119 domain search (RFC 3397)', () => {
  test('encodes the RFC 3397 §3 example with a pointer to "apple.com"', () => {
    const want = parseAnnotatedHex(`
      03 65 6e 67                    ; "eng"
      05 61 70 70 6c 65              ; "apple"
      03 63 6f 6d 00                 ; "com", root
      09 6d 61 72 6b 65 74 69 6e 67  ; "marketing"
      c0 04                          ; pointer to offset 4: "apple.com"
    `);
    const got = encodeDomainSearch(['eng.apple.com.', 'marketing.apple.com.']);
    assert.deepEqual([...got], [...want]);
    assert.deepEqual(decodeDomainSearch(got), ['eng.apple.com', 'marketing.apple.com']);
  });

  const roundTrips: ReadonlyArray<string[]> = [
    ['openchami.cluster'],
    ['a.example', 'b.example', 'example', 'c.a.example'],
    ['x.y', 'x.y'],
    [`${'l'.repeat(63)}.${'m'.repeat(63)}.${'n'.repeat(63)}.${'o'.repeat(61)}`],
  ];
  for (const names of roundTrips) {
    test(`round-trips ${JSON.stringify(names).slice(0, 60)}`, () => {
      assert.deepEqual(decodeDomainSearch(encodeDomainSearch(names)), names);
    });
  }

  test('a repeated name compresses to one pointer', () => {
    assert.deepEqual([...encodeDomainSearch(['x.y', 'x.y'])], [1, 0x78, 1, 0x79, 0, 0xc0, 0]);
  });

  const badNames: ReadonlyArray<[string, string[]]> = [
    ['an empty name', ['']],
    ['the root alone', ['.']],
    ['an empty label', ['a..b']],
    ['a 64-octet label', [`${'a'.repeat(64)}.com`]],
    ['a name over 255 octets', [Array(5).fill('a'.repeat(60)).join('.')]],
    ['non-ASCII', ['café.example']],
  ];
  for (const [name, names] of badNames) {
    test(`refuses ${name}`, () => {
      assert.throws(() => encodeDomainSearch(names), (e: unknown) => e instanceof EncodeError && e.code === EncodeErrorCode.Value);
    });
  }

  const badWire: ReadonlyArray<{ name: string; data: number[]; want: { code: string; offset: number; field: string } }> = [
    { name: 'a pointer to itself', data: [0xc0, 0x00], want: { code: WireErrorCode.Malformed, offset: 0, field: 'options[119].pointer' } },
    { name: 'a forward pointer', data: [1, 0x61, 0xc0, 0x05, 0, 1, 0x62, 0], want: { code: WireErrorCode.Malformed, offset: 2, field: 'options[119].pointer' } },
    { name: 'a label past the end', data: [5, 0x61], want: { code: WireErrorCode.Truncated, offset: 0, field: 'options[119].label' } },
    { name: 'a name without its root', data: [1, 0x61], want: { code: WireErrorCode.Truncated, offset: 2, field: 'options[119].name' } },
    { name: 'half a pointer', data: [0xc0], want: { code: WireErrorCode.Truncated, offset: 0, field: 'options[119].pointer' } },
    { name: 'the reserved label type 01', data: [0x41, 0], want: { code: WireErrorCode.Malformed, offset: 0, field: 'options[119].label' } },
  ];
  for (const c of badWire) {
    test(`decode rejects ${c.name}`, () => assert.deepEqual(wireErrorOf(() => decodeDomainSearch(Uint8Array.from(c.data))), c.want));
  }

  test('a chain of backward pointers ends at the 255-octet name limit', () => {
    // Name 0 is "a"; name i is "a" plus a pointer to name i-1, so name i has i+1 labels and is
    // 2(i+1)+1 octets long: name 127 is the first over 255.
    const data: number[] = [1, 0x61, 0];
    let prev = 0;
    for (let i = 1; i <= 127; i++) {
      const here = data.length;
      data.push(1, 0x61, 0xc0 | (prev >> 8), prev & 0xff);
      prev = here;
    }
    const e = wireErrorOf(() => decodeDomainSearch(Uint8Array.from(data)));
    assert.equal(e.code, WireErrorCode.Limit);
    assert.equal(e.field, 'options[119].name');
    assert.equal(decodeDomainSearch(Uint8Array.from(data.slice(0, 3 + 4 * 126))).at(-1), Array(127).fill('a').join('.'));
  });
});
