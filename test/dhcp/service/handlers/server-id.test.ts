import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Dhcp4MessageType as T } from '../../../../src/dhcp/v4/constants.ts';
import { createServerIdHandler } from '../../../../src/dhcp/service/handlers/server-id.ts';
import { infoFor, ip, runOne } from './support.ts';

describe('server_id (option 54 and siaddr)', () => {
  const h = createServerIdHandler({ address: ip('172.16.0.253') });

  for (const type of [T.Discover, T.Request, T.Inform]) {
    test(`message type ${type}: replaces the ingress address in both fields`, () => {
      const { verdict, draft } = runOne(h, infoFor({ type }), { serverAddress: ip('10.0.0.1') });
      assert.equal(verdict, 'next');
      assert.equal(draft.serverId, ip('172.16.0.253'));
      assert.equal(draft.siaddr, ip('172.16.0.253'));
      assert.deepEqual(draft.decisions, [{ plugin: 'server_id', reason: 'server identifier and siaddr 172.16.0.253' }]);
    });
  }

  test('RELEASE is left alone', () => {
    const { draft } = runOne(h, infoFor({ type: T.Release }), { serverAddress: ip('10.0.0.1') });
    assert.equal(draft.serverId, ip('10.0.0.1'));
    assert.equal(draft.decisions.length, 0);
  });

  for (const bad of ['0.0.0.0', '255.255.255.255']) {
    test(`${bad} is refused at start-up`, () => {
      assert.throws(() => createServerIdHandler({ address: ip(bad) }), /cannot identify a server/);
    });
  }
});
