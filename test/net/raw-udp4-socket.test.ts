import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { RawUdp4Socket } from '../../src/net/raw-udp4-socket.ts';
import { FakeRawModule, LINUX } from './fake-raw-socket.ts';

function open(module: FakeRawModule, ifname = 'eth0') {
  const datagrams: Buffer[] = [];
  const errors: string[] = [];
  const socket = new RawUdp4Socket({
    module,
    ifname,
    onDatagram: (p) => datagrams.push(Buffer.from(p)),
    onError: (e, phase) => errors.push(`${phase}: ${e.message}`),
  });
  return { socket, datagrams, errors };
}

describe('RawUdp4Socket', () => {
  test('opens an IPv4/UDP raw socket bound to the device, with IP_HDRINCL and SO_BROADCAST', () => {
    const m = new FakeRawModule();
    open(m, 'eth1');
    assert.deepEqual(m.created, [{ protocol: 17, addressFamily: 1, bufferSize: 65535 }]);
    assert.deepEqual(m.sockets[0]!.options, [
      { level: LINUX.SOL_SOCKET, option: LINUX.SO_BINDTODEVICE, value: 'eth1\0' },
      { level: LINUX.IPPROTO_IP, option: LINUX.IP_HDRINCL, value: 1 },
      { level: LINUX.SOL_SOCKET, option: LINUX.SO_BROADCAST, value: 1 },
      { level: LINUX.SOL_SOCKET, option: LINUX.SO_RCVBUF, value: 1 << 20 },
    ]);
  });

  test('throws when the socket cannot be created (no CAP_NET_RAW)', () => {
    const m = new FakeRawModule();
    m.createError = 'Operation not permitted';
    assert.throws(() => open(m), /Operation not permitted/);
  });

  test('throws and closes the socket when SO_BINDTODEVICE is refused', () => {
    const m = new FakeRawModule();
    m.failOption = LINUX.SO_BINDTODEVICE;
    assert.throws(() => open(m, 'eth7'), /raw socket on eth7: Operation not permitted/);
    assert.equal(m.sockets[0]!.closed, true);
  });

  test('hands received datagrams to onDatagram', () => {
    const m = new FakeRawModule();
    const { datagrams } = open(m);
    m.sockets[0]!.deliver(Uint8Array.of(0x45, 1, 2));
    assert.deepEqual(datagrams.map((d) => [...d]), [[0x45, 1, 2]]);
  });

  test('send calls done once, after the addon completes', async () => {
    const m = new FakeRawModule();
    m.holdSends = true;
    const { socket } = open(m);
    const results: (string | null)[] = [];
    socket.send(Buffer.from([1, 2, 3, 4]), 3, '255.255.255.255', (e) => results.push(e?.message ?? null));
    assert.deepEqual(results, [], 'not before the addon says the bytes are gone');
    const sent = m.sockets[0]!.sends[0]!;
    assert.deepEqual([[...sent.frame], sent.address], [[1, 2, 3], '255.255.255.255']);
    sent.complete();
    sent.complete();
    assert.deepEqual(results, [null]);
  });

  test('close fails queued sends, so their buffers can go back to the pool', () => {
    const m = new FakeRawModule();
    m.holdSends = true;
    const { socket } = open(m);
    const results: (string | null)[] = [];
    socket.send(Buffer.alloc(4), 4, '255.255.255.255', (e) => results.push(e?.message ?? null));
    socket.close();
    m.sockets[0]!.sends[0]!.complete();
    assert.deepEqual([...results], ['raw socket on eth0 closed']);
    socket.send(Buffer.alloc(4), 4, '255.255.255.255', (e) => results.push(e?.message ?? null));
    assert.deepEqual(results, ['raw socket on eth0 closed', 'raw socket on eth0 is closed']);
  });

  test('after the addon closes the socket on an error, sends fail fast and the socket is reopened', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const m = new FakeRawModule();
    const { socket, errors, datagrams } = open(m);
    const first = m.sockets[0]!;
    first.emit('error', new Error('poll failed'));
    first.close();
    const results: (string | null)[] = [];
    socket.send(Buffer.alloc(4), 4, '255.255.255.255', (e) => results.push(e?.message ?? null));
    assert.deepEqual(results, ['raw socket on eth0 is reopening']);
    assert.deepEqual(errors, ['recv: poll failed']);
    t.mock.timers.tick(1000);
    assert.equal(m.sockets.length, 2, 'reopened');
    assert.equal(m.sockets[1]!.options[0]!.value, 'eth0\0', 'and bound to the device again');
    first.deliver(Uint8Array.of(9));
    m.sockets[1]!.deliver(Uint8Array.of(7));
    assert.deepEqual(datagrams.map((d) => [...d]), [[7]], 'only the live socket delivers');
    socket.close();
  });

  test('a failed reopen is reported and retried', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const m = new FakeRawModule();
    const { socket, errors } = open(m);
    m.sockets[0]!.close();
    m.createError = 'No such device';
    t.mock.timers.tick(1000);
    assert.deepEqual(errors, ['reopen: raw socket on eth0: No such device']);
    m.createError = undefined;
    t.mock.timers.tick(1000);
    assert.equal(m.sockets.length, 2);
    socket.close();
  });
});
