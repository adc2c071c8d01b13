import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { goQuote } from '../../../../src/dhcp/service/rules/go-quote.ts';

describe('goQuote (Go %q)', () => {
  const cases: Array<[string, string]> = [
    ['bogus', '"bogus"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ['\n\t\r', '"\\n\\t\\r"'],
    ['\x00\x7f', '"\\x00\\x7f"'],
    ['héllo', '"héllo"'],
  ];
  for (const [input, want] of cases) {
    test(`quotes ${JSON.stringify(input)}`, () => assert.equal(goQuote(input), want));
  }
});
