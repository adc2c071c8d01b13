// Bootloop's address book: the pools, their allocators and the lease store kept consistent.
// This is what the bootloop DHCP handler calls; it decides nothing about NAKs or options.
//
// grant(): the pool for the request (pools.ts), then
// - the MAC already holds an address of that pool: renew it (same address, new expiry);
// - otherwise allocate (requested address if available, else the lowest available). If the
//   address still belongs to another MAC's expired lease, that lease is deleted in the same
//   fsync as the new one is written. A MAC that held an address elsewhere (another pool,
//   or a range that is no longer configured) moves to the new one.
// The result is returned once the lease is on disk; the handler may reply only then.
//
// Open: every stored lease re-reserves its address, expired or not (an expired one is
// available again at once). Leases whose address lies in no pool's range are kept, not
// reserved, and reported, so the caller can NAK those clients (the original refuses to start
// for some of these and only warns for others, spec coresmd-dhcp §7.4).

import type { Clock } from '../../../seams/clock.ts';
import type { Logger } from '../../../seams/logger.ts';
import { nullLogger } from '../../../seams/logger.ts';
import { formatIPv4, parseMac } from '../../../wire/addr.ts';
import { BootloopError, BootloopErrorCode } from './errors.ts';
import { formatLease, type BootloopLease } from './lease.ts';
import { LeaseStore, type LeaseStoreOptions, type LeaseStoreRecovery } from './lease-store.ts';
import { PoolSet, type BootloopPool, type BootloopPoolOptions } from './pools.ts';

export interface BootloopLeasesOptions extends LeaseStoreOptions {
  /** lease_file. */
  readonly file: string;
  readonly pools: readonly BootloopPoolOptions[];
  /** lease_time in ms. */
  readonly leaseTimeMs: number;
  readonly clock: Pick<Clock, 'now'>;
  readonly logger?: Logger;
}

export interface GrantRequest {
  /** chaddr, lowercase colon form. */
  readonly mac: string;
  /** 0 when the request was not relayed. */
  readonly giaddr: number;
  /** IPv4 addresses of the interface the request arrived on. */
  readonly ingress?: readonly number[];
  /** Option 50 (Requested IP Address), honoured when available in the chosen pool. */
  readonly requested?: number;
  /** Option 12, stored as is. */
  readonly hostname?: string;
}

export type GrantResult =
  | { readonly ok: true; readonly lease: BootloopLease; readonly pool: BootloopPool; readonly renewed: boolean }
  | { readonly ok: false; readonly reason: 'no-pool-for-giaddr' | 'no-pool-for-ingress' }
  | { readonly ok: false; readonly reason: 'exhausted'; readonly pool: BootloopPool };

export interface BootloopLeasesRecovery extends LeaseStoreRecovery {
  /** Stored leases whose address is in no configured pool's range (kept, not reserved). */
  readonly outsidePools: readonly BootloopLease[];
}

export interface PoolStats {
  readonly name: string;
  readonly size: number;
  /** Addresses a new lease could take now. */
  readonly available: number;
}

export class BootloopLeases {
  readonly pools: PoolSet;
  readonly store: LeaseStore;
  readonly #leaseTimeMs: number;
  readonly #clock: Pick<Clock, 'now'>;

  private constructor(pools: PoolSet, store: LeaseStore, leaseTimeMs: number, clock: Pick<Clock, 'now'>) {
    this.pools = pools;
    this.store = store;
    this.#leaseTimeMs = leaseTimeMs;
    this.#clock = clock;
  }

