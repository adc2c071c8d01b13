// Block sources: octet ranges (memory and chunked disk reads), netascii with checkpoints that
// allow rewinds, and the tsize of each mode.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createBlockSource, transferSize } from '../../../src/tftp/service/block-source.ts';
import { encodeNetascii, NETASCII_NO_CARRY } from '../../../src/tftp/netascii.ts';
import { MapFiles, pattern } from './support.ts';

async function fileOf(bytes: Uint8Array, disk: boolean) {
  const files = new MapFiles();
  files.files.set('f', { bytes, disk });
  const r = await files.resolve('f');
  assert.ok(r.ok);
  return { files, file: r.file };
}

/** The whole netascii encoding in one go, for comparison. */
function netascii(src: Uint8Array): Buffer {
  const out = new Uint8Array(src.length * 2 + 1);
  const step = encodeNetascii(src, out, NETASCII_NO_CARRY);
  return Buffer.from(out.subarray(0, step.written));
}

describe('octet block source', () => {
  const cases = [
    { size: 0, blksize: 512, last: 1 },
    { size: 512, blksize: 512, last: 2 },
    { size: 1000, blksize: 512, last: 2 },
    { size: 1468 * 3, blksize: 1468, last: 4 },
    { size: 33_554_432 + 1, blksize: 512, last: 65_537 },
  ];
  for (const c of cases) {
    test(`${c.size} bytes in blocks of ${c.blksize}: the last block is ${c.last}`, async () => {
      const { files, file } = await fileOf(new Uint8Array(c.size), false);
      assert.equal(createBlockSource({ files, file, mode: 'octet', blksize: c.blksize, windowsize: 1 }).lastIndex, c.last);
    });
  }

  for (const disk of [false, true]) {
    test(`${disk ? 'disk' : 'memory'}: blocks concatenate to the file, and any block can be asked again`, async () => {
      const bytes = pattern(300_000);
      const { files, file } = await fileOf(bytes, disk);
      const src = createBlockSource({ files, file, mode: 'octet', blksize: 1000, windowsize: 4 });
      const parts: Buffer[] = [];
      for (let i = 1; i <= src.lastIndex!; i++) parts.push(Buffer.from(await src.block(i)));
      assert.deepEqual(Buffer.concat(parts), Buffer.from(bytes));
      assert.deepEqual(Buffer.from(await src.block(7)), Buffer.from(bytes.subarray(6000, 7000)));
    });
  }

  test('disk files are read a chunk (at least 64 KiB) at a time', async () => {
    const { files, file } = await fileOf(pattern(300_000), true);
    const src = createBlockSource({ files, file, mode: 'octet', blksize: 512, windowsize: 1 });
    for (let i = 1; i <= src.lastIndex!; i++) await src.block(i);
    assert.equal(files.reads, Math.ceil(300_000 / 65_536));
  });

  test('concurrent disk reads do not mix their bytes', async () => {
    const bytes = pattern(1_000_000);
    const { files, file } = await fileOf(bytes, true);
    const src = createBlockSource({ files, file, mode: 'octet', blksize: 512, windowsize: 1 });
    const [a, b] = await Promise.all([src.block(1).then((v) => Buffer.from(v)), src.block(1500).then((v) => Buffer.from(v))]);
    assert.deepEqual(a, Buffer.from(bytes.subarray(0, 512)));
    assert.deepEqual(b, Buffer.from(bytes.subarray(1499 * 512, 1500 * 512)));
  });
});

describe('netascii block source', () => {
  const texts: { name: string; text: Uint8Array; blksize: number }[] = [
    { name: 'no line endings', text: new TextEncoder().encode('x'.repeat(1200)), blksize: 512 },
    { name: 'LF at the end of a block (the pair splits)', text: new Uint8Array([...new Array<number>(511).fill(0x61), 0x0a, 0x62]), blksize: 512 },
    { name: 'CR at the end of a block (CR NUL splits)', text: new Uint8Array([...new Array<number>(7).fill(0x61), 0x0d, 0x62]), blksize: 8 },
    { name: 'only line endings', text: new Uint8Array(100).fill(0x0a), blksize: 8 },
    { name: 'an exact multiple of blksize after conversion', text: new TextEncoder().encode('abcdef\n'), blksize: 8 },
    { name: 'empty', text: new Uint8Array(0), blksize: 512 },
  ];
  for (const c of texts) {
    test(`${c.name}: blocks concatenate to the netascii text, the last one short`, async () => {
      for (const disk of [false, true]) {
        const { files, file } = await fileOf(c.text, disk);
        const src = createBlockSource({ files, file, mode: 'netascii', blksize: c.blksize, windowsize: 2 });
        const parts: Buffer[] = [];
        for (let i = 1; ; i++) {
          const b = Buffer.from(await src.block(i));
          parts.push(b);
          if (b.length < c.blksize) break;
        }
        assert.deepEqual(Buffer.concat(parts), netascii(c.text));
        assert.equal(await transferSize(files, file, 'netascii'), netascii(c.text).length);
      }
    });
  }

  test('a block can be produced again after later ones (a rewind) until it is forgotten', async () => {
    const text = new TextEncoder().encode('line one\nline two\r\nline three\n'.repeat(20));
    const { files, file } = await fileOf(text, false);
    const src = createBlockSource({ files, file, mode: 'netascii', blksize: 16, windowsize: 4 });
    const first = [];
    for (let i = 1; i <= 6; i++) first.push(Buffer.from(await src.block(i)));
    assert.deepEqual(Buffer.from(await src.block(3)), first[2]);
    src.forget(3);
    assert.deepEqual(Buffer.from(await src.block(3)), first[2]);
    await assert.rejects(src.block(2), RangeError);
    await assert.rejects(src.block(9), RangeError); // never reached in order
  });
});

describe('transfer size (tsize, RFC 2349)', () => {
  test('octet: the file size; netascii: the converted size, for memory and disk files', async () => {
    const text = new TextEncoder().encode('a\nb\rc\r\n'.repeat(30_000)); // 210 000 bytes, 120 000 grow
    for (const disk of [false, true]) {
      const { files, file } = await fileOf(text, disk);
      assert.equal(await transferSize(files, file, 'octet'), 210_000);
      assert.equal(await transferSize(files, file, 'netascii'), 330_000);
    }
  });
});
