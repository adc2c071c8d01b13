// Send buffers from one preallocated slab (house style §5.3).
//
// Ownership rule: a slot goes back with release() only in the `socket.send` callback. Node's
// dgram docs name that callback as the way to know "when it is safe to reuse the buf object";
// releasing earlier lets the next reply overwrite bytes still queued in the kernel path.
//
// The slots are dirty: they hold whatever packet used them last, so encoders write every byte.
// An empty pool returns undefined; the caller drops the reply and counts it instead of
// allocating without bound. Release errors are programming bugs and throw PoolError.

import { Buffer } from 'node:buffer';

export const PoolErrorCode = {
  /** release() of a slot that is already free. */
  DoubleRelease: 'ERR_POOL_DOUBLE_RELEASE',
  /** release() of a buffer this pool never handed out (or a subarray of one). */
  Foreign: 'ERR_POOL_FOREIGN',
} as const;
export type PoolErrorCode = (typeof PoolErrorCode)[keyof typeof PoolErrorCode];

export class PoolError extends Error {
  readonly code: PoolErrorCode;

  constructor(code: PoolErrorCode, detail: string) {
    super(`${code}: ${detail}`);
    this.name = 'PoolError';
    this.code = code;
  }
}

export interface PoolStats {
  readonly slots: number;
  readonly inUse: number;
  /** Highest inUse seen since the pool was made: size pools from this. */
  readonly peakInUse: number;
  /** acquire() calls that found the pool empty (each one a dropped reply). */
  readonly exhausted: number;
}

export class BufferPool {
  readonly slotSize: number;
  // Slot views are made once, so acquire() allocates nothing and release() checks identity.
  readonly #slots: readonly Buffer[];
  readonly #free: Int32Array;
  readonly #busy: Uint8Array;
  #freeCount: number;
  #peak = 0;
  #exhausted = 0;

  constructor(slotSize: number, slots: number) {
    if (!(Number.isInteger(slotSize) && slotSize > 0 && Number.isInteger(slots) && slots > 0)) {
      throw new RangeError(`BufferPool(${slotSize}, ${slots}): sizes must be positive integers`);
    }
    this.slotSize = slotSize;
    const slab = Buffer.allocUnsafeSlow(slotSize * slots);
    const views: Buffer[] = [];
    for (let i = 0; i < slots; i++) views.push(slab.subarray(i * slotSize, (i + 1) * slotSize));
    this.#slots = views;
    this.#free = new Int32Array(slots);
    // Free stack: hand out slot 0 first, which keeps tests and hexdumps predictable.
    for (let i = 0; i < slots; i++) this.#free[i] = slots - 1 - i;
    this.#freeCount = slots;
    this.#busy = new Uint8Array(slots);
  }

  /** A free slot of `slotSize` bytes (dirty), or undefined when every slot is in flight. */
  acquire(): Buffer | undefined {
    if (this.#freeCount === 0) {
      this.#exhausted++;
      return undefined;
    }
    const i = this.#free[--this.#freeCount]!;
    this.#busy[i] = 1;
    const inUse = this.#slots.length - this.#freeCount;
    if (inUse > this.#peak) this.#peak = inUse;
    return this.#slots[i]!;
  }

  /** Returns a slot; call it only from the dgram send callback. Takes the exact acquired buffer. */
  release(buf: Uint8Array): void {
    const slots = this.#slots;
    const first = slots[0]!;
    const rel = buf.byteOffset - first.byteOffset;
    const i = rel / this.slotSize;
    if (buf.buffer !== first.buffer || !Number.isInteger(i) || i < 0 || i >= slots.length || slots[i] !== buf) {
      throw new PoolError(PoolErrorCode.Foreign, 'buffer was not acquired from this pool');
    }
    if (this.#busy[i] === 0) throw new PoolError(PoolErrorCode.DoubleRelease, `slot ${i} is already free`);
    this.#busy[i] = 0;
    this.#free[this.#freeCount++] = i;
  }

  stats(): PoolStats {
    return {
      slots: this.#slots.length,
      inUse: this.#slots.length - this.#freeCount,
      peakInUse: this.#peak,
      exhausted: this.#exhausted,
    };
  }
}
