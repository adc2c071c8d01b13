import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Dhcp4MessageType as T, Dhcp4Opt } from '../../../../src/dhcp/v4/constants.ts';
import { createDnsHandler } from '../../../../src/dhcp/service/handlers/dns.ts';
import { bytes, fixtureInfo, infoFor, ip, runOne } from './support.ts';

describe('dns (option 6, RFC 2132 §3.8)', () => {
  const h = createDnsHandler({ servers: [ip('1.1.1.1'), ip('8.8.8.8')] });
  const want = bytes(1, 1, 1, 1, 8, 8, 8, 8);

  const cases: Array<[string, ReturnType<typeof infoFor>, Uint8Array | undefined]> = [
    ['dhclient lists 6 in option 55', fixtureInfo('dhclient-4.4.3-discover.hex', '52:54:00:be:ef:01'), want],
    ['OVMF lists 6 in option 55', fixtureInfo('ovmf-2022.11-pxe-discover.hex', '52:54:00:be:ef:01'), want],
    ['a client without option 55 gets it', infoFor({ type: T.Discover }), want],
    ['a client whose option 55 leaves 6 out does not', infoFor({ type: T.Discover, options: [{ code: 55, data: bytes(1, 3) }] }), undefined],
  ];
  for (const [name, info, expected] of cases) {
    test(name, () => {
      const { verdict, draft } = runOne(h, info);
      assert.equal(verdict, 'next');
      assert.deepEqual(draft.options.get(Dhcp4Opt.DomainNameServer), expected);
    });
  }

  test('the decision lists the servers', () => {
    const { draft } = runOne(h, infoFor({ type: T.Request }));
    assert.deepEqual(draft.decisions, [{ plugin: 'dns', reason: 'option 6 = 1.1.1.1,8.8.8.8' }]);
  });

  test('an empty server list is refused at start-up', () => {
    assert.throws(() => createDnsHandler({ servers: [] }), /empty/);
  });
});
