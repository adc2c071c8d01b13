// The side-by-side load benchmark runner shared by bench/dhcp4-load.ts and bench/dhcp6-load.ts:
// arguments, rounds, quiet-machine waits, disturbed-phase repeats, the per-attempt log, the
// summary tables and the ours/peer ratios. A protocol supplies a LoadBenchSpec: its server
// launches, its generator and the names of its two legs.
//
// Per round, per server (in the same order each round, so each round is a side-by-side run):
//   1. write its config for the same --hosts hosts and start it pinned to CPU 1 (taskset -c 1);
//      this process pins itself to CPU 0;
//   2. probe: one exchange every 100 ms until one completes (the server has loaded its hosts);
//   3. closed loop: --concurrency exchanges in flight, --warmup s excluded, then --duration s;
//   4. open loop at --rate exchanges/s: --warmup s excluded, then --rate-duration s measured;
//   5. SIGTERM (SIGKILL after 10 s); every process started is killed by PID on any exit.
// Before each phase the bench waits (up to --wait-quiet s) for an idle machine, and a phase in
// which other processes took more than --max-foreign % of the server's core, or of ours while ours
// was saturated (CPU busy time from /proc/stat minus the server's and our own CPU time), is run
// again, up to --tries times, keeping the least disturbed attempt.
// Results: every attempt as it runs; then medians over the undisturbed rounds (or over all, said
// so, when none was), and the ratios ours/peer from rounds where both were undisturbed.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { cpuIdleMs, sleep, type Discipline, type LoadGen, type PhaseResult } from './exchange-loadgen.ts';
import { GENERATOR_CPU, killAllStarted, SERVER_CPU, startPinned, type RunningServer, type ServerLaunch } from './server-process.ts';

/** The common flags, read once. */
export interface LoadBenchArgs {
  readonly hosts: number;
  readonly rounds: number;
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly rate: number;
  readonly rateDurationMs: number;
  readonly timeoutMs: number;
  readonly port: number;
  /** --profile DIR: our server under `node --cpu-prof`, profiles written to DIR on exit. */
  readonly profileDir: string | undefined;
  /** Extra node flags for the Node servers, space-separated: e.g. "--trace-gc". */
  readonly nodeFlags: readonly string[];
  readonly maxForeign: number;
  readonly tries: number;
  readonly waitQuietMs: number;
  /** A directory for each server's output, one file per server and round. */
  readonly serverLogs: string | undefined;
  /** closed (throughput), rate (open loop), or both (default). */
  readonly phases: readonly string[];
  readonly json: string | undefined;
  readonly keep: boolean;
  /** --servers, unchecked. */
  readonly servers: readonly string[] | undefined;
}

export function readArgs(defaultPort: number, argv: readonly string[] = process.argv): LoadBenchArgs {
  const str = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i === -1 ? undefined : argv[i + 1];
  };
  const num = (name: string, fallback: number): number => {
    const v = Number(str(name));
    return str(name) === undefined || !Number.isFinite(v) ? fallback : v;
  };
  return {
    hosts: num('hosts', 10_000),
    rounds: num('rounds', 3),
    concurrency: num('concurrency', 64),
    warmupMs: num('warmup', 2) * 1000,
    durationMs: num('duration', 10) * 1000,
    rate: num('rate', 1000),
    rateDurationMs: num('rate-duration', 10) * 1000,
    timeoutMs: num('timeout-ms', 2000),
    port: num('port', defaultPort),
    profileDir: str('profile'),
    nodeFlags: (str('node-flags') ?? '').split(' ').filter((f) => f !== ''),
    maxForeign: num('max-foreign', 10),
    tries: num('tries', 4),
    waitQuietMs: num('wait-quiet', 120) * 1000,
    serverLogs: str('server-logs'),
    phases: (str('phases') ?? 'closed,rate').split(','),
    json: str('json'),
    keep: argv.includes('--keep'),
    servers: str('servers')?.split(',').map((s) => s.trim()),
  };
}

