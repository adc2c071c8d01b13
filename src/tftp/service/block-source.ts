// DATA payloads by block index, for octet and netascii transfers (RFC 1350 §1, §5).
//
// Blocks are numbered from 1 without wrapping here (the transfer puts `index & 0xffff` on the
// wire, RFC 1350 leaves rollover to implementations, transfer.ts). A block shorter than blksize,
// possibly empty, is the last one.
//
// A window (RFC 7440 §4) can be rewound to any block after the last one acknowledged, so a
// source must give any block from `first` (the oldest unacknowledged) onwards, any number of
// times, and the same bytes each time:
// - octet: block i is the file's bytes [(i−1)·blksize, i·blksize). Disk files are read a chunk
//   at a time (a whole window, 64 KiB to 1 MiB), so a 33 MB file is ~500 reads, not 65 536.
// - netascii: a block's content depends on every line ending before it (LF → CR LF, CR → CR NUL
//   grow the data), so there is no formula from index to file offset. Each produced block leaves
//   a checkpoint (source offset, and the half of a CR pair owed to the next block) for the next
//   one; `forget` drops checkpoints before the window. dnsmasq gives up and allows no window with
//   netascii; this keeps windows and rewinds for both modes.
//
// The returned payload is a view that stays valid until the next `block` call.

import type { BootFile, FileProvider } from '../../boot/file-provider.ts';
import { encodeNetascii, NETASCII_NO_CARRY, netasciiByteLength, type NetasciiCarry } from '../netascii.ts';

export interface TftpBlockSource {
  /** Payload of block `index` (1-based): shorter than blksize for the last block. */
  block(index: number): Promise<Uint8Array>;
  /**
   * The same payload when it is at hand without I/O (a file in memory, or a block of the chunk
   * already read and no read pending), else undefined: the per-block promise is most of a
   * window's JavaScript cost (BENCHMARKS.md "TFTP").
   */
  blockNow?(index: number): Uint8Array | undefined;
  /** Blocks before `index` will not be asked for again. */
  forget(index: number): void;
  /** The index of the last block when known in advance (octet), else undefined. */
  readonly lastIndex: number | undefined;
}

/** Smallest disk read: a 64 KiB chunk serves 128 blocks of 512. */
const MIN_CHUNK_BYTES = 64 * 1024;
/** Largest: bounds the memory of a transfer (a window of 64 × 65464 would want 4 MiB). */
const MAX_CHUNK_BYTES = 1024 * 1024;

/** Byte ranges of a boot file, reading disk files a chunk at a time. */
class RangeReader {
  readonly #files: FileProvider;
  readonly #file: BootFile;
  readonly #size: number;
  readonly #chunk: Uint8Array | undefined;
  #chunkStart = 0;
  #chunkLength = 0;
  #queue: Promise<unknown> = Promise.resolve();
  /** Disk reads queued or running: while one is, the chunk may be about to change. */
  #pending = 0;

  constructor(files: FileProvider, file: BootFile, chunkBytes: number) {
    this.#files = files;
    this.#file = file;
    this.#size = file.kind === 'memory' ? file.bytes.length : file.size;
    const want = Math.min(Math.max(chunkBytes, MIN_CHUNK_BYTES), MAX_CHUNK_BYTES);
    this.#chunk = file.kind === 'memory' ? undefined : new Uint8Array(Math.min(want, Math.max(file.size, 1)));
  }

  get size(): number {
    return this.#size;
  }

  /**
   * Up to `length` bytes from `offset`, as a view (of the file, or of the chunk until the next
   * call). Disk reads are queued: a rewound window can ask again while a read is still filling
   * the chunk, and two reads into one buffer would mix their bytes.
   */
  range(offset: number, length: number): Promise<Uint8Array> {
    const file = this.#file;
    const end = Math.min(offset + length, this.#size);
    if (offset >= end) return Promise.resolve(new Uint8Array(0));
    if (file.kind === 'memory') return Promise.resolve(file.bytes.subarray(offset, end));
    this.#pending++;
    const run = this.#queue.then(() => this.#fromDisk(file, offset, end));
    this.#queue = run.then(
      () => this.#pending--,
      () => this.#pending--,
    );
    return run;
  }

