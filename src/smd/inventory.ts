// The refresher: one per process (design "The inventory"). Polls an InventorySource every
// refreshIntervalMs through the injected Clock, builds a Snapshot off the hot path and swaps it
// in by assigning one reference. Readers call current() per packet and never see a half-built
// index.
//
// Behaviour (spec coresmd-dhcp §4.2, coresmd-dns §1.4, §5.13; house style §3.2):
// - Refreshes never overlap: the next one is scheduled when the previous one has finished, so
//   a slow SMD delays the schedule instead of stacking requests (upstream: a ticker that drops
//   ticks). refreshNow() during a refresh joins the one in flight.
// - On failure the last good snapshot keeps serving; status() reports the error and the age.
//   The first failure of a streak is logged at error level, the rest at debug, and the
//   recovery once at info with the streak length: an SMD outage costs two log lines, not one
//   per interval. Payloads are never logged.
// - SMD down at start is not fatal: start() resolves, the process serves the cache_file
//   snapshot (if any) or nothing, and keeps polling.
// - cache_file: after each successful refresh the raw inventory is written atomically
//   (cache-file.ts); at start a valid file is the first snapshot, a corrupt one is ignored.

import type { Clock, TimerHandle } from '../seams/clock.ts';
import type { Logger } from '../seams/logger.ts';
import { noBootEvents, type BootEvents } from '../seams/boot-events.ts';
import { readCacheFile, writeCacheFile } from './cache-file.ts';
import { describeError } from './errors.ts';
import { buildSnapshot } from './snapshot.ts';
import type { Snapshot, SnapshotStats } from './snapshot.ts';
import type { InventorySource } from './types.ts';

/** Where the current snapshot came from. */
export type SnapshotOrigin = 'smd' | 'file' | 'cache_file';

export interface RefreshError {
  readonly message: string;
  readonly code: string;
}

export type RefreshOutcome =
  | { readonly ok: true; readonly snapshot: Snapshot; readonly durationMs: number }
  | { readonly ok: false; readonly error: RefreshError; readonly durationMs: number };

export interface InventoryStatus {
  /** Clock time of the last successful refresh (not of a cache_file load). */
  readonly lastSuccessAt: number | undefined;
  readonly lastAttemptAt: number | undefined;
  /** The error of the last attempt; cleared by the next success. */
  readonly lastError: RefreshError | undefined;
  readonly lastDurationMs: number | undefined;
  readonly consecutiveFailures: number;
  readonly snapshotSource: SnapshotOrigin | undefined;
  /** Age of the data being served (from its fetchedAt), or undefined when there is none. */
  ageMs(now: number): number | undefined;
}

export type SwapListener = (next: Snapshot, previous: Snapshot | undefined) => void;

export interface Inventory {
  current(): Snapshot | undefined;
  /** Loads cache_file (if configured), refreshes once, then polls. Never rejects for SMD errors. */
  start(): Promise<void>;
  /** Stops polling; resolves when a refresh in flight (and its cache write) has finished. */
  stop(): Promise<void>;
  refreshNow(): Promise<RefreshOutcome>;
  status(): InventoryStatus;
  /** Called after every swap; returns an unsubscribe function. */
  onSwap(listener: SwapListener): () => void;
}

export interface InventoryOptions {
  readonly source: InventorySource;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly refreshIntervalMs: number;
  readonly cacheFile?: string;
  /** Where each refresh is reported (refresh-ok, refresh-failed: the admin history); none by default. */
  readonly events?: BootEvents | undefined;
}

/** Stats worth a warning: data SMD holds that we had to skip. */
const SKIP_COUNTERS = ['duplicateMacs', 'invalidMacs', 'invalidIps', 'duplicateComponents'] as const;

class RefreshingInventory implements Inventory {
  readonly #source: InventorySource;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #intervalMs: number;
  readonly #cacheFile: string | undefined;
  readonly #listeners = new Set<SwapListener>();
  readonly #events: BootEvents;

  #snapshot: Snapshot | undefined;
  #origin: SnapshotOrigin | undefined;
  #inFlight: Promise<RefreshOutcome> | undefined;
  #timer: TimerHandle | undefined;
  #running = false;
  #lastSuccessAt: number | undefined;
  #lastAttemptAt: number | undefined;
  #lastError: RefreshError | undefined;
  #lastDurationMs: number | undefined;
  #failures = 0;

  constructor(options: InventoryOptions) {
    if (!(options.refreshIntervalMs > 0)) throw new RangeError('refreshIntervalMs must be > 0');
    this.#source = options.source;
    this.#clock = options.clock;
    this.#log = options.logger.child({ component: 'inventory' });
    this.#intervalMs = options.refreshIntervalMs;
    this.#cacheFile = options.cacheFile;
    this.#events = options.events ?? noBootEvents;
  }

