import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EncodeError, EncodeErrorCode } from '../../src/wire/errors.ts';
import { Writer } from '../../src/wire/writer.ts';

function encodeErrorOf(fn: () => unknown): { code: string; field: string } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof EncodeError, `expected EncodeError, got ${String(e)}`);
    return { code: e.code, field: e.field };
  }
  assert.fail('expected an EncodeError, nothing was thrown');
}

const dirty = (n: number) => new Uint8Array(n).fill(0xa5);

describe('Writer writes', () => {
  test('u8, u16, u32, bytes, zeros and ascii in network order, every byte written', () => {
    const w = new Writer(dirty(16));
    w.u8(0x01);
    w.u16(0x0203);
    w.u32(0xfffefdfc);
    w.bytes(Uint8Array.of(0xaa, 0xbb));
    w.zeros(3);
    w.ascii('ok\0');
    assert.deepEqual(w.finish(), Uint8Array.of(0x01, 0x02, 0x03, 0xff, 0xfe, 0xfd, 0xfc, 0xaa, 0xbb, 0, 0, 0, 0x6f, 0x6b, 0x00));
    assert.equal(w.length, 15);
    assert.equal(w.available, 1);
  });

  test('finish() returns a view of the caller buffer, not a copy', () => {
    const buf = dirty(4);
    const w = new Writer(buf);
    w.u16(0x1234);
    const out = w.finish();
    assert.equal(out.buffer, buf.buffer);
    assert.equal(out.byteOffset, 0);
  });

  test('a writer starting at an offset touches only its range', () => {
    const buf = dirty(12);
    const w = new Writer(buf, 4, 4);
    assert.equal(w.offset, 4);
    w.u32(0x01020304);
    assert.equal(w.offset, 8);
    assert.equal(w.length, 4);
    assert.deepEqual(w.finish(), Uint8Array.of(1, 2, 3, 4));
    assert.deepEqual(buf, Uint8Array.of(0xa5, 0xa5, 0xa5, 0xa5, 1, 2, 3, 4, 0xa5, 0xa5, 0xa5, 0xa5));
    assert.deepEqual(encodeErrorOf(() => w.u8(0)), { code: EncodeErrorCode.Overflow, field: 'u8' });
  });

  test('reserveU8 / reserveU16 then patchLength write the byte count since the field', () => {
    const w = new Writer(dirty(16));
    w.u8(61); // option code
    const len8 = w.reserveU8();
    w.bytes(Uint8Array.of(1, 2, 3));
    assert.equal(w.patchLength(len8), 3);
    w.u16(0x0001); // DHCPv6-style option code
    const len16 = w.reserveU16();
    const inner = w.reserveU8(); // nested length
    w.u16(0xbeef);
    w.patchLength(inner);
    w.patchLength(len16);
    assert.deepEqual(w.finish(), Uint8Array.of(61, 3, 1, 2, 3, 0x00, 0x01, 0x00, 0x03, 0x02, 0xbe, 0xef));
  });

  test('an empty reserved field patches to 0 over dirty memory', () => {
    const w = new Writer(dirty(4));
    const m = w.reserveU16();
    assert.equal(w.patchLength(m), 0);
    assert.deepEqual(w.finish(), Uint8Array.of(0, 0));
  });

  test('patchU8 / patchU16 rewrite written bytes (counts fixed up later)', () => {
    const w = new Writer(dirty(6), 2);
    w.u16(0);
    w.u16(0);
    w.patchU16(4, 0xabcd);
    w.patchU8(2, 7);
    assert.deepEqual(w.finish(), Uint8Array.of(7, 0, 0xab, 0xcd));
  });

  test('rollback forgets a half-written record, and writing continues from the mark', () => {
    const w = new Writer(dirty(8));
    w.u16(0x0102);
    const m = w.mark();
    w.u32(0xdeadbeef);
    w.rollback(m);
    assert.equal(w.length, 2);
    w.u8(0x03);
    assert.deepEqual(w.finish(), Uint8Array.of(1, 2, 3));
  });

  test('DNS-style truncation: overflow mid-record, roll back to the last whole record', () => {
    const w = new Writer(dirty(64), 0, 10);
    let written = 0;
    for (let i = 0; i < 5; i++) {
      const m = w.mark();
      try {
        w.u16(i);
        w.bytes(Uint8Array.of(0xee, 0xee));
        written++;
      } catch (e) {
        assert.ok(e instanceof EncodeError && e.code === EncodeErrorCode.Overflow);
        w.rollback(m);
        break;
      }
    }
    assert.equal(written, 2);
    assert.deepEqual(w.finish(), Uint8Array.of(0, 0, 0xee, 0xee, 0, 1, 0xee, 0xee));
  });
});