  /** range() without waiting, when no I/O is needed; undefined otherwise. */
  rangeNow(offset: number, length: number): Uint8Array | undefined {
    const file = this.#file;
    const end = Math.min(offset + length, this.#size);
    if (offset >= end) return undefined;
    if (file.kind === 'memory') return file.bytes.subarray(offset, end);
    if (this.#pending !== 0 || offset < this.#chunkStart || end > this.#chunkStart + this.#chunkLength) return undefined;
    return this.#chunk!.subarray(offset - this.#chunkStart, end - this.#chunkStart);
  }

  async #fromDisk(file: BootFile, offset: number, end: number): Promise<Uint8Array> {
    const chunk = this.#chunk!;
    if (offset < this.#chunkStart || end > this.#chunkStart + this.#chunkLength) {
      const got = await this.#files.read(file, offset, Math.min(chunk.length, this.#size - offset), chunk);
      this.#chunkStart = offset;
      this.#chunkLength = got.length;
      if (end > offset + got.length) throw new Error(`short read of ${file.name} at ${offset}`);
    }
    return chunk.subarray(offset - this.#chunkStart, end - this.#chunkStart);
  }
}

class OctetSource implements TftpBlockSource {
  readonly #reader: RangeReader;
  readonly #blksize: number;
  readonly lastIndex: number;

  constructor(reader: RangeReader, blksize: number) {
    this.#reader = reader;
    this.#blksize = blksize;
    // A file of k·blksize bytes ends with an empty block (RFC 1350 §6: "a data packet of less than 512 bytes").
    this.lastIndex = Math.floor(reader.size / blksize) + 1;
  }

  block(index: number): Promise<Uint8Array> {
    return this.#reader.range((index - 1) * this.#blksize, this.#blksize);
  }

  blockNow(index: number): Uint8Array | undefined {
    return this.#reader.rangeNow((index - 1) * this.#blksize, this.#blksize);
  }

  forget(): void {}
}

interface Checkpoint {
  readonly offset: number;
  readonly carry: NetasciiCarry;
}

class NetasciiSource implements TftpBlockSource {
  readonly #reader: RangeReader;
  readonly #out: Uint8Array;
  /** Where block i starts: kept from the window's first block to one past the last produced. */
  readonly #checkpoints = new Map<number, Checkpoint>([[1, { offset: 0, carry: NETASCII_NO_CARRY }]]);
  readonly lastIndex = undefined;

  constructor(reader: RangeReader, blksize: number) {
    this.#reader = reader;
    this.#out = new Uint8Array(blksize);
  }

  async block(index: number): Promise<Uint8Array> {
    const at = this.#checkpoints.get(index);
    if (at === undefined) throw new RangeError(`netascii block ${index} asked for out of order`);
    // Every source byte becomes at least one output byte, so blksize source bytes always suffice.
    const src = await this.#reader.range(at.offset, this.#out.length);
    const step = encodeNetascii(src, this.#out, at.carry);
    this.#checkpoints.set(index + 1, { offset: at.offset + step.read, carry: step.carry });
    return this.#out.subarray(0, step.written);
  }

  forget(index: number): void {
    for (const k of this.#checkpoints.keys()) if (k < index) this.#checkpoints.delete(k);
  }
}

export interface BlockSourceOptions {
  readonly files: FileProvider;
  readonly file: BootFile;
  readonly mode: 'octet' | 'netascii';
  readonly blksize: number;
  readonly windowsize: number;
}

export function createBlockSource(o: BlockSourceOptions): TftpBlockSource {
  const reader = new RangeReader(o.files, o.file, o.blksize * o.windowsize);
  return o.mode === 'octet' ? new OctetSource(reader, o.blksize) : new NetasciiSource(reader, o.blksize);
}

/**
 * Octets a transfer of `file` sends in `mode`: the tsize answer (RFC 2349). For netascii the
 * file is read through once to count its line endings (netascii.ts, netasciiByteLength).
 */
export async function transferSize(files: FileProvider, file: BootFile, mode: 'octet' | 'netascii'): Promise<number> {
  if (file.kind === 'memory') return mode === 'octet' ? file.bytes.length : netasciiByteLength(file.bytes);
  if (mode === 'octet') return file.size;
  const reader = new RangeReader(files, file, MIN_CHUNK_BYTES);
  let n = 0;
  for (let at = 0; at < file.size; at += MIN_CHUNK_BYTES) n += netasciiByteLength(await reader.range(at, MIN_CHUNK_BYTES));
  return n;
}
