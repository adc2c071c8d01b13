import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeBytes,
  decodeIpv4,
  decodeIpv4List,
  decodeText,
  decodeU16,
  decodeU16List,
  decodeU32,
  decodeU8,
  ipv4,
  ipv4List,
  text,
  u16,
  u32,
  u8,
} from '../../../src/dhcp/v4/option-values.ts';
import type { Dhcp4ValueDecoder } from '../../../src/dhcp/v4/option-values.ts';
import { parseIPv4 } from '../../../src/wire/addr.ts';
import { EncodeError, EncodeErrorCode, WireErrorCode } from '../../../src/wire/errors.ts';
import { wireErrorOf } from './support.ts';

const ip = (s: string) => parseIPv4(s)!;

describe('option value decoders', () => {
  const ok: ReadonlyArray<{ name: string; decode: Dhcp4ValueDecoder<unknown>; data: number[]; want: unknown }> = [
    { name: 'u8', decode: decodeU8, data: [0xfe], want: 0xfe },
    { name: 'u16 big-endian', decode: decodeU16, data: [0x05, 0xc0], want: 1472 },
    { name: 'u32 big-endian, unsigned', decode: decodeU32, data: [0xff, 0xff, 0xff, 0xff], want: 0xffffffff },
    { name: 'ipv4', decode: decodeIpv4, data: [192, 0, 2, 1], want: ip('192.0.2.1') },
    { name: 'ipv4 list', decode: decodeIpv4List, data: [1, 1, 1, 1, 8, 8, 8, 8], want: [ip('1.1.1.1'), ip('8.8.8.8')] },
    { name: 'u16 list', decode: decodeU16List, data: [0, 7, 0, 9, 0, 16], want: [7, 9, 16] },
    { name: 'text as latin1', decode: decodeText, data: [0x50, 0x58, 0x45, 0xff], want: 'PXE\u00ff' },
    { name: 'bytes as given', decode: decodeBytes, data: [1, 2], want: Uint8Array.of(1, 2) },
  ];
  for (const c of ok) {
    test(`${c.name} decodes`, () => assert.deepEqual(c.decode(Uint8Array.from(c.data), 'options[9]', 100), c.want));
  }

  const bad: ReadonlyArray<{ name: string; decode: Dhcp4ValueDecoder<unknown>; data: number[] }> = [
    { name: 'u8 of 2 bytes', decode: decodeU8, data: [1, 2] },
    { name: 'u8 of 0 bytes', decode: decodeU8, data: [] },
    { name: 'u16 of 3 bytes', decode: decodeU16, data: [1, 2, 3] },
    { name: 'u32 of 3 bytes', decode: decodeU32, data: [1, 2, 3] },
    { name: 'ipv4 list of 0 bytes', decode: decodeIpv4List, data: [] },
    { name: 'ipv4 list of 6 bytes', decode: decodeIpv4List, data: [1, 2, 3, 4, 5, 6] },
    { name: 'u16 list of 1 byte', decode: decodeU16List, data: [7] },
    { name: 'u16 list of 0 bytes', decode: decodeU16List, data: [] },
  ];
  for (const c of bad) {
    test(`${c.name} is ERR_WIRE_MALFORMED at the given offset and field`, () => {
      assert.deepEqual(wireErrorOf(() => c.decode(Uint8Array.from(c.data), 'options[9]', 100)), {
        code: WireErrorCode.Malformed,
        offset: 100,
        field: 'options[9].length',
      });
    });
  }
});

describe('option value builders', () => {
  const ok: ReadonlyArray<{ name: string; got: () => Uint8Array; want: number[] }> = [
    { name: 'u8', got: () => u8(5), want: [5] },
    { name: 'u16', got: () => u16(1472), want: [0x05, 0xc0] },
    { name: 'u32 lease time 3600 (spec §5.2: 00 00 0e 10)', got: () => u32(3600), want: [0, 0, 0x0e, 0x10] },
    { name: 'u32 max', got: () => u32(0xffffffff), want: [255, 255, 255, 255] },
    { name: 'ipv4', got: () => ipv4(ip('172.16.0.253')), want: [172, 16, 0, 253] },
    { name: 'ipv4 list in order', got: () => ipv4List([ip('1.1.1.1'), ip('8.8.8.8')]), want: [1, 1, 1, 1, 8, 8, 8, 8] },
    { name: 'text without a NUL', got: () => text('ipxe-x86_64.efi'), want: [...'ipxe-x86_64.efi'].map((c) => c.charCodeAt(0)) },
    { name: 'empty text', got: () => text(''), want: [] },
  ];
  for (const c of ok) test(`${c.name}`, () => assert.deepEqual([...c.got()], c.want));

  const bad: ReadonlyArray<{ name: string; run: () => unknown }> = [
    { name: 'u8(256)', run: () => u8(256) },
    { name: 'u16(-1)', run: () => u16(-1) },
    { name: 'u32(2^32)', run: () => u32(2 ** 32) },
    { name: 'u32(1.5)', run: () => u32(1.5) },
    { name: 'ipv4List([])', run: () => ipv4List([]) },
    { name: 'ipv4List([-1])', run: () => ipv4List([-1]) },
    { name: 'text with a non-ASCII character', run: () => text('nid\u00e9') },
  ];
  for (const c of bad) {
    test(`${c.name} is ERR_ENCODE_VALUE`, () => {
      assert.throws(c.run, (e: unknown) => e instanceof EncodeError && e.code === EncodeErrorCode.Value);
    });
  }
});
