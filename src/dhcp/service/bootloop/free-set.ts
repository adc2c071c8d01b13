// A set of small integers [0, size) with insert, delete and "lowest member" in O(log32 size).
//
// Why not a plain bitmap with a cursor: bootloop always hands out the lowest free address, so
// after a low address is released and re-taken the next search starts again below a long run
// of used addresses. A flat scan is then linear in the pool (65,536 steps for a /16) on every
// allocation. This is a bitmap with summary levels (the "hierarchical bitset" used by memory
// allocators and Linux's IDA): bit b of word w on level k+1 says "word w*32+b of level k is not
// zero", so finding the lowest member reads one word per level (4 levels cover 2^20 members).

const WORD_BITS = 32;

/** Index of the lowest set bit of a non-zero 32-bit word. */
function lowestBit(word: number): number {
  return 31 - Math.clz32(word & -word);
}

export class FreeSet {
  readonly size: number;
  /** levels[0] holds one bit per member; the last level has exactly one word. */
  readonly #levels: Uint32Array[];
  #count: number;

  /** A set over [0, size); full (every member present) unless `full` is false. */
  constructor(size: number, full = true) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`FreeSet size must be a positive integer, got ${size}`);
    this.size = size;
    this.#levels = [];
    let words = Math.ceil(size / WORD_BITS);
    for (;;) {
      this.#levels.push(new Uint32Array(words));
      if (words === 1) break;
      words = Math.ceil(words / WORD_BITS);
    }
    this.#count = 0;
    if (full) this.#fill();
  }

  get count(): number {
    return this.#count;
  }

  has(i: number): boolean {
    if (!this.#inRange(i)) return false;
    return ((this.#levels[0]![i >>> 5]! >>> (i & 31)) & 1) === 1;
  }

  /** Adds i; returns false when it was already present. */
  add(i: number): boolean {
    if (!this.#inRange(i)) throw new RangeError(`${i} is outside [0, ${this.size})`);
    let index = i;
    for (const level of this.#levels) {
      const w = index >>> 5;
      const before = level[w]!;
      const after = (before | (1 << (index & 31))) >>> 0;
      if (after === before) {
        // Level 0 unchanged means i was present; a higher level unchanged means the summary
        // bit was already set, so nothing above needs touching either.
        if (level === this.#levels[0]) return false;
        break;
      }
      level[w] = after;
      if (level === this.#levels[0]) this.#count++;
      if (before !== 0) break;
      index = w;
    }
    return true;
  }

  /** Removes i; returns false when it was absent. */
  delete(i: number): boolean {
    if (!this.has(i)) return false;
    let index = i;
    for (const level of this.#levels) {
      const w = index >>> 5;
      const after = (level[w]! & ~(1 << (index & 31))) >>> 0;
      level[w] = after;
      if (level === this.#levels[0]) this.#count--;
      // The summary bit above stays set while this word still has members.
      if (after !== 0) break;
      index = w;
    }
    return true;
  }

  /** The lowest member, or -1 when the set is empty. */
  first(): number {
    const top = this.#levels.length - 1;
    if (this.#levels[top]![0] === 0) return -1;
    let index = 0;
    for (let k = top; k >= 0; k--) index = index * WORD_BITS + lowestBit(this.#levels[k]![index]!);
    return index;
  }

  // Sets every member word by word (a /8 legacy range is 2^24 members; one add() each is slow).
  #fill(): void {
    const leaves = this.#levels[0]!;
    leaves.fill(0xffffffff);
    const tail = this.size % WORD_BITS;
    if (tail !== 0) leaves[leaves.length - 1] = (2 ** tail - 1) >>> 0;
    for (let k = 1; k < this.#levels.length; k++) {
      const below = this.#levels[k - 1]!;
      const level = this.#levels[k]!;
      for (let w = 0; w < below.length; w++) if (below[w] !== 0) level[w >>> 5] = (level[w >>> 5]! | (1 << (w & 31))) >>> 0;
    }
    this.#count = this.size;
  }

  #inRange(i: number): boolean {
    return Number.isInteger(i) && i >= 0 && i < this.size;
  }
}
