// DNS load benchmark (BENCHMARKS.md, "DNS"), run by bench/dns.sh: dnsperf against `coresmd dns`
// and, side by side with the same names, NSD, Knot DNS, dnsmasq and a bare node:dgram echo
// server, each pinned to one core.
//
//   node --import tsx bench/dns/run.ts [--servers ours,nsd,knot,dnsmasq,echo(,echo-cb)] [--nodes 10000]
//        [--queries 100000] [--rounds 3] [--duration 10] [--warmup 3] [--clients 8] [--threads 1]
//        [--outstanding 100] [--timeout 2] [--port 15300] [--max-foreign 10] [--tries 4]
//        [--wait-quiet 300] [--quiet-busy 15] [--tune] [--alternate ours,echo] [--alternate-runs 10]
//        [--alternate-seconds 3] [--profile DIR] [--json FILE] [--keep]
//
// Everything is on 127.0.0.1 and ports above 1024.
//   1. Every server is started, each on its own port, pinned to CPU 1 (taskset -c 1); dnsperf and
//      this process run on CPU 0 (Knot the other way round: knotd pins its UDP worker to CPU 0
//      itself). Each is asked with dig until it answers, then the checks of workload.ts are
//      asked and every answer compared exactly (rcode and RDATA), and every thread's allowed
//      CPUs are read from /proc: a server that answers wrong or has a thread on another core is
//      reported and not measured.
//   2. Per round, per server (same order each round, so each round is a side-by-side run), the
//      others idle meanwhile (their CPU is measured too): wait (up to --wait-quiet s) until both
//      cores are under --quiet-busy %, dnsperf --warmup s (not counted), then dnsperf --duration s
//      measured, same query file. A measurement during which other processes used more than
//      --max-foreign % of a core (their CPU time from /proc, ksoftirqd excluded) is done again,
//      up to --tries, and marked when still disturbed.
//   3. --alternate A,B: then A, B, A, B, … --alternate-runs times, --alternate-seconds each, no
//      waiting: the ratio of each adjacent pair, whose runs see nearly the same outside load.
//   4. SIGTERM to each server's process tree (SIGKILL after 10 s). On any exit every process
//      started is killed by PID (servers.ts killAllStarted; bench/dns.sh kills what is left).
// Reported per run: QPS, lost queries, the rcode breakdown against the query file's, average
// sizes, mean latency, the busy share of each core and the CPU of server, dnsperf and others.
// --tune sweeps dnsperf's -c/-q/-T against echo and NSD first (is the client the bottleneck?).
// --profile DIR: one more run of ours under `node --cpu-prof`, summarised (profile-summary.ts).

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { cpuSnapshot, cpuUsage, dnsperfVersion, parseDnsperf, sleep, startDnsperf, verifyAnswers, waitAnswering, waitQuiet, type DnsperfOptions, type DnsperfResult } from './measure.ts';
import { summarizeProfile } from './profile-summary.ts';
import { ALL_SERVER_NAMES, CLIENT_CPU, killAllStarted, otherCpu, strayThreads, launchFor, newestProfile, SERVER_CPU, SERVER_NAMES, startServer, unavailable, type RunningServer, type ServerLaunch, type ServerName } from './servers.ts';
import { writeWorkload, type Workload } from './workload.ts';

//------------ arguments ----------------------------------------------------------------------

function num(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i === -1 ? undefined : Number(process.argv[i + 1]);
  return v === undefined || !Number.isFinite(v) ? fallback : v;
}
function str(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}
const has = (name: string) => process.argv.includes(`--${name}`);

const SERVERS = (str('servers') ?? SERVER_NAMES.join(',')).split(',').filter(Boolean) as ServerName[];
for (const s of SERVERS) {
  if (!ALL_SERVER_NAMES.includes(s)) {
    console.error(`unknown server '${s}' (known: ${ALL_SERVER_NAMES.join(', ')})`);
    process.exit(2);
  }
}
const NODES = num('nodes', 10_000);
const QUERIES = num('queries', 100_000);
const ROUNDS = num('rounds', 3);
const DURATION = num('duration', 10);
const WARMUP = num('warmup', 3);
const CLIENTS = num('clients', 8);
const THREADS = num('threads', 1);
const OUTSTANDING = num('outstanding', 100);
const TIMEOUT = num('timeout', 2);
const BASE_PORT = num('port', 15300);
const MAX_FOREIGN = num('max-foreign', 10);
const TRIES = num('tries', 4);
const WAIT_QUIET_MS = num('wait-quiet', 300) * 1000;
const QUIET_BUSY = num('quiet-busy', 15);
const PROFILE_DIR = str('profile');
const JSON_OUT = str('json');
const KEEP = has('keep');
/** Servers to alternate with short runs after the rounds (e.g. ours,echo), and how. */
const ALTERNATE = (str('alternate') ?? '').split(',').filter(Boolean) as ServerName[];
const ALTERNATE_RUNS = num('alternate-runs', 10);
const ALTERNATE_SECONDS = num('alternate-seconds', 3);

