import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WireError, WireErrorCode } from '../../src/wire/errors.ts';
import { Reader } from '../../src/wire/reader.ts';
import { wireErrorOf } from '../support/wire-error.ts';
import { mulberry32 } from '../support/fuzz.ts';




const bytes = Uint8Array.of(0x01, 0x02, 0x03, 0x04, 0xfe, 0xff, 0x80, 0x00);

describe('Reader reads', () => {
  test('u8, u16 and u32 are big-endian and unsigned', () => {
    const r = new Reader(bytes);
    assert.equal(r.u8('a'), 0x01);
    assert.equal(r.u16('b'), 0x0203);
    assert.equal(r.u32('c'), 0x04feff80);
    assert.equal(r.offset, 7);
    assert.equal(new Reader(Uint8Array.of(0xff, 0xff, 0xff, 0xff)).u32('x'), 0xffffffff);
  });

  test('bytes() is a zero-copy view of the next n bytes', () => {
    const buf = Uint8Array.from(bytes);
    const r = new Reader(buf, 1);
    const v = r.bytes(3, 'v');
    assert.deepEqual(v, Uint8Array.of(2, 3, 4));
    buf[2] = 0x99;
    assert.equal(v[1], 0x99, 'view aliases the buffer');
    assert.equal(r.offset, 4);
  });

  test('peekU8 does not advance; skip does', () => {
    const r = new Reader(bytes);
    assert.equal(r.peekU8('p'), 1);
    assert.equal(r.peekU8('p'), 1);
    r.skip(4, 's');
    assert.equal(r.peekU8('p'), 0xfe);
    assert.equal(r.remaining, 4);
  });

  test('offsets are absolute in the buffer, also for sub readers', () => {
    const r = new Reader(bytes, 2, 7);
    assert.equal(r.offset, 2);
    assert.equal(r.end, 7);
    assert.equal(r.remaining, 5);
    const s = r.sub(3, 'inner');
    assert.equal(r.offset, 5, 'parent moved past the child');
    assert.equal(s.offset, 2);
    assert.equal(s.end, 5);
    assert.equal(s.u16('x'), 0x0304);
    assert.equal(s.u8('y'), 0xfe);
    assert.ok(s.atEnd);
    assert.deepEqual(wireErrorOf(() => s.u8('z')), { code: WireErrorCode.Truncated, offset: 5, field: 'z' });
    assert.equal(r.u16('rest'), 0xff80);
    assert.ok(r.atEnd);
  });

  test('a child reader cannot read past its limit into the parent range', () => {
    const r = new Reader(bytes);
    const s = r.sub(2, 'inner');
    assert.equal(s.u16('x'), 0x0102);
    assert.deepEqual(wireErrorOf(() => s.u8('more')), { code: WireErrorCode.Truncated, offset: 2, field: 'more' });
  });

  const cstrings: ReadonlyArray<{ name: string; input: number[]; maxLen: number; want: string; offset: number }> = [
    { name: 'reads up to the NUL and consumes it', input: [0x6f, 0x63, 0x74, 0x00, 0x41], maxLen: 10, want: 'oct', offset: 4 },
    { name: 'an empty string is a lone NUL', input: [0x00, 0x41], maxLen: 10, want: '', offset: 1 },
    { name: 'a string of exactly maxLen is accepted', input: [0x61, 0x62, 0x00], maxLen: 2, want: 'ab', offset: 3 },
  ];
  for (const c of cstrings) {
    test(`cstring ${c.name}`, () => {
      const r = new Reader(Uint8Array.from(c.input));
      assert.equal(r.cstring('s', c.maxLen), c.want);
      assert.equal(r.offset, c.offset);
    });
  }

  test('cstringBytes passes non-ASCII through as a view', () => {
    const r = new Reader(Uint8Array.of(0xc3, 0xa9, 0x00));
    assert.deepEqual(r.cstringBytes('s', 8), Uint8Array.of(0xc3, 0xa9));
    assert.ok(r.atEnd);
  });

  test('expectEnd passes at the end and reports what is left otherwise', () => {
    const r = new Reader(bytes, 0, 2);
    r.u8('a');
    assert.deepEqual(wireErrorOf(() => r.expectEnd('tail')), { code: WireErrorCode.Trailing, offset: 1, field: 'tail' });
    r.u8('b');
    r.expectEnd('tail');
  });
});

