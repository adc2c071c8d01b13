// The dgram side of the TFTP server on 127.0.0.1: listening sockets hand datagrams over with the
// socket as the reply channel, transfer sockets are fresh ports on the same address, send
// callbacks always run, and closing waits for queued sends.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { nullLogger } from '../../src/seams/logger.ts';
import { startTftpSockets, type TftpSockets } from '../../src/net/tftp-transport.ts';
import type { TftpChannel, TftpEndpoint } from '../../src/tftp/service/transport.ts';
import type { Ipv6Interface } from '../../src/net/dhcp6-interfaces.ts';
import { parseIPv6 } from '../../src/wire/addr.ts';
import { LO, recordingLogger } from './support.ts';
import { hasV6Loopback } from '../support/ipv6.ts';

const open: TftpSockets[] = [];
const peers: dgram.Socket[] = [];

after(async () => {
  for (const s of open) await s.close();
  for (const p of peers) p.close();
});

interface Got {
  readonly bytes: Buffer;
  readonly from: TftpEndpoint;
  readonly listener: TftpChannel;
}

async function sockets(host = '127.0.0.1', port = 0): Promise<{ s: TftpSockets; got: Got[] }> {
  const got: Got[] = [];
  const s = await startTftpSockets({ host, port, logger: nullLogger, interfaces: [LO], onDatagram: (d, from, listener) => got.push({ bytes: Buffer.from(d), from, listener }) });
  open.push(s);
  return { s, got };
}

async function peer(): Promise<{ socket: dgram.Socket; got: { bytes: Buffer; port: number }[] }> {
  const got: { bytes: Buffer; port: number }[] = [];
  const socket = dgram.createSocket('udp4');
  socket.on('message', (m, r) => got.push({ bytes: m, port: r.port }));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  peers.push(socket);
  return { socket, got };
}

const until = async (cond: () => boolean, ms = 2000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    assert.ok(Date.now() < end, 'timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('startTftpSockets', () => {
  test('a datagram to the listening port arrives with its sender and the listening socket as channel', async () => {
    const { s, got } = await sockets();
    const p = await peer();
    const [ep] = s.listeners;
    assert.equal(ep?.address, '127.0.0.1');
    p.socket.send(Buffer.from([0, 1, 0x66, 0, 0x6f, 0x63, 0x74, 0x65, 0x74, 0]), ep!.port, '127.0.0.1');
    await until(() => got.length === 1);
    assert.equal(got[0]?.from.port, p.socket.address().port);
    assert.deepEqual(got[0]?.listener.local, ep);
    // An answer through the channel leaves from the listening port.
    const released: (Error | undefined)[] = [];
    got[0]!.listener.send(Uint8Array.of(0, 5, 0, 1, 0), got[0]!.from, (e) => released.push(e));
    await until(() => p.got.length === 1 && released.length === 1);
    assert.equal(p.got[0]?.port, ep!.port);
    assert.deepEqual(released, [undefined]);
  });

  test('a transfer socket is a fresh port on the requested address, receiving from anyone', async () => {
    const { s } = await sockets();
    const p = await peer();
    const seen: TftpEndpoint[] = [];
    const ch = await s.openTransferChannel('127.0.0.1', (_d, from) => seen.push(from));
    assert.equal(ch.local.address, '127.0.0.1');
    assert.notEqual(ch.local.port, s.listeners[0]?.port);
    assert.equal(s.openTransferSockets, 1);
    p.socket.send(Buffer.from([0, 4, 0, 1]), ch.local.port, '127.0.0.1');
    await until(() => seen.length === 1);
    assert.equal(seen[0]?.port, p.socket.address().port);
    ch.send(Uint8Array.of(0, 3, 0, 1), { address: '127.0.0.1', port: p.socket.address().port }, () => undefined);
    await until(() => p.got.length === 1);
    assert.equal(p.got[0]?.port, ch.local.port);
    ch.close();
    await until(() => s.openTransferSockets === 0);
  });

  test('close waits for queued sends: every send callback runs, the datagrams arrive', async () => {
    const { s } = await sockets();
    const p = await peer();
    const ch = await s.openTransferChannel('127.0.0.1', () => undefined);
    let callbacks = 0;
    const to = { address: '127.0.0.1', port: p.socket.address().port };
    for (let i = 0; i < 20; i++) ch.send(Uint8Array.of(0, 3, 0, i), to, () => callbacks++);
    ch.close();
    await until(() => callbacks === 20 && s.openTransferSockets === 0);
    await until(() => p.got.length === 20);
    const late: (Error | undefined)[] = [];
    ch.send(Uint8Array.of(0, 3, 0, 99), to, (e) => late.push(e));
    assert.equal(late.length, 1);
    assert.ok(late[0] instanceof Error, 'a send after close is refused through its callback');
  });

  test('the MTU of the listening address is known (loopback: 65536)', async () => {
    const { s } = await sockets();
    assert.equal(s.mtu('127.0.0.1'), 65536);
    assert.equal(s.mtu('192.0.2.99'), undefined);
  });

  test('a port already taken is reported with the address', async () => {
    const { s } = await sockets();
    await assert.rejects(sockets('127.0.0.1', s.listeners[0]!.port), /cannot listen on 127\.0\.0\.1:\d+/);
  });

  test('an address that is not local is reported', async () => {
    await assert.rejects(sockets('192.0.2.250', 0), /cannot listen on 192\.0\.2\.250/);
  });
});

