// Tables for the pure RFC 8415 pieces: §16 discards, reply routing (§18.3, §19.3, RFC 8357),
// the CONFIRM on-link test (§18.3.3) and T1/T2 (§21.4).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DHCP6_INFINITY } from '../../../../src/dhcp/v6/constants.ts';
import { discardReason } from '../../../../src/dhcp/service/v6/acceptance.ts';
import { checkOnLink, samePrefix } from '../../../../src/dhcp/service/v6/on-link.ts';
import { configOptions, lifetimesFor } from '../../../../src/dhcp/service/v6/reply.ts';
import { routeDhcp6Reply } from '../../../../src/dhcp/service/v6/route.ts';
import { newDraft6 } from '../../../../src/dhcp/service/v6/draft.ts';
import { clientMessage, duid, infoOf, ingress, relayForw, relayIngress, SERVER_DUID, T, v6 } from './support.ts';

const OTHER = duid('LL 02:00:00:00:00:01');

describe('RFC 8415 §16: which messages are discarded', () => {
  // [type, client id?, server id: 'ours' | 'other' | 'none', IA?, expected]
  const rows: Array<[string, number, boolean, 'ours' | 'other' | 'none', boolean, string | undefined]> = [
    ['SOLICIT', T.Solicit, true, 'none', true, undefined],
    ['SOLICIT with a Server ID', T.Solicit, true, 'ours', true, 'server-id-not-allowed'],
    ['SOLICIT without Client ID', T.Solicit, false, 'none', true, 'no-client-id'],
    ['REQUEST for us', T.Request, true, 'ours', true, undefined],
    ['REQUEST for another server', T.Request, true, 'other', true, 'other-server'],
    ['REQUEST without Server ID', T.Request, true, 'none', true, 'server-id-missing'],
    ['CONFIRM', T.Confirm, true, 'none', true, undefined],
    ['CONFIRM with a Server ID', T.Confirm, true, 'ours', true, 'server-id-not-allowed'],
    ['RENEW for us', T.Renew, true, 'ours', true, undefined],
    ['RENEW for another server', T.Renew, true, 'other', true, 'other-server'],
    ['REBIND', T.Rebind, true, 'none', true, undefined],
    ['REBIND with a Server ID', T.Rebind, true, 'other', true, 'server-id-not-allowed'],
    ['RELEASE without Server ID', T.Release, true, 'none', true, 'server-id-missing'],
    ['RELEASE without Client ID', T.Release, false, 'ours', true, 'no-client-id'],
    ['DECLINE for us', T.Decline, true, 'ours', true, undefined],
    ['INFORMATION-REQUEST, anonymous', T.InformationRequest, false, 'none', false, undefined],
    ['INFORMATION-REQUEST for us', T.InformationRequest, true, 'ours', false, undefined],
    ['INFORMATION-REQUEST for another server', T.InformationRequest, true, 'other', false, 'other-server'],
    ['INFORMATION-REQUEST with an IA', T.InformationRequest, true, 'none', true, 'ia-in-information-request'],
  ];
  for (const [name, type, cid, sid, ia, want] of rows) {
    test(`${name}: ${want ?? 'answered'}`, () => {
      const msg = clientMessage(type, {
        ...(cid ? {} : { duid: null }),
        serverId: sid === 'none' ? null : sid === 'ours' ? SERVER_DUID : OTHER,
        iaNa: ia ? [{ iaid: 1 }] : [],
      });
      assert.equal(discardReason(infoOf(msg), SERVER_DUID), want);
    });
  }
});

describe('reply routing', () => {
  test('direct: the client source with its zone, port 546', () => {
    const info = infoOf(clientMessage(T.Solicit));
    assert.deepEqual(routeDhcp6Reply(info, ingress({ srcPort: 546 })), { kind: 'client', address: 'fe80::5054:ff:fed6:1%eth1', port: 546 });
  });
  test('relayed: the relay address, port 547 whatever it sent from, unless it asked (RFC 8357)', () => {
    const plain = infoOf(relayForw(clientMessage(T.Solicit)), '2001:db8:ff::2');
    assert.deepEqual(routeDhcp6Reply(plain, relayIngress({ srcPort: 40000 })), { kind: 'relay', address: '2001:db8:ff::2', port: 547 });
    const asked = infoOf(relayForw(clientMessage(T.Solicit), { sourcePort: 40000 }), '2001:db8:ff::2');
    assert.deepEqual(routeDhcp6Reply(asked, relayIngress({ srcPort: 40000 })), { kind: 'relay', address: '2001:db8:ff::2', port: 40000 });
  });
});

describe('CONFIRM on-link test', () => {
  const confirm = (addresses: string[]) => infoOf(clientMessage(T.Confirm, { iaNa: [{ iaid: 1, addresses }] }));
  test('direct: our global prefixes on the ingress interface', () => {
    assert.deepEqual(checkOnLink(confirm(['2001:db8:1::5', '2001:db8:1:0:ffff::1']), ingress()), { kind: 'on-link', checked: 2 });
    assert.deepEqual(checkOnLink(confirm(['2001:db8:1::5', '2001:db8:1:1::5']), ingress()), { kind: 'not-on-link', address: '2001:db8:1:1::5' });
    assert.equal(checkOnLink(confirm([]), ingress()).kind, 'unknown');
    assert.equal(checkOnLink(confirm(['2001:db8:1::5']), ingress({ serverAddresses: [] })).kind, 'unknown');
  });
  test('samePrefix at bit granularity', () => {
    assert.equal(samePrefix(v6('2001:db8::'), v6('2001:db9::'), 31), true);
    assert.equal(samePrefix(v6('2001:db8::'), v6('2001:db9::'), 32), false);
    assert.equal(samePrefix(v6('::'), v6('ffff::'), 0), true);
  });
});

describe('lifetimes and option order', () => {
  test('T1 = 0.5 L, T2 = 0.8 L (RFC 8415 §21.4), infinity kept', () => {
    assert.deepEqual(lifetimesFor(3600), { t1: 1800, t2: 2880, preferred: 3600, valid: 3600 });
    assert.deepEqual(lifetimesFor(1), { t1: 0, t2: 0, preferred: 1, valid: 1 });
    assert.deepEqual(lifetimesFor(DHCP6_INFINITY), { t1: DHCP6_INFINITY, t2: DHCP6_INFINITY, preferred: DHCP6_INFINITY, valid: DHCP6_INFINITY });
  });
  test('configuration options in code order with the FQDN in its place', () => {
    const d = newDraft6();
    d.options.set(59, Uint8Array.of(1));
    d.options.set(23, Uint8Array.of(2));
    d.options.set(16, Uint8Array.of(3));
    d.fqdn = 'nid0001.example';
    assert.deepEqual(configOptions(d).map((o) => o.code), [16, 23, 39, 59]);
    const only = newDraft6();
    only.fqdn = 'a.b';
    assert.deepEqual(configOptions(only).map((o) => o.code), [39]);
  });
});
