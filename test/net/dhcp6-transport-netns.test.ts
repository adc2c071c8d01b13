// The DHCPv6 transport on a real two-interface server, in network namespaces (root only):
//
//   client A ns                              server ns                             client B ns
//   cA (link-local) ──veth── s1 2001:db8:a::1/64        s2 2001:db8:b::1/64 ──veth── cB
//
// With the default listen the server joins ff02::1:2 on s1 and s2. Each client's SOLICIT (to
// ff02::1:2 from its link-local address) must reach the server with the right ingress interface
// and that link's address, and the reply must come back to the client through its own link.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { NetnsLab, netnsSkipReason, type JsonChild } from './netns-lab.ts';

const skip = netnsSkipReason(false);
const WAIT = 10_000;

async function linkLocalReady(ns: string, dev: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const out = spawnSync('ip', ['-n', ns, '-6', 'addr', 'show', 'dev', dev, 'scope', 'link'], { encoding: 'utf8' }).stdout ?? '';
    if (out.includes('inet6 fe80') && !out.includes('tentative')) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${ns}/${dev}: no usable link-local address after 5 s`);
}

describe('DHCPv6 transport in network namespaces', { skip, timeout: 60_000 }, () => {
  const lab = new NetnsLab();
  const pid = String(process.pid);
  const s1 = `v${pid}s1`;
  const s2 = `v${pid}s2`;
  const cA = `v${pid}ca`;
  const cB = `v${pid}cb`;
  let srv = '';
  let nsA = '';
  let nsB = '';
  let server: JsonChild;

  before(async () => {
    srv = lab.ns('srv6');
    nsA = lab.ns('a6');
    nsB = lab.ns('b6');
    for (const ns of [srv, nsA, nsB]) {
      spawnSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
    }
    lab.veth(srv, s1, '2001:db8:a::1/64', nsA, cA, '2001:db8:a::100/64');
    lab.veth(srv, s2, '2001:db8:b::1/64', nsB, cB, '2001:db8:b::100/64');
    // Every end needs its link-local address (clients send from it) before the test starts.
    for (const [ns, dev] of [[srv, s1], [srv, s2], [nsA, cA], [nsB, cB]] as const) await linkLocalReady(ns, dev);
    server = lab.node(srv, 'server', 'test/net/netns-dhcp6-server.ts', []);
    const ready = await server.waitFor((e) => e.event === 'ready' || e.event === 'error', WAIT, 'server ready');
    assert.equal(ready.event, 'ready', JSON.stringify(ready));
    assert.deepEqual([...(ready['interfaces'] as string[])].sort(), [s1, s2].sort());
  });

  after(() => lab.cleanup());

  async function solicit(ns: string, ifname: string) {
    const c = lab.node(ns, `client ${ifname}`, 'test/net/netns-dhcp6-client.ts', [ifname]);
    const r = await c.waitFor((e) => e.event === 'reply' || e.event === 'timeout', WAIT, 'reply');
    // The client exits by itself after one reply; cleanup must not write to its closed stdin.
    await c.exited;
    return r;
  }

  for (const [label, side] of [
    ['A', 0],
    ['B', 1],
  ] as const) {
    test(`client ${label}: the server sees its link and its own address there, and the reply comes back on that link`, async () => {
      const [ns, cif, sif, net] = side === 0 ? [nsA, cA, s1, '2001:db8:a::1'] : [nsB, cB, s2, '2001:db8:b::1'];
      const r = await solicit(ns, cif);
      assert.equal(r.event, 'reply', JSON.stringify(r));
      const body = r['body'] as { ifname: string; srcAddress: string; srcPort: number; server: string[] };
      assert.equal(body.ifname, sif);
      assert.match(body.srcAddress, new RegExp(`^fe80::[0-9a-f:]+%${sif}$`));
      assert.equal(body.srcPort, 546);
      assert.equal(body.server[0], net);
      assert.ok(body.server.some((a) => a.startsWith('fe80::')));
      assert.match(String(r['from']), new RegExp(`^fe80::[0-9a-f:]+%${cif}$`));
      assert.equal(r['port'], 547);
    });
  }
});
