import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Dhcp4MessageType as T } from '../../../../src/dhcp/v4/constants.ts';
import { createMtuHandler } from '../../../../src/dhcp/service/handlers/mtu.ts';
import { bytes, infoFor, runOne } from './support.ts';

const MTU = 26; // RFC 2132 §5.1

describe('mtu (option 26, RFC 2132 §5.1)', () => {
  const cases: Array<[string, number, number[] | undefined, Uint8Array | undefined]> = [
    ['1500 without option 55', 1500, undefined, bytes(0x05, 0xdc)],
    ['9000 when 55 lists 26', 9000, [1, 26], bytes(0x23, 0x28)],
    ['left out when 55 does not list 26 (coredhcp IsOptionRequested)', 9000, [1, 3], undefined],
    ['the minimum, 68', 68, undefined, bytes(0x00, 0x44)],
  ];
  for (const [name, mtu, prl, want] of cases) {
    test(name, () => {
      const info = infoFor({ type: T.Discover, options: prl === undefined ? [] : [{ code: 55, data: Uint8Array.from(prl) }] });
      const { verdict, draft } = runOne(createMtuHandler({ mtu }), info);
      assert.equal(verdict, 'next');
      assert.deepEqual(draft.options.get(MTU), want);
    });
  }

  for (const bad of [67, 65536, 1500.5]) {
    test(`${bad} is refused at start-up`, () => {
      assert.throws(() => createMtuHandler({ mtu: bad }), RangeError);
    });
  }
});
