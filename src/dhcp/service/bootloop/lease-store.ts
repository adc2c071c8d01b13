// The persistent bootloop leases (replaces the original's SQLite table, spec coresmd-dhcp §7.2):
// an in-memory index by MAC and by IP over an append-only journal (journal.ts).
//
// - put/delete change the index at once, so the next request sees them, and resolve once the
//   record is on disk: a reply may be sent only after that.
// - One MAC per IP is an invariant: put() of an address another MAC holds is refused; the
//   caller deletes the old lease first (in the same tick, so both land in one fsync).
// - Expired leases stay until deleted or replaced: they still say which address a MAC had.
//   live(now) skips them. The store never holds more leases than pool addresses, plus leases
//   outside every pool (which the caller reports and NAKs).
// - Compaction: on open when the journal holds any record that is no longer current, and after
//   writes once it holds more than compactRatio records per lease (and compactMinRecords).

import type { Logger } from '../../../seams/logger.ts';
import { nullLogger } from '../../../seams/logger.ts';
import { formatIPv4 } from '../../../wire/addr.ts';
import { BootloopError, BootloopErrorCode } from './errors.ts';
import { Journal, type JournalDamage, type JournalOptions } from './journal.ts';
import type { JournalRecord } from './journal-record.ts';
import { formatLease, leaseProblem, type BootloopLease } from './lease.ts';

export const LEASE_STORE_DEFAULTS = { compactRatio: 4, compactMinRecords: 1024 } as const;

export interface LeaseStoreOptions extends JournalOptions {
  /** Compact once the journal holds more than this many records per stored lease. */
  readonly compactRatio?: number;
  /** ...and at least this many records, so a small store is not rewritten on every write. */
  readonly compactMinRecords?: number;
}

/** Two MACs held one address on disk; the later record won (this cannot happen through put()). */
export interface DuplicateIp {
  readonly ip: number;
  readonly kept: BootloopLease;
  readonly dropped: BootloopLease;
}

export interface LeaseStoreRecovery {
  /** The journal did not exist and was created empty. */
  readonly created: boolean;
  /** Records read from the journal. */
  readonly records: number;
  /** Leases after replay. */
  readonly leases: number;
  /** Bytes cut from a torn or damaged tail, and where. */
  readonly truncatedBytes: number;
  readonly damage: JournalDamage | undefined;
  readonly duplicates: readonly DuplicateIp[];
  /** The journal was rewritten at open (it held records that are no longer current). */
  readonly compacted: boolean;
}

export class LeaseStore {
  readonly #journal: Journal;
  readonly #log: Logger;
  readonly #ratio: number;
  readonly #minRecords: number;
  readonly #byMac = new Map<string, BootloopLease>();
  readonly #macByIp = new Map<number, string>();
  #compaction: Promise<void> | undefined;

  private constructor(journal: Journal, log: Logger, ratio: number, minRecords: number) {
    this.#journal = journal;
    this.#log = log;
    this.#ratio = ratio;
    this.#minRecords = minRecords;
  }

  /** Opens the journal at path, replays it and compacts it if needed. Throws BootloopError on damage. */
  static async open(path: string, options: LeaseStoreOptions = {}): Promise<{ store: LeaseStore; recovery: LeaseStoreRecovery }> {
    const log = (options.logger ?? nullLogger).child({ component: 'bootloop-leases' });
    const { journal, recovery } = await Journal.open(path, { ...options, logger: log });
    const store = new LeaseStore(
      journal,
      log,
      options.compactRatio ?? LEASE_STORE_DEFAULTS.compactRatio,
      options.compactMinRecords ?? LEASE_STORE_DEFAULTS.compactMinRecords,
    );
    const duplicates = store.#replay(recovery.records, path);
    let compacted = false;
    if (recovery.records.length > store.size) {
      await store.compact();
      compacted = true;
    }
    return {
      store,
      recovery: {
        created: recovery.created,
        records: recovery.records.length,
        leases: store.size,
        truncatedBytes: recovery.truncatedBytes,
        damage: recovery.damage,
        duplicates,
        compacted,
      },
    };
  }

  /** Number of leases held, expired ones included. */
  get size(): number {
    return this.#byMac.size;
  }

  /** Records in the journal file; compaction brings this back to size. */
  get journalRecords(): number {
    return this.#journal.recordCount;
  }

  get(mac: string): BootloopLease | undefined {
    return this.#byMac.get(mac);
  }

  /** The lease holding ip (expired or not), if any. */
  byIp(ip: number): BootloopLease | undefined {
    const mac = this.#macByIp.get(ip);
    return mac === undefined ? undefined : this.#byMac.get(mac);
  }

