import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Dhcp4MessageType as T, Dhcp4Opt } from '../../../../src/dhcp/v4/constants.ts';
import { EncodeError } from '../../../../src/wire/errors.ts';
import { createSearchDomainsHandler } from '../../../../src/dhcp/service/handlers/searchdomains.ts';
import { infoFor, runOne } from './support.ts';

const label = (s: string): number[] => [s.length, ...Buffer.from(s, 'ascii')];

describe('searchdomains (option 119, RFC 3397 §2)', () => {
  const cases: Array<[string, string[], number[]]> = [
    ['one domain', ['openchami.cluster'], [...label('openchami'), ...label('cluster'), 0]],
    // RFC 1035 §4.1.4 compression, offsets from the start of the option value.
    ['a shared suffix becomes a pointer', ['openchami.cluster', 'mgmt.openchami.cluster'], [...label('openchami'), ...label('cluster'), 0, ...label('mgmt'), 0xc0, 0x00]],
    ['a trailing dot is accepted', ['example.com.'], [...label('example'), ...label('com'), 0]],
  ];
  for (const [name, domains, want] of cases) {
    test(name, () => {
      const { verdict, draft } = runOne(createSearchDomainsHandler({ domains }), infoFor({ type: T.Discover, options: [{ code: 55, data: Uint8Array.of(1) }] }));
      assert.equal(verdict, 'next');
      assert.deepEqual(draft.options.get(Dhcp4Opt.DomainSearch), Uint8Array.from(want));
      assert.deepEqual(draft.decisions, [{ plugin: 'searchdomains', reason: `option 119 = ${domains.join(',')}` }]);
    });
  }

  test('a name that cannot be encoded is refused at start-up', () => {
    assert.throws(() => createSearchDomainsHandler({ domains: ['a..b'] }), EncodeError);
    assert.throws(() => createSearchDomainsHandler({ domains: [] }), RangeError);
  });
});
