import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeUserClass } from '../../../src/dhcp/v4/user-class.ts';

const bytes = (...parts: Array<number | string>) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : [...p].map((c) => c.charCodeAt(0)))));

describe('decodeUserClass (option 77)', () => {
  const cases: ReadonlyArray<{ name: string; raw: Uint8Array; form: 'rfc3004' | 'plain'; classes: string[] }> = [
    { name: "iPXE's plain `iPXE` (src/net/udp/dhcp.c)", raw: bytes('iPXE'), form: 'plain', classes: ['iPXE'] },
    { name: 'Tinkerbell-style `set user-class Tinkerbell`', raw: bytes('Tinkerbell'), form: 'plain', classes: ['Tinkerbell'] },
    { name: 'RFC 3004 list of one', raw: bytes(4, 'iPXE'), form: 'rfc3004', classes: ['iPXE'] },
    { name: 'RFC 3004 list of two (the udhcpc capture)', raw: bytes(4, 'iPXE', 7, 'cluster'), form: 'rfc3004', classes: ['iPXE', 'cluster'] },
    { name: 'a zero length item is not RFC 3004 (§4: UC_Len_i MUST be non-zero)', raw: bytes(0, 4, 'iPXE'), form: 'plain', classes: ['\u0000\u0004iPXE'] },
    { name: 'a length past the end is not RFC 3004', raw: bytes(9, 'iPXE'), form: 'plain', classes: ['\u0009iPXE'] },
    { name: 'a length short of the end is not RFC 3004 (trailing byte)', raw: bytes(3, 'iPXE'), form: 'plain', classes: ['\u0003iPXE'] },
    { name: 'an empty value is plain with no classes', raw: bytes(), form: 'plain', classes: [] },
    // A printable first byte is a length of at least 32, so short plain names cannot parse as a
    // list; a 33-byte value led by a space (0x20, then 32 bytes) is the shortest that can.
    { name: 'a 33-byte value led by a space (0x20) happens to be a valid list of one', raw: bytes(' ', 'x'.repeat(32)), form: 'rfc3004', classes: ['x'.repeat(32)] },
    { name: 'a 32-byte value led by a space is plain', raw: bytes(' ', 'x'.repeat(31)), form: 'plain', classes: [` ${'x'.repeat(31)}`] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const u = decodeUserClass(c.raw);
      assert.equal(u.form, c.form);
      assert.deepEqual(u.classes, c.classes);
      assert.equal(u.raw, c.raw, 'raw is the bytes as given, not a copy');
    });
  }
});
