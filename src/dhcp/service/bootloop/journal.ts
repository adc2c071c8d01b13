// The lease journal file: recovery on open, group-committed appends, and atomic rewrites
// (compaction). Format and safety argument: docs/bootloop-journal.md.
//
// Appends: callers queue records; one writer loop takes everything queued, writes it with one
// write at the known end of the file, fdatasyncs, and only then resolves every caller of that
// batch. Records queued while a batch is in flight form the next batch, so N concurrent puts
// cost about two fsyncs, not N.
//
// Rewrite: the writer loop (never concurrently with a batch) writes `<file>.compact.tmp`,
// fsyncs it, renames it over the journal, fsyncs the directory and reopens. A crash leaves
// either the old journal or the new one; a leftover tmp file is removed on the next open.
//
// Recovery: a record is acknowledged only after the batch that holds it, LF included, was
// fsynced. So a damaged last line, or a last fragment without LF, was never acknowledged and
// is cut off. Damage with an intact line after it cannot come from a crash mid-append and
// stops the open with the file, line and offset: dropping it silently would drop leases.

import { dirname } from 'node:path';
import type { Logger } from '../../../seams/logger.ts';
import { nullLogger } from '../../../seams/logger.ts';
import { BootloopError, BootloopErrorCode } from './errors.ts';
import { nodeJournalFs, type JournalFile, type JournalFs } from './journal-fs.ts';
import { formatRecord, JOURNAL_HEADER, parseHeader, type JournalRecord } from './journal-record.ts';
import { scanRecords, type JournalDamage } from './journal-scan.ts';

export type { JournalDamage } from './journal-scan.ts';

export interface JournalOptions {
  readonly fs?: JournalFs;
  readonly logger?: Logger;
  /**
   * Cut the journal at the first damaged record, even one in the middle, instead of refusing
   * to open. Records after it are lost; an operator's decision, never the default.
   */
  readonly truncateAtDamage?: boolean;
}

