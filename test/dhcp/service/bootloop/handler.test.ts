// The bootloop plugin through the real server core: temporary leases for unknown MACs, boot
// files, expiry NAKs, and the hand-over to SMD once a MAC becomes known.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BufferPool } from '../../../../src/wire/pool.ts';
import { nullLogger } from '../../../../src/seams/logger.ts';
import { Dhcp4MessageType as T, Dhcp4Opt } from '../../../../src/dhcp/v4/constants.ts';
import { Dhcp4Server, type Dhcp4Outcome } from '../../../../src/dhcp/service/server4.ts';
import type { Dhcp4Handler } from '../../../../src/dhcp/service/chain.ts';
import { BootloopLeases } from '../../../../src/dhcp/service/bootloop/leases.ts';
import { createBootloopHandler } from '../../../../src/dhcp/service/bootloop/handler.ts';
import { FakeClock, pool, tempDir } from './support.ts';
import { ingress, ip, ipBytes, reply, request } from '../support.ts';

const UNKNOWN = '02:00:00:00:00:01';
const SMD_IP = '172.16.0.21';
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));

async function setup(t: { after(fn: () => void): void }, pools = [pool('172.16.0.0/24', '172.16.0.156', '172.16.0.200')]) {
  const dir = tempDir(t);
  const clock = new FakeClock();
  const file = join(dir, 'leases.journal');
  const open = () => BootloopLeases.open({ file, pools, leaseTimeMs: 300_000, clock });
  const { leases } = await open();
  const known = new Set<string>();
  // Stands in for coresmd: claims MACs once "SMD" knows them.
  const smd: Dhcp4Handler = {
    name: 'coresmd',
    handle(req, draft) {
      if (!known.has(req.info.mac)) return 'next';
      draft.yiaddr = ip(SMD_IP);
      draft.leaseSeconds = 3600;
      return 'send';
    },
  };
  const bootloop = createBootloopHandler({
    leases,
    scriptPath: 'default',
    bootFile: (info) => (info.arch === 7 ? { option67: 'ipxe-x86_64.efi', fileField: 'ipxe-x86_64.efi' } : undefined),
    logger: nullLogger,
  });
  const server = new Dhcp4Server({ handlers: [smd, bootloop], clock, logger: nullLogger, pool: new BufferPool(1500, 8) });
  t.after(() => void leases.close());
  return { server, clock, leases, known, bootloop, open };
}

function expectReply(o: Dhcp4Outcome) {
  assert.equal(o.kind, 'reply', o.kind === 'drop' ? `dropped: ${o.reason}` : '');
  if (o.kind !== 'reply') throw new Error('unreachable');
  const r = reply(o.payload);
  o.release();
  return { o, r, type: r.opt(Dhcp4Opt.MessageType)?.[0] };
}

const arch7 = [{ code: 93, data: Uint8Array.of(0, 7) }];
const ipxe = [{ code: 77, data: new TextEncoder().encode('iPXE') }];

