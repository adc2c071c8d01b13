import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RuleErrorCode, RuleError } from '../../../../src/dhcp/service/rules/errors.ts';
import { splitCsv } from '../../../../src/dhcp/service/rules/split.ts';

describe('splitCsv (spec §3.7 A)', () => {
  const ok: Array<[string, string[]]> = [
    ['a=b,c=d', ['a=b', 'c=d']],
    ["a=b,pattern='x,y',c=d", ['a=b', "pattern='x,y'", 'c=d']],
    ['a=b,pattern="x,y",c=d', ['a=b', 'pattern="x,y"', 'c=d']],
    ["pattern='x\\'y',a=b", ["pattern='x\\'y'", 'a=b']],
    // Beyond the Go table: empty middle parts are kept, an empty final part is dropped.
    ['a,,b,', ['a', '', 'b']],
    ['a\\,b', ['a\\', 'b']],
  ];
  for (const [input, want] of ok) {
    test(`splits ${JSON.stringify(input)}`, () => assert.deepEqual(splitCsv(input), want));
  }

  const bad: Array<[string, string]> = [
    ["a=b,pattern='x,y", 'unterminated quote'],
    ["a=b,pattern='x\\'", 'unterminated quote'],
    ["hostname:it's", 'unterminated quote'],
  ];
  for (const [input, message] of bad) {
    test(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(() => splitCsv(input), (e: unknown) => {
        assert.ok(e instanceof RuleError);
        assert.equal(e.code, RuleErrorCode.Syntax);
        assert.equal(e.message, message);
        return true;
      });
    });
  }
});
