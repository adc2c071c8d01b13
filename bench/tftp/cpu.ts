// How much CPU other work on the machine took while we measured: the benchmark joins its own
// cpuacct cgroup (cgroup v1; its servers, relays and clients inherit it), and "foreign" CPU is
// the machine's total (the root cgroup's cpuacct.usage, nanoseconds) minus ours. Both counters
// are exact, unlike /proc/stat's 10 ms ticks, so even a 20 ms fetch gets a usable figure.
//
// Without a writable cpuacct hierarchy (not root, cgroup v2 only) the meter reports nothing and
// the benchmark says the disturbance was not checked.

import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CPUACCT = '/sys/fs/cgroup/cpuacct';

export interface CpuSample {
  readonly atNs: bigint;
  readonly totalNs: bigint;
  readonly oursNs: bigint;
  /** Ours per CPU: with the servers alone on theirs, that CPU's figure is the server's time. */
  readonly oursPerCpuNs: readonly bigint[];
}

export class CpuMeter {
  readonly #dir: string | undefined;
  readonly reason: string | undefined;

  private constructor(dir: string | undefined, reason: string | undefined) {
    this.#dir = dir;
    this.reason = reason;
  }

  /** Moves this process into a new cpuacct cgroup (children started afterwards follow it). */
  static open(): CpuMeter {
    const dir = join(CPUACCT, `coresmd-tftp-bench-${process.pid}`);
    try {
      readFileSync(join(CPUACCT, 'cpuacct.usage'), 'utf8');
      mkdirSync(dir);
      writeFileSync(join(dir, 'cgroup.procs'), String(process.pid));
      return new CpuMeter(dir, undefined);
    } catch (e) {
      try {
        rmdirSync(dir);
      } catch {
        // Never made.
      }
      return new CpuMeter(undefined, (e as Error).message);
    }
  }

  get available(): boolean {
    return this.#dir !== undefined;
  }

  sample(): CpuSample | undefined {
    if (this.#dir === undefined) return undefined;
    const atNs = process.hrtime.bigint();
    const totalNs = BigInt(readFileSync(join(CPUACCT, 'cpuacct.usage'), 'utf8').trim());
    const oursNs = BigInt(readFileSync(join(this.#dir, 'cpuacct.usage'), 'utf8').trim());
    const oursPerCpuNs = readFileSync(join(this.#dir, 'cpuacct.usage_percpu'), 'utf8')
      .trim()
      .split(/\s+/)
      .map((x) => BigInt(x));
    return { atNs, totalNs, oursNs, oursPerCpuNs };
  }

  /** Other processes' CPU between two samples, in % of one core (200 = both cores of two). */
  static foreignPercent(a: CpuSample | undefined, b: CpuSample | undefined): number | undefined {
    if (a === undefined || b === undefined || b.atNs <= a.atNs) return undefined;
    const foreign = Number(b.totalNs - a.totalNs - (b.oursNs - a.oursNs));
    return Math.max(0, (foreign / Number(b.atNs - a.atNs)) * 100);
  }

  /** Our CPU between two samples (servers, relays, clients, this process), ms. */
  static oursMs(a: CpuSample | undefined, b: CpuSample | undefined): number | undefined {
    if (a === undefined || b === undefined) return undefined;
    return Number(b.oursNs - a.oursNs) / 1e6;
  }

  /** Our CPU on `cpu` between two samples, ms. */
  static oursOnCpuMs(a: CpuSample | undefined, b: CpuSample | undefined, cpu: number): number | undefined {
    const x = a?.oursPerCpuNs[cpu];
    const y = b?.oursPerCpuNs[cpu];
    return x === undefined || y === undefined ? undefined : Number(y - x) / 1e6;
  }

  /** Moves this process back to the root cgroup and removes ours (call after every child is gone). */
  close(): void {
    if (this.#dir === undefined) return;
    try {
      writeFileSync(join(CPUACCT, 'cgroup.procs'), String(process.pid));
      rmdirSync(this.#dir);
    } catch {
      // A child still running keeps the cgroup; it is empty and harmless once that child ends.
    }
  }
}
