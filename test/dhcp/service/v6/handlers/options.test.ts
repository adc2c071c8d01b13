// The stock plugins for DHCPv6: dns (23, when requested), searchdomains (24, always), server_id
// (a decision; the core uses the DUID), lease_time (a default lifetime).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Dhcp6Opt } from '../../../../../src/dhcp/v6/constants.ts';
import type { Dhcp6Handler } from '../../../../../src/dhcp/service/v6/chain.ts';
import { newDraft6 } from '../../../../../src/dhcp/service/v6/draft.ts';
import { createDns6Handler } from '../../../../../src/dhcp/service/v6/handlers/dns.ts';
import { createLeaseTime6Handler } from '../../../../../src/dhcp/service/v6/handlers/lease-time.ts';
import { createSearchDomains6Handler } from '../../../../../src/dhcp/service/v6/handlers/searchdomains.ts';
import { createServerId6Handler } from '../../../../../src/dhcp/service/v6/handlers/server-id.ts';
import { clientMessage, duid, infoOf, ingress, T, v6 } from '../support.ts';

function run(h: Dhcp6Handler, oro: number[]) {
  const draft = newDraft6();
  const verdict = h.handle({ info: infoOf(clientMessage(T.Solicit, { oro })), ingress: ingress(), receivedAt: 0 }, draft);
  return { verdict, draft };
}

describe('DHCPv6 option plugins', () => {
  test('dns: option 23 only when the ORO asks for it (coredhcp Handler6)', () => {
    const h = createDns6Handler({ servers: [v6('2001:db8::53'), v6('2001:db8::54')], text: ['2001:db8::53', '2001:db8::54'] });
    const asked = run(h, [23]);
    assert.equal(asked.verdict, 'next');
    assert.equal(Buffer.from(asked.draft.options.get(Dhcp6Opt.DnsServers)!).toString('hex'), '20010db8000000000000000000000053' + '20010db8000000000000000000000054');
    assert.equal(run(h, [24]).draft.options.has(Dhcp6Opt.DnsServers), false);
  });

  test('searchdomains: option 24 always, uncompressed names', () => {
    const h = createSearchDomains6Handler({ domains: ['openchami.cluster', 'example.test'] });
    const { draft } = run(h, []);
    assert.deepEqual([...draft.options.get(Dhcp6Opt.DomainList)!], [9, ...Buffer.from('openchami'), 7, ...Buffer.from('cluster'), 0, 7, ...Buffer.from('example'), 4, ...Buffer.from('test'), 0]);
    assert.throws(() => createSearchDomains6Handler({ domains: [] }), /at least one/);
  });

  test('server_id: records the DUID where it sits in the chain', () => {
    const { verdict, draft } = run(createServerId6Handler({ duid: duid('LLT 00:de:ad:be:ef:00') }), []);
    assert.equal(verdict, 'next');
    assert.deepEqual(draft.decisions, [{ plugin: 'server_id', reason: 'server DUID LLT 00:de:ad:be:ef:00' }]);
  });

  test('lease_time: a default a handler before it wins over', () => {
    const h = createLeaseTime6Handler({ leaseSeconds: 300 });
    assert.equal(run(h, []).draft.leaseSeconds, 300);
    const draft = newDraft6();
    draft.leaseSeconds = 600;
    h.handle({ info: infoOf(clientMessage(T.Solicit)), ingress: ingress(), receivedAt: 0 }, draft);
    assert.equal(draft.leaseSeconds, 600);
    assert.throws(() => createLeaseTime6Handler({ leaseSeconds: 0 }), /lease_time/);
  });
});
