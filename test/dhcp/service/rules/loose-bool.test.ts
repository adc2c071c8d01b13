import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBoolLoose } from '../../../../src/dhcp/service/rules/loose-bool.ts';

describe('parseBoolLoose (spec §3.7 C)', () => {
  const cases: Array<[string, boolean | undefined]> = [
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    ['on', true],
    ['t', true],
    ['y', true],
    ['  Yes ', true],
    ['false', false],
    ['0', false],
    ['no', false],
    ['off', false],
    ['f', false],
    ['n', false],
    ['notabool', undefined],
    ['', undefined],
  ];
  for (const [input, want] of cases) {
    test(`${JSON.stringify(input)} → ${String(want)}`, () => assert.equal(parseBoolLoose(input), want));
  }
});
