// The DHCPv4 transport without root: loopback mode with real sockets on 127.0.0.1, and raw
// mode driven through an in-memory raw-socket addon (fake-raw-socket.ts). The real raw path on
// a two-interface server is in dhcp4-transport-netns.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { formatIPv4 } from '../../src/wire/addr.ts';
import { decodeIpv4Udp, encodeIpv4Udp } from '../../src/wire/ipv4-udp.ts';
import { Writer } from '../../src/wire/writer.ts';
import { DGRAM_FALLBACK_WARNING, startDhcp4Transport, type Dhcp4TransportOptions } from '../../src/net/dhcp4-transport.ts';
import { Dhcp4Server } from '../../src/dhcp/service/server4.ts';
import type { Dhcp4Handler } from '../../src/dhcp/service/chain.ts';
import { systemClock } from '../../src/seams/clock.ts';
import { nullLogger } from '../../src/seams/logger.ts';
import { BufferPool } from '../../src/wire/pool.ts';
import { FakeRawModule } from './fake-raw-socket.ts';
import { encodeRequest, StubDhcp4Server, summarizeReply } from './stub-dhcp4-server.ts';
import { ETH0, ETH1, LO, iface, ip, recordingLogger } from './support.ts';

const LOOPBACK = ip('127.0.0.1');

async function withClient<T>(fn: (client: dgram.Socket, replies: { msg: Buffer; from: dgram.RemoteInfo }[]) => Promise<T>): Promise<T> {
  const client = dgram.createSocket('udp4');
  const replies: { msg: Buffer; from: dgram.RemoteInfo }[] = [];
  client.on('message', (msg, from) => replies.push({ msg, from }));
  client.bind(0, '127.0.0.1');
  await once(client, 'listening');
  try {
    return await fn(client, replies);
  } finally {
    client.close();
  }
}

