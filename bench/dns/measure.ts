// Measuring helpers for the DNS benchmark: dnsperf runs and their parsed statistics, dig checks,
// and CPU accounting from /proc (per core, per process) to tell a server-bound run from a
// client-bound one and a quiet machine from a shared one.

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { CLIENT_CPU, spawnPinned } from './servers.ts';
import type { Check } from './workload.ts';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

//------------ /proc accounting --------------------------------------------------------------

/** Clock ticks per second of /proc/stat and /proc/PID/stat (USER_HZ). */
const HZ = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

export interface CpuSnapshot {
  readonly at: number;
  /** Per core: [busy, total, irq + softirq] ticks. */
  readonly cores: ReadonlyMap<number, readonly [number, number, number]>;
  /** Per PID: utime + stime ticks (all threads), and the command name. */
  readonly procs: ReadonlyMap<number, { readonly ticks: number; readonly comm: string }>;
}

export function cpuSnapshot(): CpuSnapshot {
  const cores = new Map<number, readonly [number, number, number]>();
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const m = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (m === null) continue;
    const f = m[2]!.trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is inside user already)
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = f[3]! + f[4]!;
    cores.set(Number(m[1]), [total - idle, total, f[5]! + f[6]!]);
  }
  const procs = new Map<number, { ticks: number; comm: string }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const f = text.slice(close + 2).split(' ');
    // After the comm: state(0) ppid(1) … utime(11) stime(12)
    procs.set(Number(entry), { ticks: Number(f[11]) + Number(f[12]), comm });
  }
  return { at: performance.now(), cores, procs };
}

export interface CpuUsage {
  /** Busy share of each core over the window, in % of that core. */
  readonly core: Readonly<Record<number, number>>;
  /**
   * Interrupt and softirq share of each core, in %: where the kernel's receive path for the
   * loopback traffic runs. Without IRQ time accounting (as on the machine measured) that time is
   * also charged to the process it interrupted, so it overlaps `of`.
   */
  readonly irq: Readonly<Record<number, number>>;
  /** CPU of the given PIDs (summed), in % of one core. */
  readonly of: (pids: readonly number[]) => number;
  /** CPU of every process except `pids` and the kernel's softirq threads, in % of one core. */
  readonly foreign: (pids: readonly number[]) => { percent: number; top: string };
}

export function cpuUsage(a: CpuSnapshot, b: CpuSnapshot): CpuUsage {
  const seconds = (b.at - a.at) / 1000;
  const core: Record<number, number> = {};
  const irq: Record<number, number> = {};
  for (const [n, [busy1, total1, irq1]] of b.cores) {
    const before = a.cores.get(n);
    if (before === undefined) continue;
    core[n] = total1 === before[1] ? 0 : (100 * (busy1 - before[0])) / (total1 - before[1]);
    irq[n] = total1 === before[1] ? 0 : (100 * (irq1 - before[2])) / (total1 - before[1]);
  }
  const delta = (pid: number) => {
    const after = b.procs.get(pid);
    if (after === undefined) return 0;
    return after.ticks - (a.procs.get(pid)?.ticks ?? 0);
  };
  const pct = (ticks: number) => (100 * ticks) / HZ / seconds;
  return {
    core,
    irq,
    of: (pids) => pct(pids.reduce((s, p) => s + delta(p), 0)),
    foreign: (pids) => {
      const mine = new Set(pids);
      let ticks = 0;
      const who: [string, number][] = [];
      for (const [pid, p] of b.procs) {
        // ksoftirqd runs the loopback traffic's receive path when softirqs pile up: ours.
        if (mine.has(pid) || p.comm.startsWith('ksoftirqd')) continue;
        const d = delta(pid);
        if (d <= 0) continue;
        ticks += d;
        who.push([`${p.comm}(${pid})`, d]);
      }
      who.sort((x, y) => y[1] - x[1]);
      return { percent: pct(ticks), top: who.slice(0, 3).map(([n, d]) => `${n} ${pct(d).toFixed(0)}%`).join(', ') };
    },
  };
}

/** Waits up to `maxMs` until both cores stay under `maxBusy` % for a 2 s sample; false on timeout. */
export async function waitQuiet(maxBusy: number, maxMs: number, onWait?: (busy: string) => void): Promise<boolean> {
  const until = performance.now() + maxMs;
  let told = false;
  for (;;) {
    const a = cpuSnapshot();
    await sleep(2000);
    const u = cpuUsage(a, cpuSnapshot());
    const busy = Object.values(u.core);
    if (busy.every((x) => x < maxBusy)) return true;
    if (performance.now() > until) return false;
    if (!told) onWait?.(busy.map((x) => `${x.toFixed(0)}%`).join(' / '));
    told = true;
  }
}

//------------ dig checks --------------------------------------------------------------------

export interface DigAnswer {
  readonly status: string;
  readonly answers: string[];
  readonly raw: string;
}

export function dig(port: number, name: string, type: string): DigAnswer {
  const r = spawnSync('dig', ['@127.0.0.1', '-p', String(port), name, type, '+norec', '+tries=1', '+time=2', '+noall', '+comments', '+answer'], { encoding: 'utf8' });
  const raw = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const status = /status: ([A-Z]+)/.exec(raw)?.[1] ?? 'NO REPLY';
  const answers: string[] = [];
  for (const line of raw.split('\n')) {
    if (line.startsWith(';') || line.trim() === '') continue;
    const f = line.trim().split(/\s+/);
    // owner ttl class type rdata
    if (f[3] === type) answers.push(f.slice(4).join(' '));
  }
  return { status, answers, raw };
}

