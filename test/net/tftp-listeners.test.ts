// Which addresses the TFTP server binds, and the MTU behind each (for the blksize clamp).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mtuOfAddress, planTftpListeners } from '../../src/net/tftp-listeners.ts';
import { ETH0, ETH1, iface, LO } from './support.ts';

const DOWN = iface('eth2', ['10.9.9.9/24'], { up: false });

describe('planTftpListeners', () => {
  const cases: { name: string; host: string; want: string[] | RegExp }[] = [
    { name: 'a specific address is bound as it is', host: '192.0.2.1', want: ['192.0.2.1'] },
    { name: 'loopback', host: '127.0.0.1', want: ['127.0.0.1'] },
    { name: 'an address no interface has (bind reports it)', host: '203.0.113.77', want: ['203.0.113.77'] },
    { name: '0.0.0.0 binds every address of every up interface, loopback included', host: '0.0.0.0', want: ['127.0.0.1', '192.0.2.1', '198.51.100.1', '203.0.113.1'] },
    { name: 'IPv6 is refused with a clear message', host: '::', want: /IPv4 addresses only/ },
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
