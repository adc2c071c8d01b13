// Scenario tests of the DHCPv6 packet path (src/dhcp/service/v6/server6.ts) over a fake
// transport (handle() with an ingress, the encoded reply and its route back) and a scripted
// chain: every message type, direct and relayed, the RFC 8415 §16 discards and the drop paths.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferPool } from '../../../../src/wire/pool.ts';
import { Dhcp6Opt, Dhcp6Status } from '../../../../src/dhcp/v6/constants.ts';
import { ipv6List } from '../../../../src/dhcp/v6/option-values.ts';
import { Dhcp6Server, type Dhcp6Outcome } from '../../../../src/dhcp/service/v6/server6.ts';
import type { Dhcp6Handler, Dhcp6Verdict } from '../../../../src/dhcp/service/v6/chain.ts';
import { CaptureLogger } from '../../../smd/support/capture-logger.ts';
import { clientMessage, decodeReply, duid, ingress, KNOWN_MAC, relayForw, relayIngress, SERVER_DUID, T, v6 } from './support.ts';

const clock = { now: () => 1_700_000_000_000, setTimer: () => ({ cancel() {} }) };
const KNOWN_IP = '2001:db8:1::101';

/** Claims KNOWN_MAC (any candidate) with KNOWN_IP; otherwise says why not; records types seen. */
function scripted(seen: number[] = [], verdict: (mac: string | undefined) => Dhcp6Verdict = (m) => (m === KNOWN_MAC ? 'send' : 'next')): Dhcp6Handler {
  return {
    name: 'scripted',
    handle(req, draft) {
      seen.push(req.info.messageType);
      const mac = req.info.macCandidates.find((c) => c.mac === KNOWN_MAC)?.mac ?? req.info.mac;
      const v = verdict(mac);
      if (v === 'send') {
        draft.lease = { address: v6(KNOWN_IP), text: KNOWN_IP };
        draft.leaseSeconds = 600;
        draft.fqdn = 'nid0001.openchami.cluster';
        draft.decisions.push({ plugin: 'scripted', reason: 'known' });
      } else if (v === 'next') {
        draft.miss = `MAC ${mac} not in SMD`;
      }
      return v;
    },
  };
}

const dns: Dhcp6Handler = {
  name: 'dns',
  handle(_req, draft) {
    draft.options.set(Dhcp6Opt.DnsServers, ipv6List(['2001:db8:1::53']));
    return 'next';
  },
};

function server(handlers: Dhcp6Handler[] = [dns, scripted()], opts: { slots?: number; rapidCommit?: boolean } = {}) {
  const pool = new BufferPool(4096, opts.slots ?? 4);
  const logger = new CaptureLogger();
  const s = new Dhcp6Server({ handlers, serverDuid: SERVER_DUID, clock, logger, pool, ...(opts.rapidCommit === undefined ? {} : { rapidCommit: opts.rapidCommit }) });
  return { s, pool, logger };
}

function expectReply(o: Dhcp6Outcome) {
  assert.equal(o.kind, 'reply', o.kind === 'drop' ? `dropped: ${o.reason}` : '');
  if (o.kind !== 'reply') throw new Error('unreachable');
  const r = decodeReply(o.payload);
  o.release();
  return { o, r };
}

function expectDrop(o: Dhcp6Outcome, reason: string) {
  assert.equal(o.kind, 'drop');
  if (o.kind === 'drop') assert.equal(o.reason, reason);
}

const UNKNOWN = 'LLT 02:00:00:d6:00:99';