async function until(cond: () => boolean, what: string, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function ipPacket(src: string, dst: string, srcPort: number, dstPort: number, payload: Uint8Array): Buffer {
  const buf = Buffer.alloc(28 + payload.length);
  encodeIpv4Udp(new Writer(buf), { src: ip(src), dst: ip(dst), srcPort, dstPort }, payload);
  return buf;
}

async function start(opts: Partial<Dhcp4TransportOptions> & Pick<Dhcp4TransportOptions, 'targets'>) {
  const stub = new StubDhcp4Server();
  const logger = recordingLogger();
  const transport = await startDhcp4Transport({ server: stub, logger, ...opts });
  return { stub, logger, transport };
}

describe('DHCPv4 transport, loopback mode (demo and tests)', () => {
  test('answers a request on 127.0.0.1, sending the "broadcast" reply back to the source address and port', async () => {
    let loads = 0;
    const { stub, transport } = await start({
      targets: [{ address: LOOPBACK, port: 0 }],
      loadRawSocket: () => {
        loads++;
        return { ok: false, reason: 'unused' };
      },
    });
    try {
      assert.equal(transport.mode, 'dgram');
      assert.equal(loads, 0, 'loopback needs no raw sockets');
      const server = transport.endpoints[0]!;
      assert.equal(server.address, '127.0.0.1');
      assert.ok(server.port > 0);
      await withClient(async (client, replies) => {
        client.send(encodeRequest({ xid: 0x1234 }), server.port, '127.0.0.1');
        await until(() => replies.length === 1, 'the reply');
        const r = replies[0]!;
        assert.deepEqual([r.from.address, r.from.port], ['127.0.0.1', server.port]);
        assert.deepEqual(summarizeReply(r.msg), { xid: 0x1234, messageType: 2, serverId: '127.0.0.1', ingressIfname: transport.interfaces[0] });
        assert.equal(stub.seen[0]!.ingress.serverAddress, LOOPBACK);
        assert.equal(stub.seen[0]!.ingress.srcPort, client.address().port);
      });
      await until(() => stub.pool.stats().inUse === 0, 'the release');
      assert.deepEqual(stub.releases, [1]);
      assert.equal(transport.counters.get('tx{via="dgram"}'), 1);
    } finally {
      await transport.close();
    }
  });

  test('carries the real Dhcp4Server: an OFFER from a one-handler chain comes back to the client', async () => {
    const fixed: Dhcp4Handler = {
      name: 'fixed',
      handle(_req, draft) {
        draft.yiaddr = ip('127.0.0.77');
        draft.leaseSeconds = 600;
        return 'send';
      },
    };
    const pool = new BufferPool(1500, 4);
    const server = new Dhcp4Server({ handlers: [fixed], clock: systemClock, logger: nullLogger, pool });
    const transport = await startDhcp4Transport({ targets: [{ address: LOOPBACK, port: 0 }], server, logger: nullLogger });
    try {
      await withClient(async (client, replies) => {
        client.send(encodeRequest({ xid: 0xd15c }), transport.endpoints[0]!.port, '127.0.0.1');
        await until(() => replies.length === 1, 'the OFFER');
        assert.deepEqual(summarizeReply(replies[0]!.msg), { xid: 0xd15c, messageType: 2, serverId: '127.0.0.1', ingressIfname: undefined });
      });
      await until(() => pool.stats().inUse === 0, 'the pool slot to return');
    } finally {
      await transport.close();
    }
  });

  test('logs the test/demo mode at start, and no multi-homing warning', async () => {
    const { logger, transport } = await start({ targets: [{ address: LOOPBACK, port: 0 }] });
    await transport.close();
    assert.ok(logger.lines.some((l) => l.level === 'info' && /loopback only: test\/demo mode/.test(l.msg)));
    assert.equal(logger.lines.filter((l) => l.level === 'warn').length, 0);
  });

  test('a handler that throws or rejects is logged and counted, and the next request is still served', async () => {
    const { stub, logger, transport } = await start({ targets: [{ address: LOOPBACK, port: 0 }] });
    const real = stub.handle.bind(stub);
    let calls = 0;
    stub.handle = (buf, ingress) => {
      calls++;
      if (calls === 1) throw new Error('sync boom');
      if (calls === 2) return Promise.reject(new Error('async boom'));
      return real(buf, ingress);
    };
    try {
      await withClient(async (client, replies) => {
        for (const xid of [1, 2, 3]) client.send(encodeRequest({ xid }), transport.endpoints[0]!.port, '127.0.0.1');
        await until(() => replies.length === 1, 'the third reply');
        assert.equal(summarizeReply(replies[0]!.msg)?.xid, 3);
      });
      assert.equal(transport.counters.get('handler_errors'), 2);
      assert.deepEqual(
        logger.lines.filter((l) => l.level === 'error').map((l) => l.fields['error']),
        ['sync boom', 'async boom'],
      );
    } finally {
      await transport.close();
    }
  });

  test('a reply that cannot be sent is counted, and its buffer is still released exactly once', async () => {
    const { stub, transport } = await start({ targets: [{ address: LOOPBACK, port: 0 }] });
    stub.routeOverride = () => ({ kind: 'unicast', address: LOOPBACK, port: 0 });
    try {
      await withClient(async (client) => {
        client.send(encodeRequest({ xid: 7 }), transport.endpoints[0]!.port, '127.0.0.1');
        await until(() => transport.counters.get('tx_errors{via="dgram"}') === 1, 'the send error');
      });
      assert.deepEqual(stub.releases, [1]);
      assert.equal(stub.pool.stats().inUse, 0);
    } finally {
      await transport.close();
    }
  });

  test('a reply finished after close() is released, not sent', async () => {
    const { stub, transport } = await start({ targets: [{ address: LOOPBACK, port: 0 }] });
    const real = stub.handle.bind(stub);
    let resume: () => void = () => {};
    const gate = new Promise<void>((r) => (resume = r));
    stub.handle = async (buf, ingress) => {
      const out = await real(buf, ingress);
      await gate;
      return out;
    };
    await withClient(async (client) => {
      client.send(encodeRequest({ xid: 8 }), transport.endpoints[0]!.port, '127.0.0.1');
      await until(() => stub.seen.length === 1, 'the request');
    });
    await transport.close();
    resume();
    await until(() => stub.releases[0] === 1, 'the release');
    assert.equal(transport.counters.get('tx_errors{via="dgram"}'), 1);
    assert.equal(stub.pool.stats().inUse, 0);
  });

  test('a port already in use stops the start with the address in the message', async () => {
    const first = await start({ targets: [{ address: LOOPBACK, port: 0 }] });
    try {
      const port = first.transport.endpoints[0]!.port;
      await assert.rejects(start({ targets: [{ address: LOOPBACK, port }] }), new RegExp(`DHCPv4 cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
    } finally {
      await first.transport.close();
    }
  });

  test('an invalid listen target stops the start', async () => {
    await assert.rejects(start({ targets: [{ address: 0, ifname: 'nosuchif0', port: 0 }] }), /listen %nosuchif0:0: interface 'nosuchif0' not found/);
  });
});

describe('DHCPv4 transport, raw mode (in-memory raw-socket addon)', () => {
  async function startRaw(m: FakeRawModule, targets: Dhcp4TransportOptions['targets'] = [{ address: 0, port: 0 }]) {
    const r = await start({ targets, interfaces: [LO, ETH0, ETH1], loadRawSocket: () => ({ ok: true, module: m }) });
    const port = r.transport.endpoints[0]!.port;
    const sock = (ifname: string) => m.sockets[[ETH0.name, ETH1.name].indexOf(ifname)]!;
    return { ...r, port, sock };
  }

  test('opens one raw socket per served interface and reports raw mode', async () => {
    const m = new FakeRawModule();
    const { transport, logger } = await startRaw(m);
    try {
      assert.equal(transport.mode, 'raw');
      assert.deepEqual(transport.interfaces, ['eth0', 'eth1']);
      assert.deepEqual(
        m.sockets.map((s) => s.options[0]!.value),
        ['eth0\0', 'eth1\0'],
      );
      assert.equal(logger.lines.filter((l) => l.level === 'warn').length, 0);
    } finally {
      await transport.close();
    }
    assert.ok(m.sockets.every((s) => s.closed), 'close() closes the raw sockets');
  });

  test('a broadcast DISCOVER on eth1 is answered on eth1 with our eth1 address, checksummed, from the listen port', async () => {
    const m = new FakeRawModule();
    m.holdSends = true;
    const { stub, transport, port, sock } = await startRaw(m);
    try {
      sock('eth1').deliver(ipPacket('0.0.0.0', '255.255.255.255', 68, port, encodeRequest({ xid: 0xbeef })));
      await until(() => sock('eth1').sends.length === 1, 'the raw send');
      assert.equal(sock('eth0').sends.length, 0, 'nothing leaves on eth0');
      assert.deepEqual(stub.releases, [0], 'the reply buffer is held until the send completes');
      const sent = sock('eth1').sends[0]!;
      const d = decodeIpv4Udp(sent.frame, { verifyUdpChecksum: true });
      assert.deepEqual([sent.address, formatIPv4(d.src), formatIPv4(d.dst), d.srcPort, d.dstPort, d.ttl], ['255.255.255.255', '198.51.100.1', '255.255.255.255', port, 68, 64]);
      assert.deepEqual(summarizeReply(d.payload), { xid: 0xbeef, messageType: 2, serverId: '198.51.100.1', ingressIfname: 'eth1' });
      assert.deepEqual(stub.seen[0]!.ingress, { ifname: 'eth1', serverAddress: ip('198.51.100.1'), serverPrefix: 24, srcAddress: 0, srcPort: 68, broadcast: true });
      sent.complete();
      assert.deepEqual(stub.releases, [1]);
      assert.equal(stub.pool.stats().inUse, 0);
      assert.equal(transport.counters.get('tx{via="raw"}'), 1);
    } finally {
      await transport.close();
    }
  });

  test('the request is copied out of the addon receive buffer before the server awaits', async () => {
    const m = new FakeRawModule();
    const { stub, transport, port, sock } = await startRaw(m);
    try {
      // deliver() scribbles over the shared buffer right after the event, as the next recv would.
      sock('eth0').deliver(ipPacket('192.0.2.100', '255.255.255.255', 68, port, encodeRequest({ xid: 0x51 })));
      await until(() => sock('eth0').sends.length === 1, 'the raw send');
      assert.equal(summarizeReply(decodeIpv4Udp(sock('eth0').sends[0]!.frame).payload)?.xid, 0x51);
      assert.equal(stub.seen[0]!.xid, 0x51);
    } finally {
      await transport.close();
    }
  });

  test('other UDP traffic on the interface and malformed headers are not handed to the server', async () => {
    const m = new FakeRawModule();
    const { stub, transport, port, sock } = await startRaw(m);
    try {
      sock('eth0').deliver(ipPacket('192.0.2.100', '192.0.2.1', 5353, 53, Uint8Array.of(1, 2, 3))); // DNS
      const bad = ipPacket('192.0.2.100', '255.255.255.255', 68, port, encodeRequest({ xid: 1 }));
      bad.writeUInt8(bad.readUInt8(10) ^ 0xff, 10); // break the IPv4 header checksum
      sock('eth0').deliver(bad);
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(stub.seen.length, 0);
      assert.equal(transport.counters.get('rx_malformed{via="raw",code="ERR_WIRE_MALFORMED"}'), 1);
    } finally {
      await transport.close();
    }
  });

  test('relay and unicast replies go through the dgram socket, not the raw one', async () => {
    const m = new FakeRawModule();
    const { stub, transport, port, sock } = await startRaw(m);
    // The relay is on loopback here, so the dgram reply stays on this host.
    stub.routeOverride = () => ({ kind: 'relay', address: LOOPBACK, port: relayPort });
    const relay = dgram.createSocket('udp4');
    const got: Buffer[] = [];
    relay.on('message', (msg) => got.push(msg));
    relay.bind(0, '127.0.0.1');
    await once(relay, 'listening');
    const relayPort = relay.address().port;
    try {
      sock('eth0').deliver(ipPacket('192.0.2.50', '192.0.2.1', 67, port, encodeRequest({ xid: 0x77, giaddr: ip('192.0.2.50') })));
      await until(() => got.length === 1, 'the relayed reply');
      assert.equal(summarizeReply(got[0]!)?.serverId, '192.0.2.1');
      assert.equal(sock('eth0').sends.length, 0);
      await until(() => stub.releases[0] === 1, 'the release');
    } finally {
      relay.close();
      await transport.close();
    }
  });

  test('datagrams on the dgram socket are ignored in raw mode: nothing is processed twice', async () => {
    const m = new FakeRawModule();
    const { stub, transport, port } = await startRaw(m);
    try {
      await withClient(async (client) => {
        client.send(encodeRequest({ xid: 0x99 }), port, '127.0.0.1');
        await until(() => transport.counters.get('rx_ignored{via="dgram"}') === 1, 'the dgram datagram');
      });
      assert.equal(stub.seen.length, 0);
    } finally {
      await transport.close();
    }
  });

  test('a target with an address takes only datagrams for that address or a broadcast', async () => {
    // 127.x addresses on a non-loopback fake interface: bindable here, and not loopback mode.
    const eth9 = iface('eth9', ['127.1.0.1/24', '127.2.0.1/24']);
    const m = new FakeRawModule();
    const { stub, transport } = await start({
      targets: [{ address: ip('127.2.0.1'), port: 0 }],
      interfaces: [LO, ETH0, eth9],
      loadRawSocket: () => ({ ok: true, module: m }),
    });
    const port = transport.endpoints[0]!.port;
    try {
      assert.deepEqual([transport.mode, transport.interfaces, m.sockets.length], ['raw', ['eth9'], 1]);
      const s = m.sockets[0]!;
      s.deliver(ipPacket('127.1.0.9', '127.1.0.1', 68, port, encodeRequest({ xid: 1, ciaddr: ip('127.1.0.9') })));
      s.deliver(ipPacket('127.2.0.9', '127.2.0.1', 68, port, encodeRequest({ xid: 2, ciaddr: ip('127.2.0.9') })));
      s.deliver(ipPacket('0.0.0.0', '255.255.255.255', 68, port, encodeRequest({ xid: 3 })));
      await until(() => stub.seen.length === 2, 'two requests');
      await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(
        stub.seen.map((r) => [r.xid, formatIPv4(r.ingress.serverAddress)]),
        [
          [2, '127.2.0.1'],
          [3, '127.2.0.1'],
        ],
      );
    } finally {
      await transport.close();
    }
  });

  test('a raw send still queued at close() releases both buffers', async () => {
    const m = new FakeRawModule();
    m.holdSends = true;
    const { stub, transport, port, sock } = await startRaw(m);
    sock('eth0').deliver(ipPacket('0.0.0.0', '255.255.255.255', 68, port, encodeRequest({ xid: 5 })));
    await until(() => sock('eth0').sends.length === 1, 'the raw send');
    await transport.close();
    assert.deepEqual(stub.releases, [1]);
    assert.equal(transport.counters.get('tx_errors{via="raw"}'), 1);
  });
});

describe('DHCPv4 transport, dgram fallback', () => {
  const cases: { name: string; opts: Partial<Dhcp4TransportOptions>; reason: RegExp }[] = [
    { name: 'raw-socket cannot be loaded', opts: { loadRawSocket: () => ({ ok: false, reason: 'raw-socket cannot be loaded: Cannot find module' }) }, reason: /cannot be loaded/ },
    {
      name: 'raw sockets are not permitted (no root, no CAP_NET_RAW)',
      opts: {
        loadRawSocket: () => {
          const m = new FakeRawModule();
          m.createError = 'Operation not permitted';
          return { ok: true, module: m };
        },
      },
      reason: /Operation not permitted \(raw sockets need root or CAP_NET_RAW\)/,
    },
    { name: "rawSocket is 'off'", opts: { rawSocket: 'off', loadRawSocket: () => assert.fail('must not load raw-socket') }, reason: /turned off/ },
  ];
  for (const c of cases) {
    test(`${c.name}: dgram mode with one loud warning and its reason`, async () => {
      const { logger, transport } = await start({ targets: [{ address: 0, port: 0 }], interfaces: [LO, ETH0, ETH1], ...c.opts });
      await transport.close();
      assert.equal(transport.mode, 'dgram');
      const warnings = logger.lines.filter((l) => l.level === 'warn');
      assert.equal(warnings.length, 1);
      assert.equal(warnings[0]!.msg, DGRAM_FALLBACK_WARNING);
      assert.match(String(warnings[0]!.fields['reason']), c.reason);
    });
  }

  test('a single served interface gives the ingress its name and address', async () => {
    const { stub, transport } = await start({ targets: [{ address: 0, ifname: 'eth0', port: 0 }], interfaces: [LO, ETH0, ETH1], rawSocket: 'off' });
    // Answer by unicast so the reply stays on loopback (a broadcast here would leave the host).
    stub.routeOverride = (ingress) => ({ kind: 'unicast', address: ingress.srcAddress, port: ingress.srcPort });
    try {
      await withClient(async (client, replies) => {
        client.send(encodeRequest({ xid: 0x42 }), transport.endpoints[0]!.port, '127.0.0.1');
        await until(() => replies.length === 1, 'the reply');
        assert.deepEqual(summarizeReply(replies[0]!.msg), { xid: 0x42, messageType: 2, serverId: '192.0.2.1', ingressIfname: 'eth0' });
      });
    } finally {
      await transport.close();
    }
  });
});
