import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { macFromEui64, macFromLinkLayerAddress } from '../../../src/dhcp/v6/link-layer.ts';
import { parseIPv6 } from '../../../src/wire/addr.ts';

describe('macFromEui64', () => {
  const cases: ReadonlyArray<{ addr: string; mac: string | undefined; why: string }> = [
    { addr: 'fe80::5054:ff:fed6:1', mac: '52:54:00:d6:00:01', why: 'dhclient in the capture netns: U/L bit flipped back (0x50 → 0x52)' },
    { addr: 'fe80::200:ff:fe00:1', mac: '00:00:00:00:00:01', why: 'a universal MAC 00:00:00:00:00:01 has the U/L bit set in its IID (02…)' },
    { addr: '2001:db8:1::5054:ff:fed6:1', mac: '52:54:00:d6:00:01', why: 'the prefix is not looked at (coresmd applies it to any peer-address)' },
    { addr: 'fe80::5054:ff:fdd6:1', mac: undefined, why: 'byte 12 is not fe' },
    { addr: 'fe80::1', mac: undefined, why: 'no ff:fe' },
    { addr: '2001:db8::a1b2:c3d4:e5f6:789', mac: undefined, why: 'a privacy address' },
  ];
  for (const c of cases) {
    test(`${c.addr} → ${c.mac ?? 'none'} (${c.why})`, () => assert.equal(macFromEui64(parseIPv6(c.addr)!), c.mac));
  }
  test('anything but 16 bytes is no address', () => assert.equal(macFromEui64(new Uint8Array(8)), undefined));
});

describe('macFromLinkLayerAddress', () => {
  test('Ethernet with 6 bytes is a MAC', () => {
    assert.equal(macFromLinkLayerAddress({ linkLayerType: 1, address: Uint8Array.of(0x52, 0x54, 0, 0xd6, 0, 0x21) }), '52:54:00:d6:00:21');
  });
  test('another hardware type or length is not', () => {
    assert.equal(macFromLinkLayerAddress({ linkLayerType: 32, address: Uint8Array.of(0x52, 0x54, 0, 0xd6, 0, 0x21) }), undefined);
    assert.equal(macFromLinkLayerAddress({ linkLayerType: 1, address: Uint8Array.of(1, 2, 3) }), undefined);
  });
});
