// Which addresses the TFTP server binds, and the MTU behind each (for the blksize clamp).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { interfaceOfAddress6, isUnspecified6, listensOn6, mtuOfAddress, planTftpListeners, planTftpListeners6 } from '../../src/net/tftp-listeners.ts';
import type { Ipv6Interface } from '../../src/net/dhcp6-interfaces.ts';
import { parseIPv6 } from '../../src/wire/addr.ts';
import { ETH0, ETH1, iface, LO } from './support.ts';

const DOWN = iface('eth2', ['10.9.9.9/24'], { up: false });

describe('planTftpListeners', () => {
  const cases: { name: string; host: string; want: string[] | RegExp }[] = [
    { name: 'a specific address is bound as it is', host: '192.0.2.1', want: ['192.0.2.1'] },
    { name: 'loopback', host: '127.0.0.1', want: ['127.0.0.1'] },
    { name: 'an address no interface has (bind reports it)', host: '203.0.113.77', want: ['203.0.113.77'] },
    { name: '0.0.0.0 binds every address of every up interface, loopback included', host: '0.0.0.0', want: ['127.0.0.1', '192.0.2.1', '198.51.100.1', '203.0.113.1'] },
    { name: 'IPv6 is not an IPv4 listen address: it has its own plan', host: '::', want: /IPv4 addresses only; IPv6 ones are listened on beside it/ },
    { name: 'a name is not an address', host: 'tftp.example', want: /not an IPv4 address/ },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.host}`, () => {
      const plan = planTftpListeners(c.host, [LO, ETH0, ETH1, DOWN]);
      if (c.want instanceof RegExp) {
        assert.ok(!plan.ok);
        assert.match(plan.error, c.want);
      } else {
        assert.ok(plan.ok);
        assert.deepEqual(plan.addresses, c.want);
      }
    });
  }

  test('0.0.0.0 with no interface up is an error', () => {
    const plan = planTftpListeners('0.0.0.0', [DOWN]);
    assert.ok(!plan.ok);
    assert.match(plan.error, /no interface/);
  });
});

describe('mtuOfAddress', () => {
  const cases: { address: string; want: number | undefined }[] = [
    { address: '192.0.2.1', want: 1500 },
    { address: '203.0.113.1', want: 1500 },
    { address: '127.0.0.1', want: 65536 },
    { address: '127.0.0.53', want: 65536 }, // all of 127/8 is on lo
    { address: '198.18.0.1', want: undefined },
    { address: 'bogus', want: undefined },
  ];
  for (const c of cases) {
    test(`${c.address}: ${c.want ?? 'unknown'}`, () => {
      assert.equal(mtuOfAddress([LO, ETH0, iface('eth1', ['198.51.100.1/24', '203.0.113.1/24'], { mtu: 1500 })], c.address), c.want);
    });
  }

  test('a jumbo interface reports its MTU', () => {
    assert.equal(mtuOfAddress([iface('ib0', ['10.1.0.1/16'], { mtu: 9000 })], '10.1.0.1'), 9000);
  });
});

const addr6 = (text: string, prefix = 64) => ({ address: parseIPv6(text)!, text, prefix, linkLocal: text.startsWith('fe80') });
const if6 = (name: string, addresses: string[], extra: Partial<Ipv6Interface> = {}): Ipv6Interface => ({
  name,
  loopback: false,
  up: true,
  multicast: true,
  enslaved: false,
  mac: undefined,
  // As readIpv6Interfaces lists them: global and ULA first, then link-local.
  addresses: addresses.map((a) => addr6(a)),
  ...extra,
});
const IFS6: Ipv6Interface[] = [
  if6('lo', ['::1'], { loopback: true, multicast: false }),
  if6('eth0', ['2001:db8:1::1', 'fd00:1::1', 'fe80::1']),
  if6('eth1', ['fe80::1']), // the same link-local address on another link: a different socket
  if6('eth2', ['2001:db8:2::1', 'fe80::2'], { up: false }),
  if6('swp0', ['fe80::4'], { enslaved: true }),
  if6('eth3', []), // up, no address yet (no carrier)
];

describe('planTftpListeners6', () => {
  const cases: { name: string; host: string; want: string[] | RegExp }[] = [
    {
      name: ':: binds every address of every up interface: global and ULA as they are, link-local with its zone, ::1 too; not a bridge port',
      host: '::',
      want: ['::1', '2001:db8:1::1', 'fd00:1::1', 'fe80::1%eth0', 'fe80::1%eth1'],
    },
    { name: 'any spelling of the unspecified address', host: '0:0::0', want: ['::1', '2001:db8:1::1', 'fd00:1::1', 'fe80::1%eth0', 'fe80::1%eth1'] },
    { name: 'a global address is bound as it is, in RFC 5952 form', host: '2001:DB8:1:0:0:0:0:1', want: ['2001:db8:1::1'] },
    { name: 'loopback', host: '::1', want: ['::1'] },
    { name: 'a link-local address with its zone', host: 'fe80::1%eth1', want: ['fe80::1%eth1'] },
    { name: 'a link-local address without a zone names no link (RFC 4007)', host: 'fe80::1', want: /link-local: name its interface \('fe80::1%eth0'/ },
    { name: 'an IPv4 address is not IPv6', host: '0.0.0.0', want: /not an IPv6 address/ },
    { name: 'a name is not an address', host: 'tftp.example', want: /not an IPv6 address/ },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.host}`, () => {
      const plan = planTftpListeners6(c.host, IFS6);
      if (c.want instanceof RegExp) {
        assert.ok(!plan.ok);
        assert.match(plan.error, c.want);
      } else {
        assert.ok(plan.ok, plan.ok ? '' : plan.error);
        assert.deepEqual(plan.addresses, c.want);
      }
    });
  }

  test(':: with no interface up holding an address is an error', () => {
    const plan = planTftpListeners6('::', [IFS6[3]!, IFS6[4]!, IFS6[5]!]);
    assert.ok(!plan.ok);
    assert.match(plan.error, /no interface that is up has an IPv6 address/);
  });

  test('isUnspecified6', () => {
    assert.deepEqual(
      ['::', '0::0', '::1', '::%eth0', '0.0.0.0', ''].map((h) => isUnspecified6(h)),
      [true, true, false, false, false, false],
    );
  });
});

