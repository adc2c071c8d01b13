import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { formatIPv4 } from '../../src/wire/addr.ts';
import { decodeIpv4Udp, encodeIpv4Udp } from '../../src/wire/ipv4-udp.ts';
import { Writer } from '../../src/wire/writer.ts';
import { dgramIngress, isBroadcastOn, peekUdp4DstPort, pickInterfaceAddress, rawIngress } from '../../src/net/dhcp4-ingress.ts';
import { ETH0, ETH1, iface, ip } from './support.ts';

function packet(src: string, dst: string, srcPort: number, dstPort: number, payload = Uint8Array.of(1, 2, 3)): Buffer {
  const buf = Buffer.alloc(64);
  const w = new Writer(buf);
  encodeIpv4Udp(w, { src: ip(src), dst: ip(dst), srcPort, dstPort }, payload);
  return buf.subarray(0, w.length);
}

describe('peekUdp4DstPort', () => {
  test('reads the UDP destination port behind a 20-byte header', () => {
    assert.equal(peekUdp4DstPort(packet('192.0.2.100', '255.255.255.255', 68, 67)), 67);
  });
  test('honours IHL: options move the UDP header', () => {
    const plain = packet('192.0.2.100', '192.0.2.1', 68, 1067);
    const withOptions = Buffer.concat([plain.subarray(0, 20), Buffer.alloc(4), plain.subarray(20)]);
    withOptions[0] = 0x46; // version 4, IHL 6
    assert.equal(peekUdp4DstPort(withOptions), 1067);
  });
  const rejects: [string, (b: Buffer) => Buffer][] = [
    ['too short for IPv4 + UDP', (b) => b.subarray(0, 27)],
    ['not IPv4 (version 6)', (b) => (b.writeUInt8(0x65, 0), b)],
    ['not UDP (protocol 6)', (b) => (b.writeUInt8(6, 9), b)],
    ['IHL below 5', (b) => (b.writeUInt8(0x44, 0), b)],
    ['IHL past the end', (b) => (b.writeUInt8(0x4f, 0), b.subarray(0, 40))],
  ];
  for (const [name, mutate] of rejects) {
    test(`returns -1 when ${name}`, () => assert.equal(peekUdp4DstPort(mutate(packet('192.0.2.100', '192.0.2.1', 68, 67))), -1));
  }
});

describe('isBroadcastOn', () => {
  const cases: [string, boolean][] = [
    ['255.255.255.255', true],
    ['198.51.100.255', true],
    ['203.0.113.255', true],
    ['198.51.100.1', false],
    ['192.0.2.255', false],
  ];
  for (const [dst, want] of cases) test(`${dst} on eth1 (two subnets): ${want}`, () => assert.equal(isBroadcastOn(ETH1, ip(dst)), want));
  test('a /31 has no broadcast address (RFC 3021)', () => {
    assert.equal(isBroadcastOn(iface('p2p', ['192.0.2.0/31']), ip('192.0.2.1')), false);
  });
});

describe('pickInterfaceAddress', () => {
  const cases: { name: string; dst: string; src: string; preferred?: string; want: string }[] = [
    { name: 'unicast to the secondary address', dst: '203.0.113.1', src: '198.51.100.7', want: '203.0.113.1' },
    { name: 'directed broadcast of the secondary subnet', dst: '203.0.113.255', src: '0.0.0.0', want: '203.0.113.1' },
    { name: 'limited broadcast from a client in the secondary subnet', dst: '255.255.255.255', src: '203.0.113.50', want: '203.0.113.1' },
    { name: 'limited broadcast from 0.0.0.0: the listen address', dst: '255.255.255.255', src: '0.0.0.0', preferred: '203.0.113.1', want: '203.0.113.1' },
    { name: 'limited broadcast from 0.0.0.0, no listen address: the primary', dst: '255.255.255.255', src: '0.0.0.0', want: '198.51.100.1' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = pickInterfaceAddress(ETH1, ip(c.dst), ip(c.src), c.preferred === undefined ? 0 : ip(c.preferred));
      assert.equal(formatIPv4(got!.address), c.want);
    });
  }
});

describe('rawIngress', () => {
  test('a broadcast DISCOVER on eth0: our eth0 address, its prefix, broadcast true', () => {
    const d = decodeIpv4Udp(packet('0.0.0.0', '255.255.255.255', 68, 67));
    assert.deepEqual(rawIngress(ETH0, d), { ifname: 'eth0', serverAddress: ip('192.0.2.1'), serverPrefix: 24, srcAddress: 0, srcPort: 68, broadcast: true });
  });
  test('a relay unicasting to our eth0 address but arriving on eth1 keeps the address it chose', () => {
    const d = decodeIpv4Udp(packet('198.51.100.9', '192.0.2.1', 67, 67));
    assert.deepEqual(rawIngress(ETH1, d, 0, [ETH0, ETH1]), {
      ifname: 'eth1',
      serverAddress: ip('192.0.2.1'),
      serverPrefix: 24,
      srcAddress: ip('198.51.100.9'),
      srcPort: 67,
      broadcast: false,
    });
  });
});

describe('dgramIngress', () => {
  test('one interface served: its name and address', () => {
    assert.deepEqual(dgramIngress({ address: 0, interfaces: [ETH0] }, ip('192.0.2.100'), 68), {
      ifname: 'eth0',
      serverAddress: ip('192.0.2.1'),
      serverPrefix: 24,
      srcAddress: ip('192.0.2.100'),
      srcPort: 68,
      broadcast: false,
    });
  });
  test('several interfaces: no name; the address of the subnet the source is in', () => {
    const g = dgramIngress({ address: 0, interfaces: [ETH0, ETH1] }, ip('203.0.113.40'), 68);
    assert.deepEqual([g.ifname, formatIPv4(g.serverAddress), g.serverPrefix], ['', '203.0.113.1', 24]);
  });
  test('several interfaces and a source in none of them: the first interface (a guess)', () => {
    const g = dgramIngress({ address: 0, interfaces: [ETH1, ETH0] }, 0, 68);
    assert.deepEqual([g.ifname, formatIPv4(g.serverAddress), g.broadcast], ['', '198.51.100.1', true]);
  });
  test('a socket bound to an address reports that address', () => {
    const g = dgramIngress({ address: ip('127.0.0.1'), interfaces: [] }, ip('127.0.0.1'), 40000);
    assert.deepEqual([g.ifname, formatIPv4(g.serverAddress), g.srcPort], ['', '127.0.0.1', 40000]);
  });
});