describe('DHCPv6 server: SOLICIT (RFC 8415 §18.3.1, §18.3.9)', () => {
  test('a known client gets an ADVERTISE with its address, identifiers, DNS and FQDN, to its link-local address on port 546', async () => {
    const { s } = server();
    const { o, r } = expectReply(await s.handle(clientMessage(T.Solicit, { xid: 0xabcdef }), ingress()));
    assert.deepEqual(o.route, { kind: 'client', address: 'fe80::5054:ff:fed6:1%eth1', port: 546 });
    assert.equal(r.type, T.Advertise);
    assert.equal(r.xid, 0xabcdef);
    assert.deepEqual(r.relays, []);
    assert.deepEqual(r.options.serverId(), SERVER_DUID);
    assert.deepEqual(r.options.clientId(), duid(`LLT ${KNOWN_MAC} time=849016061`));
    assert.deepEqual(r.iaNa, [{ iaid: 1, t1: 300, t2: 480, addresses: [{ address: KNOWN_IP, preferred: 600, valid: 600 }], status: undefined }]);
    assert.deepEqual(r.options.dnsServers(), ['2001:db8:1::53']);
    assert.deepEqual(r.options.fqdn(), { flags: 0, name: 'nid0001.openchami.cluster', fullyQualified: true });
    assert.equal(r.options.rapidCommit(), false);
    assert.deepEqual(r.codes, [1, 2, 3, 23, 39]);
  });

  test('Rapid Commit: a REPLY carrying the Rapid Commit option', async () => {
    const { s } = server();
    const { r } = expectReply(await s.handle(clientMessage(T.Solicit, { rapidCommit: true }), ingress()));
    assert.equal(r.type, T.Reply);
    assert.equal(r.options.rapidCommit(), true);
    assert.equal(r.iaNa[0]?.addresses[0]?.address, KNOWN_IP);
  });

  test('Rapid Commit turned off in the server: an ADVERTISE as usual', async () => {
    const { s } = server(undefined, { rapidCommit: false });
    const { r } = expectReply(await s.handle(clientMessage(T.Solicit, { rapidCommit: true }), ingress()));
    assert.equal(r.type, T.Advertise);
    assert.equal(r.options.rapidCommit(), false);
  });

  test('an unknown client: ADVERTISE with only the identifiers and NoAddrsAvail saying why, and an info log line', async () => {
    const { s, logger } = server();
    const { r } = expectReply(await s.handle(clientMessage(T.Solicit, { duid: UNKNOWN, rapidCommit: true }), ingress({ srcAddress: 'fe80::1234%eth1' })));
    assert.equal(r.type, T.Advertise);
    assert.deepEqual(r.codes, [1, 2, 13]);
    assert.deepEqual(r.status, { status: Dhcp6Status.NoAddrsAvail, message: 'MAC 02:00:00:d6:00:99 not in SMD' });
    const line = logger.at('info').find((l) => l.msg === 'DHCPv6 client gets no address');
    assert.equal(line?.fields['reason'], 'MAC 02:00:00:d6:00:99 not in SMD');
    assert.equal(line?.fields['mac'], '02:00:00:d6:00:99');
    assert.equal(line?.fields['type'], 'SOLICIT');
    assert.equal(s.counters.get('no_address{type="SOLICIT"}'), 1);
  });

  test('several IA_NAs: the address goes in the first, NoAddrsAvail in the others; IA_TA and IA_PD refused', async () => {
    const { s } = server();
    const { r } = expectReply(await s.handle(clientMessage(T.Solicit, { iaNa: [{ iaid: 7 }, { iaid: 8 }], iaTa: [3], iaPd: [4] }), ingress()));
    assert.equal(r.iaNa[0]?.iaid, 7);
    assert.equal(r.iaNa[0]?.addresses[0]?.address, KNOWN_IP);
    assert.deepEqual(r.iaNa[1], { iaid: 8, t1: 0, t2: 0, addresses: [], status: { status: Dhcp6Status.NoAddrsAvail, message: 'one address per client' } });
    const ta = r.options.bytes(Dhcp6Opt.IaTa)!;
    assert.deepEqual([...ta.subarray(0, 4)], [0, 0, 0, 3]);
    assert.deepEqual([...ta.subarray(4, 10)], [0, 13, 0, 44, 0, 2]); // Status Code NoAddrsAvail
    const pd = r.options.bytes(Dhcp6Opt.IaPd)!;
    assert.deepEqual([...pd.subarray(0, 4)], [0, 0, 0, 4]);
    assert.deepEqual([...pd.subarray(16, 18)], [0, 6]); // NoPrefixAvail
  });

  test('a SOLICIT without any IA gets the configuration and no status', async () => {
    const { s } = server();
    const { r } = expectReply(await s.handle(clientMessage(T.Solicit, { duid: UNKNOWN, iaNa: [] }), ingress()));
    assert.equal(r.type, T.Advertise);
    assert.equal(r.status, undefined);
    assert.deepEqual(r.options.dnsServers(), ['2001:db8:1::53']);
  });

  test('a SOLICIT carrying a Server ID is discarded (§16.2)', async () => {
    const { s } = server();
    expectDrop(await s.handle(clientMessage(T.Solicit, { serverId: SERVER_DUID }), ingress()), 'server-id-not-allowed');
    assert.equal(s.counters.get('dropped{reason="server-id-not-allowed"}'), 1);
  });

  test('a SOLICIT without a Client ID is discarded (§16.2)', async () => {
    const { s } = server();
    expectDrop(await s.handle(clientMessage(T.Solicit, { duid: null }), ingress()), 'no-client-id');
  });
});

