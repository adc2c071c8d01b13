import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Dhcp4MessageType as T, Dhcp4Opt } from '../../../../src/dhcp/v4/constants.ts';
import { createNetmaskHandler } from '../../../../src/dhcp/service/handlers/netmask.ts';
import { bytes, infoFor, ip, runOne } from './support.ts';

describe('netmask (option 1, RFC 2132 §3.3)', () => {
  const cases: Array<[string, Uint8Array]> = [
    ['255.255.255.0', bytes(255, 255, 255, 0)],
    ['255.255.240.0', bytes(255, 255, 240, 0)],
    ['255.255.255.255', bytes(255, 255, 255, 255)],
  ];
  for (const [mask, want] of cases) {
    test(`${mask} is written as 4 bytes`, () => {
      const { verdict, draft } = runOne(createNetmaskHandler({ mask: ip(mask) }), infoFor({ type: T.Request }));
      assert.equal(verdict, 'next');
      assert.deepEqual(draft.options.get(Dhcp4Opt.SubnetMask), want);
    });
  }

  for (const bad of ['255.0.255.0', '0.0.0.0']) {
    test(`${bad} is refused at start-up`, () => {
      assert.throws(() => createNetmaskHandler({ mask: ip(bad) }), /not a contiguous netmask/);
    });
  }
});
