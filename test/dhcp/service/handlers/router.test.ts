import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Dhcp4MessageType as T, Dhcp4Opt } from '../../../../src/dhcp/v4/constants.ts';
import { createRouterHandler } from '../../../../src/dhcp/service/handlers/router.ts';
import { bytes, infoFor, ip, runOne } from './support.ts';

describe('router (option 3, RFC 2132 §3.5)', () => {
  const cases: Array<[string, string[], Uint8Array]> = [
    ['one router', ['172.16.0.254'], bytes(0xac, 0x10, 0x00, 0xfe)],
    ['two routers, in the configured order', ['172.16.0.254', '172.16.0.1'], bytes(0xac, 0x10, 0x00, 0xfe, 0xac, 0x10, 0x00, 0x01)],
  ];
  for (const [name, routers, want] of cases) {
    test(name, () => {
      const h = createRouterHandler({ routers: routers.map(ip) });
      // Sent whatever option 55 says, as upstream.
      const { verdict, draft } = runOne(h, infoFor({ type: T.Discover, options: [{ code: 55, data: bytes(1) }] }));
      assert.equal(verdict, 'next');
      assert.deepEqual(draft.options.get(Dhcp4Opt.Router), want);
      assert.deepEqual(draft.decisions, [{ plugin: 'router', reason: `option 3 = ${routers.join(',')}` }]);
    });
  }

  test('an empty router list is refused at start-up', () => {
    assert.throws(() => createRouterHandler({ routers: [] }), /empty/);
  });
});