describe('DHCPv6 server: REQUEST, RENEW, REBIND (§18.3.2, §18.3.4, §18.3.5)', () => {
  test('REQUEST from a known client: REPLY with the address', async () => {
    const { s } = server();
    const { r } = expectReply(await s.handle(clientMessage(T.Request, { iaNa: [{ iaid: 1, addresses: [KNOWN_IP] }] }), ingress()));
    assert.equal(r.type, T.Reply);
    assert.deepEqual(r.iaNa, [{ iaid: 1, t1: 300, t2: 480, addresses: [{ address: KNOWN_IP, preferred: 600, valid: 600 }], status: undefined }]);
  });

  test('REQUEST from an unknown client: REPLY with NoAddrsAvail inside each IA_NA', async () => {
    const { s, logger } = server();
    const { r } = expectReply(await s.handle(clientMessage(T.Request, { duid: UNKNOWN, iaNa: [{ iaid: 1 }, { iaid: 2 }] }), ingress({ srcAddress: 'fe80::99%eth1' })));
    assert.equal(r.type, T.Reply);
    assert.deepEqual(
      r.iaNa.map((ia) => [ia.iaid, ia.addresses.length, ia.status?.status]),
      [
        [1, 0, Dhcp6Status.NoAddrsAvail],
        [2, 0, Dhcp6Status.NoAddrsAvail],
      ],
    );
    assert.deepEqual(r.options.dnsServers(), ['2001:db8:1::53']);
    assert.ok(logger.at('info').some((l) => l.msg === 'DHCPv6 client gets no address' && l.fields['type'] === 'REQUEST'));
  });

  test('REQUEST for another server, or without a Server ID, is discarded (§16.4)', async () => {
    const { s } = server();
    expectDrop(await s.handle(clientMessage(T.Request, { serverId: duid('LL 02:00:00:00:00:01') }), ingress()), 'other-server');
    expectDrop(await s.handle(clientMessage(T.Request, { serverId: null }), ingress()), 'server-id-missing');
  });

  test('RENEW of the SMD address: same address, fresh lifetimes; another address the client holds gets lifetimes 0', async () => {
    const { s } = server();
    const { r } = expectReply(await s.handle(clientMessage(T.Renew, { iaNa: [{ iaid: 1, addresses: [KNOWN_IP, '2001:db8:1::999'] }] }), ingress()));
    assert.deepEqual(r.iaNa[0]?.addresses, [
      { address: KNOWN_IP, preferred: 600, valid: 600 },
      { address: '2001:db8:1::999', preferred: 0, valid: 0 },
    ]);
  });

  test('RENEW from a client we hold nothing for: NoBinding in its IA (§18.3.4)', async () => {
    const { s } = server();
    const { r } = expectReply(await s.handle(clientMessage(T.Renew, { duid: UNKNOWN, iaNa: [{ iaid: 5, addresses: ['2001:db8:1::5'] }] }), ingress({ srcAddress: 'fe80::99%eth1' })));
    assert.equal(r.iaNa[0]?.status?.status, Dhcp6Status.NoBinding);
    assert.deepEqual(r.iaNa[0]?.addresses, []);
  });

  test('REBIND: the address for a known client; silence for an unknown one; a Server ID is not allowed (§16.7)', async () => {
    const { s } = server();
    const { r } = expectReply(await s.handle(clientMessage(T.Rebind, { iaNa: [{ iaid: 1, addresses: [KNOWN_IP] }] }), ingress()));
    assert.equal(r.iaNa[0]?.addresses[0]?.address, KNOWN_IP);
    expectDrop(await s.handle(clientMessage(T.Rebind, { duid: UNKNOWN }), ingress({ srcAddress: 'fe80::99%eth1' })), 'rebind-unknown-client');
    expectDrop(await s.handle(clientMessage(T.Rebind, { serverId: SERVER_DUID }), ingress()), 'server-id-not-allowed');
  });
});

