import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDuid, duidHex, formatDuid, macFromDuid, parseDuid } from '../../../src/dhcp/v6/duid.ts';
import { WireErrorCode } from '../../../src/wire/errors.ts';
import { wireErrorOf } from './support.ts';

const b = (h: string) => Uint8Array.from(Buffer.from(h.replace(/[\s:]/g, ''), 'hex'));

describe('parseDuid and formatDuid', () => {
  const cases: ReadonlyArray<{ text: string; bytes: string; canonical?: string }> = [
    { text: 'LL 00:de:ad:be:ef:00', bytes: '0003 0001 00deadbeef00' },
    { text: 'll 00-DE-AD-BE-EF-00', bytes: '0003 0001 00deadbeef00', canonical: 'LL 00:de:ad:be:ef:00' },
    { text: 'LLT 00:de:ad:be:ef:00', bytes: '0001 0001 00000000 00deadbeef00' },
    { text: 'LLT 52:54:00:d6:00:01 time=849015862', bytes: '0001 0001 329af436 525400d60001' },
    { text: 'LL 80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0a:1b:2c htype=32', bytes: '0003 0020 80000208fe8000000000000000 02c903000a1b2c' },
    { text: 'EN 32473 0a:0b:0c:0d:0e:0f', bytes: '0002 00007ed9 0a0b0c0d0e0f' },
    { text: 'EN 343 0a0b0c', bytes: '0002 00000157 0a0b0c', canonical: 'EN 343 0a:0b:0c' },
    { text: 'UUID 4c4c4544-005a-3510-804c-b3c04f534d32', bytes: '0004 4c4c4544005a3510804cb3c04f534d32' },
    { text: 'UUID 4C4C4544005A3510804CB3C04F534D32', bytes: '0004 4c4c4544005a3510804cb3c04f534d32', canonical: 'UUID 4c4c4544-005a-3510-804c-b3c04f534d32' },
    { text: '00:05:01:02:03', bytes: '0005 010203' },
    { text: '000501020304', bytes: '0005 01020304', canonical: '00:05:01:02:03:04' },
  ];
  for (const c of cases) {
    test(`${JSON.stringify(c.text)} ⇄ ${c.bytes}`, () => {
      const bytes = parseDuid(c.text);
      assert.ok(bytes !== undefined);
      assert.equal(Buffer.from(bytes).toString('hex'), c.bytes.replace(/\s/g, ''));
      assert.equal(formatDuid(bytes), c.canonical ?? c.text);
      assert.deepEqual(parseDuid(formatDuid(bytes)), bytes);
    });
  }

  const invalid = ['', 'LL', 'LL zz:zz', 'LL 00:11 time=5', 'LLT 00:11 htype=70000', 'LLT 00:11 speed=1', 'EN 343', 'EN x 0a', 'EN 4294967296 0a', 'UUID 1234', 'LL 00:11:22 extra', '00:01', '0001', 'hello'];
  for (const text of invalid) {
    test(`${JSON.stringify(text)} is not a DUID`, () => assert.equal(parseDuid(text), undefined));
  }

  test('formatDuid never throws: a malformed DUID comes out as colon hex', () => {
    assert.equal(formatDuid(b('0001 0001 0000')), '00:01:00:01:00:00');
    assert.equal(formatDuid(new Uint8Array(0)), '');
  });

  test('duidHex is the storage key', () => assert.equal(duidHex(b('0003 0001 00deadbeef00')), '0003000100deadbeef00'));
});

describe('decodeDuid', () => {
  test('splits DUID-LLT into hardware type, time and address (RFC 8415 §11.2)', () => {
    const d = decodeDuid(b('0001 0001 329af436 525400d60001'));
    assert.ok(d.type === 1 && 'time' in d);
    assert.equal(d.hardwareType, 1);
    assert.equal(d.time, 0x329af436);
    assert.equal(Buffer.from(d.linkLayerAddress).toString('hex'), '525400d60001');
  });

  test('an unknown type keeps its raw bytes', () => {
    const d = decodeDuid(b('0009 aabbcc'));
    assert.ok('raw' in d);
    assert.equal(d.type, 9);
  });

  const bad: ReadonlyArray<{ name: string; duid: string }> = [
    { name: 'two bytes (RFC 8415 §11.1: at least one octet after the type)', duid: '0003' },
    { name: '131 bytes (at most 128 after the type)', duid: `0005${'00'.repeat(129)}` },
    { name: 'DUID-LLT without an address', duid: '0001 0001 00000000' },
    { name: 'DUID-EN without an identifier', duid: '0002 00000157' },
    { name: 'DUID-LL without an address', duid: '0003 0001' },
    { name: 'DUID-UUID of 15 bytes (RFC 6355 §4: exactly 18 octets)', duid: `0004${'11'.repeat(15)}` },
  ];
  for (const c of bad) {
    test(`${c.name} is ERR_WIRE_MALFORMED`, () => {
      const e = wireErrorOf(() => decodeDuid(b(c.duid), 'options[1]', 40));
      assert.deepEqual(e, { code: WireErrorCode.Malformed, offset: 40, field: 'options[1].length' });
    });
  }
});

describe('macFromDuid', () => {
  const cases: ReadonlyArray<{ name: string; duid: string; mac: string | undefined }> = [
    { name: 'DUID-LL, Ethernet', duid: '0003 0001 00deadbeef00', mac: '00:de:ad:be:ef:00' },
    { name: 'DUID-LLT, Ethernet (dhclient, OVMF without a system UUID)', duid: '0001 0001 329af436 525400d60001', mac: '52:54:00:d6:00:01' },
    { name: 'DUID-LL, InfiniBand hardware type', duid: '0003 0020 00deadbeef00', mac: undefined },
    { name: 'DUID-LL with an 8-byte address', duid: '0003 0001 0011223344556677', mac: undefined },
    { name: 'DUID-EN (spec §6.2: no MAC)', duid: '0002 00000157 525400d60001', mac: undefined },
    { name: 'DUID-UUID (UEFI firmware)', duid: '0004 4c4c4544005a3510804cb3c04f534d32', mac: undefined },
    { name: 'empty', duid: '', mac: undefined },
  ];
  for (const c of cases) test(`${c.name} → ${c.mac ?? 'none'}`, () => assert.equal(macFromDuid(b(c.duid)), c.mac));
});
