// The IPv6 interface snapshot for DHCPv6 (src/net/dhcp6-interfaces.ts) and which interface a
// source address arrived on.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type os from 'node:os';
import { interfaceOfSource, readIpv6Interfaces, type Ipv6Interface, type Ipv6InterfaceSource } from '../../src/net/dhcp6-interfaces.ts';
import { parseIPv6 } from '../../src/wire/addr.ts';

function info(address: string, netmask: string, mac = '52:54:00:aa:bb:01', internal = false): os.NetworkInterfaceInfo {
  return address.includes(':')
    ? { address, netmask, mac, internal, cidr: null, family: 'IPv6', scopeid: 0 }
    : { address, netmask, mac, internal, cidr: null, family: 'IPv4' };
}

function source(
  ifaces: Record<string, os.NetworkInterfaceInfo[]>,
  sys: Record<string, string> = {},
  extra: { devices?: string[]; enslaved?: string[]; disabled?: string[] } = {},
): Ipv6InterfaceSource {
  return {
    networkInterfaces: () => ifaces,
    devices: () => extra.devices,
    readSysNet: (name, attr) => sys[`${name}/${attr}`],
    enslaved: (name) => extra.enslaved?.includes(name) === true,
    ipv6Disabled: (name) => extra.disabled?.includes(name) === true,
  };
}

const addr = (text: string, prefix: number) => ({ address: parseIPv6(text)!, text, prefix, linkLocal: text.startsWith('fe80') });

describe('readIpv6Interfaces', () => {
  test('addresses (global first) with prefixes, MAC, up, multicast, loopback, bridge ports', () => {
    const list = readIpv6Interfaces(
      source(
        {
          lo: [info('127.0.0.1', '255.0.0.0', '00:00:00:00:00:00', true), info('::1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '00:00:00:00:00:00', true)],
          eth0: [info('192.0.2.1', '255.255.255.0'), info('fe80::5054:ff:feaa:bb01', 'ffff:ffff:ffff:ffff::'), info('2001:db8:1::1', 'ffff:ffff:ffff:ffff::')],
          eth1: [info('10.0.0.1', '255.0.0.0', '52:54:00:aa:bb:02')],
          swp1: [info('fe80::1', 'ffff:ffff:ffff:ffff::', '52:54:00:aa:bb:03')],
          tun0: [info('2001:db8:9::1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0', '00:00:00:00:00:00')],
        },
        { 'lo/flags': '0x9', 'eth0/flags': '0x1003', 'swp1/flags': '0x1003', 'tun0/flags': '0x00d1' },
        { enslaved: ['swp1'] },
      ),
    );
    assert.deepEqual(list, [
      { name: 'lo', loopback: true, up: true, multicast: false, enslaved: false, mac: undefined, addresses: [addr('::1', 128)] },
      { name: 'eth0', loopback: false, up: true, multicast: true, enslaved: false, mac: '52:54:00:aa:bb:01', addresses: [addr('2001:db8:1::1', 64), addr('fe80::5054:ff:feaa:bb01', 64)] },
      { name: 'swp1', loopback: false, up: true, multicast: true, enslaved: true, mac: '52:54:00:aa:bb:03', addresses: [addr('fe80::1', 64)] },
      { name: 'tun0', loopback: false, up: true, multicast: false, enslaved: false, mac: undefined, addresses: [addr('2001:db8:9::1', 124)] },
    ]);
  });

  test('devices without carrier (not in getifaddrs) are listed without addresses, unless IPv6 is off there', () => {
    const list = readIpv6Interfaces(
      source({ eth0: [info('fe80::1', 'ffff:ffff:ffff:ffff::')] }, { 'eth1/flags': '0x1003', 'eth1/address': '52:54:00:AA:BB:0C', 'eth2/flags': '0x1003' }, { devices: ['eth0', 'eth1', 'eth2'], disabled: ['eth2'] }),
    );
    assert.deepEqual(
      list.map((i) => [i.name, i.up, i.multicast, i.mac, i.addresses.length]),
      [
        ['eth0', true, true, '52:54:00:aa:bb:01', 1],
        ['eth1', true, true, '52:54:00:aa:bb:0c', 0],
      ],
    );
  });

  test('an interface getifaddrs lists with IPv4 only is left out', () => {
    assert.deepEqual(readIpv6Interfaces(source({ eth0: [info('192.0.2.1', '255.255.255.0')] })), []);
  });

  test('without sysfs: up, multicast unless loopback', () => {
    const [eth] = readIpv6Interfaces(source({ eth0: [info('fe80::1%eth0', 'ffff:ffff:ffff:ffff::')] }));
    assert.equal(eth?.up, true);
    assert.equal(eth?.multicast, true);
    assert.equal(eth?.addresses[0]?.text, 'fe80::1');
  });
});

describe('interfaceOfSource', () => {
  const all: Ipv6Interface[] = [
    { name: 'eth0', loopback: false, up: true, multicast: true, enslaved: false, mac: undefined, addresses: [addr('2001:db8:1::1', 64), addr('fe80::1', 64)] },
    { name: 'up0', loopback: false, up: true, multicast: true, enslaved: false, mac: undefined, addresses: [addr('2001:db8::1', 32)] },
    { name: 'up1', loopback: false, up: true, multicast: true, enslaved: false, mac: undefined, addresses: [addr('2001:db8:ff::1', 64)] },
  ];
  test('a link-local source names its interface by zone', () => {
    assert.equal(interfaceOfSource(all, 'fe80::5054:ff:fed6:1%eth0')?.name, 'eth0');
    assert.equal(interfaceOfSource(all, 'fe80::5054:ff:fed6:1%gone'), undefined);
    assert.equal(interfaceOfSource(all, 'fe80::5054:ff:fed6:1'), undefined);
  });
  test('a global source: the longest on-link prefix holding it', () => {
    assert.equal(interfaceOfSource(all, '2001:db8:ff::2')?.name, 'up1');
    assert.equal(interfaceOfSource(all, '2001:db8:7::2')?.name, 'up0');
    assert.equal(interfaceOfSource(all, '2001:db9::2'), undefined);
  });
});