/** What one protocol's benchmark supplies. */
export interface LoadBenchSpec<N extends string> {
  /** `# DHCPv4 load: relayed DORA, side by side` */
  readonly title: string;
  /** What one exchange is called in the tables: `DORA`, `exchange`. */
  readonly unit: string;
  /** The two legs: `DISCOVER→OFFER`, `REQUEST→ACK`. */
  readonly legs: readonly [string, string];
  /** The reply names for the content line: `OFFER`, `ACK`. */
  readonly replies: readonly [string, string];
  readonly allNames: readonly N[];
  readonly defaultNames: readonly N[];
  /** The server the ratios are of (`ours`). */
  readonly ours: N;
  /** Why a server cannot run here, or undefined. */
  unavailable(name: N): string | undefined;
  /** One line describing the workload, for the report header. */
  workload(a: LoadBenchArgs): string;
  /** Writes the server's config for the hosts into `dir`. */
  launch(name: N, dir: string, a: LoadBenchArgs): ServerLaunch<N>;
  /** A generator for this server (its launch says whether addresses can be checked). */
  openGenerator(launch: ServerLaunch<N>, a: LoadBenchArgs): Promise<LoadGen>;
  /** The option codes of a reply, for the content line. */
  replyOptionCodes(reply: Uint8Array): number[];
}

interface RoundResult<N extends string> {
  readonly server: N;
  readonly round: number;
  readonly startupMs: number;
  readonly closed: PhaseResult | undefined;
  readonly rate: PhaseResult | undefined;
  readonly replyBytes: readonly [number, number];
  readonly replyOptions: readonly [number[], number[]];
}