describe('Writer errors', () => {
  const overflows: ReadonlyArray<{ name: string; capacity: number; write: (w: Writer) => void; field: string }> = [
    { name: 'u8 into 0 bytes', capacity: 0, write: (w) => w.u8(1), field: 'u8' },
    { name: 'u16 into 1 byte', capacity: 1, write: (w) => w.u16(1, 'xid'), field: 'xid' },
    { name: 'u32 into 3 bytes', capacity: 3, write: (w) => w.u32(1), field: 'u32' },
    { name: 'bytes(4) into 3', capacity: 3, write: (w) => w.bytes(new Uint8Array(4), 'chaddr'), field: 'chaddr' },
    { name: 'zeros(2) into 1', capacity: 1, write: (w) => w.zeros(2), field: 'zeros' },
    { name: 'ascii("abc") into 2', capacity: 2, write: (w) => w.ascii('abc', 'sname'), field: 'sname' },
    { name: 'reserveU16 into 1', capacity: 1, write: (w) => w.reserveU16(), field: 'length' },
  ];
  for (const c of overflows) {
    test(`${c.name} is ERR_ENCODE_OVERFLOW and writes nothing`, () => {
      const buf = dirty(8);
      const w = new Writer(buf, 0, c.capacity);
      assert.deepEqual(encodeErrorOf(() => c.write(w)), { code: EncodeErrorCode.Overflow, field: c.field });
      assert.equal(w.length, 0);
      assert.ok(buf.every((b) => b === 0xa5), 'buffer untouched');
    });
  }

  const values: ReadonlyArray<{ name: string; write: (w: Writer) => void }> = [
    { name: 'u8(256)', write: (w) => w.u8(256) },
    { name: 'u8(-1)', write: (w) => w.u8(-1) },
    { name: 'u8(1.5)', write: (w) => w.u8(1.5) },
    { name: 'u16(65536)', write: (w) => w.u16(0x10000) },
    { name: 'u16(NaN)', write: (w) => w.u16(Number.NaN) },
    { name: 'u32(2^32)', write: (w) => w.u32(2 ** 32) },
    { name: 'u32(-1)', write: (w) => w.u32(-1) },
    { name: 'zeros(-1)', write: (w) => w.zeros(-1) },
    { name: 'ascii("é")', write: (w) => w.ascii('café') },
    { name: 'patchU16 beyond what was written', write: (w) => w.patchU16(0, 1) },
    { name: 'rollback to a mark ahead of the cursor', write: (w) => w.rollback(4 as ReturnType<Writer['mark']>) },
  ];
  for (const c of values) {
    test(`${c.name} is ERR_ENCODE_VALUE`, () => {
      const w = new Writer(dirty(8));
      assert.equal(encodeErrorOf(() => c.write(w)).code, EncodeErrorCode.Value);
      assert.equal(w.length, 0);
    });
  }

  test('a length that does not fit its reserved field is ERR_ENCODE_VALUE', () => {
    const w = new Writer(dirty(300));
    const m = w.reserveU8('options[43].length');
    w.zeros(256);
    assert.deepEqual(encodeErrorOf(() => w.patchLength(m, 'options[43].length')), { code: EncodeErrorCode.Value, field: 'options[43].length' });
    const w2 = new Writer(dirty(300));
    const m2 = w2.reserveU8();
    w2.zeros(255);
    assert.equal(w2.patchLength(m2), 255, 'the largest value that fits');
  });

  test('patching a reservation that was rolled back is ERR_ENCODE_VALUE', () => {
    const w = new Writer(dirty(8));
    const before = w.mark();
    const m = w.reserveU16();
    w.rollback(before);
    assert.equal(encodeErrorOf(() => w.patchLength(m)).code, EncodeErrorCode.Value);
  });

  test('a capacity beyond the buffer is ERR_ENCODE_OVERFLOW at construction', () => {
    assert.equal(encodeErrorOf(() => new Writer(new Uint8Array(8), 4, 5)).code, EncodeErrorCode.Overflow);
    assert.equal(encodeErrorOf(() => new Writer(new Uint8Array(8), -1)).code, EncodeErrorCode.Value);
  });
});
