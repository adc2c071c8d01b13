// The process inventory of a running appliance, whose SMD source can change on reload. DHCP
// handlers and DNS zones hold this one object for the life of the process; behind it runs one
// refresher (src/smd/inventory.ts) at a time. A reload that changes svc_base_uri, ca_cert, the
// token, svc_timeout, cache_valid or cache_file stops the old refresher (waiting for a refresh in
// flight) before the new one starts, so SMD never sees two poll loops, and the last snapshot
// keeps serving until the new refresher has one of its own.
import type { Inventory, InventoryStatus, RefreshOutcome, SwapListener } from '../../smd/inventory.ts';
import type { Snapshot } from '../../smd/snapshot.ts';

const NO_SOURCE: RefreshOutcome = { ok: false, error: { message: 'no SMD source is configured', code: 'ERR_NO_SMD_SOURCE' }, durationMs: 0 };

export class SwitchableInventory implements Inventory {
  #inner: Inventory | undefined;
  #unsubscribe: (() => void) | undefined;
  #snapshot: Snapshot | undefined;
  #carriedSuccessAt: number | undefined;
  #started = false;
  readonly #listeners = new Set<SwapListener>();

  constructor(inner?: Inventory) {
    if (inner !== undefined) this.#attach(inner);
  }

  /** The refresher currently behind this inventory (tests, status). */
  get inner(): Inventory | undefined {
    return this.#inner;
  }

  current(): Snapshot | undefined {
    return this.#snapshot;
  }

  async start(): Promise<void> {
    this.#started = true;
    await this.#inner?.start();
  }

  async stop(): Promise<void> {
    this.#started = false;
    await this.#inner?.stop();
  }

  refreshNow(): Promise<RefreshOutcome> {
    return this.#inner?.refreshNow() ?? Promise.resolve(NO_SOURCE);
  }

  status(): InventoryStatus {
    const s = this.#inner?.status();
    const fetchedAt = this.#snapshot?.fetchedAt;
    return Object.freeze({
      lastSuccessAt: s?.lastSuccessAt ?? this.#carriedSuccessAt,
      lastAttemptAt: s?.lastAttemptAt,
      lastError: s?.lastError,
      lastDurationMs: s?.lastDurationMs,
      consecutiveFailures: s?.consecutiveFailures ?? 0,
      snapshotSource: s?.snapshotSource,
      // The age of what is served, which may come from the previous refresher.
      ageMs: (now: number) => (fetchedAt === undefined ? undefined : Math.max(0, now - fetchedAt)),
    });
  }

  onSwap(listener: SwapListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Stops the current refresher (its refresh in flight finishes first), then attaches `next` and,
   * if this inventory was started, starts it (its first refresh; never rejects for SMD errors).
   * `undefined` leaves no refresher: the last snapshot stays, nothing polls.
   */
  async replace(next: Inventory | undefined): Promise<void> {
    const old = this.#inner;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#inner = undefined;
    if (old !== undefined) {
      this.#carriedSuccessAt = old.status().lastSuccessAt ?? this.#carriedSuccessAt;
      await old.stop();
    }
    if (next === undefined) return;
    this.#attach(next);
    if (this.#started) await next.start();
  }

  #attach(inner: Inventory): void {
    this.#inner = inner;
    this.#unsubscribe = inner.onSwap((snap) => {
      const previous = this.#snapshot;
      this.#snapshot = snap;
      // Every listener runs; the first error goes back to the refresher, which logs it.
      let failure: unknown;
      for (const l of this.#listeners) {
        try {
          l(snap, previous);
        } catch (e) {
          failure ??= e;
        }
      }
      if (failure !== undefined) throw failure;
    });
  }
}
