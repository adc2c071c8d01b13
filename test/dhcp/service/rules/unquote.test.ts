import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UnquoteError, unquote } from '../../../../src/dhcp/service/rules/unquote.ts';

describe('unquote (spec §3.7 B)', () => {
  const ok: Array<[string, string]> = [
    ['abc', 'abc'],
    ["'abc'", 'abc'],
    ['"abc"', 'abc'],
    ["'a\\n\\t\\'b'", "a\n\t'b"],
    // Beyond the Go table: mismatched or lone quotes pass through; other escapes give the char.
    ['\'abc"', '\'abc"'],
    ["'", "'"],
    ['"a\\\\b\\"c\\qd"', 'a\\b"cqd'],
    ["'a'b'", "a'b"],
  ];
  for (const [input, want] of ok) {
    test(`unquotes ${JSON.stringify(input)}`, () => assert.equal(unquote(input), want));
  }

  test("rejects 'a\\' (dangling escape)", () => {
    assert.throws(() => unquote("'a\\'"), (e: unknown) => e instanceof UnquoteError && e.message === 'unterminated escape in quoted string');
  });
});
