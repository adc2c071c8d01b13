// One log line per key per interval: what keeps "DHCPv6 client gets no address" readable when a
// client SMD does not know retransmits its SOLICIT every second or so (RFC 8415 §18.2.1, SOL_TIMEOUT
// 1 s doubling to SOL_MAX_RT) or a misbehaving one floods. The first occurrence is logged at
// once; repeats inside the interval are only counted, and the next line logged for that key
// carries how many were left out (`suppressed`). Counters still see every request.
//
// Memory is bounded: at most `maxKeys` keys are remembered. When a new key finds the table full,
// keys whose interval has passed are forgotten first (their count of left-out lines is lost), then
// the oldest ones, so a flood of distinct MACs degrades to logging each of them.
import type { Clock } from '../../../seams/clock.ts';

interface Entry {
  /** When the key was last logged. */
  at: number;
  /** Repeats since then that were not logged. */
  suppressed: number;
}

export class LogRateLimit {
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #maxKeys: number;
  /** Insertion order is the order keys were last logged in (re-inserted on each line). */
  readonly #entries = new Map<string, Entry>();

  constructor(clock: Clock, intervalMs: number, maxKeys: number) {
    if (!(intervalMs > 0 && Number.isInteger(maxKeys) && maxKeys > 0)) throw new RangeError(`LogRateLimit: interval ${intervalMs} ms, ${maxKeys} keys`);
    this.#clock = clock;
    this.#intervalMs = intervalMs;
    this.#maxKeys = maxKeys;
  }

  /**
   * Whether to log this occurrence of `key`: undefined when it falls inside the key's interval
   * (counted), else how many occurrences were left out since the key was last logged.
   */
  admit(key: string): number | undefined {
    const now = this.#clock.now();
    const e = this.#entries.get(key);
    if (e !== undefined && now - e.at < this.#intervalMs) {
      e.suppressed++;
      return undefined;
    }
    const suppressed = e?.suppressed ?? 0;
    this.#entries.delete(key);
    if (this.#entries.size >= this.#maxKeys) this.#evict(now);
    this.#entries.set(key, { at: now, suppressed: 0 });
    return suppressed;
  }

  /** Keys remembered (tests). */
  get size(): number {
    return this.#entries.size;
  }

  #evict(now: number): void {
    for (const [k, e] of this.#entries) if (now - e.at >= this.#intervalMs) this.#entries.delete(k);
    for (const k of this.#entries.keys()) {
      if (this.#entries.size < this.#maxKeys) break;
      this.#entries.delete(k);
    }
  }
}
