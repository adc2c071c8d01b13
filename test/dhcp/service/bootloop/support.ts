// Helpers for the bootloop tests: a temporary directory, a clock that moves only when told, and
// a JournalFs wrapper that counts fsyncs and can make an operation fail.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock, TimerHandle } from '../../../../src/seams/clock.ts';
import { parseCidr, parseIPv4, type Cidr } from '../../../../src/wire/addr.ts';
import { nodeJournalFs, type JournalFile, type JournalFs } from '../../../../src/dhcp/service/bootloop/journal-fs.ts';

export function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bootloop-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function ip(text: string): number {
  const v = parseIPv4(text);
  if (v === undefined) throw new Error(`bad test address ${text}`);
  return v;
}

export function cidr(text: string): Cidr {
  const c = parseCidr(text);
  if (c === undefined) throw new Error(`bad test CIDR ${text}`);
  return c;
}

/** `{cidr, start, end}` from text, for pool tables. */
export function pool(cidrText: string | undefined, start: string, end: string): { cidr?: Cidr; start: number; end: number } {
  return cidrText === undefined ? { start: ip(start), end: ip(end) } : { cidr: cidr(cidrText), start: ip(start), end: ip(end) };
}

/** MAC number n as `02:00:00:xx:xx:xx` (locally administered). */
export function mac(n: number): string {
  const hex = n.toString(16).padStart(6, '0');
  return `02:00:00:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`;
}

export class FakeClock implements Clock {
  #now: number;

  constructor(start = Date.UTC(2025, 2, 4, 18, 0, 0)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(): TimerHandle {
    throw new Error('the bootloop store sets no timers');
  }

  advance(ms: number): void {
    this.#now += ms;
  }
}

export type FsOp = 'write' | 'datasync' | 'sync' | 'truncate' | 'rename' | 'create';

/** nodeJournalFs with counters, and a hook that may throw before an operation runs. */
export class CountingFs implements JournalFs {
  readonly counts: Record<FsOp, number> = { write: 0, datasync: 0, sync: 0, truncate: 0, rename: 0, create: 0 };
  /** Called before each counted operation; throw to make it fail. */
  failIf: (op: FsOp, path: string) => boolean = () => false;

  #check(op: FsOp, path: string): void {
    this.counts[op]++;
    if (this.failIf(op, path)) throw Object.assign(new Error(`injected ${op} failure`), { code: 'EIO' });
  }

  #wrap(path: string, file: JournalFile): JournalFile {
    return {
      write: async (data, position) => {
        this.#check('write', path);
        await file.write(data, position);
      },
      datasync: async () => {
        this.#check('datasync', path);
        await file.datasync();
      },
      sync: async () => {
        this.#check('sync', path);
        await file.sync();
      },
      truncate: async (length) => {
        this.#check('truncate', path);
        await file.truncate(length);
      },
      close: () => file.close(),
    };
  }

  readFile(path: string): Promise<Buffer | undefined> {
    return nodeJournalFs.readFile(path);
  }
  async openExisting(path: string): Promise<JournalFile> {
    return this.#wrap(path, await nodeJournalFs.openExisting(path));
  }
  async create(path: string): Promise<JournalFile> {
    this.#check('create', path);
    return this.#wrap(path, await nodeJournalFs.create(path));
  }
  async rename(from: string, to: string): Promise<void> {
    this.#check('rename', to);
    await nodeJournalFs.rename(from, to);
  }
  syncDir(dir: string): Promise<void> {
    return nodeJournalFs.syncDir(dir);
  }
  remove(path: string): Promise<void> {
    return nodeJournalFs.remove(path);
  }
}

export { recordingLogger as captureLogger, type LogLine } from '../../../support/logger.ts';
