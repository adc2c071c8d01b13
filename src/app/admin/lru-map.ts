// A Map bounded to `capacity` keys that forgets the least recently touched key first. The
// recency order is a doubly linked list beside the Map: touching moves a node to the tail and
// eviction takes the head, both O(1). (Re-inserting into a Map to keep insertion order and
// evicting its first entry looks simpler, but V8 then walks over every deleted slot at the front
// of the table to find that entry: 5 µs per eviction in a flood, measured.)

interface Node<K, V> {
  readonly key: K;
  value: V;
  prev: Node<K, V> | undefined;
  next: Node<K, V> | undefined;
}

export class LruMap<K, V> {
  readonly capacity: number;
  readonly #map = new Map<K, Node<K, V>>();
  readonly #onEvict: ((key: K, value: V) => void) | undefined;
  /** Least recent. */
  #head: Node<K, V> | undefined;
  /** Most recent. */
  #tail: Node<K, V> | undefined;

  constructor(capacity: number, onEvict?: (key: K, value: V) => void) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError(`LRU capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.#onEvict = onEvict;
  }

  get size(): number {
    return this.#map.size;
  }

  /** Reads without touching. */
  peek(key: K): V | undefined {
    return this.#map.get(key)?.value;
  }

  has(key: K): boolean {
    return this.#map.has(key);
  }

  /** Reads and marks `key` as the most recent. */
  get(key: K): V | undefined {
    const n = this.#map.get(key);
    if (n === undefined) return undefined;
    this.#toTail(n);
    return n.value;
  }

  /** Sets `key` as the most recent, evicting the least recent keys beyond capacity. */
  set(key: K, value: V): void {
    const n = this.#map.get(key);
    if (n !== undefined) {
      n.value = value;
      this.#toTail(n);
      return;
    }
    const fresh: Node<K, V> = { key, value, prev: this.#tail, next: undefined };
    if (this.#tail === undefined) this.#head = fresh;
    else this.#tail.next = fresh;
    this.#tail = fresh;
    this.#map.set(key, fresh);
    while (this.#map.size > this.capacity) this.evictOldest();
  }

  delete(key: K): boolean {
    const n = this.#map.get(key);
    if (n === undefined) return false;
    this.#unlink(n);
    this.#map.delete(key);
    return true;
  }

  /** Removes the least recent entry (calling onEvict); returns false when empty. */
  evictOldest(): boolean {
    const n = this.#head;
    if (n === undefined) return false;
    this.#unlink(n);
    this.#map.delete(n.key);
    this.#onEvict?.(n.key, n.value);
    return true;
  }

  /** Least recent first. */
  *entries(): IterableIterator<[K, V]> {
    for (let n = this.#head; n !== undefined; n = n.next) yield [n.key, n.value];
  }

  *values(): IterableIterator<V> {
    for (let n = this.#head; n !== undefined; n = n.next) yield n.value;
  }

  #unlink(n: Node<K, V>): void {
    if (n.prev === undefined) this.#head = n.next;
    else n.prev.next = n.next;
    if (n.next === undefined) this.#tail = n.prev;
    else n.next.prev = n.prev;
    n.prev = undefined;
    n.next = undefined;
  }

  #toTail(n: Node<K, V>): void {
    if (this.#tail === n) return;
    this.#unlink(n);
    n.prev = this.#tail;
    if (this.#tail === undefined) this.#head = n;
    else this.#tail.next = n;
    this.#tail = n;
  }
}
