// The quarantine table (POST/DELETE /api/v1/quarantine): MACs the DHCP servers do not answer
// until a time, set by an operator without editing the config. It implements the Quarantine
// seam the DHCPv4 and DHCPv6 servers ask on every request, so `holds` is one Map read (none
// while the table is empty). Entries end at their time through the Clock seam, and holds()
// checks the time too, so a late timer never keeps a MAC quarantined.
//
// Not persisted: a restart forgets every entry (docs/admin-api.md).
import type { BootEvents } from '../../seams/boot-events.ts';
import type { Clock, TimerHandle } from '../../seams/clock.ts';
import type { Quarantine } from '../../seams/quarantine.ts';

export interface QuarantineEntry {
  readonly mac: string;
  /** Epoch ms. */
  readonly until: number;
  readonly reason: string;
}

/** Longest quarantine (30 days): an operator's pause, not a permanent block (use an ignore rule). */
export const MAX_QUARANTINE_SECONDS = 30 * 24 * 3600;
/** Entries at once; a POST beyond it is refused. */
export const MAX_QUARANTINE_ENTRIES = 10_000;
/** setTimeout's largest delay (2^31 - 1 ms, about 24.8 days); longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Held extends QuarantineEntry {
  timer: TimerHandle;
}

export class QuarantineStore implements Quarantine {
  readonly #clock: Clock;
  readonly #events: BootEvents;
  readonly #maxEntries: number;
  readonly #held = new Map<string, Held>();

  constructor(o: { clock: Clock; events: BootEvents; maxEntries?: number }) {
    this.#clock = o.clock;
    this.#events = o.events;
    this.#maxEntries = o.maxEntries ?? MAX_QUARANTINE_ENTRIES;
  }

  get size(): number {
    return this.#held.size;
  }

  holds(mac: string): boolean {
    if (this.#held.size === 0) return false;
    const h = this.#held.get(mac);
    if (h === undefined) return false;
    if (h.until > this.#clock.now()) return true;
    this.#end(h, 'expired');
    return false;
  }

  /**
   * Quarantines `mac` for `seconds` (replacing an entry it has); undefined when the table is full.
   * `mac` must already be in lower-case colon form.
   */
  set(mac: string, seconds: number, reason: string): QuarantineEntry | undefined {
    const old = this.#held.get(mac);
    if (old === undefined && this.#held.size >= this.#maxEntries) return undefined;
    old?.timer.cancel();
    const until = this.#clock.now() + Math.round(seconds * 1000);
    const h: Held = { mac, until, reason, timer: { cancel() {} } };
    this.#arm(h);
    this.#held.set(mac, h);
    this.#events.emit({
      service: 'admin',
      type: 'quarantine-set',
      mac,
      summary: `quarantined for ${seconds} s${reason === '' ? '' : `: ${reason}`}`,
      detail: { until: new Date(until).toISOString(), seconds, reason },
    });
    return entryOf(h);
  }

  /** Ends the quarantine of `mac`; false when it had none. */
  clear(mac: string): boolean {
    const h = this.#held.get(mac);
    if (h === undefined) return false;
    this.#end(h, 'deleted');
    return true;
  }

  /** Current entries, soonest to end first. */
  list(): QuarantineEntry[] {
    const now = this.#clock.now();
    const out: QuarantineEntry[] = [];
    for (const h of [...this.#held.values()]) {
      if (h.until <= now) this.#end(h, 'expired');
      else out.push(entryOf(h));
    }
    return out.sort((a, b) => a.until - b.until);
  }

  /** Cancels every timer (the admin server stops). */
  close(): void {
    for (const h of this.#held.values()) h.timer.cancel();
    this.#held.clear();
  }

  #arm(h: Held): void {
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, h.until - this.#clock.now()));
    h.timer = this.#clock.setTimer(wait, () => {
      if (this.#held.get(h.mac) !== h) return;
      if (h.until <= this.#clock.now()) this.#end(h, 'expired');
      else this.#arm(h);
    });
  }

  #end(h: Held, why: 'expired' | 'deleted'): void {
    if (this.#held.get(h.mac) !== h) return;
    h.timer.cancel();
    this.#held.delete(h.mac);
    this.#events.emit({ service: 'admin', type: 'quarantine-cleared', mac: h.mac, summary: `quarantine ${why}`, detail: { reason: why } });
  }
}

function entryOf(h: Held): QuarantineEntry {
  return { mac: h.mac, until: h.until, reason: h.reason };
}
