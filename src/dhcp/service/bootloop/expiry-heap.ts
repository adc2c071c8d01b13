// A binary min-heap of (time, key) pairs: which lease expires next. Entries are never removed
// from the middle; the owner checks each popped entry against its own record and ignores stale
// ones (a renewed or released lease leaves its old entry behind). Two parallel number arrays
// rather than objects, so a /16 pool's worth of entries is two flat arrays, not 65k objects.

export class ExpiryHeap {
  readonly #at: number[] = [];
  readonly #key: number[] = [];

  get length(): number {
    return this.#at.length;
  }

  push(at: number, key: number): void {
    this.#at.push(at);
    this.#key.push(key);
    this.#up(this.#at.length - 1);
  }

  /** Time of the earliest entry, or Infinity when empty. */
  peekAt(): number {
    return this.#at[0] ?? Infinity;
  }

  /** Removes the earliest entry and returns its key (undefined when empty). */
  pop(): number | undefined {
    const n = this.#at.length;
    if (n === 0) return undefined;
    const key = this.#key[0]!;
    const lastAt = this.#at.pop()!;
    const lastKey = this.#key.pop()!;
    if (n > 1) {
      this.#at[0] = lastAt;
      this.#key[0] = lastKey;
      this.#down(0);
    }
    return key;
  }

  /**
   * Keeps only the entries `keep` accepts, at most one per key, then restores the heap order.
   * One per key matters: a released address taken again with the same expiry leaves an old
   * entry that `keep` cannot tell from the new one.
   */
  retain(keep: (at: number, key: number) => boolean): void {
    const seen = new Set<number>();
    let j = 0;
    for (let i = 0; i < this.#at.length; i++) {
      const at = this.#at[i]!;
      const key = this.#key[i]!;
      if (seen.has(key) || !keep(at, key)) continue;
      seen.add(key);
      this.#at[j] = at;
      this.#key[j] = key;
      j++;
    }
    this.#at.length = j;
    this.#key.length = j;
    for (let i = (j >>> 1) - 1; i >= 0; i--) this.#down(i);
  }

  #less(a: number, b: number): boolean {
    const x = this.#at[a]!;
    const y = this.#at[b]!;
    // Ties by key keep the order deterministic (lower address first).
    return x < y || (x === y && this.#key[a]! < this.#key[b]!);
  }

  #swap(a: number, b: number): void {
    const at = this.#at[a]!;
    const key = this.#key[a]!;
    this.#at[a] = this.#at[b]!;
    this.#key[a] = this.#key[b]!;
    this.#at[b] = at;
    this.#key[b] = key;
  }

  #up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >>> 1;
      if (!this.#less(i, parent)) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(i: number): void {
    const n = this.#at.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < n && this.#less(l, min)) min = l;
      if (r < n && this.#less(r, min)) min = r;
      if (min === i) return;
      this.#swap(i, min);
      i = min;
    }
  }
}