describe('DHCPv6 server: CONFIRM (§18.3.3)', () => {
  test('addresses inside our prefix on the ingress link: Success, no IA, no configuration', async () => {
    const { s } = server();
    const { r } = expectReply(await s.handle(clientMessage(T.Confirm, { iaNa: [{ iaid: 1, addresses: [KNOWN_IP] }] }), ingress()));
    assert.equal(r.type, T.Reply);
    assert.deepEqual(r.status, { status: Dhcp6Status.Success, message: 'all addresses still on link' });
    assert.deepEqual(r.codes, [1, 2, 13]);
  });

  test('an address from another link: NotOnLink', async () => {
    const { s } = server();
    const { r } = expectReply(await s.handle(clientMessage(T.Confirm, { iaNa: [{ iaid: 1, addresses: [KNOWN_IP, '2001:db8:9::1'] }] }), ingress()));
    assert.equal(r.status?.status, Dhcp6Status.NotOnLink);
    assert.match(r.status?.message ?? '', /2001:db8:9::1/);
  });

  test('no addresses, or no prefix known for the link: no reply', async () => {
    const { s } = server();
    expectDrop(await s.handle(clientMessage(T.Confirm, { iaNa: [{ iaid: 1 }] }), ingress()), 'confirm-unknown-link');
    const linkLocalOnly = ingress({ serverAddresses: [{ address: v6('fe80::1'), prefix: 64, text: 'fe80::1', linkLocal: true }] });
    expectDrop(await s.handle(clientMessage(T.Confirm, { iaNa: [{ iaid: 1, addresses: [KNOWN_IP] }] }), linkLocalOnly), 'confirm-unknown-link');
  });

  test('relayed: the /64 of the relay link-address decides', async () => {
    const { s } = server();
    const inner = clientMessage(T.Confirm, { iaNa: [{ iaid: 1, addresses: ['2001:db8:2::104'] }] });
    const on = expectReply(await s.handle(relayForw(inner, { link: '2001:db8:2::1' }), relayIngress()));
    assert.equal(on.r.relays.length, 1);
    assert.equal(on.r.status?.status, Dhcp6Status.Success);
    const off = expectReply(await s.handle(relayForw(inner, { link: '2001:db8:3::1' }), relayIngress()));
    assert.equal(off.r.status?.status, Dhcp6Status.NotOnLink);
    expectDrop(await s.handle(relayForw(inner, { link: '::' }), relayIngress()), 'confirm-unknown-link');
  });
});