describe('interfaceOfAddress6: the link behind a listening address (for its MTU)', () => {
  const cases: { address: string; want: string | undefined }[] = [
    { address: 'fe80::1%eth1', want: 'eth1' },
    { address: 'fe80::1%eth0', want: 'eth0' },
    { address: '2001:db8:1::1', want: 'eth0' },
    { address: '2001:0db8:0001::0001', want: 'eth0' },
    { address: '::1', want: 'lo' },
    { address: 'fe80::1%eth9', want: undefined },
    { address: '2001:db8:9::1', want: undefined },
    { address: '192.0.2.1', want: undefined },
  ];
  for (const c of cases) test(`${c.address}: ${c.want ?? 'none'}`, () => assert.equal(interfaceOfAddress6(IFS6, c.address), c.want));
});

describe('listensOn6: may a DHCPv6 boot URL on this link name this address?', () => {
  const bound = new Set(['2001:db8:1::1', 'fe80::1%eth0']);
  const cases: { address: string; ifname: string; want: boolean }[] = [
    { address: '2001:db8:1::1', ifname: 'eth0', want: true },
    { address: '2001:db8:1::1', ifname: 'eth1', want: true }, // a global address is not tied to a link
    { address: 'fe80::1', ifname: 'eth0', want: true },
    { address: 'fe80::1', ifname: 'eth1', want: false }, // the same text on another link is another socket
    { address: 'fd00:1::1', ifname: 'eth0', want: false }, // not bound (added after start, say)
    { address: 'bogus', ifname: 'eth0', want: false },
  ];
  for (const c of cases) test(`${c.address} on ${c.ifname}: ${c.want}`, () => assert.equal(listensOn6(bound, c.address, c.ifname), c.want));
});
