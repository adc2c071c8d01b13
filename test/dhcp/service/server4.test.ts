// Scenario tests of the DHCPv4 packet path (src/dhcp/service/server4.ts) with a scripted chain:
// every message type, RFC 2131 §4.3 answers, relay routing and the drop paths.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferPool } from '../../../src/wire/pool.ts';
import { nullLogger } from '../../../src/seams/logger.ts';
import { Dhcp4MessageType as T, Dhcp4Opt } from '../../../src/dhcp/v4/constants.ts';
import { Dhcp4Server, type Dhcp4Outcome } from '../../../src/dhcp/service/server4.ts';
import type { Dhcp4Handler, Dhcp4Verdict } from '../../../src/dhcp/service/chain.ts';
import { ingress, ip, ipBytes, reply, request } from './support.ts';

const KNOWN = '52:54:00:be:ef:01';
const KNOWN_IP = '172.16.0.1';
const clock = { now: () => 1_700_000_000_000, setTimer: () => ({ cancel() {} }) };

/** Claims KNOWN with KNOWN_IP; records every request it sees. */
function staticHandler(seen: number[] = [], verdictFor: (mac: string) => Dhcp4Verdict = (m) => (m === KNOWN ? 'send' : 'next')): Dhcp4Handler {
  return {
    name: 'static',
    handle(req, draft) {
      seen.push(req.info.messageType);
      const v = verdictFor(req.info.mac);
      if (v === 'send') {
        draft.yiaddr = ip(KNOWN_IP);
        draft.leaseSeconds = 3600;
        draft.options.set(Dhcp4Opt.Router, ipBytes('172.16.0.254'));
        draft.decisions.push({ plugin: 'static', reason: 'known' });
      }
      return v;
    },
  };
}

function server(handlers: Dhcp4Handler[] = [staticHandler()], opts: { serverId?: string; slots?: number } = {}) {
  const pool = new BufferPool(1500, opts.slots ?? 4);
  const s = new Dhcp4Server({
    handlers,
    clock,
    logger: nullLogger,
    pool,
    ...(opts.serverId === undefined ? {} : { serverId: ip(opts.serverId) }),
  });
  return { s, pool };
}

function expectReply(o: Dhcp4Outcome) {
  assert.equal(o.kind, 'reply', o.kind === 'drop' ? `dropped: ${o.reason}` : '');
  if (o.kind !== 'reply') throw new Error('unreachable');
  const r = reply(o.payload);
  o.release();
  return { o, r };
}

