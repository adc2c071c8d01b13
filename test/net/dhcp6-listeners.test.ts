// Which sockets and multicast memberships a DHCPv6 listen list becomes (src/net/dhcp6-listeners.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { planDhcp6Listeners, type Dhcp6ListenTarget } from '../../src/net/dhcp6-listeners.ts';
import type { Ipv6Interface } from '../../src/net/dhcp6-interfaces.ts';
import { parseIPv6 } from '../../src/wire/addr.ts';

const addr = (text: string, prefix = 64) => ({ address: parseIPv6(text)!, text, prefix, linkLocal: text.startsWith('fe80') });
const IFS: Ipv6Interface[] = [
  { name: 'lo', loopback: true, up: true, multicast: false, enslaved: false, mac: undefined, addresses: [addr('::1', 128)] },
  { name: 'eth0', loopback: false, up: true, multicast: true, enslaved: false, mac: '52:54:00:00:00:01', addresses: [addr('2001:db8:1::1'), addr('fe80::1')] },
  { name: 'eth1', loopback: false, up: true, multicast: true, enslaved: false, mac: '52:54:00:00:00:02', addresses: [addr('fe80::2')] },
  { name: 'eth2', loopback: false, up: false, multicast: true, enslaved: false, mac: undefined, addresses: [addr('fe80::3')] },
  { name: 'swp0', loopback: false, up: true, multicast: true, enslaved: true, mac: undefined, addresses: [addr('fe80::4')] },
];
const ANY = new Uint8Array(16);
const t = (address: string, ifname?: string, port = 547): Dhcp6ListenTarget => ({ address: parseIPv6(address)!, port, ...(ifname === undefined ? {} : { ifname }) });

describe('planDhcp6Listeners', () => {
  test('default: one wildcard socket, both groups on every up multicast interface (not loopback, down or bridge ports)', () => {
    const p = planDhcp6Listeners([{ address: ANY, port: 547, isDefault: true }], IFS);
    assert.deepEqual(p, {
      ok: true,
      sockets: [
        {
          bindAddress: '::',
          port: 547,
          memberships: [
            { group: 'ff02::1:2', ifname: 'eth0', required: false },
            { group: 'ff02::1:2', ifname: 'eth1', required: false },
            { group: 'ff05::1:3', ifname: 'eth0', required: false },
            { group: 'ff05::1:3', ifname: 'eth1', required: false },
          ],
          interfaces: ['eth0', 'eth1'],
          reuseAddr: false,
        },
      ],
    });
  });

  test('"%eth1" and "[ff02::1:2%eth0]" share one socket', () => {
    const p = planDhcp6Listeners([t('::', 'eth1'), t('ff02::1:2', 'eth0')], IFS);
    assert.ok(p.ok);
    assert.equal(p.sockets.length, 1);
    assert.deepEqual(p.sockets[0]?.memberships, [
      { group: 'ff02::1:2', ifname: 'eth1', required: true },
      { group: 'ff05::1:3', ifname: 'eth1', required: true },
      { group: 'ff02::1:2', ifname: 'eth0', required: true },
    ]);
    assert.deepEqual(p.sockets[0]?.interfaces, ['eth1', 'eth0']);
  });

  test('"[::]" joins nothing and serves any interface (as coredhcp)', () => {
    assert.deepEqual(planDhcp6Listeners([t('::')], IFS), { ok: true, sockets: [{ bindAddress: '::', port: 547, memberships: [], interfaces: undefined, reuseAddr: false }] });
  });

  test('"[ff02::1:2]" without an interface: every multicast interface', () => {
    const p = planDhcp6Listeners([t('ff02::1:2')], IFS);
    assert.ok(p.ok);
    assert.deepEqual(p.sockets[0]?.interfaces, ['eth0', 'eth1']);
  });

  test('unicast addresses bind themselves; a link-local one with its zone; wildcard on the same port shares it', () => {
    const p = planDhcp6Listeners([t('2001:db8:1::1'), t('fe80::2', 'eth1', 1547), t('::', 'eth0')], IFS);
    assert.ok(p.ok);
    assert.deepEqual(
      p.sockets.map((s) => [s.bindAddress, s.port, s.interfaces, s.reuseAddr]),
      [
        ['::', 547, ['eth0'], true],
        ['2001:db8:1::1', 547, undefined, true],
        ['fe80::2%eth1', 1547, ['eth1'], false],
      ],
    );
  });

  test('errors: unknown interface, address not ours, nothing multicast-capable', () => {
    assert.deepEqual(planDhcp6Listeners([t('::', 'eth9')], IFS), { ok: false, error: "interface 'eth9' not found or has no IPv6 address" });
    assert.deepEqual(planDhcp6Listeners([t('2001:db8::99')], IFS), { ok: false, error: 'no interface has the address 2001:db8::99' });
    assert.deepEqual(planDhcp6Listeners([t('2001:db8:1::1', 'eth1')], IFS), { ok: false, error: "interface 'eth1' has no address 2001:db8:1::1" });
    assert.equal(planDhcp6Listeners([{ address: ANY, port: 547, isDefault: true }], [IFS[0]!]).ok, false);
  });
});
