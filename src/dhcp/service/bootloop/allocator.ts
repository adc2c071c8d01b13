// One pool's address allocator: which addresses of start..end (inclusive) a new lease may take.
//
// An address is available when no unexpired lease holds it. Leases expire here (the original
// stores expiry but never reads it, so every MAC that ever reached bootloop keeps its address
// forever, spec coresmd-dhcp §7.2): reserve() records when the hold ends, and allocate(now)
// first returns every address whose hold has ended. The lease record itself stays in the
// store until its address is handed to someone else; the caller deletes it then.
//
// Choice: always the lowest available address, as the original (§7.1), whether it was never
// used or held by a lease that expired a second ago. Deterministic, and what operators of the
// original expect; preferring long-expired addresses would only matter for a client that comes
// back after expiry hoping for its old address, and bootloop NAKs those anyway. A requested
// address (option 50) wins when it is available.
//
// Cost: allocate, reserve and release are O(log n) (FreeSet summary levels, expiry heap); no
// step scans the pool.

import { ExpiryHeap } from './expiry-heap.ts';
import { FreeSet } from './free-set.ts';

// Renewals leave stale heap entries behind; rebuild once they outnumber live ones by this much.
const STALE_HEAP_SLACK = 1024;

export class AddressAllocator {
  /** First and last address, unsigned 32-bit, inclusive. */
  readonly start: number;
  readonly end: number;
  readonly size: number;
  /** Offsets (ip − start) not held by any lease, as of the last reap. */
  readonly #free: FreeSet;
  /** ip → expiresAt (ms) for every address taken out of #free. */
  readonly #heldUntil = new Map<number, number>();
  readonly #expiries = new ExpiryHeap();

  constructor(start: number, end: number) {
    if (!isU32(start) || !isU32(end) || start > end) {
      throw new RangeError(`invalid address range ${start}..${end}: need 0 ≤ start ≤ end < 2^32`);
    }
    this.start = start;
    this.end = end;
    this.size = end - start + 1;
    this.#free = new FreeSet(this.size);
  }

  contains(ip: number): boolean {
    return ip >= this.start && ip <= this.end;
  }

  /** True when a new lease could take ip at time now. */
  isAvailable(ip: number, now: number): boolean {
    if (!this.contains(ip)) return false;
    const until = this.#heldUntil.get(ip);
    return until === undefined || until <= now;
  }

  /** Expiry of the hold on ip, or undefined when nothing holds it. */
  heldUntil(ip: number): number | undefined {
    return this.#heldUntil.get(ip);
  }

  /** Number of addresses a new lease could take at time now. */
  available(now: number): number {
    this.#reap(now);
    return this.#free.count;
  }

  /**
   * Takes an address until expiresAt: `requested` when it is in range and available, otherwise
   * the lowest available one. undefined when the pool is exhausted.
   */
  allocate(now: number, expiresAt: number, requested?: number): number | undefined {
    this.#reap(now);
    let ip: number;
    if (requested !== undefined && this.contains(requested) && this.#free.has(requested - this.start)) {
      ip = requested;
    } else {
      const offset = this.#free.first();
      if (offset === -1) return undefined;
      ip = this.start + offset;
    }
    this.reserve(ip, expiresAt);
    return ip;
  }

  /** Marks ip held until expiresAt (a recovered lease, or a renewal). Out-of-range ips are an error. */
  reserve(ip: number, expiresAt: number): void {
    if (!this.contains(ip)) throw new RangeError(`reserve: address ${ip} is outside ${this.start}..${this.end}`);
    this.#free.delete(ip - this.start);
    if (this.#heldUntil.get(ip) === expiresAt) return;
    this.#heldUntil.set(ip, expiresAt);
    this.#expiries.push(expiresAt, ip);
    if (this.#expiries.length > 2 * this.#heldUntil.size + STALE_HEAP_SLACK) {
      this.#expiries.retain((at, key) => this.#heldUntil.get(key) === at);
    }
  }

  /** Returns ip to the pool (its lease was deleted). Unknown or out-of-range ips are ignored. */
  release(ip: number): void {
    if (!this.contains(ip)) return;
    this.#heldUntil.delete(ip);
    this.#free.add(ip - this.start);
  }

  // Frees every address whose hold ended at or before now. Heap entries whose time no longer
  // matches #heldUntil belong to a renewed or released hold and are skipped.
  #reap(now: number): void {
    while (this.#expiries.peekAt() <= now) {
      const at = this.#expiries.peekAt();
      const ip = this.#expiries.pop()!;
      if (this.#heldUntil.get(ip) !== at) continue;
      this.#heldUntil.delete(ip);
      this.#free.add(ip - this.start);
    }
  }
}

function isU32(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
}