describe('DHCPv4 server: DORA', () => {
  test('DISCOVER from a claimed MAC gets an OFFER broadcast on the ingress interface', async () => {
    const { s } = server();
    const { o, r } = expectReply(await s.handle(request({ type: T.Discover }), ingress()));
    assert.deepEqual(o.route, { kind: 'broadcast', ifname: 'eth1', port: 68 });
    assert.equal(r.op, 2);
    assert.equal(r.xid, 0x1234abcd);
    assert.equal(r.yiaddr, ip(KNOWN_IP));
    assert.equal(r.siaddr, ip('172.16.0.253'));
    assert.deepEqual(r.opt(Dhcp4Opt.MessageType), Uint8Array.of(T.Offer));
    assert.deepEqual(r.opt(Dhcp4Opt.ServerIdentifier), ipBytes('172.16.0.253'));
    assert.deepEqual(r.opt(Dhcp4Opt.IpAddressLeaseTime), Uint8Array.of(0, 0, 0x0e, 0x10));
    assert.deepEqual(r.opt(Dhcp4Opt.Router), ipBytes('172.16.0.254'));
    assert.deepEqual(o.decisions, [{ plugin: 'static', reason: 'known' }]);
  });

  test('the server identifier is the address of the interface the request came in on', async () => {
    const { s } = server();
    const { r } = expectReply(await s.handle(request({ type: T.Discover }), ingress({ ifname: 'eth2', serverAddress: ip('10.9.0.1') })));
    assert.deepEqual(r.opt(Dhcp4Opt.ServerIdentifier), ipBytes('10.9.0.1'));
    assert.equal(r.siaddr, ip('10.9.0.1'));
  });

  test('a configured server_id applies to every interface', async () => {
    const { s } = server([staticHandler()], { serverId: '192.0.2.53' });
    const { r } = expectReply(await s.handle(request({ type: T.Discover }), ingress({ serverAddress: ip('10.9.0.1') })));
    assert.deepEqual(r.opt(Dhcp4Opt.ServerIdentifier), ipBytes('192.0.2.53'));
  });

  test('REQUEST (selecting) for the offered address is ACKed', async () => {
    const { s } = server();
    const { r } = expectReply(await s.handle(request({ type: T.Request, requestedIp: KNOWN_IP, serverId: '172.16.0.253' }), ingress()));
    assert.deepEqual(r.opt(Dhcp4Opt.MessageType), Uint8Array.of(T.Ack));
    assert.equal(r.yiaddr, ip(KNOWN_IP));
  });

  test('REQUEST (selecting) another server is ignored', async () => {
    const seen: number[] = [];
    const { s } = server([staticHandler(seen)]);
    const o = await s.handle(request({ type: T.Request, requestedIp: KNOWN_IP, serverId: '172.16.0.9' }), ingress());
    assert.deepEqual(o.kind === 'drop' && o.reason, 'other-server-selected');
    assert.deepEqual(seen, []);
  });

  test('REQUEST for a different address than the bound one gets a NAK, broadcast, with no address', async () => {
    const { s } = server();
    const { o, r } = expectReply(await s.handle(request({ type: T.Request, requestedIp: '172.16.0.77', serverId: '172.16.0.253' }), ingress()));
    assert.deepEqual(r.opt(Dhcp4Opt.MessageType), Uint8Array.of(T.Nak));
    assert.equal(r.yiaddr, 0);
    assert.equal(r.siaddr, 0);
    assert.equal(r.opt(Dhcp4Opt.IpAddressLeaseTime), undefined);
    assert.equal(r.opt(Dhcp4Opt.Router), undefined);
    assert.deepEqual(r.opt(Dhcp4Opt.ServerIdentifier), ipBytes('172.16.0.253'));
    assert.deepEqual(o.route, { kind: 'broadcast', ifname: 'eth1', port: 68 });
  });

  test('RENEWING (ciaddr, unicast) is ACKed by unicast to ciaddr with ciaddr echoed', async () => {
    const { s } = server();
    const { o, r } = expectReply(await s.handle(request({ type: T.Request, ciaddr: KNOWN_IP }), ingress({ broadcast: false, srcAddress: ip(KNOWN_IP) })));
    assert.deepEqual(o.route, { kind: 'unicast', address: ip(KNOWN_IP), port: 68 });
    assert.equal(r.ciaddr, ip(KNOWN_IP));
    assert.deepEqual(r.opt(Dhcp4Opt.MessageType), Uint8Array.of(T.Ack));
  });

  test('a renewal of an address the client is no longer bound to gets a NAK', async () => {
    const { s } = server();
    const { r } = expectReply(await s.handle(request({ type: T.Request, ciaddr: '172.16.0.156' }), ingress({ broadcast: false })));
    assert.deepEqual(r.opt(Dhcp4Opt.MessageType), Uint8Array.of(T.Nak));
  });

  test('INIT-REBOOT with the right address is ACKed, with a wrong one NAKed', async () => {
    const { s } = server();
    expectReply(await s.handle(request({ type: T.Request, requestedIp: KNOWN_IP }), ingress()));
    const { r } = expectReply(await s.handle(request({ type: T.Request, requestedIp: '10.0.0.1' }), ingress()));
    assert.deepEqual(r.opt(Dhcp4Opt.MessageType), Uint8Array.of(T.Nak));
  });
});

