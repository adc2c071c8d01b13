import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DHCP4_OPTIONS,
  Dhcp4ClientArch,
  Dhcp4MessageType,
  Dhcp4Opt,
  clientArchName,
  messageTypeName,
  nameOf,
  optionInfo,
} from '../../../src/dhcp/v4/constants.ts';

describe('DHCPv4 code tables', () => {
  const names: ReadonlyArray<[code: number, name: string]> = [
    [0, 'Pad'],
    [1, 'Subnet Mask'],
    [53, 'DHCP Message Type'],
    [82, 'Relay Agent Information'],
    [93, 'Client System Architecture'],
    [175, 'iPXE Encapsulated Options'],
    [255, 'End'],
    [123, 'unknown(123)'],
    [2, 'unknown(2)'],
  ];
  for (const [code, name] of names) {
    test(`option ${code} is named ${JSON.stringify(name)}`, () => assert.equal(nameOf(code), name));
  }

  test('every Dhcp4Opt constant has a registry entry with an RFC reference', () => {
    for (const [key, code] of Object.entries(Dhcp4Opt)) {
      const info = optionInfo(code);
      assert.ok(info !== undefined, `${key} (${code}) missing from DHCP4_OPTIONS`);
      assert.match(info.rfc, /^(RFC \d+ §[\d.]+|iPXE .+)$/, `${key}: ${info.rfc}`);
    }
  });

  test('the registry has no duplicate codes and is in ascending order', () => {
    const codes = DHCP4_OPTIONS.map((o) => o.code);
    assert.deepEqual(codes, [...new Set(codes)].sort((a, b) => a - b));
  });

  const types: ReadonlyArray<[number, string]> = [
    [Dhcp4MessageType.Discover, 'DISCOVER'],
    [Dhcp4MessageType.Ack, 'ACK'],
    [Dhcp4MessageType.Inform, 'INFORM'],
    [Dhcp4MessageType.ForceRenew, 'FORCERENEW'],
    [Dhcp4MessageType.LeaseActive, 'LEASEACTIVE'],
    [0, 'unknown(0)'],
    [42, 'unknown(42)'],
  ];
  for (const [type, name] of types) {
    test(`message type ${type} is ${name}`, () => assert.equal(messageTypeName(type), name));
  }

  const arches: ReadonlyArray<[number, string]> = [
    [Dhcp4ClientArch.X86Bios, 'x86 BIOS'],
    [Dhcp4ClientArch.EfiIa32, 'x86 UEFI'],
    [Dhcp4ClientArch.EfiX64, 'x64 UEFI'],
    [Dhcp4ClientArch.EfiBc, 'EBC'],
    [Dhcp4ClientArch.EfiArm32, 'ARM 32-bit UEFI'],
    [Dhcp4ClientArch.EfiArm64, 'ARM 64-bit UEFI'],
    [Dhcp4ClientArch.EfiX86Http, 'x86 UEFI HTTP'],
    [Dhcp4ClientArch.EfiX64Http, 'x64 UEFI HTTP'],
    [Dhcp4ClientArch.EfiArm32Http, 'ARM 32-bit UEFI HTTP'],
    [Dhcp4ClientArch.EfiArm64Http, 'ARM 64-bit UEFI HTTP'],
    [Dhcp4ClientArch.UbootArm64, 'ARM 64-bit U-Boot'],
    [Dhcp4ClientArch.ArmRpiboot, 'ARM rpiboot'],
    [999, 'unknown(999)'],
  ];
  for (const [arch, name] of arches) {
    test(`client architecture ${arch} is ${name}`, () => assert.equal(clientArchName(arch), name));
  }
});
