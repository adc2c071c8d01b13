// The DHCPv6 transport without root: real udp6 sockets on ::1 (no multicast on loopback), the
// ingress it hands the server, replies along the route, buffers released exactly once, errors
// counted. The multicast path with real clients is scripts/netns/dhcp6-test.sh.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { parseIPv6 } from '../../src/wire/addr.ts';
import { BufferPool } from '../../src/wire/pool.ts';
import { nullLogger } from '../../src/seams/logger.ts';
import { systemClock } from '../../src/seams/clock.ts';
import type { Dhcp6Ingress } from '../../src/dhcp/service/v6/chain.ts';
import { Dhcp6Server } from '../../src/dhcp/service/v6/server6.ts';
import type { Ipv6Interface } from '../../src/net/dhcp6-interfaces.ts';
import { startDhcp6Transport, type Dhcp6PacketHandler, type Dhcp6TransportOutcome } from '../../src/net/dhcp6-transport.ts';
import { clientMessage, decodeReply, relayForw, SERVER_DUID, T } from '../dhcp/service/v6/support.ts';

const LO: Ipv6Interface = { name: 'lo', loopback: true, up: true, multicast: false, enslaved: false, mac: undefined, addresses: [{ address: parseIPv6('::1')!, text: '::1', prefix: 128, linkLocal: false }] };
const LOOPBACK_TARGET = { address: parseIPv6('::1')!, port: 0 };

/** Answers every datagram with its first 4 bytes to the source, recording ingress and releases. */
class EchoServer implements Dhcp6PacketHandler {
  readonly seen: Dhcp6Ingress[] = [];
  releases = 0;
  readonly pool = new BufferPool(64, 2);
  route: ((ingress: Dhcp6Ingress) => { kind: 'client' | 'relay'; address: string; port: number }) | undefined;

  async handle(buf: Uint8Array, ingress: Dhcp6Ingress): Promise<Dhcp6TransportOutcome> {
    this.seen.push(ingress);
    const slot = this.pool.acquire();
    if (slot === undefined) return { kind: 'drop' };
    slot.set(buf.subarray(0, 4));
    return {
      kind: 'reply',
      route: this.route?.(ingress) ?? { kind: 'client', address: ingress.srcAddress, port: ingress.srcPort },
      payload: slot.subarray(0, 4),
      release: () => {
        this.releases++;
        this.pool.release(slot);
      },
    };
  }
}

async function client(): Promise<{ sock: dgram.Socket; replies: Buffer[] }> {
  const sock = dgram.createSocket({ type: 'udp6', ipv6Only: true });
  const replies: Buffer[] = [];
  sock.on('message', (m) => replies.push(m));
  sock.bind(0, '::1');
  await once(sock, 'listening');
  return { sock, replies };
}

async function until(cond: () => boolean, what: string, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('DHCPv6 transport on ::1', () => {
  test('hands the server the ingress (interface by prefix, source, our addresses) and sends the reply back', async () => {
    const server = new EchoServer();
    const t = await startDhcp6Transport({ targets: [LOOPBACK_TARGET], server, logger: nullLogger, interfaces: [LO] });
    const c = await client();
    try {
      const port = t.endpoints[0]!.port;
      assert.equal(t.endpoints[0]!.address, '::1');
      c.sock.send(clientMessage(T.Solicit), port, '::1');
      await until(() => c.replies.length === 1, 'the reply');
      assert.deepEqual([...c.replies[0]!], [1, 0x12, 0x34, 0x56]);
      assert.equal(server.seen[0]?.ifname, 'lo');
      assert.equal(server.seen[0]?.srcAddress, '::1');
      assert.equal(server.seen[0]?.srcPort, c.sock.address().port);
      assert.deepEqual(server.seen[0]?.serverAddresses.map((a) => a.text), ['::1']);
      await until(() => server.releases === 1, 'the release');
      assert.equal(t.counters.get('rx'), 1);
      assert.equal(t.counters.get('tx'), 1);
    } finally {
      c.sock.close();
      await t.close();
    }
  });

  test('a real Dhcp6Server: a RELAY-FORW with the Relay Source Port option gets its RELAY-REPL on the relay port', async () => {
    const server = new Dhcp6Server({ handlers: [], serverDuid: SERVER_DUID, clock: systemClock, logger: nullLogger, pool: new BufferPool(4096, 4) });
    const t = await startDhcp6Transport({ targets: [LOOPBACK_TARGET], server, logger: nullLogger, interfaces: [LO] });
    const c = await client();
    try {
      const relayPort = c.sock.address().port;
      c.sock.send(relayForw(clientMessage(T.InformationRequest, { duid: null }), { sourcePort: relayPort, interfaceId: 'lo' }), t.endpoints[0]!.port, '::1');
      await until(() => c.replies.length === 1, 'the RELAY-REPL');
      const r = decodeReply(c.replies[0]!);
      assert.equal(r.relays[0]?.msgType, T.RelayRepl);
      assert.equal(r.type, T.Reply);
      assert.deepEqual(r.options.serverId(), SERVER_DUID);
    } finally {
      c.sock.close();
      await t.close();
    }
  });

  test('a reply that cannot be sent (refused in the callback, or thrown) is counted and its buffer still released', async () => {
    const server = new EchoServer();
    // An IPv4-mapped destination on an IPv6-only socket fails with ENETUNREACH; port 0 throws.
    const routes = [{ address: '::ffff:127.0.0.1', port: 546 }, { address: '::1', port: 0 }];
    server.route = () => ({ kind: 'client', ...routes[server.seen.length - 1]! });
    const t = await startDhcp6Transport({ targets: [LOOPBACK_TARGET], server, logger: nullLogger, interfaces: [LO] });
    const c = await client();
    try {
      for (let i = 1; i <= 2; i++) {
        c.sock.send(clientMessage(T.Solicit), t.endpoints[0]!.port, '::1');
        await until(() => server.releases === i, `release ${i}`);
        await until(() => t.counters.get('tx_errors') === i, `error count ${i}`);
      }
      assert.equal(server.pool.stats().inUse, 0);
    } finally {
      c.sock.close();
      await t.close();
    }
  });

  test('a server that throws is counted, not fatal', async () => {
    const t = await startDhcp6Transport({
      targets: [LOOPBACK_TARGET],
      server: { handle: () => Promise.reject(new Error('boom')) },
      logger: nullLogger,
      interfaces: [LO],
    });
    const c = await client();
    try {
      c.sock.send(Uint8Array.of(1, 2, 3, 4), t.endpoints[0]!.port, '::1');
      await until(() => t.counters.get('handler_errors') === 1, 'the handler error');
    } finally {
      c.sock.close();
      await t.close();
    }
  });

  test('start-up errors: an address that is not ours, a port in use', async () => {
    await assert.rejects(startDhcp6Transport({ targets: [{ address: parseIPv6('2001:db8::1')!, port: 0 }], server: new EchoServer(), logger: nullLogger, interfaces: [LO] }), /no interface has the address 2001:db8::1/);
    const first = await startDhcp6Transport({ targets: [LOOPBACK_TARGET], server: new EchoServer(), logger: nullLogger, interfaces: [LO] });
    try {
      const port = first.endpoints[0]!.port;
      await assert.rejects(startDhcp6Transport({ targets: [{ address: parseIPv6('::1')!, port }], server: new EchoServer(), logger: nullLogger, interfaces: [LO] }), /DHCPv6 cannot listen on \[::1\]:\d+/);
    } finally {
      await first.close();
    }
  });
});