describe('DHCPv6 server: RELEASE, DECLINE, INFORMATION-REQUEST (§18.3.6–8)', () => {
  test('RELEASE and DECLINE: REPLY with Success, and the chain saw them', async () => {
    const seen: number[] = [];
    const { s } = server([scripted(seen)]);
    for (const type of [T.Release, T.Decline]) {
      const { r } = expectReply(await s.handle(clientMessage(type, { iaNa: [{ iaid: 1, addresses: [KNOWN_IP] }] }), ingress()));
      assert.equal(r.type, T.Reply);
      assert.equal(r.status?.status, Dhcp6Status.Success);
      assert.deepEqual(r.codes, [1, 2, 13]);
    }
    assert.deepEqual(seen, [T.Release, T.Decline]);
  });

  test('RELEASE for another server is discarded (§16.9)', async () => {
    const { s } = server();
    expectDrop(await s.handle(clientMessage(T.Release, { serverId: duid('LL 02:00:00:00:00:01') }), ingress()), 'other-server');
  });

  test('INFORMATION-REQUEST: configuration, no IA; a Client ID is optional (§16.12)', async () => {
    const { s } = server();
    const { r } = expectReply(await s.handle(clientMessage(T.InformationRequest, { duid: null, serverId: null }), ingress()));
    assert.equal(r.type, T.Reply);
    assert.deepEqual(r.iaNa, []);
    assert.deepEqual(r.options.dnsServers(), ['2001:db8:1::53']);
    assert.equal(r.options.clientId(), undefined);
  });

  test('INFORMATION-REQUEST with an IA, or for another server, is discarded', async () => {
    const { s } = server();
    expectDrop(await s.handle(clientMessage(T.InformationRequest, { iaNa: [{ iaid: 1 }] }), ingress()), 'ia-in-information-request');
    expectDrop(await s.handle(clientMessage(T.InformationRequest, { serverId: duid('LL 02:00:00:00:00:01') }), ingress()), 'other-server');
  });
});

