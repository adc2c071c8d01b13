// The DHCPv4 transport on a real multi-homed server, in network namespaces (root only):
//
//   client A ns                       server ns                         client B ns
//   vA 192.0.2.100/24 ──veth── s1 192.0.2.1/24   s2 198.51.100.1/24 ──veth── vB 198.51.100.100/24
//                                       default route via s2
//
// The server's default route points out of s2 on purpose: a plain node:dgram broadcast leaves
// through it, so a reply to client A would reach client B's link instead. The raw transport
// must answer each client on its own link, from that link's address (option 54 included).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { NetnsLab, netnsSkipReason, type JsonChild, type JsonEvent } from './netns-lab.ts';

const skip = netnsSkipReason(true);
const SERVER = 'test/net/netns-dhcp4-server.ts';
const CLIENT = 'test/net/netns-dhcp4-client.ts';
const WAIT = 10_000;
const hasUdhcpc = spawnSync('busybox', ['udhcpc', '--help'], { encoding: 'utf8' }).stderr?.includes('udhcpc') === true;

interface Topology {
  readonly lab: NetnsLab;
  readonly srv: string;
  readonly nsA: string;
  readonly nsB: string;
  readonly s1: string;
  readonly s2: string;
  readonly cA: string;
}

function buildTopology(lab: NetnsLab): Topology {
  const pid = String(process.pid);
  const srv = lab.ns('srv');
  const nsA = lab.ns('a');
  const nsB = lab.ns('b');
  // IFNAMSIZ is 16: 'v' + PID (≤ 7 digits) + 2 characters fits.
  const s1 = `v${pid}s1`;
  const s2 = `v${pid}s2`;
  const cA = `v${pid}ca`;
  lab.veth(srv, s1, '192.0.2.1/24', nsA, cA, '192.0.2.100/24');
  lab.veth(srv, s2, '198.51.100.1/24', nsB, `v${pid}cb`, '198.51.100.100/24');
  lab.ip(srv, 'route', 'add', 'default', 'via', '198.51.100.100', 'dev', s2);
  // The clients need a route for 255.255.255.255 too (a bound-to-0.0.0.0 socket has no device).
  lab.ip(nsA, 'route', 'add', 'default', 'via', '192.0.2.1');
  lab.ip(nsB, 'route', 'add', 'default', 'via', '198.51.100.1');
  return { lab, srv, nsA, nsB, s1, s2, cA };
}

async function startServer(t: Topology, name: string, config: object): Promise<{ child: JsonChild; ready: JsonEvent }> {
  const child = t.lab.node(t.srv, name, SERVER, [JSON.stringify(config)]);
  const ready = await child.waitFor((e) => e.event === 'ready' || e.event === 'error', WAIT, 'server ready');
  assert.equal(ready.event, 'ready', JSON.stringify(ready));
  return { child, ready };
}

async function startClient(t: Topology, ns: string, name: string, port: number): Promise<JsonChild> {
  const child = t.lab.node(ns, name, CLIENT, [String(port)]);
  await child.waitFor((e) => e.event === 'ready', WAIT, `${name} ready`);
  return child;
}

const isReply = (xid: number) => (e: JsonEvent) => e.event === 'reply' && e['xid'] === xid;

