import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IpxeOpt } from '../../../src/dhcp/v4/constants.ts';
import { MAX_IPXE_SUBOPTIONS, decodeIpxeOptions } from '../../../src/dhcp/v4/ipxe.ts';
import { WireErrorCode } from '../../../src/wire/errors.ts';
import { parseAnnotatedHex } from '../../support/hex.ts';
import { wireErrorOf } from './support.ts';

describe('decodeIpxeOptions (option 175)', () => {
  test('the option 175 of the captured iPXE DISCOVER', () => {
    const v = parseAnnotatedHex(`
      b1 05 01 80 86 10 0e  ; bus id: PCI 8086:100e
      eb 03 01 00 00        ; version 1.0.0
      17 01 01  22 01 01  13 01 01  11 01 01  27 01 01  19 01 01  ; DNS ELF HTTP iSCSI menu multiboot
      29 01 01  10 01 02  21 01 01  15 01 01  18 01 01  12 01 01  ; NFS PXE-ext(v2) PXE TFTP bzImage AoE
    `);
    const x = decodeIpxeOptions(v, 0, v.length);
    assert.deepEqual(x.busId, { type: 1, vendor: 0x8086, device: 0x100e });
    assert.deepEqual(x.version, { major: 1, minor: 0, patch: 0 });
    assert.deepEqual(x.features, [0x17, 0x22, 0x13, 0x11, 0x27, 0x19, 0x29, 0x10, 0x21, 0x15, 0x18, 0x12]);
    assert.ok(x.features.includes(IpxeOpt.FeatureHttp));
    assert.equal(x.features.includes(IpxeOpt.FeatureHttps), false, 'this build has no HTTPS');
    assert.deepEqual([...x.subOptions.find((s) => s.code === IpxeOpt.FeaturePxeExt)!.data], [2]);
    assert.equal(x.subOptions.length, 14);
  });

  test('Pad is skipped and End stops the walk (iPXE DHCP_ENCAP blocks end in End)', () => {
    const v = Uint8Array.of(0, 0x13, 1, 1, 255, 0x14, 1, 1);
    const x = decodeIpxeOptions(v, 0, v.length);
    assert.deepEqual(x.features, [0x13]);
  });

  test('settings outside the feature range are sub-options, not features', () => {
    const v = Uint8Array.of(IpxeOpt.NoPxeDhcp, 1, 1, IpxeOpt.Scriptlet, 2, 0x61, 0x62, IpxeOpt.Trust, 0);
    const x = decodeIpxeOptions(v, 0, v.length);
    assert.deepEqual(x.features, []);
    assert.deepEqual(x.subOptions.map((s) => s.code), [0xb0, 0x51, 0x5a]);
    assert.equal(x.busId, undefined);
    assert.equal(x.version, undefined);
  });

  const bad: ReadonlyArray<{ name: string; value: number[]; want: { code: string; offset: number; field: string } }> = [
    { name: 'bus id of 4 bytes', value: [0xb1, 4, 1, 0x80, 0x86, 0x10], want: { code: WireErrorCode.Malformed, offset: 2, field: 'options[175][177].length' } },
    { name: 'version of 2 bytes', value: [0xeb, 2, 1, 0], want: { code: WireErrorCode.Malformed, offset: 2, field: 'options[175][235].length' } },
    { name: 'a truncated sub-option', value: [0x13, 2, 1], want: { code: WireErrorCode.Truncated, offset: 1, field: 'options[175][19].length' } },
    {
      name: `more than ${MAX_IPXE_SUBOPTIONS} sub-options`,
      value: Array.from({ length: MAX_IPXE_SUBOPTIONS + 1 }, () => [0x13, 0]).flat(),
      want: { code: WireErrorCode.Limit, offset: MAX_IPXE_SUBOPTIONS * 2, field: 'options[175].count' },
    },
  ];
  for (const c of bad) {
    test(`rejects ${c.name}`, () => {
      const v = Uint8Array.from(c.value);
      assert.deepEqual(wireErrorOf(() => decodeIpxeOptions(v, 0, v.length)), c.want);
    });
  }
});