export interface JournalRecovery {
  /** Every intact record, in file order. */
  readonly records: readonly JournalRecord[];
  /** The file did not exist (or held only part of a header) and was created. */
  readonly created: boolean;
  /** Bytes cut from the end: a torn or damaged tail (0 when clean). */
  readonly truncatedBytes: number;
  /** The first record that was cut, when truncatedBytes > 0. */
  readonly damage: JournalDamage | undefined;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export class Journal {
  readonly path: string;
  readonly #fs: JournalFs;
  readonly #log: Logger;
  #file: JournalFile;
  /** Bytes of the file that are written and synced; the next batch goes here. */
  #size: number;
  /** Records in the file (written ones only). */
  #records: number;
  #pending: string[] = [];
  #waiters: Waiter[] = [];
  #rewrite: { readonly snapshot: () => Iterable<JournalRecord>; readonly waiters: Waiter[] } | undefined;
  #running: Promise<void> | undefined;
  #closed = false;
  #failed: BootloopError | undefined;

  private constructor(path: string, fs: JournalFs, log: Logger, file: JournalFile, size: number, records: number) {
    this.path = path;
    this.#fs = fs;
    this.#log = log;
    this.#file = file;
    this.#size = size;
    this.#records = records;
  }

  /** Opens (creating if absent) and recovers the journal. Throws BootloopError on damage it must not repair. */
  static async open(path: string, options: JournalOptions = {}): Promise<{ journal: Journal; recovery: JournalRecovery }> {
    const fs = options.fs ?? nodeJournalFs;
    const log = options.logger ?? nullLogger;
    // A tmp file is a compaction that never reached its rename; the journal beside it is whole.
    await fs.remove(tmpPath(path));
    const buf = await fs.readFile(path);
    const header = buf === undefined ? undefined : parseHeader(buf);
    if (buf === undefined || (header !== undefined && !header.ok && header.empty)) {
      await writeAtomically(fs, path, JOURNAL_HEADER);
      const file = await fs.openExisting(path);
      const journal = new Journal(path, fs, log, file, Buffer.byteLength(JOURNAL_HEADER), 0);
      return { journal, recovery: { records: [], created: true, truncatedBytes: 0, damage: undefined } };
    }
    if (header === undefined || !header.ok) {
      throw new BootloopError(BootloopErrorCode.Header, `${path}: ${header?.ok === false ? header.problem : 'unreadable header'}`, { file: path, line: 1, offset: 0 });
    }
    const scan = scanRecords(path, buf, header.length, options.truncateAtDamage === true);
    const file = await fs.openExisting(path);
    try {
      if (scan.goodLength < buf.length) {
        await file.truncate(scan.goodLength);
        await file.datasync();
        log.warn('lease journal: cut a damaged tail', {
          file: path,
          line: scan.damage?.line,
          offset: scan.damage?.offset,
          problem: scan.damage?.problem,
          bytes: buf.length - scan.goodLength,
        });
      }
    } catch (err) {
      await file.close();
      throw err;
    }
    const journal = new Journal(path, fs, log, file, scan.goodLength, scan.records.length);
    return {
      journal,
      recovery: { records: scan.records, created: false, truncatedBytes: buf.length - scan.goodLength, damage: scan.damage },
    };
  }

  /** Records in the file, counting neither queued ones nor the header. */
  get recordCount(): number {
    return this.#records;
  }

  /** Bytes in the file (synced), header included. */
  get byteLength(): number {
    return this.#size;
  }

  /** Queues a record; resolves once it is written and fsynced. */
  append(record: JournalRecord): Promise<void> {
    const refused = this.refusal();
    if (refused !== undefined) return Promise.reject(refused);
    const line = formatRecord(record);
    return new Promise<void>((resolve, reject) => {
      this.#pending.push(line);
      this.#waiters.push({ resolve, reject });
      this.#kick();
    });
  }

  /**
   * Replaces the journal with `snapshot()`'s records (compaction). The snapshot is taken when
   * the rewrite runs, between two batches, so it reflects every record queued before it;
   * records queued after it are appended to the new file. Concurrent requests share one rewrite.
   */
  rewrite(snapshot: () => Iterable<JournalRecord>): Promise<void> {
    const refused = this.refusal();
    if (refused !== undefined) return Promise.reject(refused);
    return new Promise<void>((resolve, reject) => {
      if (this.#rewrite === undefined) this.#rewrite = { snapshot, waiters: [] };
      this.#rewrite.waiters.push({ resolve, reject });
      this.#kick();
    });
  }

  /** Waits for queued work, then closes the file. Later appends reject with ERR_LEASE_STORE_CLOSED. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // A loop that ends may start another for work queued just before close(); wait for all.
    while (this.#running !== undefined) await this.#running;
    await this.#file.close();
  }

  /** Why appends are refused (closed, or failed beyond repair), or undefined when they are accepted. */
  refusal(): BootloopError | undefined {
    if (this.#closed) return new BootloopError(BootloopErrorCode.Closed, `${this.path}: lease journal is closed`, { file: this.path });
    return this.#failed;
  }

  #kick(): void {
    if (this.#running !== undefined) return;
    this.#running = this.#loop()
      .catch((err: unknown) => {
        // Every I/O error is handled inside the loop; reaching here is a bug. Refuse further
        // writes rather than guess what reached the disk.
        this.#failed ??= new BootloopError(BootloopErrorCode.Failed, `${this.path}: lease journal writer failed`, { file: this.path, cause: err });
        this.#rejectAll(this.#failed);
      })
      .finally(() => {
        this.#running = undefined;
        // Work queued by a caller that ran between the loop's last check and this callback.
        if (this.#pending.length > 0 || this.#rewrite !== undefined) this.#kick();
      });
  }

  async #loop(): Promise<void> {
    // Yield once so every append made in the same synchronous run joins the first batch.
    await Promise.resolve();
    for (;;) {
      if (this.#failed !== undefined) {
        this.#rejectAll(this.#failed);
        return;
      }
      const rewrite = this.#rewrite;
      if (rewrite !== undefined) {
        this.#rewrite = undefined;
        await this.#runRewrite(rewrite.snapshot, rewrite.waiters);
        continue;
      }
      if (this.#pending.length === 0) return;
      const lines = this.#pending;
      const waiters = this.#waiters;
      this.#pending = [];
      this.#waiters = [];
      await this.#writeBatch(lines, waiters);
    }
  }

  async #writeBatch(lines: string[], waiters: Waiter[]): Promise<void> {
    const bytes = Buffer.from(lines.join(''), 'utf8');
    try {
      await this.#file.write(bytes, this.#size);
      await this.#file.datasync();
    } catch (err) {
      await this.#recoverFromWriteError(err);
      for (const w of waiters) w.reject(this.#failed ?? err);
      return;
    }
    this.#size += bytes.length;
    this.#records += lines.length;
    for (const w of waiters) w.resolve();
  }

  // A failed write (ENOSPC, EIO) may have left part of the batch in the file. Cut back to the
  // last synced length so the next batch does not land after a torn record, which recovery
  // would rightly call damage in the middle. If even that fails, stop writing for good.
  async #recoverFromWriteError(err: unknown): Promise<void> {
    this.#log.error('lease journal: write failed; the batch is lost', { file: this.path, error: String(err) });
    try {
      await this.#file.truncate(this.#size);
      await this.#file.datasync();
    } catch (cutErr) {
      this.#failed = new BootloopError(
        BootloopErrorCode.Failed,
        `${this.path}: a write failed and the journal could not be cut back to ${this.#size} bytes; no more leases are stored`,
        { file: this.path, cause: cutErr },
      );
      this.#log.error('lease journal: unusable until restart', { file: this.path, error: String(cutErr) });
    }
  }

  async #runRewrite(snapshot: () => Iterable<JournalRecord>, waiters: Waiter[]): Promise<void> {
    let count = 0;
    let text = JOURNAL_HEADER;
    for (const r of snapshot()) {
      text += formatRecord(r);
      count++;
    }
    let renamed = false;
    try {
      await writeAtomically(this.#fs, this.path, text, () => {
        renamed = true;
      });
    } catch (err) {
      if (renamed) {
        // The new file is in place but we could not finish; our handle points at the old inode.
        this.#failed = new BootloopError(BootloopErrorCode.Failed, `${this.path}: compaction renamed the journal but could not reopen it`, {
          file: this.path,
          cause: err,
        });
      }
      for (const w of waiters) w.reject(this.#failed ?? err);
      return;
    }
    try {
      const fresh = await this.#fs.openExisting(this.path);
      await this.#file.close().catch(() => undefined);
      this.#file = fresh;
    } catch (err) {
      this.#failed = new BootloopError(BootloopErrorCode.Failed, `${this.path}: compaction could not reopen the journal`, { file: this.path, cause: err });
      for (const w of waiters) w.reject(this.#failed);
      return;
    }
    this.#size = Buffer.byteLength(text);
    this.#records = count;
    for (const w of waiters) w.resolve();
  }

  #rejectAll(err: unknown): void {
    const waiters = [...this.#waiters, ...(this.#rewrite?.waiters ?? [])];
    this.#pending = [];
    this.#waiters = [];
    this.#rewrite = undefined;
    for (const w of waiters) w.reject(err);
  }
}

function tmpPath(path: string): string {
  return `${path}.compact.tmp`;
}

/** `<path>.compact.tmp`, fsync, rename over path, fsync the directory. */
async function writeAtomically(fs: JournalFs, path: string, text: string, onRenamed?: () => void): Promise<void> {
  const tmp = tmpPath(path);
  const file = await fs.create(tmp);
  try {
    await file.write(Buffer.from(text, 'utf8'), 0);
    await file.sync();
  } catch (err) {
    await file.close().catch(() => undefined);
    await fs.remove(tmp).catch(() => undefined);
    throw err;
  }
  await file.close();
  await fs.rename(tmp, path);
  onRenamed?.();
  await fs.syncDir(dirname(path));
}
