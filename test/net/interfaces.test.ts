import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type os from 'node:os';
import {
  directedBroadcast,
  isLoopbackAddress,
  readIpv4Interfaces,
  parseIpAddrJson,
  selectInterfaces,
  type InterfaceSource,
  type Ipv4Interface,
} from '../../src/net/interfaces.ts';
import { ETH0, LO, iface, ip } from './support.ts';


function info(address: string, netmask: string, family: 'IPv4' | 'IPv6' = 'IPv4', internal = false): os.NetworkInterfaceInfo {
  const base = { address, netmask, mac: '02:00:00:00:00:01', internal, cidr: null };
  return family === 'IPv4' ? { ...base, family } : { ...base, family, scopeid: 0 };
}

function source(ifaces: Record<string, os.NetworkInterfaceInfo[]>, sys: Record<string, string> = {}): InterfaceSource {
  return {
    networkInterfaces: () => ifaces,
    readSysNet: (name, attr) => sys[`${name}/${attr}`],
  };
}

describe('readIpv4Interfaces', () => {
  test('lists IPv4 addresses per device with prefix, broadcast, MTU and the IFF_UP flag', () => {
    const list = readIpv4Interfaces(
      source(
        {
          lo: [info('127.0.0.1', '255.0.0.0', 'IPv4', true), info('::1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'IPv6', true)],
          eth0: [info('192.0.2.1', '255.255.255.0'), info('fe80::1', 'ffff:ffff:ffff:ffff::', 'IPv6')],
          eth1: [info('198.51.100.1', '255.255.255.128')],
        },
        { 'eth0/mtu': '9000', 'eth0/flags': '0x1003', 'eth1/mtu': '1500', 'eth1/flags': '0x1002', 'lo/flags': '0x9' },
      ),
    );
    assert.deepEqual(list, [
      { name: 'lo', loopback: true, up: true, mtu: undefined, addresses: [{ address: ip('127.0.0.1'), prefix: 8, broadcast: ip('127.255.255.255') }] },
      { name: 'eth0', loopback: false, up: true, mtu: 9000, addresses: [{ address: ip('192.0.2.1'), prefix: 24, broadcast: ip('192.0.2.255') }] },
      { name: 'eth1', loopback: false, up: false, mtu: 1500, addresses: [{ address: ip('198.51.100.1'), prefix: 25, broadcast: ip('198.51.100.127') }] },
    ]);
  });

  test('folds labelled addresses (eth0:1) into their device, primary address first', () => {
    const list = readIpv4Interfaces(source({ eth0: [info('192.0.2.1', '255.255.255.0')], 'eth0:1': [info('203.0.113.5', '255.255.255.0')] }));
    assert.equal(list.length, 1);
    assert.equal(list[0]!.name, 'eth0');
    assert.deepEqual(
      list[0]!.addresses.map((a) => a.address),
      [ip('192.0.2.1'), ip('203.0.113.5')],
    );
  });

  test('leaves out interfaces with IPv6 only, and assumes up when sysfs cannot be read', () => {
    const list = readIpv4Interfaces(source({ v6only: [info('2001:db8::1', 'ffff:ffff:ffff:ffff::', 'IPv6')], eth0: [info('192.0.2.1', '255.255.255.0')] }));
    assert.deepEqual(
      list.map((i) => [i.name, i.up, i.mtu]),
      [['eth0', true, undefined]],
    );
  });

  test('reads the real host without throwing and finds a loopback interface', () => {
    const list = readIpv4Interfaces();
    assert.ok(list.some((i) => i.loopback && i.addresses.some((a) => isLoopbackAddress(a.address))));
  });
});

describe('directedBroadcast and isLoopbackAddress', () => {
  const cases: [string, number, string][] = [
    ['192.0.2.1', 24, '192.0.2.255'],
    ['10.1.2.3', 8, '10.255.255.255'],
    ['198.51.100.1', 32, '198.51.100.1'],
    ['0.0.0.0', 0, '255.255.255.255'],
  ];
  for (const [addr, prefix, want] of cases) {
    test(`${addr}/${prefix} broadcasts to ${want}`, () => assert.equal(directedBroadcast(ip(addr), prefix), ip(want)));
  }
  test('127.0.0.0/8 is loopback, 128.0.0.1 is not', () => {
    assert.equal(isLoopbackAddress(ip('127.0.0.1')), true);
    assert.equal(isLoopbackAddress(ip('127.255.0.9')), true);
    assert.equal(isLoopbackAddress(ip('128.0.0.1')), false);
  });
});

describe('selectInterfaces', () => {
  const all: Ipv4Interface[] = [LO, ETH0, iface('eth1', ['198.51.100.1/24']), iface('eth2', ['203.0.113.1/24'], { up: false })];
  const cases: { name: string; sel: { address: number; ifname?: string }; want: string[] | RegExp }[] = [
    { name: 'no address, no interface: every up, non-loopback interface', sel: { address: 0 }, want: ['eth0', 'eth1'] },
    { name: '%eth1: that interface', sel: { address: 0, ifname: 'eth1' }, want: ['eth1'] },
    { name: '%eth2: a down interface named explicitly is still served', sel: { address: 0, ifname: 'eth2' }, want: ['eth2'] },
    { name: 'an address: the interface holding it', sel: { address: ip('198.51.100.1') }, want: ['eth1'] },
    { name: 'address%iface that agree', sel: { address: ip('192.0.2.1'), ifname: 'eth0' }, want: ['eth0'] },
    { name: '127.0.0.1: the loopback interface', sel: { address: ip('127.0.0.1') }, want: ['lo'] },
    { name: '127.0.0.2: lo serves all of 127/8', sel: { address: ip('127.0.0.2') }, want: ['lo'] },
    { name: 'unknown interface', sel: { address: 0, ifname: 'eth9' }, want: /interface 'eth9' not found/ },
    { name: 'address not on the named interface', sel: { address: ip('192.0.2.1'), ifname: 'eth1' }, want: /'eth1' has no address 192\.0\.2\.1/ },
    { name: 'address on no interface', sel: { address: ip('192.0.2.99') }, want: /no interface has the address 192\.0\.2\.99/ },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = selectInterfaces(all, c.sel);
      if (c.want instanceof RegExp) {
        assert.equal(r.ok, false);
        if (!r.ok) assert.match(r.error, c.want);
      } else {
        assert.ok(r.ok, r.ok ? '' : r.error);
        assert.deepEqual(
          r.interfaces.map((i) => i.name),
          c.want,
        );
      }
    });
  }
  test('no up, non-loopback interface is an error for the default target', () => {
    const r = selectInterfaces([all[0]!, all[3]!], { address: 0 });
    assert.deepEqual(r, { ok: false, error: 'no IPv4 interface other than loopback is up' });
  });
});

