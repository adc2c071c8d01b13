import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Dhcp4MessageType as T } from '../../../../src/dhcp/v4/constants.ts';
import { answersClient, createStaticOptionHandler } from '../../../../src/dhcp/service/handlers/static-option.ts';
import { bytes, infoFor, runOne } from './support.ts';

const PRL = 55;

describe('static option handler', () => {
  const value = bytes(1, 2, 3, 4);
  const always = createStaticOptionHandler({ name: 'x', code: 42, value, when: 'always', text: '1.2.3.4' });
  const requested = createStaticOptionHandler({ name: 'y', code: 42, value, when: 'requested', text: '1.2.3.4' });

  const cases: Array<[string, typeof always, number[] | undefined, boolean]> = [
    ['always: set without option 55', always, undefined, true],
    ['always: set when 55 does not list it', always, [1, 3], true],
    ['requested: set without option 55 (RFC 2131 §3.5: the client gets everything)', requested, undefined, true],
    ['requested: set when 55 lists it', requested, [1, 42], true],
    ['requested: left out when 55 does not list it', requested, [1, 3], false],
  ];
  for (const [name, h, prl, set] of cases) {
    test(name, () => {
      const info = infoFor({ type: T.Discover, options: prl === undefined ? [] : [{ code: PRL, data: Uint8Array.from(prl) }] });
      const { verdict, draft } = runOne(h, info);
      assert.equal(verdict, 'next');
      assert.deepEqual(draft.options.get(42), set ? value : undefined);
      assert.deepEqual(draft.decisions, set ? [{ plugin: h.name, reason: 'option 42 = 1.2.3.4' }] : []);
    });
  }

  test('RELEASE and DECLINE drafts (message type 0) are left alone', () => {
    for (const type of [T.Release, T.Decline]) {
      const { verdict, draft } = runOne(always, infoFor({ type }));
      assert.equal(answersClient(draft), false);
      assert.equal(verdict, 'next');
      assert.equal(draft.options.size, 0);
      assert.equal(draft.decisions.length, 0);
    }
  });

  test('a later handler replaces the value (coredhcp Options.Update)', () => {
    const other = createStaticOptionHandler({ name: 'z', code: 42, value: bytes(9, 9, 9, 9), when: 'always', text: '9.9.9.9' });
    const info = infoFor({ type: T.Discover });
    const { draft } = runOne(always, info);
    other.handle({ info, ingress: { ifname: '', serverAddress: 0, serverPrefix: 0, srcAddress: 0, srcPort: 68, broadcast: true }, receivedAt: 0 }, draft);
    assert.deepEqual(draft.options.get(42), bytes(9, 9, 9, 9));
  });
});