  /** Leases with expiresAt > now. */
  *live(now: number): IterableIterator<BootloopLease> {
    for (const lease of this.#byMac.values()) if (lease.expiresAt > now) yield lease;
  }

  /** Every lease, expired ones included. */
  all(): IterableIterator<BootloopLease> {
    return this.#byMac.values();
  }

  /**
   * Stores the lease for its MAC (replacing that MAC's previous one) and resolves once it is
   * fsynced. Rejects with ERR_LEASE_IP_HELD when another MAC holds the address, and with
   * ERR_LEASE_INVALID for malformed fields; in both cases nothing changes.
   */
  put(lease: BootloopLease): Promise<void> {
    const problem = leaseProblem(lease);
    if (problem !== undefined) return Promise.reject(new BootloopError(BootloopErrorCode.Invalid, `lease store: ${problem}`));
    const holder = this.#macByIp.get(lease.ip);
    if (holder !== undefined && holder !== lease.mac) {
      return Promise.reject(
        new BootloopError(BootloopErrorCode.IpHeld, `lease store: ${formatIPv4(lease.ip)} is held by ${holder}; delete that lease before giving it to ${lease.mac}`),
      );
    }
    const refused = this.#journal.refusal();
    if (refused !== undefined) return Promise.reject(refused);
    const copy: BootloopLease = Object.freeze({
      mac: lease.mac,
      ip: lease.ip,
      expiresAt: lease.expiresAt,
      grantedAt: lease.grantedAt,
      hostname: lease.hostname,
    });
    this.#set(copy);
    const written = this.#journal.append({ op: 'put', lease: copy });
    this.#maybeCompact();
    return written;
  }

  /** Removes the MAC's lease; resolves true once the removal is fsynced, false at once if there was none. */
  async delete(mac: string): Promise<boolean> {
    const lease = this.#byMac.get(mac);
    if (lease === undefined) return false;
    const refused = this.#journal.refusal();
    if (refused !== undefined) throw refused;
    this.#byMac.delete(mac);
    this.#macByIp.delete(lease.ip);
    const written = this.#journal.append({ op: 'del', mac });
    this.#maybeCompact();
    await written;
    return true;
  }

  /** Rewrites the journal as exactly the current leases. Concurrent calls share one rewrite. */
  compact(): Promise<void> {
    if (this.#compaction !== undefined) return this.#compaction;
    const before = this.#journal.recordCount;
    this.#compaction = this.#journal
      .rewrite(() => this.#snapshot())
      .then(() => {
        this.#log.info('lease journal compacted', {
          file: this.#journal.path,
          recordsBefore: before,
          records: this.#journal.recordCount,
        });
      })
      .finally(() => {
        this.#compaction = undefined;
      });
    return this.#compaction;
  }

  /** Waits for queued writes and compaction, then closes the journal. */
  async close(): Promise<void> {
    await this.#compaction?.catch(() => undefined);
    await this.#journal.close();
  }

  #set(lease: BootloopLease): void {
    const old = this.#byMac.get(lease.mac);
    if (old !== undefined && old.ip !== lease.ip) this.#macByIp.delete(old.ip);
    this.#byMac.set(lease.mac, lease);
    this.#macByIp.set(lease.ip, lease.mac);
  }

  *#snapshot(): Iterable<JournalRecord> {
    for (const lease of this.#byMac.values()) yield { op: 'put', lease };
  }

  #maybeCompact(): void {
    if (this.#compaction !== undefined) return;
    const records = this.#journal.recordCount;
    if (records < this.#minRecords || records <= this.#ratio * this.size) return;
    this.compact().catch((err: unknown) => {
      // The journal is still whole (or marked failed, which the next put reports); try again later.
      this.#log.warn('lease journal compaction failed', { file: this.#journal.path, error: String(err) });
    });
  }

  // Replays records in file order. A put for an address another MAC holds cannot come from
  // put() (it refuses), so it means a bug or a hand edit: the later record wins, loudly.
  #replay(records: readonly JournalRecord[], path: string): DuplicateIp[] {
    const duplicates: DuplicateIp[] = [];
    for (const r of records) {
      if (r.op === 'del') {
        const lease = this.#byMac.get(r.mac);
        if (lease === undefined) continue;
        this.#byMac.delete(r.mac);
        this.#macByIp.delete(lease.ip);
        continue;
      }
      const holder = this.#macByIp.get(r.lease.ip);
      if (holder !== undefined && holder !== r.lease.mac) {
        const dropped = this.#byMac.get(holder)!;
        this.#byMac.delete(holder);
        this.#macByIp.delete(dropped.ip);
        duplicates.push({ ip: r.lease.ip, kept: r.lease, dropped });
        this.#log.error('lease journal: two MACs hold one address; keeping the later record', {
          file: path,
          ip: formatIPv4(r.lease.ip),
          kept: formatLease(r.lease),
          dropped: formatLease(dropped),
        });
      }
      this.#set(r.lease);
    }
    return duplicates;
  }
}