describe('DHCPv6 server: relayed requests (§19.3)', () => {
  const relayed: Array<[string, number, number]> = [
    ['SOLICIT', T.Solicit, T.Advertise],
    ['REQUEST', T.Request, T.Reply],
    ['RENEW', T.Renew, T.Reply],
    ['REBIND', T.Rebind, T.Reply],
    ['RELEASE', T.Release, T.Reply],
    ['DECLINE', T.Decline, T.Reply],
    ['INFORMATION-REQUEST', T.InformationRequest, T.Reply],
  ];
  for (const [name, type, replyType] of relayed) {
    test(`${name} through one relay: RELAY-REPL to the relay on port 547, Interface-Id echoed, ${replyType === T.Advertise ? 'ADVERTISE' : 'REPLY'} inside`, async () => {
      const { s } = server();
      const inner = clientMessage(type, type === T.InformationRequest ? { duid: null } : { iaNa: [{ iaid: 1, addresses: type === T.Solicit ? [] : [KNOWN_IP] }] });
      const { o, r } = expectReply(await s.handle(relayForw(inner, { interfaceId: 'swp7', link: '2001:db8:2::1', peer: 'fe80::5054:ff:fed6:1' }), relayIngress()));
      assert.deepEqual(o.route, { kind: 'relay', address: '2001:db8:ff::2', port: 547 });
      assert.equal(r.relays.length, 1);
      assert.equal(r.relays[0]?.msgType, T.RelayRepl);
      assert.equal(r.relays[0]?.linkAddressText, '2001:db8:2::1');
      assert.equal(r.relays[0]?.peerAddressText, 'fe80::5054:ff:fed6:1');
      assert.equal(new TextDecoder().decode(r.relays[0]?.interfaceId), 'swp7');
      assert.equal(r.type, replyType);
      if (type !== T.Release && type !== T.Decline && type !== T.InformationRequest) assert.equal(r.iaNa[0]?.addresses[0]?.address, KNOWN_IP);
    });
  }

  test('a DUID-UUID client behind a relay is found by option 79', async () => {
    const seen: string[] = [];
    const h: Dhcp6Handler = { name: 'mac', handle: (req) => (seen.push(req.info.macCandidates.map((c) => `${c.mac}/${c.source}`).join(' ')), 'next') };
    const { s } = server([h]);
    const inner = clientMessage(T.Solicit, { duid: 'UUID 00005452-00d6-1140-8000-525400d60011' });
    await s.handle(relayForw(inner, { clientMac: '52:54:00:d6:00:11', peer: '2001:db8:2::77' }), relayIngress());
    assert.deepEqual(seen, ['52:54:00:d6:00:11/relay-option-79']);
  });

  test('two relays: two RELAY-REPL layers, the outer one to the relay that sent it', async () => {
    const { s } = server();
    const inner = relayForw(clientMessage(T.Solicit), { link: '2001:db8:3::1', interfaceId: 'inner' });
    const outer = relayForw(inner, { link: '2001:db8:4::1', peer: '2001:db8:4::2', hopCount: 1, interfaceId: 'outer' });
    const { o, r } = expectReply(await s.handle(outer, relayIngress()));
    assert.equal(o.route.address, '2001:db8:ff::2');
    assert.deepEqual(
      r.relays.map((l) => [l.hopCount, l.linkAddressText, new TextDecoder().decode(l.interfaceId)]),
      [
        [1, '2001:db8:4::1', 'outer'],
        [0, '2001:db8:3::1', 'inner'],
      ],
    );
    assert.equal(r.type, T.Advertise);
  });

  test('RFC 8357: a relay that sent the Relay Source Port option is answered on its port', async () => {
    const { s } = server();
    const { o } = expectReply(await s.handle(relayForw(clientMessage(T.Solicit), { sourcePort: 10547 }), relayIngress({ srcPort: 10547 })));
    assert.deepEqual(o.route, { kind: 'relay', address: '2001:db8:ff::2', port: 10547 });
  });

  test('an unknown relayed client: RELAY-REPL around NoAddrsAvail', async () => {
    const { s } = server();
    const { r } = expectReply(await s.handle(relayForw(clientMessage(T.Solicit, { duid: UNKNOWN }), { peer: 'fe80::99' }), relayIngress()));
    assert.equal(r.relays.length, 1);
    assert.equal(r.status?.status, Dhcp6Status.NoAddrsAvail);
  });
});

describe('DHCPv6 server: drops', () => {
  test('not a client message, malformed, an ADVERTISE inside a RELAY-FORW', async () => {
    const { s } = server();
    expectDrop(await s.handle(Uint8Array.of(2, 0, 0, 1), ingress()), 'not-a-request');
    expectDrop(await s.handle(Uint8Array.of(1, 0, 0, 1, 0, 1, 0, 9, 0), ingress()), 'malformed');
    expectDrop(await s.handle(relayForw(clientMessage(T.Advertise)), relayIngress()), 'unsupported-type');
  });

  test('a handler drop (an ignore rule) sends nothing', async () => {
    const { s } = server([scripted([], () => 'drop')]);
    expectDrop(await s.handle(clientMessage(T.Solicit), ingress()), 'handler-drop');
  });

  test('no free send buffer: dropped and counted; buffers come back with release()', async () => {
    const { s, pool } = server(undefined, { slots: 1 });
    const first = await s.handle(clientMessage(T.Solicit), ingress());
    expectDrop(await s.handle(clientMessage(T.Solicit), ingress()), 'pool-exhausted');
    assert.equal(first.kind, 'reply');
    if (first.kind === 'reply') first.release();
    assert.equal(pool.stats().inUse, 0);
  });

  test('setChain replaces handlers and DUID for the next request', async () => {
    const { s } = server();
    const other = duid('LL 02:00:00:00:00:aa');
    s.setChain({ handlers: [], serverDuid: other });
    const { r } = expectReply(await s.handle(clientMessage(T.InformationRequest, { duid: null }), ingress()));
    assert.deepEqual(r.options.serverId(), other);
    assert.equal(r.options.dnsServers(), undefined);
  });
});