describe('parseIpAddrJson (interfaces without carrier are listed too)', () => {
  test('turns ip -j -4 addr output into interface entries, labels and loopback included', () => {
    const text = JSON.stringify([
      { ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], address: '00:00:00:00:00:00', addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8, label: 'lo' }] },
      { ifname: 'br0', flags: ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'], address: '02:00:00:00:00:01', addr_info: [{ family: 'inet', local: '172.16.0.253', prefixlen: 24, label: 'br0' }, { family: 'inet', local: '10.9.0.1', prefixlen: 16, label: 'br0:1' }] },
      { ifname: 'eth9', flags: ['UP'], addr_info: [] },
    ]);
    const dict = parseIpAddrJson(text)!;
    assert.deepEqual(Object.keys(dict), ['lo', 'br0', 'br0:1']);
    assert.equal(dict['br0']?.[0]?.netmask, '255.255.255.0');
    assert.equal(dict['lo']?.[0]?.internal, true);
    const ifaces = readIpv4Interfaces({ networkInterfaces: () => dict, readSysNet: () => undefined });
    assert.deepEqual(
      ifaces.map((i) => [i.name, i.addresses.map((a) => a.prefix)]),
      [
        ['lo', [8]],
        ['br0', [24, 16]],
      ],
    );
  });

  test('anything that is not ip -j output is refused', () => {
    assert.equal(parseIpAddrJson('not json'), undefined);
    assert.equal(parseIpAddrJson('{}'), undefined);
  });
});
