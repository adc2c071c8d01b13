// A fixed-capacity ring: pushing onto a full ring overwrites the oldest entry. The timeline
// store keeps one global ring and one ring per node, so memory never grows with traffic.

export class Ring<T> {
  readonly capacity: number;
  readonly #items: (T | undefined)[];
  /** Index of the oldest entry. */
  #start = 0;
  #size = 0;

  constructor(capacity: number) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.#items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Appends `item`; returns true when the oldest entry was overwritten to make room. */
  push(item: T): boolean {
    const cap = this.capacity;
    if (this.#size < cap) {
      this.#items[(this.#start + this.#size) % cap] = item;
      this.#size++;
      return false;
    }
    this.#items[this.#start] = item;
    this.#start = (this.#start + 1) % cap;
    return true;
  }

  /** The newest entry. */
  last(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[(this.#start + this.#size - 1) % this.capacity];
  }

  /** The oldest entry. */
  first(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[this.#start];
  }

  /** Oldest first. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.#size; i++) yield this.#items[(this.#start + i) % this.capacity]!;
  }

  toArray(): T[] {
    return [...this];
  }
}