describe('Reader errors', () => {
  // Each method with the bytes it needs; `setup` leaves exactly `have` readable bytes.
  const methods: ReadonlyArray<{ name: string; need: number; read: (r: Reader) => unknown }> = [
    { name: 'u8', need: 1, read: (r) => r.u8('f') },
    { name: 'u16', need: 2, read: (r) => r.u16('f') },
    { name: 'u32', need: 4, read: (r) => r.u32('f') },
    { name: 'peekU8', need: 1, read: (r) => r.peekU8('f') },
    { name: 'bytes(5)', need: 5, read: (r) => r.bytes(5, 'f') },
    { name: 'skip(3)', need: 3, read: (r) => r.skip(3, 'f') },
    { name: 'sub(6)', need: 6, read: (r) => r.sub(6, 'f') },
  ];
  const base = 3; // reads start mid-buffer so offsets must be absolute
  for (const m of methods) {
    test(`${m.name} throws ERR_WIRE_TRUNCATED at every truncation point`, () => {
      const buf = new Uint8Array(base + m.need + 4).fill(0x5a);
      for (let have = 0; have < m.need; have++) {
        const r = new Reader(buf, base, base + have);
        assert.deepEqual(wireErrorOf(() => m.read(r)), { code: WireErrorCode.Truncated, offset: base, field: 'f' }, `with ${have} bytes`);
      }
      const r = new Reader(buf, base, base + m.need);
      m.read(r);
    });
  }

  test('cstring throws ERR_WIRE_TRUNCATED at every cut before its NUL', () => {
    const full = Uint8Array.of(0x74, 0x66, 0x74, 0x70, 0x00); // "tftp\0"
    for (let cut = 0; cut < full.length; cut++) {
      const r = new Reader(full, 0, cut);
      assert.deepEqual(wireErrorOf(() => r.cstring('filename', 100)), { code: WireErrorCode.Truncated, offset: cut, field: 'filename' });
    }
  });

  test('cstring longer than maxLen is ERR_WIRE_LIMIT at its start', () => {
    const r = new Reader(Uint8Array.of(0x00, 0x61, 0x62, 0x63, 0x64, 0x00), 1);
    assert.deepEqual(wireErrorOf(() => r.cstring('mode', 3)), { code: WireErrorCode.Limit, offset: 1, field: 'mode' });
  });

  test('cstring with a byte above 0x7f is ERR_WIRE_MALFORMED at that byte', () => {
    const r = new Reader(Uint8Array.of(0x61, 0xe9, 0x00));
    assert.deepEqual(wireErrorOf(() => r.cstring('filename', 10)), { code: WireErrorCode.Malformed, offset: 1, field: 'filename' });
  });

  const badLengths: ReadonlyArray<{ n: number; code: string }> = [
    { n: -1, code: WireErrorCode.Malformed },
    { n: 1.5, code: WireErrorCode.Malformed },
    { n: Number.NaN, code: WireErrorCode.Malformed },
    { n: Number.POSITIVE_INFINITY, code: WireErrorCode.Truncated },
    { n: 2 ** 40, code: WireErrorCode.Truncated },
  ];
  for (const c of badLengths) {
    test(`a length of ${c.n} is ${c.code}, and the cursor does not move`, () => {
      for (const read of [(r: Reader) => r.bytes(c.n, 'n'), (r: Reader) => r.skip(c.n, 'n'), (r: Reader) => r.sub(c.n, 'n')]) {
        const r = new Reader(bytes, 2);
        assert.deepEqual(wireErrorOf(() => read(r)), { code: c.code, offset: 2, field: 'n' });
        assert.equal(r.offset, 2);
      }
    });
  }

  test('a constructor range beyond the buffer is ERR_WIRE_TRUNCATED', () => {
    assert.deepEqual(wireErrorOf(() => new Reader(bytes, 0, 9, 'payload')), { code: WireErrorCode.Truncated, offset: 8, field: 'payload' });
    assert.deepEqual(wireErrorOf(() => new Reader(bytes, 5, 4, 'payload')).code, WireErrorCode.Malformed);
    assert.deepEqual(wireErrorOf(() => new Reader(bytes, -1)).code, WireErrorCode.Malformed);
  });
});

describe('Reader under random use', () => {
  test('only WireError escapes, and successful reads match a DataView', () => {
    const seed = 0x5eed1071;
    const rand = mulberry32(seed);
    const int = (n: number) => Math.floor(rand() * n);
    const weird = [-1, 0.5, Number.NaN, 1e9, -0, 2 ** 32];
    let errors = 0;
    let reads = 0;
    for (let iter = 0; iter < 3000; iter++) {
      const buf = new Uint8Array(int(24));
      for (let i = 0; i < buf.length; i++) buf[i] = int(256);
      const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      const start = int(buf.length + 1);
      const end = start + int(buf.length - start + 1);
      let r = new Reader(buf, start, end);
      try {
        for (let step = 0; step < 12; step++) {
          const before = r.offset;
          const n = rand() < 0.1 ? weird[int(weird.length)]! : int(6);
          switch (int(10)) {
            case 0:
              assert.equal(r.u8('x'), dv.getUint8(before));
              break;
            case 1:
              assert.equal(r.u16('x'), dv.getUint16(before));
              break;
            case 2:
              assert.equal(r.u32('x'), dv.getUint32(before));
              break;
            case 3:
              assert.deepEqual(r.bytes(n, 'x'), buf.slice(before, before + n));
              break;
            case 4:
              r.skip(n, 'x');
              assert.equal(r.offset, before + n);
              break;
            case 5:
              r = r.sub(n, 'x');
              assert.ok(r.remaining === n, 'child holds n bytes');
              break;
            case 6:
              assert.equal(r.peekU8('x'), dv.getUint8(before));
              break;
            case 7:
              r.cstring('x', int(8));
              break;
            case 8:
              r.expectEnd('x');
              break;
            default:
              assert.equal(r.remaining, r.end - r.offset);
          }
          reads++;
          assert.ok(r.offset >= before && r.offset <= r.end && r.end <= buf.length, `cursor in range (seed ${seed}, iteration ${iter})`);
        }
      } catch (e) {
        if (!(e instanceof WireError)) throw new Error(`seed ${seed}, iteration ${iter}: ${String(e)}`, { cause: e });
        errors++;
      }
    }
    assert.ok(errors > 1000 && reads > 2000, `the run exercised both outcomes (${errors} errors, ${reads} reads)`);
  });
});
