import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Dhcp4MessageType as T } from '../../../../src/dhcp/v4/constants.ts';
import { createLeaseTimeHandler } from '../../../../src/dhcp/service/handlers/lease-time.ts';
import { draftFor, infoFor, requestOf } from './support.ts';

describe('lease_time (option 51 default)', () => {
  const h = createLeaseTimeHandler({ leaseSeconds: 600 });

  const cases: Array<[string, number | undefined, number]> = [
    ['sets the lease when no earlier handler did', undefined, 600],
    ['keeps a lease an earlier handler set (coresmd, "unless it has already been set")', 3600, 3600],
  ];
  for (const [name, earlier, want] of cases) {
    test(name, () => {
      const info = infoFor({ type: T.Discover });
      const draft = draftFor(info);
      draft.leaseSeconds = earlier;
      assert.equal(h.handle(requestOf(info), draft), 'next');
      assert.equal(draft.leaseSeconds, want);
      assert.equal(draft.decisions.length, earlier === undefined ? 1 : 0);
    });
  }

  test('RELEASE is left alone', () => {
    const info = infoFor({ type: T.Release });
    const draft = draftFor(info);
    h.handle(requestOf(info), draft);
    assert.equal(draft.leaseSeconds, undefined);
  });

  for (const bad of [0, 1.5, 2 ** 32]) {
    test(`${bad} s is refused at start-up`, () => {
      assert.throws(() => createLeaseTimeHandler({ leaseSeconds: bad }), RangeError);
    });
  }
});