const f0 = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '—');
const ms = (x: number) => (!Number.isFinite(x) ? '—' : x < 1 ? `${(x * 1000).toFixed(0)} µs` : `${x.toFixed(2)} ms`);
export function median(xs: number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function pinSelf(): string {
  // -a: every thread (libuv's pool, V8's helpers) of this process.
  const r = spawnSync('taskset', ['-a', '-cp', String(GENERATOR_CPU), String(process.pid)], { encoding: 'utf8' });
  return r.status === 0 ? `generator pinned to CPU ${GENERATOR_CPU}` : `generator NOT pinned (${r.stderr.trim() || r.error?.message})`;
}

export async function runLoadBench<N extends string>(spec: LoadBenchSpec<N>, a: LoadBenchArgs): Promise<void> {
  const servers = (a.servers ?? spec.defaultNames).filter((s): s is N => {
    if ((spec.allNames as readonly string[]).includes(s)) return true;
    console.error(`unknown server '${s}' (known: ${spec.allNames.join(', ')})`);
    process.exit(2);
  });
  process.on('exit', killAllStarted);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAllStarted();
      process.exit(130);
    });
  }
  const unit = spec.unit;
  const [leg1, leg2] = spec.legs;

  /**
   * CPU time other processes took inside the window on the server's core and on ours, in % of a
   * core (busy time of the CPU minus the server's or our own CPU time; ±5 % is accounting noise).
   */
  const foreign = (r: PhaseResult): { server: number; generator: number } => {
    const busy = (cpu: number) => r.cpuBusyMs[cpu] ?? NaN;
    return {
      server: ((busy(SERVER_CPU) - r.serverCpuMs) / r.windowMs) * 100,
      generator: ((busy(GENERATOR_CPU) - r.generatorCores * r.windowMs) / r.windowMs) * 100,
    };
  };
  /**
   * Disturbed: other processes took more than --max-foreign % of the server's core, or of ours
   * while ours was the one saturated (near 100 % busy). When our core has time to spare, the
   * kernel's own per-packet work there (interrupts, wake-ups) is not a disturbance.
   */
  const disturbed = (r: PhaseResult) => {
    const f = foreign(r);
    const ourCoreBusy = ((r.cpuBusyMs[GENERATOR_CPU] ?? 0) / r.windowMs) * 100;
    return f.server > a.maxForeign || (ourCoreBusy > 90 && f.generator > a.maxForeign);
  };

  const describe = (r: PhaseResult): string => {
    const d = r.discipline.mode === 'closed' ? `closed loop, ${r.discipline.concurrency} in flight` : `open loop, ${r.discipline.rate}/s offered`;
    return [
      `${d}: ${f0(r.perSec)} ${unit}/s (${r.exchanges} in ${(r.windowMs / 1000).toFixed(1)} s; started ${r.started})`,
      `    ${leg1} p50 ${ms(r.first.p50)} p99 ${ms(r.first.p99)} | ${leg2} p50 ${ms(r.second.p50)} p99 ${ms(r.second.p99)} | ${unit} p50 ${ms(r.total.p50)} p99 ${ms(r.total.p99)} max ${ms(r.total.max)}`,
      `    server CPU ${f0(r.serverCpuMs)} ms (user ${f0(r.serverUserMs)}, sys ${f0(r.serverSysMs)}) = ${f1(r.serverCpuUsPerExchange)} µs/${unit} (${f1((r.serverCpuMs / r.windowMs) * 100)}% of a core) | generator ${f1(r.generatorCores * 100)}% of a core` +
        (r.discipline.mode === 'rate' ? ` | send lag p99 ${ms(r.sendLag.p99)} max ${ms(r.sendLag.max)}` : ''),
      `    CPU busy (all processes): ${r.cpuBusyMs.map((b, k) => `cpu${k} ${f1((b / r.windowMs) * 100)}%`).join(', ')}; other processes took ${f1(foreign(r).server)}% of the server's core, ${f1(foreign(r).generator)}% of ours${disturbed(r) ? ' — DISTURBED' : ''}\n` +
        `    lost ${r.timeouts} (timeout ${a.timeoutMs} ms), NAK ${r.naks}, wrong ${r.wrong}, stray ${r.stray}`,
    ].join('\n');
  };

  /**
   * Waits (at most --wait-quiet s) until the machine is idle: one second in which all CPUs
   * together were busy less than --max-foreign % of one core (the server under test idles between
   * phases). Other sessions' test runs on a shared machine otherwise land inside the window.
   */
  const waitQuiet = async (): Promise<void> => {
    const until = Date.now() + a.waitQuietMs;
    for (;;) {
      const i0 = cpuIdleMs();
      const t0 = Date.now();
      await sleep(1000);
      const wall = Date.now() - t0;
      const busy = cpuIdleMs().reduce((sum, x, k) => sum + Math.max(0, wall - (x - (i0[k] ?? 0))), 0);
      const pct = (busy / wall) * 100;
      if (pct < a.maxForeign) return;
      if (Date.now() > until) {
        console.log(`  (machine still busy, ${pct.toFixed(0)}% of a core, after ${a.waitQuietMs / 1000} s: running anyway)`);
        return;
      }
    }
  };

  const runOne = async (launch: ServerLaunch<N>, round: number): Promise<RoundResult<N>> => {
    let server: RunningServer<N> | undefined;
    let gen: LoadGen | undefined;
    try {
      server = startPinned(launch, a.serverLogs === undefined ? undefined : join(a.serverLogs, `${launch.name}-round${round}.log`));
      // Give the server a moment to bind first (dnsmasq binds the wildcard with SO_REUSEADDR).
      await sleep(200);
      gen = await spec.openGenerator(launch, a);
      const s = server;
      const probe = await gen.probe(120_000, () => s.alive());
      const g = gen;
      // The least disturbed of up to --tries attempts (the first undisturbed one ends the search).
      const phase = async (discipline: Discipline, durationMs: number): Promise<PhaseResult> => {
        let best: PhaseResult | undefined;
        for (let attempt = 1; attempt <= a.tries; attempt++) {
          await waitQuiet();
          const r = await g.run({ discipline, warmupMs: a.warmupMs, durationMs, timeoutMs: a.timeoutMs, serverPid: s.pid });
          console.log(`  ${launch.name.padEnd(8)} ${describe(r)}`);
          if (best === undefined || foreign(r).server < foreign(best).server) best = r;
          if (!disturbed(r)) return r;
          if (attempt < a.tries) console.log(`  ${launch.name.padEnd(8)} (other processes were busy: phase repeated, try ${attempt + 1} of ${a.tries})`);
        }
        return best!;
      };
      const closed = a.phases.includes('closed') ? await phase({ mode: 'closed', concurrency: a.concurrency }, a.durationMs) : undefined;
      const rate = a.phases.includes('rate') ? await phase({ mode: 'rate', rate: a.rate }, a.rateDurationMs) : undefined;
      if (!server.alive()) throw new Error(`${launch.name} exited during the run:\n${server.output()}`);
      return {
        server: launch.name,
        round,
        startupMs: probe.ms,
        closed,
        rate,
        replyBytes: [probe.first.length, probe.second.length],
        replyOptions: [spec.replyOptionCodes(probe.first), spec.replyOptionCodes(probe.second)],
      };
    } catch (e) {
      const out = server?.output().trim();
      throw new Error(`${launch.name}: ${(e as Error).message}${out ? `\n--- ${launch.name} output ---\n${out}` : ''}`, { cause: e });
    } finally {
      await gen?.close();
      await server?.stop();
    }
  };

  const pinned = pinSelf();
  const cpu = cpus();
  console.log(spec.title);
  console.log(`machine: ${cpu.length} × ${cpu[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Linux ${release()}, Node ${process.version}`);
  console.log(`${pinned}; servers pinned to CPU ${SERVER_CPU}`);
  console.log(
    `workload: ${spec.workload(a)}; closed loop ${a.concurrency} in flight, open loop ${a.rate}/s; ` +
      `warm-up ${a.warmupMs / 1000} s, measured ${a.durationMs / 1000} s / ${a.rateDurationMs / 1000} s; ${a.rounds} round(s)`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'bench-load-'));
  const results: RoundResult<N>[] = [];
  const skipped = new Map<N, string>();
  const launches = new Map<N, ServerLaunch<N>>();
  try {
    for (const name of servers) {
      const why = spec.unavailable(name);
      if (why !== undefined) skipped.set(name, why);
      else launches.set(name, spec.launch(name, dir, a));
    }
    for (const [name, l] of launches) {
      console.log(`\n${name}: ${l.version}`);
      for (const n of l.notes) console.log(`  - ${n}`);
    }
    for (const [name, why] of skipped) console.log(`\n${name}: SKIPPED: ${why}`);

    for (let round = 1; round <= a.rounds; round++) {
      console.log(`\n## round ${round}`);
      for (const [name, l] of launches) {
        try {
          results.push(await runOne(l, round));
        } catch (e) {
          console.log(`  ${name.padEnd(8)} FAILED: ${(e as Error).message}`);
          if (round === 1) {
            skipped.set(name, (e as Error).message.split('\n')[0] ?? 'failed');
            launches.delete(name);
          }
        }
      }
    }
  } finally {
    killAllStarted();
    if (a.keep) console.log(`\nconfigs kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }

  //------------ summary ----------------------------------------------------------------------
  // Medians over the rounds whose phase was not disturbed by other processes; when every round
  // of a phase was disturbed, over all of them, and the row says so.
  const by = (name: N) => results.filter((r) => r.server === name);
  const phaseOf = (name: N, get: (r: RoundResult<N>) => PhaseResult | undefined) => {
    const all = by(name).flatMap((r) => {
      const p = get(r);
      return p === undefined ? [] : [{ round: r.round, p }];
    });
    const clean = all.filter((x) => !disturbed(x.p));
    const used = clean.length > 0 ? clean : all;
    const note = all.length === 0 ? '' : clean.length === all.length ? `${all.length}` : clean.length > 0 ? `${clean.length} of ${all.length}` : `${all.length}, all disturbed`;
    return { used, note };
  };
  const med = (xs: { p: PhaseResult }[], f: (p: PhaseResult) => number) => median(xs.map((x) => f(x.p)));
  console.log(`\n## summary: median over the undisturbed rounds (of ${a.rounds})`);
  if (a.phases.includes('closed')) {
    console.log(`\n| server | rounds | ${unit}/s (closed loop) | server CPU µs/${unit} (user + sys) | one core's worth (10⁶ / CPU µs) | ${leg1} p50 / p99 | ${leg2} p50 / p99 | generator CPU | lost |`);
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const name of servers) {
      const { used, note } = phaseOf(name, (r) => r.closed);
      if (used.length === 0) {
        console.log(`| ${name} | skipped: ${skipped.get(name) ?? 'no result'} | | | | | | | |`);
        continue;
      }
      const cpuUs = med(used, (p) => p.serverCpuUsPerExchange);
      console.log(
        `| ${name} | ${note} | ${f0(med(used, (p) => p.perSec))} | ${f1(cpuUs)} (${f1(med(used, (p) => (p.serverUserMs * 1000) / p.exchanges))} + ${f1(med(used, (p) => (p.serverSysMs * 1000) / p.exchanges))}) | ${f0(1e6 / cpuUs)} | ` +
          `${ms(med(used, (p) => p.first.p50))} / ${ms(med(used, (p) => p.first.p99))} | ${ms(med(used, (p) => p.second.p50))} / ${ms(med(used, (p) => p.second.p99))} | ` +
          `${f0(med(used, (p) => p.generatorCores * 100))}% | ${used.map((x) => x.p.timeouts + x.p.wrong + x.p.naks).join('+')} |`,
      );
    }
  }
  if (a.phases.includes('rate')) {
    console.log(`\n| server | rounds | open loop ${a.rate}/s: ${unit}/s done | ${leg1} p50 / p99 | ${leg2} p50 / p99 | ${unit} from its scheduled start p50 / p99 | generator send lag p99 | server CPU µs/${unit} | lost |`);
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const name of servers) {
      const { used, note } = phaseOf(name, (r) => r.rate);
      if (used.length === 0) continue;
      console.log(
        `| ${name} | ${note} | ${f0(med(used, (p) => p.perSec))} | ${ms(med(used, (p) => p.first.p50))} / ${ms(med(used, (p) => p.first.p99))} | ${ms(med(used, (p) => p.second.p50))} / ${ms(med(used, (p) => p.second.p99))} | ` +
          `${ms(med(used, (p) => p.total.p50))} / ${ms(med(used, (p) => p.total.p99))} | ${ms(med(used, (p) => p.sendLag.p99))} | ${f1(med(used, (p) => p.serverCpuUsPerExchange))} | ${used.map((x) => x.p.timeouts + x.p.wrong + x.p.naks).join('+')} |`,
      );
    }
  }
  // Ratios from rounds where both phases being compared were undisturbed.
  const ours = spec.ours;
  const pairs = (name: N, get: (r: RoundResult<N>) => PhaseResult | undefined) =>
    by(ours).flatMap((o) =>
      by(name)
        .filter((p) => p.round === o.round)
        .flatMap((p) => {
          const x = get(o);
          const y = get(p);
          return x === undefined || y === undefined || disturbed(x) || disturbed(y) ? [] : [{ round: o.round, a: x, b: y }];
        }),
    );
  if (by(ours).length > 0) {
    console.log(`\nratios, ${ours} / peer in the same round (rounds where both were undisturbed):`);
    for (const name of servers) {
      if (name === ours) continue;
      const c = pairs(name, (r) => r.closed);
      const o = pairs(name, (r) => r.rate);
      if (c.length === 0 && o.length === 0) continue;
      const list = (xs: { round: number; a: PhaseResult; b: PhaseResult }[], f: (x: PhaseResult, y: PhaseResult) => number) =>
        xs.length === 0 ? '—' : `${median(xs.map((x) => f(x.a, x.b))).toFixed(2)}× (round ${xs.map((x) => `${x.round}: ${f(x.a, x.b).toFixed(2)}`).join(', ')})`;
      console.log(
        `  vs ${name.padEnd(8)} throughput ${list(c, (x, y) => x.perSec / y.perSec)}; CPU per ${unit} ${list(c, (x, y) => x.serverCpuUsPerExchange / y.serverCpuUsPerExchange)}; ` +
          `${unit} p99 at ${a.rate}/s ${list(o, (x, y) => x.total.p99 / y.total.p99)}`,
      );
    }
  }
  for (const name of servers) {
    const r = by(name)[0];
    if (r !== undefined) {
      console.log(`${name} reply (${r.replyBytes[0]}/${r.replyBytes[1]} bytes) options: ${spec.replies[0]} [${r.replyOptions[0].join(',')}] ${spec.replies[1]} [${r.replyOptions[1].join(',')}]`);
    }
  }
  if (a.json !== undefined) {
    writeFileSync(a.json, JSON.stringify({ hosts: a.hosts, concurrency: a.concurrency, rate: a.rate, results, skipped: Object.fromEntries(skipped) }, null, 1));
    console.log(`results written to ${a.json}`);
  }
}