describe('bootloop plugin', () => {
  test('an unknown UEFI client gets the lowest pool address, a 5-minute lease and the x86-64 iPXE binary', async (t) => {
    const { server } = await setup(t);
    const { r, type } = expectReply(await server.handle(request({ type: T.Discover, mac: UNKNOWN, options: arch7 }), ingress()));
    assert.equal(type, T.Offer);
    assert.equal(r.yiaddr, ip('172.16.0.156'));
    assert.deepEqual(r.opt(Dhcp4Opt.IpAddressLeaseTime), Uint8Array.of(0, 0, 1, 0x2c));
    assert.equal(text(r.opt(Dhcp4Opt.BootfileName)), 'ipxe-x86_64.efi');
    assert.equal(text(r.file), 'ipxe-x86_64.efi');
    assert.equal(text(r.opt(Dhcp4Opt.RootPath)), '172.16.0.253');
  });

  test('iPXE gets the reboot script name; the handshake completes with an ACK', async (t) => {
    const { server } = await setup(t);
    expectReply(await server.handle(request({ type: T.Discover, mac: UNKNOWN, options: ipxe }), ingress()));
    const { r, type } = expectReply(
      await server.handle(request({ type: T.Request, mac: UNKNOWN, requestedIp: '172.16.0.156', serverId: '172.16.0.253', options: ipxe }), ingress()),
    );
    assert.equal(type, T.Ack);
    assert.equal(text(r.opt(Dhcp4Opt.BootfileName)), 'default');
    assert.deepEqual(r.opt(Dhcp4Opt.Ipxe), Uint8Array.of(0xb0, 1, 1));
  });

  test('distinct MACs get distinct addresses, and the same MAC keeps its address', async (t) => {
    const { server } = await setup(t);
    const a = expectReply(await server.handle(request({ type: T.Discover, mac: '02:00:00:00:00:0a' }), ingress())).r.yiaddr;
    const b = expectReply(await server.handle(request({ type: T.Discover, mac: '02:00:00:00:00:0b' }), ingress())).r.yiaddr;
    const a2 = expectReply(await server.handle(request({ type: T.Discover, mac: '02:00:00:00:00:0a' }), ingress())).r.yiaddr;
    assert.notEqual(a, b);
    assert.equal(a, a2);
  });

  test('a renewal within the lease is ACKed; after expiry it is NAKed and the next DISCOVER gets a fresh lease', async (t) => {
    const { server, clock } = await setup(t);
    expectReply(await server.handle(request({ type: T.Discover, mac: UNKNOWN }), ingress()));
    expectReply(await server.handle(request({ type: T.Request, mac: UNKNOWN, requestedIp: '172.16.0.156', serverId: '172.16.0.253' }), ingress()));
    clock.advance(120_000);
    assert.equal(expectReply(await server.handle(request({ type: T.Request, mac: UNKNOWN, ciaddr: '172.16.0.156' }), ingress({ broadcast: false }))).type, T.Ack);
    clock.advance(301_000);
    assert.equal(expectReply(await server.handle(request({ type: T.Request, mac: UNKNOWN, ciaddr: '172.16.0.156' }), ingress({ broadcast: false }))).type, T.Nak);
    const fresh = expectReply(await server.handle(request({ type: T.Discover, mac: UNKNOWN }), ingress()));
    assert.equal(fresh.type, T.Offer);
    assert.equal(fresh.r.yiaddr, ip('172.16.0.156'));
  });

  test('once SMD knows the MAC, the renewal of the bootloop address is NAKed and the next handshake gets the SMD address', async (t) => {
    const { server, known, bootloop, leases } = await setup(t);
    expectReply(await server.handle(request({ type: T.Discover, mac: UNKNOWN }), ingress()));
    expectReply(await server.handle(request({ type: T.Request, mac: UNKNOWN, requestedIp: '172.16.0.156', serverId: '172.16.0.253' }), ingress()));
    known.add(UNKNOWN);
    assert.equal(await bootloop.releaseKnown((m) => known.has(m)), 1);
    assert.equal(leases.get(UNKNOWN), undefined);
    const renew = expectReply(await server.handle(request({ type: T.Request, mac: UNKNOWN, ciaddr: '172.16.0.156' }), ingress({ broadcast: false })));
    assert.equal(renew.type, T.Nak);
    const offer = expectReply(await server.handle(request({ type: T.Discover, mac: UNKNOWN }), ingress()));
    assert.equal(offer.r.yiaddr, ip(SMD_IP));
  });

  test('leases survive a restart', async (t) => {
    const { server, leases, open } = await setup(t);
    expectReply(await server.handle(request({ type: T.Discover, mac: UNKNOWN }), ingress()));
    await leases.close();
    const { leases: again } = await open();
    t.after(() => void again.close());
    assert.equal(again.get(UNKNOWN)?.ip, ip('172.16.0.156'));
  });

  test('RELEASE and DECLINE free the address', async (t) => {
    const { server, leases } = await setup(t);
    expectReply(await server.handle(request({ type: T.Discover, mac: UNKNOWN }), ingress()));
    await server.handle(request({ type: T.Release, mac: UNKNOWN, ciaddr: '172.16.0.156', serverId: '172.16.0.253' }), ingress({ broadcast: false }));
    assert.equal(leases.get(UNKNOWN), undefined);
    expectReply(await server.handle(request({ type: T.Discover, mac: UNKNOWN }), ingress()));
    await server.handle(request({ type: T.Decline, mac: UNKNOWN, requestedIp: '172.16.0.156', serverId: '172.16.0.253' }), ingress());
    assert.equal(leases.get(UNKNOWN), undefined);
  });

  test('relayed requests draw from the pool of the relay subnet', async (t) => {
    const { server } = await setup(t, [pool('10.40.1.0/24', '10.40.1.10', '10.40.1.20'), pool('10.40.3.0/24', '10.40.3.10', '10.40.3.20')]);
    const { o, r } = expectReply(await server.handle(request({ type: T.Discover, mac: UNKNOWN, giaddr: '10.40.3.1' }), ingress({ broadcast: false })));
    assert.equal(r.yiaddr, ip('10.40.3.10'));
    assert.equal(o.route.kind, 'relay');
  });

  test('a relay from a subnet without a pool gets nothing', async (t) => {
    const { server } = await setup(t);
    const o = await server.handle(request({ type: T.Discover, mac: UNKNOWN, giaddr: '10.99.0.1' }), ingress({ broadcast: false }));
    assert.equal(o.kind, 'drop');
  });

  test('an exhausted pool drops the request', async (t) => {
    const { server } = await setup(t, [pool('172.16.0.0/24', '172.16.0.156', '172.16.0.157')]);
    for (const m of ['02:00:00:00:00:0a', '02:00:00:00:00:0b']) expectReply(await server.handle(request({ type: T.Discover, mac: m }), ingress()));
    const o = await server.handle(request({ type: T.Discover, mac: '02:00:00:00:00:0c' }), ingress());
    assert.equal(o.kind, 'drop');
    assert.match(o.kind === 'drop' ? (o.decisions?.[0]?.reason ?? '') : '', /exhausted/);
  });

  test('the requested address (option 50) is honoured when free', async (t) => {
    const { server } = await setup(t);
    const { r } = expectReply(await server.handle(request({ type: T.Discover, mac: UNKNOWN, requestedIp: '172.16.0.170' }), ingress()));
    assert.equal(r.yiaddr, ip('172.16.0.170'));
    assert.deepEqual(r.opt(Dhcp4Opt.ServerIdentifier), ipBytes('172.16.0.253'));
  });
});
