// Bootloop lease journal benchmark (BENCHMARKS.md, "Bootloop lease journal").
//
//   node --import tsx bench/bootloop-journal.ts [--dir /var/lib/coresmd] [--seq 2000] [--conc 20000] [--leases 100000] [--runs 5]
//
// The directory matters: fsync cost is the disk's, and tmpfs fsyncs are free. Default: os.tmpdir().
// What it measures:
// 1. The disk's floor: append ~100 bytes + fdatasync in a loop, raw node:fs (no journal).
// 2. put() one at a time, each awaited: one write + one fdatasync per put.
// 3. put() from 64 concurrent callers: group commit, fsyncs per put reported.
// 4. grant() (pool choice + allocation + put) from 64 concurrent callers on a /16.
// 5. Open and recover a journal of --leases leases: clean, and with as many superseded records
//    again (compaction on open), plus re-reserving every address in the allocators.
// 6. Allocation alone: fill a /16, then 100k release/re-take cycles at its low end.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { cpus, release, tmpdir, type as osType } from 'node:os';
import { join } from 'node:path';
import { AddressAllocator } from '../src/dhcp/service/bootloop/allocator.ts';
import { nodeJournalFs, type JournalFile, type JournalFs } from '../src/dhcp/service/bootloop/journal-fs.ts';
import { formatRecord, JOURNAL_HEADER } from '../src/dhcp/service/bootloop/journal-record.ts';
import type { BootloopLease } from '../src/dhcp/service/bootloop/lease.ts';
import { BootloopLeases } from '../src/dhcp/service/bootloop/leases.ts';
import { LeaseStore } from '../src/dhcp/service/bootloop/lease-store.ts';
import { systemClock } from '../src/seams/clock.ts';
import { formatMac, parseCidr, parseIPv4 } from '../src/wire/addr.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i === -1 ? undefined : Number(process.argv[i + 1]);
  return v === undefined || !Number.isFinite(v) ? fallback : v;
}
function argText(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : (process.argv[i + 1] ?? fallback);
}
const SEQ = arg('seq', 2000);
const CONC = arg('conc', 20_000);
const LEASES = arg('leases', 100_000);
const RUNS = arg('runs', 5);
const CONCURRENCY = 64;
const dir = mkdtempSync(join(argText('dir', tmpdir()), 'bootloop-bench-'));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
const rate = (n: number, ms: number) => `${Math.round((n * 1000) / ms).toLocaleString('en-US')}/s`;
const T0 = Date.UTC(2025, 2, 4, 18, 0, 0);
const BASE = parseIPv4('10.0.0.0')!;

function mac(i: number): string {
  return formatMac(Uint8Array.of(0x02, 0x00, (i >>> 24) & 255, (i >>> 16) & 255, (i >>> 8) & 255, i & 255));
}
function lease(i: number, expiresAt = T0 + 300_000): BootloopLease {
  return { mac: mac(i), ip: BASE + i, expiresAt, grantedAt: T0, hostname: i % 4 === 0 ? `node${i}` : '' };
}

/** nodeJournalFs that counts fdatasyncs. */
function countingFs(): { fs: JournalFs; syncs: () => number } {
  let n = 0;
  const wrap = (f: JournalFile): JournalFile => ({
    write: (d, p) => f.write(d, p),
    datasync: () => {
      n++;
      return f.datasync();
    },
    sync: () => f.sync(),
    truncate: (l) => f.truncate(l),
    close: () => f.close(),
  });
  return {
    fs: { ...nodeJournalFs, openExisting: async (p) => wrap(await nodeJournalFs.openExisting(p)), create: async (p) => wrap(await nodeJournalFs.create(p)) },
    syncs: () => n,
  };
}

async function rawFloor(): Promise<void> {
  const fh = await open(join(dir, 'raw'), 'w');
  const line = Buffer.from(formatRecord({ op: 'put', lease: lease(1) }));
  let pos = 0;
  const t = performance.now();
  for (let i = 0; i < SEQ; i++) {
    await fh.write(line, 0, line.length, pos);
    pos += line.length;
    await fh.datasync();
  }
  const ms = performance.now() - t;
  await fh.close();
  console.log(`raw append + fdatasync (floor)    ${rate(SEQ, ms)}   (${((ms * 1000) / SEQ).toFixed(0)} µs each)`);
}

async function sequentialPuts(): Promise<void> {
  const { store } = await LeaseStore.open(join(dir, 'seq'));
  const t = performance.now();
  for (let i = 0; i < SEQ; i++) await store.put(lease(i));
  const ms = performance.now() - t;
  await store.close();
  console.log(`put, sequential (await each)      ${rate(SEQ, ms)}   (${((ms * 1000) / SEQ).toFixed(0)} µs each)`);
}

