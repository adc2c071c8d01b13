import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkValidNetmask, maskBytes } from '../../../../src/dhcp/service/rules/netmask.ts';

describe('checkValidNetmask (spec §3.7 M)', () => {
  const v6 = (...b: number[]) => Uint8Array.from([...b, ...new Array<number>(16 - b.length).fill(0)]);
  const cases: Array<[string, Uint8Array, boolean]> = [
    ['/24', maskBytes(32, 24), true],
    ['/32', maskBytes(32, 32), true],
    ['/0', maskBytes(32, 0), true],
    ['255.0.255.0', Uint8Array.of(255, 0, 255, 0), false],
    ['IPv6 /64', maskBytes(128, 64), true],
    ['IPv6 ff00ff00…', v6(0xff, 0x00, 0xff, 0x00), false],
  ];
  for (const [name, mask, want] of cases) {
    test(`${name} → ${want}`, () => assert.equal(checkValidNetmask(mask), want));
  }
});