//------------ cleanup ------------------------------------------------------------------------

const workDir = mkdtempSync(join(tmpdir(), 'bench-dns-'));
// dnsmasq and NSD may read their files as another user: the directory must be readable.
chmodSync(workDir, 0o755);
let cleaned = false;
function cleanup(): void {
  if (cleaned) return;
  cleaned = true;
  killAllStarted();
  if (!KEEP) rmSync(workDir, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    cleanup();
    process.exit(130);
  });
}
process.on('uncaughtException', (e) => {
  console.error(e);
  cleanup();
  process.exit(1);
});

// This process only waits and reads: keep it off the server's core.
spawnSync('taskset', ['-p', '-c', String(CLIENT_CPU), String(process.pid)], { stdio: 'ignore' });

const log = (s: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${s}`);

//------------ one measurement ------------------------------------------------------------------

interface Measured {
  readonly server: ServerName;
  readonly round: number;
  readonly perf: DnsperfResult;
  /** Busy share of the server's core and the client's core, %. */
  readonly serverCore: number;
  readonly clientCore: number;
  /** Interrupt + softirq share of both cores, in % of one core (the kernel's UDP path). */
  readonly irq: number;
  /** CPU time of the server's processes, dnsperf, and everything else, in % of one core. */
  readonly serverCpu: number;
  readonly clientCpu: number;
  readonly foreignCpu: number;
  readonly foreignTop: string;
  /** CPU of the other servers, started but not queried meanwhile, in % of one core. */
  readonly idleServersCpu: number;
  /**
   * Busy time of both cores minus server, dnsperf, idle servers and others, in % of one core:
   * mostly processes that started and ended inside the window (here, the kernel charges softirq
   * time to the process it interrupted, so `irq` is inside the process figures already).
   */
  readonly unaccounted: number;
  readonly tries: number;
  readonly disturbed: boolean;
  /** Whether the rcode shares match the query file's (±1 point). */
  readonly rcodesOk: boolean;
}

function rcodeShares(r: Readonly<Record<string, number>>): string {
  const total = Object.values(r).reduce((a, b) => a + b, 0);
  return Object.entries(r)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${((100 * v) / total).toFixed(1)}%`)
    .join(', ');
}

function rcodesMatch(name: ServerName, r: Readonly<Record<string, number>>, w: Workload): boolean {
  const total = Object.values(r).reduce((a, b) => a + b, 0);
  if (total === 0) return false;
  const expected: Record<string, number> = name === 'echo' ? { NOERROR: 1 } : { NOERROR: w.expectedRcodes.NOERROR / w.queries, NXDOMAIN: w.expectedRcodes.NXDOMAIN / w.queries };
  const keys = new Set([...Object.keys(expected), ...Object.keys(r)]);
  for (const k of keys) if (Math.abs((r[k] ?? 0) / total - (expected[k] ?? 0)) > 0.01) return false;
  return true;
}

interface DnsperfOutcome {
  readonly perf: DnsperfResult;
  readonly usage: ReturnType<typeof cpuUsage>;
  readonly clientPid: number;
  /** dnsperf's CPU, in % of one core over the window. */
  readonly clientCpu: number;
  readonly serverPidsNow: number[];
}

async function dnsperfOnce(o: DnsperfOptions, serverPids: () => number[]): Promise<DnsperfOutcome> {
  const before = cpuSnapshot();
  const run = startDnsperf(o);
  const { code, out, cpuSeconds } = await run.done;
  const pids = serverPids();
  const after = cpuSnapshot();
  const usage = cpuUsage(before, after);
  if (code !== 0) throw new Error(`dnsperf exited with ${code}:\n${out}`);
  return { perf: parseDnsperf(out), usage, clientPid: run.pid, clientCpu: (100 * cpuSeconds) / ((after.at - before.at) / 1000), serverPidsNow: pids };
}