/** Every check asked; the list of what was wrong (empty: all answers exact). */
export function verifyAnswers(port: number, checks: readonly Check[]): { ok: number; problems: string[] } {
  const problems: string[] = [];
  let ok = 0;
  for (const c of checks) {
    const got = dig(port, c.name, c.type);
    const want = [...c.answers].sort().join(', ');
    const have = [...got.answers].sort().join(', ');
    if (got.status === c.rcode && want === have) ok++;
    else problems.push(`${c.name} ${c.type}: expected ${c.rcode} [${want}], got ${got.status} [${have}]`);
  }
  return { ok, problems };
}

/** Asks until any reply comes (the server has loaded its data), up to `maxMs`. */
export async function waitAnswering(port: number, probe: Check, maxMs: number, alive: () => boolean): Promise<boolean> {
  const until = performance.now() + maxMs;
  while (performance.now() < until) {
    if (!alive()) return false;
    if (dig(port, probe.name, probe.type).status === probe.rcode) return true;
    await sleep(200);
  }
  return false;
}

//------------ dnsperf -----------------------------------------------------------------------

export interface DnsperfOptions {
  readonly port: number;
  readonly queries: string;
  readonly seconds: number;
  readonly clients: number;
  readonly threads: number;
  readonly outstanding: number;
  readonly timeoutSeconds: number;
  /** dnsperf's core (default CLIENT_CPU). */
  readonly cpu?: number;
}

export interface DnsperfResult {
  readonly sent: number;
  readonly completed: number;
  readonly lost: number;
  readonly rcodes: Readonly<Record<string, number>>;
  readonly requestSize: number;
  readonly responseSize: number;
  readonly seconds: number;
  readonly qps: number;
  readonly latencyMs: number;
  readonly latencyMaxMs: number;
  readonly version: string;
}

export function parseDnsperf(text: string): DnsperfResult {
  const num = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
  const rcodes: Record<string, number> = {};
  const rc = /Response codes:\s+(.*)/.exec(text)?.[1] ?? '';
  for (const m of rc.matchAll(/([A-Z]+) (\d+) \(/g)) rcodes[m[1]!] = Number(m[2]);
  return {
    sent: num(/Queries sent:\s+(\d+)/),
    completed: num(/Queries completed:\s+(\d+)/),
    lost: num(/Queries lost:\s+(\d+)/),
    rcodes,
    requestSize: num(/Average packet size:\s+request (\d+)/),
    responseSize: num(/Average packet size:\s+request \d+, response (\d+)/),
    seconds: num(/Run time \(s\):\s+([\d.]+)/),
    qps: num(/Queries per second:\s+([\d.]+)/),
    latencyMs: 1000 * num(/Average Latency \(s\):\s+([\d.]+)/),
    latencyMaxMs: 1000 * num(/Average Latency \(s\):\s+[\d.]+ \(min [\d.]+, max ([\d.]+)\)/),
    version: /Version ([\d.]+)/.exec(text)?.[1] ?? '?',
  };
}

export interface DnsperfRun {
  readonly pid: number;
  /** Output, exit code, and dnsperf's own CPU time in seconds (user + system, all threads). */
  readonly done: Promise<{ code: number | null; out: string; cpuSeconds: number }>;
}

/**
 * Starts dnsperf pinned to the client core; `done` resolves with its whole output. dnsperf runs
 * under a small sh that, once it has waited for dnsperf, prints its own /proc stat line, whose
 * cutime and cstime are dnsperf's CPU time: exact, although dnsperf has exited by then.
 */
export function startDnsperf(o: DnsperfOptions, onPid?: (pid: number) => void): DnsperfRun {
  const args = [
    '-s', '127.0.0.1',
    '-p', String(o.port),
    '-d', o.queries,
    '-l', String(o.seconds),
    '-c', String(o.clients),
    '-T', String(o.threads),
    '-q', String(o.outstanding),
    '-t', String(o.timeoutSeconds),
  ];
  const script = 'dnsperf "$@"; rc=$?; read -r s < /proc/$$/stat; echo "DNSPERF_WRAPPER_STAT $s"; exit $rc';
  const { child, pid } = spawnPinned('dnsperf', ['sh', '-c', script, 'sh', ...args], o.cpu ?? CLIENT_CPU);
  onPid?.(pid);
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  // Timeouts are reported one line each on stderr: keep a count, not the lines.
  let timeouts = 0;
  child.stderr?.on('data', (c: Buffer) => {
    const s = c.toString('utf8');
    timeouts += s.split('Query timed out').length - 1;
    if (!s.includes('Query timed out')) out += s;
  });
  return {
    pid,
    done: new Promise((resolve) =>
      child.once('exit', (code) => {
        const stat = /DNSPERF_WRAPPER_STAT (.*)/.exec(out)?.[1] ?? '';
        // After the comm: state(0) … cutime(13) cstime(14)
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const cpuSeconds = (Number(f[13]) + Number(f[14])) / HZ;
        resolve({ code, out: `${out}\n[timeout lines: ${timeouts}]\n`, cpuSeconds });
      }),
    ),
  };
}

/** dnsperf's version line, for the report. */
export function dnsperfVersion(): string {
  const s = spawnSync('dnsperf', ['-h'], { encoding: 'utf8' });
  return /Version ([\d.]+)/.exec(`${s.stdout}${s.stderr}`)?.[1] ?? '?';
}