describe('DHCPv4 server: clients nobody claims', () => {
  const unknown = '02:00:00:00:00:99';
  const cases: { name: string; spec: Parameters<typeof request>[0]; broadcast?: boolean; want: 'nak' | 'silent' }[] = [
    { name: 'DISCOVER', spec: { type: T.Discover, mac: unknown }, want: 'silent' },
    { name: 'REQUEST selecting us (we never offered)', spec: { type: T.Request, mac: unknown, requestedIp: '10.1.1.1', serverId: '172.16.0.253' }, want: 'nak' },
    { name: 'REQUEST renewing directly with us (dhcping)', spec: { type: T.Request, mac: unknown, ciaddr: '10.1.1.1' }, broadcast: false, want: 'nak' },
    { name: 'REQUEST rebinding (broadcast)', spec: { type: T.Request, mac: unknown, ciaddr: '10.1.1.1' }, broadcast: true, want: 'silent' },
    { name: 'REQUEST rebinding through a relay (unicast from the relay, ciaddr set)', spec: { type: T.Request, mac: unknown, ciaddr: '10.40.1.77', giaddr: '10.40.1.1' }, broadcast: false, want: 'silent' },
    { name: 'REQUEST init-reboot (§4.3.2: MUST remain silent)', spec: { type: T.Request, mac: unknown, requestedIp: '10.1.1.1' }, want: 'silent' },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.want}`, async () => {
      const { s } = server();
      const o = await s.handle(request(c.spec), ingress({ broadcast: c.broadcast ?? true }));
      if (c.want === 'silent') {
        assert.equal(o.kind, 'drop');
      } else {
        const { r } = expectReply(o);
        assert.deepEqual(r.opt(Dhcp4Opt.MessageType), Uint8Array.of(T.Nak));
      }
    });
  }

  test('INFORM gets an ACK with options but no address and no lease time, unicast to ciaddr', async () => {
    const router: Dhcp4Handler = {
      name: 'router',
      handle: (_req, draft) => {
        draft.options.set(Dhcp4Opt.Router, ipBytes('172.16.0.254'));
        return 'next';
      },
    };
    const { s } = server([router, staticHandler()]);
    const { o, r } = expectReply(await s.handle(request({ type: T.Inform, mac: unknown, ciaddr: '172.16.0.40' }), ingress({ broadcast: false })));
    assert.deepEqual(r.opt(Dhcp4Opt.MessageType), Uint8Array.of(T.Ack));
    assert.equal(r.yiaddr, 0);
    assert.equal(r.opt(Dhcp4Opt.IpAddressLeaseTime), undefined);
    assert.deepEqual(r.opt(Dhcp4Opt.Router), ipBytes('172.16.0.254'));
    assert.deepEqual(o.route, { kind: 'unicast', address: ip('172.16.0.40'), port: 68 });
  });
});

describe('DHCPv4 server: RELEASE, DECLINE and handler verdicts', () => {
  test('RELEASE and DECLINE reach the handlers and get no reply', async () => {
    const seen: number[] = [];
    const { s } = server([staticHandler(seen)]);
    const rel = await s.handle(request({ type: T.Release, ciaddr: KNOWN_IP, serverId: '172.16.0.253' }), ingress({ broadcast: false }));
    const dec = await s.handle(request({ type: T.Decline, requestedIp: KNOWN_IP, serverId: '172.16.0.253' }), ingress());
    assert.deepEqual([rel.kind, dec.kind], ['drop', 'drop']);
    assert.deepEqual(seen, [T.Release, T.Decline]);
    assert.equal(s.counters.get('dropped{reason="release"}'), 1);
  });

  test('a RELEASE addressed to another server is not passed on', async () => {
    const seen: number[] = [];
    const { s } = server([staticHandler(seen)]);
    await s.handle(request({ type: T.Release, ciaddr: KNOWN_IP, serverId: '172.16.0.9' }), ingress());
    assert.deepEqual(seen, []);
  });

  test("a handler's drop sends nothing and its nak sends a NAK", async () => {
    const { s: dropper } = server([staticHandler([], () => 'drop')]);
    assert.equal((await dropper.handle(request({ type: T.Discover }), ingress())).kind, 'drop');
    const { s: naker } = server([staticHandler([], () => 'nak')]);
    const { r } = expectReply(await naker.handle(request({ type: T.Request, ciaddr: '172.16.0.156' }), ingress({ broadcast: false })));
    assert.deepEqual(r.opt(Dhcp4Opt.MessageType), Uint8Array.of(T.Nak));
  });

  test('handlers run in order and the first verdict other than next wins', async () => {
    const order: string[] = [];
    const h = (name: string, v: Dhcp4Verdict): Dhcp4Handler => ({ name, handle: () => (order.push(name), v) });
    const { s } = server([h('a', 'next'), h('b', 'drop'), h('c', 'send')]);
    await s.handle(request({ type: T.Discover }), ingress());
    assert.deepEqual(order, ['a', 'b']);
  });

  test('async handlers are awaited', async () => {
    const slow: Dhcp4Handler = {
      name: 'slow',
      async handle(_req, draft): Promise<Dhcp4Verdict> {
        await new Promise((r) => setImmediate(r));
        draft.yiaddr = ip('172.16.0.50');
        return 'send';
      },
    };
    const { s } = server([slow]);
    const { r } = expectReply(await s.handle(request({ type: T.Discover }), ingress()));
    assert.equal(r.yiaddr, ip('172.16.0.50'));
  });
});

describe('DHCPv4 server: relays', () => {
  const option82 = Uint8Array.of(1, 4, 0x65, 0x74, 0x68, 0x30, 2, 2, 0xab, 0xcd);

  test('a relayed DISCOVER is answered to giaddr:67 with option 82 echoed last', async () => {
    const { s } = server();
    const { o, r } = expectReply(
      await s.handle(request({ type: T.Discover, giaddr: '10.40.1.1', options: [{ code: 82, data: option82 }] }), ingress({ broadcast: false, srcAddress: ip('10.40.1.1'), srcPort: 67 })),
    );
    assert.deepEqual(o.route, { kind: 'relay', address: ip('10.40.1.1'), port: 67 });
    assert.equal(r.giaddr, ip('10.40.1.1'));
    assert.deepEqual(r.options.at(-1), { code: 82, data: option82 });
  });

  test('a relay that sends the RFC 8357 source-port sub-option gets the reply on its port', async () => {
    const { s } = server();
    const withPort = Uint8Array.of(...option82, 19, 0);
    const { o } = expectReply(
      await s.handle(request({ type: T.Discover, giaddr: '10.40.1.1', options: [{ code: 82, data: withPort }] }), ingress({ broadcast: false, srcAddress: ip('10.40.1.1'), srcPort: 40067 })),
    );
    assert.deepEqual(o.route, { kind: 'relay', address: ip('10.40.1.1'), port: 40067 });
  });

  test('a relayed NAK still goes to the relay', async () => {
    const { s } = server();
    const { o, r } = expectReply(await s.handle(request({ type: T.Request, giaddr: '10.40.1.1', requestedIp: '10.40.1.99' }), ingress({ broadcast: false })));
    assert.deepEqual(r.opt(Dhcp4Opt.MessageType), Uint8Array.of(T.Nak));
    assert.equal(o.route.kind, 'relay');
  });
});

describe('DHCPv4 server: bad input and resources', () => {
  test('malformed packets and BOOTP requests are counted and dropped', async () => {
    const { s } = server();
    const good = request({ type: T.Discover });
    assert.equal((await s.handle(good.subarray(0, 100), ingress())).kind, 'drop');
    const badCookie = Uint8Array.from(good);
    badCookie[236] = 0;
    assert.equal((await s.handle(badCookie, ingress())).kind, 'drop');
    const truncatedOption = Uint8Array.from(good.subarray(0, 243));
    truncatedOption[240] = 53;
    truncatedOption[241] = 9;
    assert.equal((await s.handle(truncatedOption, ingress())).kind, 'drop');
    assert.equal(s.counters.get('dropped{reason="not-a-request"}'), 2);
    assert.equal(s.counters.get('dropped{reason="malformed"}'), 1);
    const bootp = Uint8Array.from(good);
    bootp.fill(0, 240);
    bootp[240] = 255;
    assert.equal((await s.handle(bootp, ingress())).kind, 'drop');
    assert.equal(s.counters.get('dropped{reason="bootp"}'), 1);
  });

  test('a one-byte option 93 does not stop the client from being served', async () => {
    const { s } = server();
    expectReply(await s.handle(request({ type: T.Discover, options: [{ code: 93, data: Uint8Array.of(7) }] }), ingress()));
  });

  test('when the send pool is empty the reply is dropped and counted; released buffers come back', async () => {
    const { s, pool } = server([staticHandler()], { slots: 1 });
    const first = await s.handle(request({ type: T.Discover }), ingress());
    assert.equal(first.kind, 'reply');
    const second = await s.handle(request({ type: T.Discover }), ingress());
    assert.deepEqual(second.kind === 'drop' && second.reason, 'pool-exhausted');
    if (first.kind === 'reply') first.release();
    assert.equal(pool.stats().inUse, 0);
    assert.equal((await s.handle(request({ type: T.Discover }), ingress())).kind, 'reply');
  });

  test('the client identifier is echoed (RFC 6842)', async () => {
    const { s } = server();
    const cid = Uint8Array.of(1, 0x52, 0x54, 0, 0xbe, 0xef, 1);
    const { r } = expectReply(await s.handle(request({ type: T.Discover, options: [{ code: 61, data: cid }] }), ingress()));
    assert.deepEqual(r.opt(Dhcp4Opt.ClientIdentifier), cid);
  });
});
