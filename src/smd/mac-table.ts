// An open-addressing hash table keyed by 48-bit MACs, so the DHCP hot path can look a client up
// straight from chaddr bytes without building a string or boxing a number.
//
// Why not Map<number>: a 48-bit key is not a small integer (V8 Smis are 31 or 32 bits), so each
// lookup would box it as a HeapNumber. Splitting the key into a 16-bit high part and a 32-bit low
// part keeps every value an int32 stored in typed arrays: lookups allocate nothing.

/** High 16 bits and low 32 bits (as int32) of a 48-bit MAC. */
export interface MacKey {
  hi: number;
  lo: number;
}

function hash(hi: number, lo: number): number {
  // murmur3 finalizer over both halves; the low bytes (NIC-specific) carry most of the entropy.
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export class MacTable<V> {
  /** hi + 1, so 0 marks an empty slot. */
  readonly #his: Int32Array;
  readonly #los: Int32Array;
  readonly #values: (V | undefined)[];
  readonly #mask: number;
  #size = 0;

  /** `capacity` is the number of entries expected; the table keeps load at or below 1/2. */
  constructor(capacity: number) {
    let slots = 8;
    while (slots < capacity * 2) slots *= 2;
    this.#his = new Int32Array(slots);
    this.#los = new Int32Array(slots);
    this.#values = new Array<V | undefined>(slots).fill(undefined);
    this.#mask = slots - 1;
  }

  get size(): number {
    return this.#size;
  }

  /** Inserts unless present; returns false when the key already exists (first one wins). */
  add(hi: number, lo: number, value: V): boolean {
    if (this.#size * 2 >= this.#mask + 1) throw new RangeError('MacTable over capacity');
    const tag = hi + 1;
    for (let i = hash(hi, lo) & this.#mask; ; i = (i + 1) & this.#mask) {
      const h = this.#his[i];
      if (h === 0) {
        this.#his[i] = tag;
        this.#los[i] = lo;
        this.#values[i] = value;
        this.#size++;
        return true;
      }
      if (h === tag && this.#los[i] === lo) return false;
    }
  }

  get(hi: number, lo: number): V | undefined {
    const tag = hi + 1;
    for (let i = hash(hi, lo) & this.#mask; ; i = (i + 1) & this.#mask) {
      const h = this.#his[i];
      if (h === 0) return undefined;
      if (h === tag && this.#los[i] === lo) return this.#values[i];
    }
  }
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 97 && c <= 102) return c - 87; // a-f
  return -1;
}

/**
 * Key of a MAC in lowercase colon form (`aa:bb:cc:dd:ee:ff`), written into `out`; false if `mac`
 * is not exactly that form. Reads char codes only, so it allocates nothing.
 */
export function macKeyFromText(mac: string, out: MacKey): boolean {
  if (mac.length !== 17) return false;
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 6; i++) {
    const p = i * 3;
    if (i > 0 && mac.charCodeAt(p - 1) !== 58) return false; // ':'
    const a = hexVal(mac.charCodeAt(p));
    const b = hexVal(mac.charCodeAt(p + 1));
    if (a < 0 || b < 0) return false;
    const byte = (a << 4) | b;
    if (i < 2) hi = (hi << 8) | byte;
    else lo = (lo << 8) | byte;
  }
  out.hi = hi;
  out.lo = lo | 0;
  return true;
}
