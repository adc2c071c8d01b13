// The real server6 chain (server_id, dns, searchdomains, coresmd) over a fake transport, fed the
// packets real clients sent (test/fixtures/dhcp6: dhclient -6, dhcpcd, dhcrelay -6, OVMF): every
// message type, direct and relayed, answered as RFC 8415 §18.3 and the issue say.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferPool } from '../../../../src/wire/pool.ts';
import { Dhcp6Status } from '../../../../src/dhcp/v6/constants.ts';
import { parseRule } from '../../../../src/dhcp/service/rules/parse-rule.ts';
import type { Dhcp6Handler } from '../../../../src/dhcp/service/v6/chain.ts';
import { createCoresmd6Handler } from '../../../../src/dhcp/service/v6/handlers/coresmd.ts';
import { createDns6Handler } from '../../../../src/dhcp/service/v6/handlers/dns.ts';
import { createSearchDomains6Handler } from '../../../../src/dhcp/service/v6/handlers/searchdomains.ts';
import { createServerId6Handler } from '../../../../src/dhcp/service/v6/handlers/server-id.ts';
import { Dhcp6Server, type Dhcp6Outcome } from '../../../../src/dhcp/service/v6/server6.ts';
import { CaptureLogger } from '../../../smd/support/capture-logger.ts';
import { decodeReply, duid, exampleSnapshot, fixture, ingress, node, relayIngress, T, v6 } from './support.ts';

// The DUID the capture listener answered with, so captured REQUEST/RENEW/RELEASE name us.
const OUR_DUID = duid('LL 52:54:00:d6:00:fe');
const NODES = [
  node('52:54:00:d6:00:01', 'x3000c0s0b0n0', ['10.0.0.1', '2001:db8:1::101'], 1),
  node('52:54:00:d6:00:02', 'x3000c0s0b1n0', ['2001:db8:2::102'], 2),
  node('52:54:00:d6:00:03', 'x3000c0s0b2n0', ['2001:db8:3::103'], 3),
  node('52:54:00:d6:00:11', 'x3000c0s1b0n0', ['2001:db8:1::111'], 11),
];
const SNAPSHOT = exampleSnapshot({ interfaces: NODES.map((n) => n.iface), components: NODES.map((n) => n.comp) });

function chain(logger: CaptureLogger): Dhcp6Handler[] {
  return [
    createServerId6Handler({ duid: OUR_DUID }),
    createDns6Handler({ servers: [v6('2001:db8:1::53')], text: ['2001:db8:1::53'] }),
    createSearchDomains6Handler({ domains: ['openchami.cluster'] }),
    createCoresmd6Handler({
      inventory: () => SNAPSHOT,
      rules: [parseRule('type:Node,hostname:nid{04d}')],
      ruleLog: 'none',
      domain: 'openchami.cluster',
      leaseSeconds: 3600,
      ipxeBaseUri: 'http://[2001:db8:1::1]:8081',
      logger,
    }),
  ];
}

function server() {
  const logger = new CaptureLogger();
  const s = new Dhcp6Server({ handlers: chain(logger), serverDuid: OUR_DUID, clock: { now: () => 0, setTimer: () => ({ cancel() {} }) }, logger, pool: new BufferPool(4096, 2) });
  return { s, logger };
}

function reply(o: Dhcp6Outcome) {
  assert.equal(o.kind, 'reply', o.kind === 'drop' ? `dropped: ${o.reason}` : '');
  if (o.kind !== 'reply') throw new Error('unreachable');
  const r = decodeReply(o.payload);
  o.release();
  return { route: o.route, ...r, decisions: o.decisions };
}

const LAN = ingress({ ifname: 's0', srcAddress: 'fe80::5054:ff:fed6:1%s0' });
const OVMF = ingress({ ifname: 's0', srcAddress: 'fe80::5054:ff:fed6:11%s0' });
const UPLINK = relayIngress({ ifname: 't0', srcAddress: '2001:db8:ff::2', serverAddresses: [{ address: v6('2001:db8:ff::1'), prefix: 64, text: '2001:db8:ff::1', linkLocal: false }] });