async function concurrentPuts(): Promise<void> {
  const { fs, syncs } = countingFs();
  const { store } = await LeaseStore.open(join(dir, 'conc'), { fs });
  const before = syncs();
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CONC) await store.put(lease(next++));
    }),
  );
  const ms = performance.now() - t;
  await store.close();
  const n = syncs() - before;
  console.log(`put, ${CONCURRENCY} concurrent callers         ${rate(CONC, ms)}   (${n} fdatasyncs, ${(CONC / n).toFixed(1)} puts per fsync)`);
}

async function concurrentGrants(): Promise<void> {
  const { leases } = await BootloopLeases.open({
    file: join(dir, 'grant'),
    pools: [{ cidr: parseCidr('10.30.0.0/16')!, start: parseIPv4('10.30.0.1')!, end: parseIPv4('10.30.255.254')! }],
    leaseTimeMs: 300_000,
    clock: systemClock,
  });
  const n = Math.min(CONC, 65_000);
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) {
        const r = await leases.grant({ mac: mac(next++), giaddr: 0 });
        if (!r.ok) throw new Error(r.reason);
      }
    }),
  );
  const ms = performance.now() - t;
  await leases.close();
  console.log(`grant (alloc + put), ${CONCURRENCY} callers    ${rate(n, ms)}`);
}

function writeJournal(path: string, superseded: boolean): number {
  const parts: string[] = [JOURNAL_HEADER];
  // Superseded: an earlier put for every MAC (another expiry), as renewals leave behind.
  if (superseded) for (let i = 0; i < LEASES; i++) parts.push(formatRecord({ op: 'put', lease: lease(i, T0 + 1) }));
  for (let i = 0; i < LEASES; i++) parts.push(formatRecord({ op: 'put', lease: lease(i) }));
  const text = parts.join('');
  writeFileSync(path, text);
  return Buffer.byteLength(text);
}

async function recovery(): Promise<void> {
  const path = join(dir, 'recover');
  const pools = [{ cidr: parseCidr('10.0.0.0/14')!, start: BASE, end: BASE + LEASES + 1000 }];
  const cases: { name: string; superseded: boolean; withPools: boolean }[] = [
    { name: `open ${LEASES.toLocaleString('en-US')} leases, clean`, superseded: false, withPools: false },
    { name: `open ${LEASES.toLocaleString('en-US')} leases + as many superseded (compacts)`, superseded: true, withPools: false },
    { name: `open ${LEASES.toLocaleString('en-US')} leases + reserve in pool allocators`, superseded: false, withPools: true },
  ];
  for (const c of cases) {
    const times: number[] = [];
    let bytes = 0;
    for (let r = 0; r < RUNS; r++) {
      bytes = writeJournal(path, c.superseded);
      const t = performance.now();
      if (c.withPools) {
        const { leases } = await BootloopLeases.open({ file: path, pools, leaseTimeMs: 300_000, clock: systemClock });
        times.push(performance.now() - t);
        await leases.close();
      } else {
        const { store, recovery: rec } = await LeaseStore.open(path);
        times.push(performance.now() - t);
        if (rec.leases !== LEASES) throw new Error(`recovered ${rec.leases} leases`);
        await store.close();
      }
    }
    console.log(`${c.name.padEnd(56)} ${median(times).toFixed(0)} ms median of ${RUNS}  (${(bytes / 1048576).toFixed(1)} MiB)`);
  }
}

function allocation(): void {
  const a = new AddressAllocator(parseIPv4('10.1.0.0')!, parseIPv4('10.1.255.255')!);
  let t = performance.now();
  for (let i = 0; i < 65_536; i++) a.allocate(T0, T0 + 300_000);
  const fill = performance.now() - t;
  const cycles = 100_000;
  t = performance.now();
  for (let i = 0; i < cycles; i++) {
    const low = parseIPv4('10.1.0.0')! + (i % 256);
    a.release(low);
    a.allocate(T0, T0 + 300_000);
  }
  const churn = performance.now() - t;
  console.log(`allocate: fill a /16                ${rate(65_536, fill)}`);
  console.log(`allocate: release+retake, full /16  ${rate(cycles, churn)}`);
}

console.log(`bootloop journal bench: node ${process.version}, ${osType()} ${release()}, ${cpus()[0]?.model ?? '?'} ×${cpus().length}, dir ${dir}`);
try {
  await rawFloor();
  await sequentialPuts();
  await concurrentPuts();
  await concurrentGrants();
  await recovery();
  allocation();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