/** `pids`: the measured server's process tree; `allPids`: every running server's (idle ones too). */
async function measure(launch: ServerLaunch, round: number, w: Workload, pids: () => number[], allPids: () => number[], o: Omit<DnsperfOptions, 'port' | 'queries' | 'seconds'>): Promise<Measured> {
  const srvCpu = launch.cpu ?? SERVER_CPU;
  const cliCpu = otherCpu(srvCpu);
  const base = { port: launch.port, queries: w.files.queries, ...o, cpu: cliCpu };
  for (let tries = 1; ; tries++) {
    if (!(await waitQuiet(QUIET_BUSY, WAIT_QUIET_MS, (b) => log(`  machine busy (cores ${b}): waiting up to ${WAIT_QUIET_MS / 1000} s for quiet`)))) {
      log('  still busy: measuring anyway (marked)');
    }
    await dnsperfOnce({ ...base, seconds: WARMUP }, pids);
    const r = await dnsperfOnce({ ...base, seconds: DURATION }, pids);
    const idle = allPids().filter((p) => !r.serverPidsNow.includes(p));
    const mine = [...r.serverPidsNow, ...idle, r.clientPid, process.pid];
    // dnsperf itself has exited before the second snapshot, so it is in none of the PIDs read
    // there; its time comes from its wrapper (startDnsperf). Processes that start and end
    // inside the window are missed the same way: `unaccounted` (core busy time that no process
    // read here was charged with: those, and interrupt time) shows how much that can be.
    const foreign = r.usage.foreign(mine);
    const m0: Measured = {
      server: launch.name,
      round,
      perf: r.perf,
      serverCore: r.usage.core[srvCpu] ?? NaN,
      clientCore: r.usage.core[cliCpu] ?? NaN,
      irq: (r.usage.irq[srvCpu] ?? 0) + (r.usage.irq[cliCpu] ?? 0),
      serverCpu: r.usage.of(r.serverPidsNow),
      clientCpu: r.clientCpu,
      foreignCpu: foreign.percent,
      foreignTop: foreign.top,
      idleServersCpu: r.usage.of(idle),
      unaccounted: 0,
      tries,
      disturbed: foreign.percent > MAX_FOREIGN,
      rcodesOk: rcodesMatch(launch.name, r.perf.rcodes, w),
    };
    const busy = (r.usage.core[srvCpu] ?? 0) + (r.usage.core[cliCpu] ?? 0);
    const m: Measured = { ...m0, unaccounted: busy - m0.serverCpu - m0.clientCpu - m0.idleServersCpu - m0.foreignCpu };
    log(
      `  ${launch.name} round ${round} try ${tries}: ${m.perf.qps.toFixed(0)} QPS, lost ${m.perf.lost}, ${rcodeShares(m.perf.rcodes)}, ` +
        `cores srv ${m.serverCore.toFixed(0)}% cli ${m.clientCore.toFixed(0)}%, cpu srv ${m.serverCpu.toFixed(0)}% dnsperf ${m.clientCpu.toFixed(0)}% idle servers ${m.idleServersCpu.toFixed(1)}% irq+softirq ${m.irq.toFixed(0)}% others ${m.foreignCpu.toFixed(1)}% unaccounted ${m.unaccounted.toFixed(0)}%` +
        (m.foreignTop === '' ? '' : ` (${m.foreignTop})`),
    );
    if (!m.disturbed || tries >= TRIES) return m;
    log(`  others took ${m.foreignCpu.toFixed(1)}% > ${MAX_FOREIGN}%: again`);
  }
}

/** Starts a server, waits until it answers and checks its answers; undefined (stopped) when it fails. */
async function startVerified(launch: ServerLaunch, w: Workload): Promise<RunningServer | undefined> {
  const server = startServer(launch, join(workDir, `${launch.name}.log`));
  const probe = w.checks[0]!;
  if (!(await waitAnswering(launch.port, launch.answers ? probe : { ...probe, answers: [], rcode: 'NOERROR' }, 120_000, server.alive))) {
    log(`  ${launch.name} did not answer within 120 s; output:\n${server.output()}`);
    await server.stop();
    return undefined;
  }
  if (launch.answers) {
    const v = verifyAnswers(launch.port, w.checks);
    if (v.problems.length > 0) {
      log(`  ${launch.name} answers WRONG (${v.ok}/${w.checks.length} right), not measured:\n    ${v.problems.join('\n    ')}`);
      await server.stop();
      return undefined;
    }
    log(`  ${launch.name}: all ${v.ok} dig checks exact`);
  } else log(`  ${launch.name}: answering`);
  // Pinning is checked on every thread: a server may re-pin its own threads (knotd does).
  const stray = strayThreads(server.pids(), launch.cpu ?? SERVER_CPU);
  if (stray.length > 0) {
    log(`  ${launch.name}: threads outside CPU ${launch.cpu ?? SERVER_CPU}, not measured: ${stray.join(', ')}`);
    await server.stop();
    return undefined;
  }
  return server;
}