describe('server6 chain on captured dhclient -6 traffic (direct)', () => {
  const rows: Array<[string, number, string]> = [
    ['dhclient-4.4.3-solicit.hex', T.Advertise, 'ADVERTISE with 2001:db8:1::101'],
    ['dhclient-4.4.3-request.hex', T.Reply, 'REPLY with 2001:db8:1::101'],
    ['dhclient-4.4.3-renew.hex', T.Reply, 'REPLY with 2001:db8:1::101'],
    ['dhclient-4.4.3-rebind.hex', T.Reply, 'REPLY with 2001:db8:1::101'],
  ];
  for (const [name, type, what] of rows) {
    test(`${name}: ${what}, DNS, search list, FQDN, to fe80::…%s0 port 546`, async () => {
      const { s } = server();
      const r = reply(await s.handle(fixture(name), LAN));
      assert.deepEqual(r.route, { kind: 'client', address: 'fe80::5054:ff:fed6:1%s0', port: 546 });
      assert.equal(r.type, type);
      assert.deepEqual(r.iaNa.map((ia) => [ia.iaid, ia.t1, ia.t2, ia.addresses]), [[0x00d60001, 1800, 2880, [{ address: '2001:db8:1::101', preferred: 3600, valid: 3600 }]]]);
      assert.deepEqual(r.options.dnsServers(), ['2001:db8:1::53']);
      assert.deepEqual(r.options.domainList(), ['openchami.cluster']);
      assert.equal(r.options.fqdn()?.name, 'nid0001.openchami.cluster');
      assert.deepEqual(r.options.serverId(), OUR_DUID);
    });
  }

  test('CONFIRM (dhclient restarting): Success, 2001:db8:1::101 is inside 2001:db8:1::/64', async () => {
    const { s } = server();
    const r = reply(await s.handle(fixture('dhclient-4.4.3-confirm.hex'), LAN));
    assert.equal(r.type, T.Reply);
    assert.equal(r.status?.status, Dhcp6Status.Success);
  });

  test('RELEASE (dhclient -6 -r): Success', async () => {
    const { s } = server();
    const r = reply(await s.handle(fixture('dhclient-4.4.3-release.hex'), LAN));
    assert.equal(r.status?.status, Dhcp6Status.Success);
  });

  test('INFORMATION-REQUEST (dhclient -6 -S): DNS and search list, no IA', async () => {
    const { s } = server();
    const r = reply(await s.handle(fixture('dhclient-4.4.3-information-request.hex'), LAN));
    assert.equal(r.type, T.Reply);
    assert.deepEqual(r.iaNa, []);
    assert.deepEqual(r.options.dnsServers(), ['2001:db8:1::53']);
  });

  test('dhcpcd SOLICIT with Rapid Commit: REPLY with Rapid Commit', async () => {
    const { s } = server();
    const r = reply(await s.handle(fixture('dhcpcd-9.4.1-solicit.hex'), LAN));
    assert.equal(r.type, T.Reply);
    assert.equal(r.options.rapidCommit(), true);
    assert.equal(r.iaNa[0]?.addresses[0]?.address, '2001:db8:1::101');
  });

  test('a DECLINE for another server is discarded', async () => {
    const { s } = server();
    const o = await s.handle(fixture('handmade-decline.hex'), LAN);
    assert.equal(o.kind === 'drop' && o.reason, 'other-server');
  });
});

describe('server6 chain on captured UEFI and relayed traffic', () => {
  test('OVMF PXE SOLICIT and REQUEST (DUID-UUID): found by the EUI-64 link-local, boot URL on our LAN address', async () => {
    const { s } = server();
    for (const [name, type] of [
      ['ovmf-2022.11-pxe6-solicit.hex', T.Advertise],
      ['ovmf-2022.11-pxe6-request.hex', T.Reply],
    ] as const) {
      const r = reply(await s.handle(fixture(name), OVMF));
      assert.equal(r.type, type, name);
      assert.equal(r.iaNa[0]?.addresses[0]?.address, '2001:db8:1::111', name);
      assert.equal(r.options.bootFileUrl(), 'tftp://[2001:db8:1::1]/ipxe-x86_64.efi', name);
      assert.equal(r.options.fqdn()?.name, 'nid0011.openchami.cluster');
    }
  });

  test('dhcrelay RELAY-FORW SOLICIT and REQUEST: RELAY-REPL to the relay, Interface-Id echoed, address inside', async () => {
    const { s } = server();
    for (const [name, type] of [
      ['dhcrelay-4.4.3-relay-forw-solicit.hex', T.Advertise],
      ['dhcrelay-4.4.3-relay-forw-request.hex', T.Reply],
    ] as const) {
      const r = reply(await s.handle(fixture(name), UPLINK));
      assert.deepEqual(r.route, { kind: 'relay', address: '2001:db8:ff::2', port: 547 }, name);
      assert.equal(r.relays.length, 1);
      assert.deepEqual([...r.relays[0]!.interfaceId!], [2, 0, 0, 0]);
      assert.equal(r.relays[0]!.linkAddressText, '2001:db8:2::1');
      assert.equal(r.type, type);
      // The REQUEST names 2001:db8:2::100 (the capture's address): it comes back with lifetimes 0.
      assert.deepEqual(r.iaNa[0]?.addresses[0], { address: '2001:db8:2::102', preferred: 3600, valid: 3600 }, name);
      if (type === T.Reply) assert.deepEqual(r.iaNa[0]?.addresses[1], { address: '2001:db8:2::100', preferred: 0, valid: 0 });
    }
  });

  test('two dhcrelays: two RELAY-REPL layers around the ADVERTISE', async () => {
    const { s } = server();
    const r = reply(await s.handle(fixture('dhcrelay-4.4.3-relay-forw-nested-solicit.hex'), UPLINK));
    assert.deepEqual(r.relays.map((l) => l.linkAddressText), ['2001:db8:4::1', '2001:db8:3::1']);
    assert.equal(r.iaNa[0]?.addresses[0]?.address, '2001:db8:3::103');
  });

  test('an unknown DUID-EN client: ADVERTISE with NoAddrsAvail naming the reason, logged', async () => {
    const { s, logger } = server();
    const r = reply(await s.handle(fixture('handmade-solicit-duid-en.hex'), ingress({ srcAddress: 'fe80::1c3a:9d2b:77e1:4a10%s0' })));
    assert.equal(r.type, T.Advertise);
    assert.equal(r.status?.status, Dhcp6Status.NoAddrsAvail);
    assert.match(r.status?.message ?? '', /no MAC address: the DUID \(EN 32473/);
    assert.ok(logger.at('info').some((l) => l.msg === 'DHCPv6 client gets no address'));
  });
});
