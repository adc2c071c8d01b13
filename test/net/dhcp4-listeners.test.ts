import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIPv4 } from '../../src/wire/addr.ts';
import { formatListenTarget, planDhcp4Listeners, type Dhcp4ListenTarget } from '../../src/net/dhcp4-listeners.ts';
import { ETH0, ETH1, LO, ip } from './support.ts';

const all = [LO, ETH0, ETH1];

/** `bind address:port [interfaces] loopback?` per planned socket, for compact expectations. */
function summary(targets: Dhcp4ListenTarget[]): string[] | string {
  const r = planDhcp4Listeners(targets, all);
  if (!r.ok) return r.error;
  return r.listeners.map((l) => `${formatIPv4(l.bindAddress)}:${l.port} [${l.interfaces.map((i) => i.name).join(',')}]${l.loopback ? ' loopback' : ''}`);
}

describe('planDhcp4Listeners', () => {
  const cases: { name: string; targets: Dhcp4ListenTarget[]; want: string[] | RegExp }[] = [
    { name: 'default listen: one socket on 0.0.0.0:67 for every non-loopback interface', targets: [{ address: 0, port: 67 }], want: ['0.0.0.0:67 [eth0,eth1]'] },
    { name: '%eth1: bound to 0.0.0.0, serving eth1 only', targets: [{ address: 0, ifname: 'eth1', port: 67 }], want: ['0.0.0.0:67 [eth1]'] },
    {
      name: '%eth0 and %eth1 on one port share the socket',
      targets: [
        { address: 0, ifname: 'eth0', port: 67 },
        { address: 0, ifname: 'eth1', port: 67 },
      ],
      want: ['0.0.0.0:67 [eth0,eth1]'],
    },
    {
      name: 'two addresses on one port: a socket each',
      targets: [
        { address: ip('192.0.2.1'), port: 67 },
        { address: ip('198.51.100.1'), port: 67 },
      ],
      want: ['192.0.2.1:67 [eth0]', '198.51.100.1:67 [eth1]'],
    },
    {
      name: 'an address and a wildcard on one port: the wildcard socket takes both',
      targets: [
        { address: ip('192.0.2.1'), port: 67 },
        { address: 0, ifname: 'eth1', port: 67 },
      ],
      want: ['0.0.0.0:67 [eth0,eth1]'],
    },
    { name: '127.0.0.1: loopback mode on that address', targets: [{ address: ip('127.0.0.1'), port: 6767 }], want: ['127.0.0.1:6767 [lo] loopback'] },
    { name: '%lo: loopback mode on lo address', targets: [{ address: 0, ifname: 'lo', port: 6767 }], want: ['127.0.0.1:6767 [lo] loopback'] },
    {
      name: 'port 0 targets never share (each gets its own kernel-chosen port)',
      targets: [
        { address: ip('127.0.0.1'), port: 0 },
        { address: ip('127.0.0.1'), port: 0 },
      ],
      want: ['127.0.0.1:0 [lo] loopback', '127.0.0.1:0 [lo] loopback'],
    },
    { name: 'an unknown interface stops the start', targets: [{ address: 0, ifname: 'eth7', port: 67 }], want: /^listen %eth7:67: interface 'eth7' not found/ },
    { name: 'a foreign address stops the start', targets: [{ address: ip('10.9.9.9'), port: 67 }], want: /^listen 10\.9\.9\.9:67: no interface has the address/ },
    { name: 'no target at all', targets: [], want: /no listen address/ },
    { name: 'a port out of range', targets: [{ address: 0, port: 70000 }], want: /invalid port/ },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = summary(c.targets);
      if (c.want instanceof RegExp) assert.match(String(got), c.want);
      else assert.deepEqual(got, c.want);
    });
  }

  test('each cover keeps its own target and interfaces, for per-interface address filters', () => {
    const r = planDhcp4Listeners(
      [
        { address: ip('192.0.2.1'), port: 67 },
        { address: 0, ifname: 'eth1', port: 67 },
      ],
      all,
    );
    assert.ok(r.ok);
    assert.deepEqual(
      r.listeners[0]!.covers.map((c) => [formatListenTarget(c.target), c.interfaces.map((i) => i.name)]),
      [
        ['192.0.2.1:67', ['eth0']],
        ['%eth1:67', ['eth1']],
      ],
    );
  });
});

describe('formatListenTarget', () => {
  test('prints the [addr][%iface]:port forms of the config', () => {
    assert.equal(formatListenTarget({ address: 0, port: 67 }), '0.0.0.0:67');
    assert.equal(formatListenTarget({ address: 0, ifname: 'eth0', port: 67 }), '%eth0:67');
    assert.equal(formatListenTarget({ address: ip('192.0.2.1'), ifname: 'eth0', port: 1067 }), '192.0.2.1%eth0:1067');
  });
});
