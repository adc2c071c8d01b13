import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Dhcp6MessageView, peekDhcp6 } from '../../../src/dhcp/v6/message.ts';
import { WireErrorCode } from '../../../src/wire/errors.ts';
import { FIXTURES, fixture, msg, wireErrorOf } from './support.ts';

describe('peekDhcp6', () => {
  test('accepts what a client or relay sends to a server', () => {
    for (const name of FIXTURES) {
      const buf = fixture(name);
      assert.equal(peekDhcp6(buf), buf[0] !== 7, name);
    }
  });
  const cases: ReadonlyArray<[string, Uint8Array, boolean]> = [
    ['ADVERTISE (a server message)', msg(2), false],
    ['RELAY-REPL', Uint8Array.of(13, 0, 0, 0), false],
    ['RECONFIGURE', msg(10), false],
    ['msg-type 0', msg(0), false],
    ['three bytes', Uint8Array.of(1, 0, 0), false],
    ['a bare SOLICIT header', msg(1), true],
  ];
  for (const [name, buf, want] of cases) test(`${name} → ${want}`, () => assert.equal(peekDhcp6(buf), want));
});

describe('Dhcp6MessageView', () => {
  test('reads msg-type and the 24-bit transaction id', () => {
    const v = Dhcp6MessageView.check(Uint8Array.of(3, 0xfe, 0xdc, 0xba));
    assert.deepEqual([v.msgType, v.transactionId, v.options.count], [3, 0xfedcba, 0]);
  });
  test('a relay msg-type is not a client/server message', () => {
    assert.deepEqual(wireErrorOf(() => Dhcp6MessageView.check(Uint8Array.of(12, 0, 0, 0))), { code: WireErrorCode.Malformed, offset: 0, field: 'msg-type' });
  });
});