//------------ main -----------------------------------------------------------------------------

interface AlternateRun {
  readonly run: number;
  readonly qps: Record<string, number>;
  readonly foreign: Record<string, number>;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main(): Promise<void> {
  const w = writeWorkload(join(workDir, 'data'), { nodes: NODES, queries: QUERIES });
  chmodSync(join(workDir, 'data'), 0o755);
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Linux ${release()}, Node ${process.version}, dnsperf ${dnsperfVersion()}`;
  log(`machine: ${machine}`);
  log(`data: ${NODES} nodes, ${w.cluster.bmcs.length} BMCs, ${w.cluster.nodes.filter((n) => n.ipv6 !== undefined).length} with IPv6; ${w.queries} queries, expected NOERROR ${w.expectedRcodes.NOERROR}, NXDOMAIN ${w.expectedRcodes.NXDOMAIN}; in ${workDir}`);
  const servers = SERVERS.filter((s) => {
    const why = unavailable(s);
    if (why !== undefined) log(`${s}: not run: ${why}`);
    return why === undefined;
  });
  const launches = new Map(servers.map((s) => [s, launchFor(s, workDir, w, BASE_PORT)]));
  for (const l of launches.values()) log(`${l.name}: ${l.version}; ${l.notes.join('; ')}`);
  const perfOpts = { clients: CLIENTS, threads: THREADS, outstanding: OUTSTANDING, timeoutSeconds: TIMEOUT };

  // Every server is started (each pinned to CPU 1) and checked first; one at a time is then
  // queried while the others sit idle (their CPU is measured, and is ~0). Each round queries all
  // of them in the same order: a round is a side-by-side run minutes or seconds apart, which
  // matters on a shared machine more than anything else.
  const running = new Map<ServerName, RunningServer>();
  const alternate: AlternateRun[] = [];
  const results: Measured[] = [];
  const tune: { server: ServerName; clients: number; threads: number; outstanding: number; qps: number; lost: number; serverCore: number; clientCore: number; foreignCpu: number }[] = [];
  try {
    log('starting and checking every server');
    for (const name of servers) {
      const s = await startVerified(launches.get(name)!, w);
      if (s !== undefined) running.set(name, s);
    }
    const allPids = () => [...running.values()].flatMap((s) => s.pids());

    if (has('tune')) {
      for (const name of (['echo', 'nsd'] as const).filter((s) => running.has(s))) {
        const launch = launches.get(name)!;
        const pids = () => running.get(name)!.pids();
        log(`tune: dnsperf settings against ${name}`);
        for (const [clients, threads, outstanding] of [
          [1, 1, 20], [8, 1, 50], [8, 1, 100], [8, 1, 200], [16, 1, 200], [8, 2, 200],
        ] as const) {
          await waitQuiet(QUIET_BUSY, WAIT_QUIET_MS);
          const r = await dnsperfOnce({ port: launch.port, queries: w.files.queries, seconds: 5, clients, threads, outstanding, timeoutSeconds: TIMEOUT, cpu: otherCpu(launch.cpu ?? SERVER_CPU) }, pids);
          const all = allPids();
          const foreign = r.usage.foreign([...all, r.clientPid, process.pid]).percent;
          const srv = launch.cpu ?? SERVER_CPU;
          const row = { server: name, clients, threads, outstanding, qps: r.perf.qps, lost: r.perf.lost, serverCore: r.usage.core[srv] ?? NaN, clientCore: r.usage.core[otherCpu(srv)] ?? NaN, foreignCpu: foreign };
          tune.push(row);
          log(`  -c ${clients} -T ${threads} -q ${outstanding}: ${row.qps.toFixed(0)} QPS, lost ${row.lost}, cores srv ${row.serverCore.toFixed(0)}% cli ${row.clientCore.toFixed(0)}%, dnsperf ${r.clientCpu.toFixed(0)}%, others ${foreign.toFixed(1)}%`);
        }
      }
    }

    for (let round = 1; round <= ROUNDS; round++) {
      log(`round ${round}/${ROUNDS}`);
      for (const [name, server] of running) {
        if (!server.alive()) {
          log(`  ${name} has exited: ${server.output()}`);
          continue;
        }
        results.push(await measure(launches.get(name)!, round, w, () => server.pids(), allPids, perfOpts));
      }
    }
    // --alternate A,B: A, B, A, B, … in short runs with no waiting, so that each pair sees
    // nearly the same load from the rest of the machine; the ratio is taken per pair.
    if (ALTERNATE.length >= 2 && ALTERNATE.every((a) => running.has(a))) {
      log(`alternating ${ALTERNATE.join(', ')}: ${ALTERNATE_RUNS} × ${ALTERNATE_SECONDS} s each`);
      for (let i = 1; i <= ALTERNATE_RUNS; i++) {
        const row: AlternateRun = { run: i, qps: {}, foreign: {} };
        for (const name of ALTERNATE) {
          const server = running.get(name)!;
          const l = launches.get(name)!;
          const r = await dnsperfOnce({ port: l.port, queries: w.files.queries, seconds: ALTERNATE_SECONDS, ...perfOpts, cpu: otherCpu(l.cpu ?? SERVER_CPU) }, () => server.pids());
          row.qps[name] = r.perf.qps;
          row.foreign[name] = r.usage.foreign([...allPids(), r.clientPid, process.pid]).percent;
        }
        alternate.push(row);
        log(`  ${i}: ${ALTERNATE.map((a) => `${a} ${row.qps[a]!.toFixed(0)} (others ${row.foreign[a]!.toFixed(0)}%)`).join(', ')}; ${ALTERNATE[0]}/${ALTERNATE[1]} ${(row.qps[ALTERNATE[0]!]! / row.qps[ALTERNATE[1]!]!).toFixed(2)}`);
      }
    }
  } finally {
    for (const s of running.values()) await s.stop();
  }

  let profile: { file: string; qps: number; text: string } | undefined;
  if (PROFILE_DIR !== undefined && launches.has('ours')) {
    const dir = resolve(PROFILE_DIR);
    mkdirSync(dir, { recursive: true });
    const launch = launchFor('ours', workDir, w, BASE_PORT, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
    log(`profile: ours under --cpu-prof (into ${dir})`);
    const server = await startVerified(launch, w);
    let qps: number | undefined;
    if (server !== undefined) {
      try {
        await sleep(2000); // an idle gap between start-up and load, so the summary can find the load
        await waitQuiet(QUIET_BUSY, WAIT_QUIET_MS);
        const r = await dnsperfOnce({ port: launch.port, queries: w.files.queries, seconds: DURATION, ...perfOpts }, () => server.pids());
        log(`  under the profiler: ${r.perf.qps.toFixed(0)} QPS, ${rcodeShares(r.perf.rcodes)}`);
        await sleep(1000);
        qps = r.perf.qps;
      } finally {
        await server.stop();
      }
    }
    await sleep(1000);
    const file = newestProfile(dir);
    if (file !== undefined && qps !== undefined) {
      const s = summarizeProfile(file, { qps, top: 30 });
      profile = { file, qps, text: s.text };
      console.log(`\nProfile ${file}:\n${s.text}\n`);
    } else log('  no profile written');
  }

  // Summary: medians over rounds, ratios ours/peer per round and their median.
  const by = (s: ServerName) => results.filter((r) => r.server === s);
  console.log(`\nDNS load, ${NODES} nodes, dnsperf -c ${CLIENTS} -T ${THREADS} -q ${OUTSTANDING} -l ${DURATION} (warm-up ${WARMUP} s), ${ROUNDS} round(s); ${machine}\n`);
  console.log('| server | QPS per round | median QPS | ours ÷ this (median of rounds) | same, rounds where neither run was disturbed | rcodes (last round) | lost | resp. bytes | mean latency | server core busy | server process CPU | irq+softirq | dnsperf CPU | others |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  const ours = by('ours');
  const ratio: Record<string, number> = {};
  const cleanRatio: Record<string, number> = {};
  for (const s of servers) {
    const rs = by(s);
    if (rs.length === 0) {
      console.log(`| ${s} | not measured | | | | | | | | | | | | |`);
      continue;
    }
    const ratios = rs.map((r) => ours.find((o) => o.round === r.round)?.perf.qps ?? NaN).map((q, i) => q / rs[i]!.perf.qps).filter(Number.isFinite);
    ratio[s] = median(ratios);
    const clean = rs
      .map((r) => [ours.find((o) => o.round === r.round), r] as const)
      .filter(([o, r]) => o !== undefined && !o.disturbed && !r.disturbed)
      .map(([o, r]) => o!.perf.qps / r.perf.qps);
    cleanRatio[s] = clean.length === 0 ? NaN : median(clean);
    const last = rs[rs.length - 1]!;
    console.log(
      `| ${s} | ${rs.map((r) => `${Math.round(r.perf.qps).toLocaleString('en-US')}${r.disturbed ? '*' : ''}`).join(' / ')} | ${Math.round(median(rs.map((r) => r.perf.qps))).toLocaleString('en-US')} | ` +
        `${s === 'ours' ? '—' : `${ratio[s]!.toFixed(2)}`} | ${s === 'ours' ? '—' : Number.isNaN(cleanRatio[s]) ? 'none' : `${cleanRatio[s]!.toFixed(2)} (${clean.length})`} | ${rcodeShares(last.perf.rcodes)}${last.rcodesOk ? '' : ' (MISMATCH)'} | ${rs.map((r) => r.perf.lost).join('/')} | ${last.perf.responseSize} | ` +
        `${median(rs.map((r) => r.perf.latencyMs)).toFixed(2)} ms | ${median(rs.map((r) => r.serverCore)).toFixed(0)}% | ${median(rs.map((r) => r.serverCpu)).toFixed(0)}% | ` +
        `${median(rs.map((r) => r.irq)).toFixed(0)}% | ${median(rs.map((r) => r.clientCpu)).toFixed(0)}% | ${median(rs.map((r) => r.foreignCpu)).toFixed(1)}% |`,
    );
  }
  if (ratio['echo'] !== undefined) {
    const met = ratio['echo'] >= 0.7;
    const cleanEcho = cleanRatio['echo'] ?? NaN;
    console.log(
      `\ntarget: ours ≥ 70 % of the bare echo server in the same run: ${(100 * ratio['echo']).toFixed(0)} % over all rounds → ${met ? 'met' : 'NOT met'}; ` +
        `${Number.isNaN(cleanEcho) ? 'no round with both runs undisturbed' : `${(100 * cleanEcho).toFixed(0)} % over the undisturbed rounds → ${cleanEcho >= 0.7 ? 'met' : 'NOT met'}`}`,
    );
  }
  if (results.some((r) => r.disturbed)) console.log('* other processes took more than --max-foreign % of a core during that run, after every try');
  if (alternate.length > 0) {
    const [a, b] = [ALTERNATE[0]!, ALTERNATE[1]!];
    const ratios = alternate.map((r) => r.qps[a]! / r.qps[b]!).sort((x, y) => x - y);
    const q = (f: number) => ratios[Math.min(ratios.length - 1, Math.floor(f * ratios.length))]!;
    console.log(
      `\nalternating ${ALTERNATE.join('/')} (${alternate.length} × ${ALTERNATE_SECONDS} s each): ${ALTERNATE.map((n) => `${n} median ${Math.round(median(alternate.map((r) => r.qps[n]!))).toLocaleString('en-US')} QPS`).join(', ')}; ` +
        `${a} ÷ ${b} per pair: median ${median(ratios).toFixed(2)}, quartiles ${q(0.25).toFixed(2)}–${q(0.75).toFixed(2)}, min ${ratios[0]!.toFixed(2)}, max ${ratios[ratios.length - 1]!.toFixed(2)}`,
    );
  }

  if (JSON_OUT !== undefined) {
    writeFileSync(
      JSON_OUT,
      `${JSON.stringify(
        {
          machine,
          date: new Date().toISOString(),
          settings: { NODES, QUERIES, ROUNDS, DURATION, WARMUP, CLIENTS, THREADS, OUTSTANDING, TIMEOUT, MAX_FOREIGN, TRIES },
          mix: w.mix,
          expectedRcodes: w.expectedRcodes,
          servers: [...launches.values()].map((l) => ({ name: l.name, version: l.version, notes: l.notes })),
          tune,
          results,
          alternate,
          ratios: ratio,
          cleanRatios: cleanRatio,
          profile,
        },
        null,
        1,
      )}\n`,
    );
  }
}

main().then(
  () => {
    cleanup();
    process.exit(0);
  },
  (e: unknown) => {
    console.error(e);
    cleanup();
    process.exit(1);
  },
);