  current(): Snapshot | undefined {
    return this.#snapshot;
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    if (this.#cacheFile !== undefined) await this.#loadCache(this.#cacheFile);
    try {
      await this.refreshNow();
    } finally {
      this.#schedule();
    }
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#timer?.cancel();
    this.#timer = undefined;
    await this.#inFlight;
  }

  refreshNow(): Promise<RefreshOutcome> {
    this.#inFlight ??= this.#refresh().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  status(): InventoryStatus {
    const fetchedAt = this.#snapshot?.fetchedAt;
    return Object.freeze({
      lastSuccessAt: this.#lastSuccessAt,
      lastAttemptAt: this.#lastAttemptAt,
      lastError: this.#lastError,
      lastDurationMs: this.#lastDurationMs,
      consecutiveFailures: this.#failures,
      snapshotSource: this.#origin,
      ageMs: (now: number) => (fetchedAt === undefined ? undefined : Math.max(0, now - fetchedAt)),
    });
  }

  onSwap(listener: SwapListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #schedule(): void {
    if (!this.#running) return;
    this.#timer = this.#clock.setTimer(this.#intervalMs, () => {
      this.#timer = undefined;
      // The next timer starts only after this refresh settles: no overlap, no pile-up. A bug
      // that makes a refresh throw must not end the polling, so it is logged and polling goes on.
      void this.refreshNow()
        .catch((err: unknown) => this.#log.error('inventory refresh crashed', { error: describeError(err).message }))
        .finally(() => this.#schedule());
    });
  }

  #swap(next: Snapshot, origin: SnapshotOrigin): void {
    const previous = this.#snapshot;
    this.#snapshot = next; // the swap: one reference assignment
    this.#origin = origin;
    this.#warnAboutSkips(next.stats, previous?.stats);
    for (const listener of this.#listeners) {
      try {
        listener(next, previous);
      } catch (err) {
        this.#log.error('inventory swap listener threw', { error: describeError(err).message });
      }
    }
  }

  /** Warns when SMD data had to be skipped, but only when the counts change (bounded logs). */
  #warnAboutSkips(stats: SnapshotStats, before: SnapshotStats | undefined): void {
    if (SKIP_COUNTERS.every((k) => stats[k] === (before?.[k] ?? 0))) return;
    this.#log.warn('inventory has entries that were skipped', {
      duplicateMacs: stats.duplicateMacs,
      invalidMacs: stats.invalidMacs,
      invalidIps: stats.invalidIps,
      duplicateComponents: stats.duplicateComponents,
    });
  }

  async #refresh(): Promise<RefreshOutcome> {
    const started = this.#clock.now();
    this.#lastAttemptAt = started;
    let snapshot: Snapshot;
    try {
      const raw = await this.#source.fetch();
      snapshot = buildSnapshot(raw, { fetchedAt: this.#clock.now(), source: this.#source.describe() });
    } catch (err) {
      return this.#failed(describeError(err), this.#clock.now() - started);
    }
    const durationMs = this.#clock.now() - started;
    const hadData = this.#snapshot !== undefined && this.#origin !== 'cache_file';
    const streak = this.#failures;
    this.#swap(snapshot, this.#source.kind);
    this.#lastSuccessAt = snapshot.fetchedAt;
    this.#lastDurationMs = durationMs;
    this.#lastError = undefined;
    this.#failures = 0;

    const fields = {
      source: this.#source.describe(),
      interfaces: snapshot.stats.interfaces,
      components: snapshot.stats.components,
      durationMs,
    };
    if (this.#events.enabled) {
      this.#events.emit({
        service: 'smd',
        type: 'refresh-ok',
        summary: `${snapshot.stats.components} components, ${snapshot.stats.interfaces} interfaces in ${durationMs} ms`,
        detail: fields,
      });
    }
    if (streak > 0) this.#log.info('inventory refresh recovered', { ...fields, failures: streak });
    else if (!hadData) this.#log.info('inventory loaded', fields);
    else this.#log.debug('inventory refreshed', fields);

    if (this.#cacheFile !== undefined) await this.#persist(this.#cacheFile, snapshot);
    return { ok: true, snapshot, durationMs };
  }

  #failed(error: RefreshError, durationMs: number): RefreshOutcome {
    this.#failures++;
    this.#lastError = error;
    this.#lastDurationMs = durationMs;
    const age = this.#snapshot === undefined ? undefined : this.#clock.now() - this.#snapshot.fetchedAt;
    const fields = { source: this.#source.describe(), code: error.code, error: error.message, failures: this.#failures, ageMs: age };
    if (this.#events.enabled) this.#events.emit({ service: 'smd', type: 'refresh-failed', summary: `${error.message} (${error.code})`, detail: { ...fields, durationMs } });
    if (this.#failures === 1) {
      this.#log.error(
        this.#snapshot === undefined
          ? 'inventory refresh failed; no inventory to serve yet'
          : 'inventory refresh failed; serving the last good snapshot',
        fields,
      );
    } else {
      this.#log.debug('inventory refresh still failing', fields);
    }
    return { ok: false, error, durationMs };
  }

  async #persist(path: string, snapshot: Snapshot): Promise<void> {
    try {
      await writeCacheFile(path, { raw: snapshot.raw, fetchedAt: snapshot.fetchedAt, source: snapshot.source });
    } catch (err) {
      const { message, code } = describeError(err);
      this.#log.warn('cannot write cache_file', { path, code, error: message });
    }
  }

  async #loadCache(path: string): Promise<void> {
    try {
      const cached = await readCacheFile(path);
      const snapshot = buildSnapshot(cached.raw, { fetchedAt: cached.fetchedAt, source: cached.source });
      this.#swap(snapshot, 'cache_file');
      this.#log.info('inventory loaded from cache_file', {
        path,
        source: cached.source,
        interfaces: snapshot.stats.interfaces,
        components: snapshot.stats.components,
        ageMs: this.#clock.now() - cached.fetchedAt,
      });
    } catch (err) {
      const { message, code } = describeError(err);
      const missing = (err as { cause?: { code?: unknown } }).cause?.code === 'ENOENT';
      if (missing) this.#log.info('no cache_file yet', { path });
      else this.#log.warn('ignoring unusable cache_file', { path, code, error: message });
    }
  }
}

export function createInventory(options: InventoryOptions): Inventory {
  return new RefreshingInventory(options);
}