const LO6: Ipv6Interface = { name: 'lo', loopback: true, up: true, multicast: false, enslaved: false, mac: undefined, addresses: [{ address: parseIPv6('::1')!, text: '::1', prefix: 128, linkLocal: false }] };

describe('startTftpSockets with IPv6 (host6)', { skip: (await hasV6Loopback()) ? false : 'no IPv6 loopback (::1)' }, () => {
  async function dual(host6: string, interfaces6 = [LO6]): Promise<{ s: TftpSockets; got: Got[] }> {
    const got: Got[] = [];
    const s = await startTftpSockets({
      host: '127.0.0.1',
      host6,
      port: 0,
      logger: nullLogger,
      interfaces: [LO],
      interfaces6,
      mtuOf: (name) => (name === 'lo' ? 65536 : undefined),
      onDatagram: (d, from, listener) => got.push({ bytes: Buffer.from(d), from, listener }),
    });
    open.push(s);
    return { s, got };
  }

  async function peer6(): Promise<{ socket: dgram.Socket; got: { bytes: Buffer; address: string; port: number }[] }> {
    const got: { bytes: Buffer; address: string; port: number }[] = [];
    const socket = dgram.createSocket({ type: 'udp6', ipv6Only: true });
    socket.on('message', (m, r) => got.push({ bytes: m, address: r.address, port: r.port }));
    await new Promise<void>((resolve) => socket.bind(0, '::1', resolve));
    peers.push(socket);
    return { socket, got };
  }

  test(':: adds a listening socket per IPv6 address on the port IPv4 got; requests over IPv6 reach it', async () => {
    const { s, got } = await dual('::');
    assert.deepEqual(
      s.listeners.map((l) => l.address),
      ['127.0.0.1', '::1'],
    );
    assert.equal(s.listeners[1]?.port, s.listeners[0]?.port);
    const p = await peer6();
    p.socket.send(Buffer.from([0, 1, 0x66, 0, 0x6f, 0x63, 0x74, 0x65, 0x74, 0]), s.listeners[1]!.port, '::1');
    await until(() => got.length === 1);
    assert.deepEqual(got[0]?.from, { address: '::1', port: p.socket.address().port });
    assert.deepEqual(got[0]?.listener.local, s.listeners[1]);
  });

  test('an IPv6 transfer socket answers from the address the request went to (RFC 1350 TID)', async () => {
    const { s } = await dual('::');
    const p = await peer6();
    const seen: TftpEndpoint[] = [];
    const ch = await s.openTransferChannel('::1', (_d, from) => seen.push(from));
    assert.equal(ch.local.address, '::1');
    ch.send(Uint8Array.of(0, 3, 0, 1), { address: '::1', port: p.socket.address().port }, () => undefined);
    await until(() => p.got.length === 1);
    assert.deepEqual({ address: p.got[0]?.address, port: p.got[0]?.port }, { address: '::1', port: ch.local.port });
    p.socket.send(Buffer.from([0, 4, 0, 1]), ch.local.port, '::1');
    await until(() => seen.length === 1);
    ch.close();
  });

  test('listensOn6 and the MTU of an IPv6 listening address', async () => {
    const { s } = await dual('::');
    assert.equal(s.listensOn6('::1', 'lo'), true);
    assert.equal(s.listensOn6('2001:db8::1', 'eth0'), false);
    assert.equal(s.mtu('::1'), 65536);
    assert.equal(s.mtu('2001:db8::1'), undefined);
  });

  test('without host6 nothing listens on IPv6', async () => {
    const { s } = await sockets();
    assert.deepEqual(
      s.listeners.map((l) => l.address),
      ['127.0.0.1'],
    );
    assert.equal(s.listensOn6('::1', 'lo'), false);
  });

  test('an address of the :: plan that cannot be bound (tentative, dadfailed) is skipped with a warning', async () => {
    const logger = recordingLogger();
    const ghost: Ipv6Interface = { ...LO6, name: 'eth9', loopback: false, addresses: [{ address: parseIPv6('2001:db8::99')!, text: '2001:db8::99', prefix: 64, linkLocal: false }] };
    const s = await startTftpSockets({ host: '127.0.0.1', host6: '::', port: 0, logger, interfaces: [LO], interfaces6: [LO6, ghost], onDatagram: () => undefined });
    open.push(s);
    assert.deepEqual(
      s.listeners.map((l) => l.address),
      ['127.0.0.1', '::1'],
    );
    assert.equal(s.listensOn6('2001:db8::99', 'eth9'), false);
    assert.ok(logger.lines.some((l) => l.level === 'warn' && l.fields['address'] === '2001:db8::99'));
  });

  test('a specific IPv6 address that cannot be bound fails the start', async () => {
    await assert.rejects(dual('2001:db8::99'), /TFTP cannot listen on \[2001:db8::99\]:\d+/);
  });
});