/** Waits until the server's pool is empty again (every release ran in a send callback). */
async function settledStats(server: JsonChild): Promise<JsonEvent> {
  for (let i = 0; i < 50; i++) {
    const before = server.events.length;
    server.send('stats');
    const s = await server.waitFor((e) => e.event === 'stats' && server.events.indexOf(e) >= before, WAIT, 'stats');
    if ((s['pool'] as { inUse: number }).inUse === 0) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('server pool never drained');
}

describe('DHCPv4 transport on a two-interface server (network namespaces)', { skip, timeout: 60_000 }, () => {
  let topo: Topology;
  const lab = new NetnsLab();

  before(() => {
    topo = buildTopology(lab);
  });
  after(async () => {
    await lab.cleanup();
  });

  test('raw mode answers each broadcasting client on its own interface with that interface address as server identifier', async () => {
    const { child: server, ready } = await startServer(topo, 'server-raw', { targets: [{ address: '0.0.0.0', port: 67 }], rawSocket: 'auto' });
    const a = await startClient(topo, topo.nsA, 'client-a', 68);
    const b = await startClient(topo, topo.nsB, 'client-b', 68);
    try {
      assert.equal(ready['mode'], 'raw');
      assert.deepEqual([...(ready['interfaces'] as string[])].sort(), [topo.s1, topo.s2].sort());

      a.send({ xid: 0xa1, dst: '255.255.255.255', port: 67 });
      const ra = await a.waitFor(isReply(0xa1), WAIT, 'reply to A');
      b.send({ xid: 0xb1, dst: '255.255.255.255', port: 67 });
      const rb = await b.waitFor(isReply(0xb1), WAIT, 'reply to B');
      // Give a misdirected copy time to arrive before asserting it did not.
      await new Promise((r) => setTimeout(r, 300));

      assert.deepEqual([ra['from'], ra['port'], ra['serverId'], ra['ingressIfname']], ['192.0.2.1', 67, '192.0.2.1', topo.s1]);
      assert.deepEqual([rb['from'], rb['port'], rb['serverId'], rb['ingressIfname']], ['198.51.100.1', 67, '198.51.100.1', topo.s2]);
      assert.deepEqual(
        b.events.filter((e) => e.event === 'reply').map((e) => e['xid']),
        [0xb1],
        'client B saw only its own reply: the broadcast to A left on s1 only',
      );
      assert.deepEqual(
        a.events.filter((e) => e.event === 'reply').map((e) => e['xid']),
        [0xa1],
        'client A saw only its own reply',
      );

      const reqA = server.events.filter((e) => e.event === 'request' && e['xid'] === 0xa1);
      assert.equal(reqA.length, 1, 'processed once, though both the raw and the dgram socket received it');
      assert.deepEqual(reqA[0]!['ingress'], {
        ifname: topo.s1,
        serverAddress: '192.0.2.1',
        serverPrefix: 24,
        srcAddress: '192.0.2.100',
        srcPort: 68,
        broadcast: true,
      });
      const stats = await settledStats(server);
      assert.deepEqual(stats['releases'], [1, 1], 'each reply buffer released exactly once');
      const counters = stats['counters'] as Record<string, number>;
      assert.equal(counters['tx{via="raw"}'], 2);
      assert.equal(counters['rx{via="raw"}'], 2);
    } finally {
      await Promise.all([server.stop(), a.stop(), b.stop()]);
    }
  });

  test('relayed requests are answered to giaddr:67 through the routing table, with the address the relay chose', async () => {
    const { child: server } = await startServer(topo, 'server-relay', { targets: [{ address: '0.0.0.0', port: 67 }], rawSocket: 'auto' });
    // Relays listen on the server port (RFC 1542 §5.4); the replies come back to it.
    const relayA = await startClient(topo, topo.nsA, 'relay-a', 67);
    const relayB = await startClient(topo, topo.nsB, 'relay-b', 67);
    try {
      relayA.send({ xid: 0x1a, dst: '192.0.2.1', port: 67, giaddr: '192.0.2.100' });
      const r1 = await relayA.waitFor(isReply(0x1a), WAIT, 'relay reply on A');
      assert.deepEqual([r1['from'], r1['port'], r1['serverId'], r1['ingressIfname']], ['192.0.2.1', 67, '192.0.2.1', topo.s1]);

      // B's relay addresses the server's s1 address; the datagram arrives on s2 (Linux's weak
      // host model). The server identifier stays the address the relay used.
      relayB.send({ xid: 0x1b, dst: '192.0.2.1', port: 67, giaddr: '198.51.100.100' });
      const r2 = await relayB.waitFor(isReply(0x1b), WAIT, 'relay reply on B');
      assert.deepEqual([r2['port'], r2['serverId'], r2['ingressIfname']], [67, '192.0.2.1', topo.s2]);

      await new Promise((r) => setTimeout(r, 200));
      for (const xid of [0x1a, 0x1b]) {
        assert.equal(server.events.filter((e) => e.event === 'request' && e['xid'] === xid).length, 1, `xid ${xid} processed once`);
      }
      const req = server.events.find((e) => e.event === 'request' && e['xid'] === 0x1a)!;
      assert.equal((req['ingress'] as { broadcast: boolean }).broadcast, false);
      const stats = await settledStats(server);
      assert.equal((stats['counters'] as Record<string, number>)['tx{via="dgram"}'], 2);
    } finally {
      await Promise.all([server.stop(), relayA.stop(), relayB.stop()]);
    }
  });

  test('a client with ciaddr gets a unicast reply from the listen port', async () => {
    const { child: server } = await startServer(topo, 'server-unicast', { targets: [{ address: '0.0.0.0', port: 67 }], rawSocket: 'auto' });
    const a = await startClient(topo, topo.nsA, 'client-a-renew', 68);
    try {
      a.send({ xid: 0xc1, dst: '192.0.2.1', port: 67, ciaddr: '192.0.2.100' });
      const r = await a.waitFor(isReply(0xc1), WAIT, 'unicast reply');
      assert.deepEqual([r['from'], r['port'], r['serverId']], ['192.0.2.1', 67, '192.0.2.1']);
    } finally {
      await Promise.all([server.stop(), a.stop()]);
    }
  });

  test('%iface serves only that interface: requests on the other one go unanswered', async () => {
    const { child: server, ready } = await startServer(topo, 'server-iface', { targets: [{ address: '0.0.0.0', ifname: topo.s2, port: 67 }], rawSocket: 'auto' });
    const a = await startClient(topo, topo.nsA, 'client-a-ignored', 68);
    const b = await startClient(topo, topo.nsB, 'client-b-served', 68);
    try {
      assert.deepEqual(ready['interfaces'], [topo.s2]);
      a.send({ xid: 0xd1, dst: '255.255.255.255', port: 67 });
      b.send({ xid: 0xd2, dst: '255.255.255.255', port: 67 });
      const rb = await b.waitFor(isReply(0xd2), WAIT, 'reply on the served interface');
      assert.equal(rb['serverId'], '198.51.100.1');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(a.events.filter((e) => e.event === 'reply').length, 0);
      assert.equal(server.events.filter((e) => e.event === 'request' && e['xid'] === 0xd1).length, 0);
    } finally {
      await Promise.all([server.stop(), a.stop(), b.stop()]);
    }
  });

  test('a real client (busybox udhcpc, raw packet socket, strict checksums) completes DISCOVER/OFFER/REQUEST/ACK over the raw broadcasts', { skip: hasUdhcpc ? false : 'busybox udhcpc not installed' }, async () => {
    const { child: server } = await startServer(topo, 'server-udhcpc', { targets: [{ address: '0.0.0.0', port: 67 }], rawSocket: 'auto' });
    try {
      // -f foreground, -q quit after the lease, -n fail instead of backgrounding, -s: configure nothing.
      const proc = spawn('ip', ['netns', 'exec', topo.nsA, 'busybox', 'udhcpc', '-i', topo.cA, '-f', '-q', '-n', '-t', '3', '-T', '1', '-s', '/bin/true'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
      proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
      assert.equal(code, 0, out);
      assert.match(out, /lease of 10\.0\.0\.100 obtained from 192\.0\.2\.1/);
      const reqs = server.events.filter((e) => e.event === 'request');
      assert.ok(reqs.length >= 2, 'DISCOVER and REQUEST reached the server');
      for (const r of reqs) assert.equal((r['ingress'] as { ifname: string }).ifname, topo.s1);
    } finally {
      await server.stop();
    }
  });

  test('control: the dgram fallback warns at start, and its broadcast to client A leaves through the default route (B link)', async () => {
    const { child: server, ready } = await startServer(topo, 'server-dgram', { targets: [{ address: '0.0.0.0', port: 67 }], rawSocket: 'off' });
    const a = await startClient(topo, topo.nsA, 'client-a-dgram', 68);
    const b = await startClient(topo, topo.nsB, 'client-b-dgram', 68);
    try {
      assert.equal(ready['mode'], 'dgram');
      const warnings = server.events.filter((e) => e.event === 'log' && e['level'] === 'warn');
      assert.equal(warnings.length, 1, 'warned once');
      assert.match(String(warnings[0]!['msg']), /ONLY SINGLE-INTERFACE HOSTS ARE SERVED CORRECTLY/);

      a.send({ xid: 0xe1, dst: '255.255.255.255', port: 67 });
      const misdirected = await b.waitFor(isReply(0xe1), WAIT, "A's reply arriving on B's link");
      assert.equal(misdirected['ingressIfname'], '-', 'dgram mode cannot tell the ingress interface of a two-interface host');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(a.events.filter((e) => e.event === 'reply').length, 0, 'client A never got its reply: why raw mode exists');
    } finally {
      await Promise.all([server.stop(), a.stop(), b.stop()]);
    }
  });
});
