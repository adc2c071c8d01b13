import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeNetascii, encodeNetascii, NETASCII_NO_CARRY, netasciiByteLength } from '../../src/tftp/netascii.ts';
import type { NetasciiCarry } from '../../src/tftp/netascii.ts';
import { mulberry32 } from '../support/fuzz.ts';

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const text = (b: Uint8Array): string => String.fromCharCode(...b);

/** Converts `src` block by block, `block` output bytes at a time, feeding the source in `chunk`-byte reads. */
function encodeInBlocks(src: Uint8Array, block: number, chunk = src.length || 1): Uint8Array[] {
  const blocks: Uint8Array[] = [];
  let carry: NetasciiCarry = NETASCII_NO_CARRY;
  let pos = 0;
  for (;;) {
    const out = new Uint8Array(block).fill(0xa5);
    let written = 0;
    // Fill one block from as many source chunks as it takes, as a transfer reading a file would.
    while (written < block && (pos < src.length || carry !== NETASCII_NO_CARRY)) {
      const step = encodeNetascii(src.subarray(pos, Math.min(src.length, pos + chunk)), out.subarray(written), carry);
      pos += step.read;
      written += step.written;
      carry = step.carry;
    }
    blocks.push(out.subarray(0, written));
    // RFC 1350 §6: a block shorter than blksize ends the transfer (a full last block needs an empty one after it).
    if (written < block) return blocks;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

describe('encodeNetascii', () => {
  const table: [string, string, string][] = [
    ['empty', '', ''],
    ['plain text passes unchanged', 'abc', 'abc'],
    ['LF becomes CR LF', 'a\nb', 'a\r\nb'],
    ['CR becomes CR NUL', 'a\rb', 'a\r\0b'],
    ['a DOS line end becomes CR NUL CR LF', 'a\r\n', 'a\r\0\r\n'],
    ['two LFs', '\n\n', '\r\n\r\n'],
    ['a NUL passes unchanged', 'a\0b', 'a\0b'],
    ['bytes above 0x7f pass unchanged', '\x80\xff', '\x80\xff'],
    ['an iPXE script', '#!ipxe\nreboot\n', '#!ipxe\r\nreboot\r\n'],
  ];
  for (const [name, local, wire] of table) {
    test(name, () => {
      const dst = new Uint8Array(64).fill(0xa5);
      const step = encodeNetascii(bytes(local), dst, NETASCII_NO_CARRY);
      assert.deepEqual(step, { read: local.length, written: wire.length, carry: NETASCII_NO_CARRY });
      assert.equal(text(dst.subarray(0, step.written)), wire);
      assert.equal(netasciiByteLength(bytes(local)), wire.length);
    });
  }

  test('a block with room for the CR only ends with CR and carries the LF', () => {
    const dst = new Uint8Array(3);
    const first = encodeNetascii(bytes('ab\ncd'), dst, NETASCII_NO_CARRY);
    assert.deepEqual(first, { read: 3, written: 3, carry: 0x0a });
    assert.equal(text(dst), 'ab\r');
    const next = new Uint8Array(3);
    const second = encodeNetascii(bytes('cd'), next, first.carry);
    assert.deepEqual(second, { read: 2, written: 3, carry: NETASCII_NO_CARRY });
    assert.equal(text(next), '\ncd');
  });

  test('a bare CR split at a block boundary carries the NUL', () => {
    const dst = new Uint8Array(2);
    const step = encodeNetascii(bytes('a\rb'), dst, NETASCII_NO_CARRY);
    assert.deepEqual(step, { read: 2, written: 2, carry: 0x00 });
    assert.equal(text(dst), 'a\r');
  });

  test('the carry is written even when the source is exhausted', () => {
    const dst = new Uint8Array(4);
    assert.deepEqual(encodeNetascii(new Uint8Array(0), dst, 0x0a), { read: 0, written: 1, carry: NETASCII_NO_CARRY });
    assert.equal(dst[0], 0x0a);
  });

  test('an output with no room keeps the carry and reads nothing', () => {
    assert.deepEqual(encodeNetascii(bytes('x'), new Uint8Array(0), 0x00), { read: 0, written: 0, carry: 0x00 });
    assert.deepEqual(encodeNetascii(bytes('x'), new Uint8Array(0), NETASCII_NO_CARRY), { read: 0, written: 0, carry: NETASCII_NO_CARRY });
  });

  test('a file ending in LF exactly at a block boundary needs one more block for the carry', () => {
    // 'abc\n' is 5 octets on the wire: with blksize 4 block 1 is 'abc\r', block 2 is '\n'.
    assert.deepEqual(encodeInBlocks(bytes('abc\n'), 4).map(text), ['abc\r', '\n']);
  });

  test('a conversion filling whole blocks ends with an empty block (RFC 1350 §6)', () => {
    assert.deepEqual(encodeInBlocks(bytes('a\nb'), 2).map(text), ['a\r', '\nb', '']);
  });

  const sample = bytes('line one\nline two\r\n\rbare CR\n\n\x00\xffend\r');
  // The reference conversion, byte by byte (RFC 764 via RFC 1350): LF → CR LF, CR → CR NUL.
  const whole = text(Uint8Array.from([...sample].flatMap((c) => (c === 0x0a ? [0x0d, 0x0a] : c === 0x0d ? [0x0d, 0x00] : [c]))));
  for (const block of [1, 2, 3, 4, 5, 7, 8, 512]) {
    for (const chunk of [1, 3, 7, sample.length]) {
      test(`blksize ${block} with ${chunk}-byte source reads gives the same stream as one pass`, () => {
        const blocks = encodeInBlocks(sample, block, chunk);
        assert.equal(text(concat(blocks)), whole);
        assert.ok(blocks.slice(0, -1).every((b) => b.length === block), 'every block but the last is full');
        assert.ok(blocks.at(-1)!.length < block, 'the last block is short');
      });
    }
  }
});

describe('netasciiByteLength', () => {
  test('is the tsize of the converted stream and adds up over chunks', () => {
    const rng = mulberry32(0x7f7f);
    for (let i = 0; i < 200; i++) {
      const src = Uint8Array.from({ length: Math.floor(rng() * 300) }, () => [0x0a, 0x0d, 0x41, 0x00, 0xff][Math.floor(rng() * 5)]!);
      const cut = Math.floor(rng() * (src.length + 1));
      const total = netasciiByteLength(src);
      assert.equal(netasciiByteLength(src.subarray(0, cut)) + netasciiByteLength(src.subarray(cut)), total);
      assert.equal(concat(encodeInBlocks(src, 512)).length, total);
    }
  });
});

describe('decodeNetascii', () => {
  /** Decodes `wire` fed in `chunk`-byte pieces into `room`-byte outputs; a pending CR at the end stands for itself. */
  function decodeAll(wire: Uint8Array, chunk: number, room: number): string {
    let out = '';
    let pendingCr = false;
    let pos = 0;
    for (let guard = 0; pos < wire.length; guard++) {
      assert.ok(guard < 10 * wire.length + 10, 'no progress');
      const dst = new Uint8Array(room);
      const step = decodeNetascii(wire.subarray(pos, Math.min(wire.length, pos + chunk)), dst, pendingCr);
      pos += step.read;
      pendingCr = step.pendingCr;
      out += text(dst.subarray(0, step.written));
    }
    return pendingCr ? `${out}\r` : out;
  }

  const table: [string, string, string][] = [
    ['CR LF is LF', 'a\r\nb', 'a\nb'],
    ['CR NUL is CR', 'a\r\0b', 'a\rb'],
    ['a bare CR before another byte is kept', 'a\rb', 'a\rb'],
    ['a CR at the end of the stream is kept', 'ab\r', 'ab\r'],
    ['CR CR LF is CR LF', '\r\r\n', '\r\n'],
  ];
  for (const [name, wire, local] of table) {
    for (const chunk of [1, 2, 64]) {
      test(`${name} (source in ${chunk}-byte chunks)`, () => assert.equal(decodeAll(bytes(wire), chunk, 64), local));
    }
  }

  test('stops when the output is full and resumes with the rest', () => {
    const dst = new Uint8Array(2);
    const step = decodeNetascii(bytes('ab\r\ncd'), dst, false);
    // The CR is taken into the pending state: it needs no room until its partner is read.
    assert.deepEqual(step, { read: 3, written: 2, pendingCr: true });
    assert.equal(decodeAll(bytes('ab\r\ncd'), 64, 1), 'ab\ncd');
  });

  test('undoes encodeNetascii for any bytes, whatever the block and chunk sizes', () => {
    const rng = mulberry32(0xc0ffee);
    for (let i = 0; i < 300; i++) {
      const src = Uint8Array.from({ length: Math.floor(rng() * 200) }, () => [0x0a, 0x0d, 0x00, 0x61, 0x80][Math.floor(rng() * 5)]!);
      const block = 1 + Math.floor(rng() * 16);
      const wire = concat(encodeInBlocks(src, block, 1 + Math.floor(rng() * 9)));
      assert.equal(decodeAll(wire, 1 + Math.floor(rng() * 9), 1 + Math.floor(rng() * 9)), text(src));
    }
  });
});