  /** Validates the pools, opens the store and re-reserves every stored lease. Throws BootloopError. */
  static async open(options: BootloopLeasesOptions): Promise<{ leases: BootloopLeases; recovery: BootloopLeasesRecovery }> {
    if (!Number.isSafeInteger(options.leaseTimeMs) || options.leaseTimeMs <= 0) {
      throw new RangeError(`bootloop: lease time must be a positive number of ms, got ${options.leaseTimeMs}`);
    }
    const pools = new PoolSet(options.pools);
    const log = (options.logger ?? nullLogger).child({ component: 'bootloop-leases' });
    const { store, recovery } = await LeaseStore.open(options.file, options);
    const outsidePools: BootloopLease[] = [];
    for (const lease of store.all()) {
      const pool = pools.poolOf(lease.ip);
      if (pool === undefined) outsidePools.push(lease);
      else pool.allocator.reserve(lease.ip, lease.expiresAt);
    }
    if (outsidePools.length > 0) {
      log.warn('stored leases outside every pool; their clients will be NAKed', {
        file: options.file,
        count: outsidePools.length,
        first: outsidePools.slice(0, 5).map(formatLease).join(', '),
      });
    }
    return { leases: new BootloopLeases(pools, store, options.leaseTimeMs, options.clock), recovery: { ...recovery, outsidePools } };
  }

  get(mac: string): BootloopLease | undefined {
    return this.store.get(mac);
  }

  byIp(ip: number): BootloopLease | undefined {
    return this.store.byIp(ip);
  }

  /** True when the lease's address lies in a configured pool's range. */
  inPool(lease: BootloopLease): boolean {
    return this.pools.poolOf(lease.ip) !== undefined;
  }

  /** Gives the MAC an address (or renews its own) and resolves once the lease is fsynced. */
  async grant(req: GrantRequest): Promise<GrantResult> {
    // Checked before anything is reserved, so a bad MAC cannot leak an address.
    if (parseMac(req.mac) !== req.mac) throw new BootloopError(BootloopErrorCode.Invalid, `bootloop: mac ${JSON.stringify(req.mac)} is not in lowercase colon form`);
    const choice = this.pools.choose(req.giaddr, req.ingress);
    if (!choice.ok) return choice;
    const pool = choice.pool;
    const now = this.#clock.now();
    const expiresAt = now + this.#leaseTimeMs;
    const hostname = req.hostname ?? '';
    const existing = this.store.get(req.mac);

    if (existing !== undefined && pool.allocator.contains(existing.ip)) {
      pool.allocator.reserve(existing.ip, expiresAt);
      const lease = { mac: req.mac, ip: existing.ip, expiresAt, grantedAt: now, hostname };
      await this.store.put(lease);
      return { ok: true, lease: this.store.get(req.mac) ?? lease, pool, renewed: true };
    }

    const ip = pool.allocator.allocate(now, expiresAt, req.requested);
    if (ip === undefined) return { ok: false, reason: 'exhausted', pool };
    const writes: Promise<unknown>[] = [];
    const holder = this.store.byIp(ip);
    if (holder !== undefined) {
      if (holder.expiresAt > now) {
        // The allocator only hands out addresses whose hold ended; a live holder means the two
        // disagree, which no sequence of calls through this class can produce.
        pool.allocator.reserve(ip, holder.expiresAt);
        throw new Error(`bootloop: allocator gave out ${formatIPv4(ip)}, still leased to ${holder.mac} (bug)`);
      }
      // Deleted synchronously in memory, so the put below sees the address free; both
      // records go out in the same batch.
      writes.push(this.store.delete(holder.mac));
    }
    if (existing !== undefined) this.pools.poolOf(existing.ip)?.allocator.release(existing.ip);
    const lease = { mac: req.mac, ip, expiresAt, grantedAt: now, hostname };
    writes.push(this.store.put(lease));
    await Promise.all(writes);
    return { ok: true, lease: this.store.get(req.mac) ?? lease, pool, renewed: false };
  }

  /** Deletes the MAC's lease and frees its address; resolves once fsynced (false if it had none). */
  release(mac: string): Promise<boolean> {
    const lease = this.store.get(mac);
    if (lease !== undefined) this.pools.poolOf(lease.ip)?.allocator.release(lease.ip);
    return this.store.delete(mac);
  }

  poolStats(): PoolStats[] {
    const now = this.#clock.now();
    return this.pools.pools.map((p) => ({ name: p.name, size: p.allocator.size, available: p.allocator.available(now) }));
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
