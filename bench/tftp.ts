// TFTP benchmark (BENCHMARKS.md, "TFTP"): time to fetch a boot file with real clients from our
// server, tftpd-hpa and atftpd side by side, on loopback and through a path with a LAN-like
// round trip (~0.3 ms, bench/tftp/delay-relay.c), one fetch at a time and 100 at once.
//
//   node --import tsx bench/tftp.ts [--servers ours,tftpd-hpa,atftpd] (also ours-sp: --single-port;
//        ours-b, ours-c, ours-d: bin/coresmd of the checkouts --ours-b DIR etc., to try changes
//        side by side; bare: bench/tftp/bare-server.ts, the floor of a Node TFTP server)
//        [--clients tftp-hpa,atftp-1468,atftp-1468-w8,atftp-1468-w16,curl-1468] (also atftp-512-w16)
//        [--files ipxe,rand1m] [--paths loopback,relay] [--rounds 9] [--rtt-us 300]
//        [--parallel 100] [--parallel-rounds 5] [--parallel-clients tftp-hpa,atftp-1468,atftp-1468-w16]
//        [--parallel-file ipxe] [--no-floor] [--port 16900] [--atftpd PATH]
//        [--max-foreign 10] [--tries 4] [--parallel-tries 2] [--wait-quiet 60] [--fetch-timeout 15] [--profile DIR] [--json FILE]
//
// Needs: root only for the cpuacct cgroup that measures other processes' CPU (without it the
// disturbance is reported as unchecked) and for tftpd-hpa's chroot; taskset (util-linux); cc
// (the relay); the clients atftp, tftp-hpa, curl; the peers tftpd-hpa and atftpd (the two
// Debian packages conflict: install one, unpack the other and pass --atftpd, BENCHMARKS.md).
// Everything stays on 127.0.0.1 and ports >= 1024; every process started is killed by PID on
// any exit.
//
// Method:
//   - files: firmware/ipxe/bin/ipxe-x86_64.efi (bash firmware/ipxe/fetch.sh) and 1 MiB of random
//     bytes, in a fresh directory that all servers serve; every fetched copy is compared (size
//     and SHA-256) with the original, and a fetch that differs or fails is counted, not timed;
//   - servers pinned to CPU 1 (each alone on it while it serves: one fetch at a time), this
//     process, the clients it starts and the relays pinned to CPU 0;
//   - a fetch's time is from spawning the client to its exit (the process start-up is in every
//     figure alike; the "floor" cells fetch a 1-byte file to show it);
//   - per cell (path × file × client): one untimed fetch per server, then --rounds rounds; a
//     round fetches once from each server, in an order rotated every round, so every server
//     sees the same moments of a shared machine; medians over the rounds, min–max as spread;
//   - a round in which other processes took more than --max-foreign % of a core (cpuacct: the
//     machine's CPU time minus ours) is run again at once, up to --tries times (--parallel-tries
//     for the parallel cells), and the least disturbed attempt is kept; before each cell the
//     bench waits (up to --wait-quiet s) for a quiet machine, so a busy machine slows the run by
//     at most that per cell;
//   - server CPU per fetch: our cgroup's time on the server's core (exact, cpuacct), which is
//     the server's own time since it is alone there; the clients' core likewise;
//   - relay path: the relay adds a constant one-way delay, calibrated at start so that a UDP
//     ping (C, CPU 0) to an echo (C, CPU 1) through the relay takes --rtt-us;
//   - parallel: a shell starts --parallel clients at once (in the background, then `wait`):
//     time from spawning the shell to the last client's exit.

import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { CpuMeter } from './tftp/cpu.ts';
import {
  ALL_CLIENT_NAMES,
  ALL_SERVER_NAMES,
  CLIENT_CPU,
  clientSpec,
  findPrograms,
  repoRoot,
  SERVER_CPU,
  SERVER_NAMES,
  serverLaunch,
  type ClientName,
  type ClientSpec,
  type ServerLaunch,
  type ServerName,
} from './tftp/peers.ts';
import { killAll, killAllGroups, runTimed, startLong, type LongProcess } from './tftp/procs.ts';

//------------ arguments ----------------------------------------------------------------------

function str(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}
function num(name: string, fallback: number): number {
  const v = Number(str(name));
  return str(name) === undefined || !Number.isFinite(v) ? fallback : v;
}
function list<T extends string>(name: string, fallback: readonly T[], allowed: readonly T[]): T[] {
  const v = str(name);
  const xs = (v === undefined ? [...fallback] : v.split(',').filter((x) => x !== '')) as T[];
  for (const x of xs) if (!allowed.includes(x)) throw new Error(`--${name}: unknown '${x}' (known: ${allowed.join(', ')})`);
  return xs;
}

type FileKey = 'ipxe' | 'rand1m';
type PathName = 'loopback' | 'relay';

const SERVERS = list<ServerName>('servers', SERVER_NAMES, ALL_SERVER_NAMES);
const CLIENTS = list<ClientName>('clients', ['tftp-hpa', 'atftp-1468', 'atftp-1468-w8', 'atftp-1468-w16', 'curl-1468'], ALL_CLIENT_NAMES);
const FILES = list<FileKey>('files', ['ipxe', 'rand1m'], ['ipxe', 'rand1m']);
const PATHS = list<PathName>('paths', ['loopback', 'relay'], ['loopback', 'relay']);
const ROUNDS = num('rounds', 9);
const RTT_US = num('rtt-us', 300);
const PARALLEL = num('parallel', 100);
const PARALLEL_ROUNDS = num('parallel-rounds', 5);
const PARALLEL_CLIENTS = list<ClientName>('parallel-clients', ['tftp-hpa', 'atftp-1468', 'atftp-1468-w16'], ALL_CLIENT_NAMES);
const PARALLEL_FILE = list<FileKey>('parallel-file', ['ipxe'], ['ipxe', 'rand1m'])[0]!;
const FLOOR = !process.argv.includes('--no-floor');
const BASE_PORT = num('port', 16900);
const MAX_FOREIGN = num('max-foreign', 10);
const TRIES = num('tries', 4);
const PARALLEL_TRIES = num('parallel-tries', 2);
const WAIT_QUIET_MS = num('wait-quiet', 60) * 1000;
const FETCH_TIMEOUT_MS = num('fetch-timeout', 15) * 1000;
const PROFILE_DIR = str('profile');
const JSON_OUT = str('json');

//------------ helpers ------------------------------------------------------------------------

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const out = (s: string) => process.stdout.write(s);

function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
const fmt = (ms: number) => (Number.isNaN(ms) ? '—' : ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const ratio = (a: number, b: number) => (Number.isNaN(a) || Number.isNaN(b) ? '—' : `${(a / b).toFixed(2)}×`);
const rotate = <T>(xs: readonly T[], k: number): T[] => xs.map((_, i) => xs[(i + k) % xs.length]!);

/** One argument for sh, in single quotes. */
const shq = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

//------------ set-up -------------------------------------------------------------------------

interface ServedFile {
  readonly key: FileKey | 'floor';
  readonly name: string;
  readonly size: number;
  readonly sha: string;
}

interface Server {
  readonly launch: ServerLaunch;
  readonly proc: LongProcess;
  readonly port: number;
  /** Where clients send requests on each path. */
  readonly entry: Map<PathName, number>;
  relay?: LongProcess | undefined;
}

const meter = CpuMeter.open();
const tmp = mkdtempSync(join(tmpdir(), 'bench-tftp-'));
const outBase = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'bench-tftp-out-'));
let cleaned = false;

function cleanup(): void {
  if (cleaned) return;
  cleaned = true;
  killAllGroups();
  killAll();
  meter.close();
  rmSync(tmp, { recursive: true, force: true });
  rmSync(outBase, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    cleanup();
    process.exit(130);
  });
}

function pinSelf(): void {
  const r = spawnSync('taskset', ['-a', '-p', '-c', String(CLIENT_CPU), String(process.pid)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`taskset -p failed: ${r.stderr}`);
}

function machine(): string {
  const c = cpus();
  return `${c.length} CPUs (${c[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Linux ${release()}, Node ${process.version}`;
}

async function fetchAndCheck(client: ClientSpec, port: number, file: ServedFile, dest: string): Promise<{ ms: number; error?: string }> {
  try {
    unlinkSync(dest);
  } catch {
    // Not there.
  }
  const r = await runTimed(client.argv(port, file.name, dest), FETCH_TIMEOUT_MS);
  if (r.timedOut) return { ms: r.ms, error: `timed out after ${FETCH_TIMEOUT_MS} ms` };
  if (r.code !== 0) return { ms: r.ms, error: `exit ${r.code ?? r.signal}: ${r.stderr.trim().slice(0, 200)}` };
  return { ms: r.ms, ...checkCopy(dest, file) };
}

function checkCopy(dest: string, file: ServedFile): { error?: string } {
  let got: Buffer;
  try {
    got = readFileSync(dest);
  } catch {
    return { error: 'no output file' };
  }
  if (got.length !== file.size) return { error: `size ${got.length} != ${file.size}` };
  if (sha256(got) !== file.sha) return { error: 'content differs' };
  return {};
}

async function waitReady(server: Server, probe: ServedFile, client: ClientSpec): Promise<void> {
  const until = Date.now() + 20_000;
  let last = '';
  while (Date.now() < until) {
    if (!server.proc.alive()) throw new Error(`${server.launch.name} exited: ${server.proc.output().slice(-2000)}`);
    const r = await fetchAndCheck(client, server.port, probe, join(outBase, `ready-${server.launch.name}`));
    if (r.error === undefined) return;
    last = r.error;
    await sleep(200);
  }
  throw new Error(`${server.launch.name} did not serve ${probe.name} within 20 s (${last}): ${server.proc.output().slice(-2000)}`);
}

/** Waits (at most --wait-quiet) for one half second in which other processes took less than --max-foreign % of a core. */
async function waitQuiet(): Promise<{ waitedMs: number; foreign: number | undefined; quiet: boolean }> {
  const t0 = Date.now();
  for (;;) {
    const a = meter.sample();
    await sleep(500);
    const f = CpuMeter.foreignPercent(a, meter.sample());
    if (f === undefined || f <= MAX_FOREIGN) return { waitedMs: Date.now() - t0, foreign: f, quiet: true };
    if (Date.now() - t0 >= WAIT_QUIET_MS) return { waitedMs: Date.now() - t0, foreign: f, quiet: false };
  }
}

//------------ the relay path -----------------------------------------------------------------

interface PathInfo {
  delayUs: number;
  rttBefore: string;
  rttAfter: string;
  relayStats: string[];
}

async function ping(relayBin: string, port: number, count: number): Promise<{ p50: number; line: string }> {
  const r = spawnSync('taskset', ['-c', String(CLIENT_CPU), relayBin, 'ping', String(port), String(count)], { encoding: 'utf8', timeout: 30_000 });
  const line = (r.stdout ?? '').trim();
  const m = line.match(/p50_us=([0-9.]+)/);
  if (r.status !== 0 || m === null) throw new Error(`ping through the relay failed: ${line} ${r.stderr ?? ''}`);
  return { p50: Number(m[1]), line };
}

async function startRelay(relayBin: string, name: string, serverPort: number, delayUs: number): Promise<{ proc: LongProcess; port: number }> {
  const proc = startLong(name, CLIENT_CPU, [relayBin, String(serverPort), String(Math.max(0, Math.round(delayUs)))]);
  const m = await proc.line(/^entry (\d+)/);
  return { proc, port: Number(m[1]) };
}

async function startRelays(servers: readonly Server[], relayBin: string, delayUs: number): Promise<void> {
  for (const s of servers) {
    const r = await startRelay(relayBin, `relay-${s.launch.name}`, s.port, delayUs);
    s.relay = r.proc;
    s.entry.set('relay', r.port);
  }
}

/** Stops the relays and keeps their lateness statistics (how late they sent, beyond the delay). */
async function stopRelays(servers: readonly Server[], info: PathInfo, phase: string): Promise<void> {
  for (const s of servers) {
    if (s.relay === undefined) continue;
    await s.relay.stop();
    const st = s.relay.output().match(/^stats .*$/m)?.[0] ?? 'no stats';
    info.relayStats.push(`${s.launch.name}, ${phase}: ${st}`);
    s.relay = undefined;
  }
}

/**
 * Finds the one-way delay that gives a --rtt-us round trip through the relay (two corrections).
 * Other work inflates round trips, so it first waits for a quiet machine and takes the lowest
 * median of three ping runs at each step; a result off by more than 15% is reported.
 */
async function calibrate(relayBin: string): Promise<{ delayUs: number; rtt: string; echo: LongProcess; echoPort: number }> {
  const echo = startLong('echo', SERVER_CPU, [relayBin, 'echo']);
  const echoPort = Number((await echo.line(/^entry (\d+)/))[1]);
  await waitQuiet();
  let delayUs = 0;
  let best = { p50: NaN, line: '' };
  for (let step = 0; step < 3; step++) {
    const relay = await startRelay(relayBin, 'calibration-relay', echoPort, delayUs);
    best = { p50: Infinity, line: '' };
    for (let k = 0; k < 3; k++) {
      const r = await ping(relayBin, relay.port, 300);
      if (r.p50 < best.p50) best = r;
    }
    await relay.proc.stop();
    if (step < 2) delayUs = Math.max(0, delayUs + (RTT_US - best.p50) / 2);
  }
  if (Math.abs(best.p50 - RTT_US) > RTT_US * 0.15) out(`WARNING: the relay path's round trip is ${best.p50} µs, not ${RTT_US} (a busy machine)\n`);
  return { delayUs: Math.round(delayUs), rtt: best.line, echo, echoPort };
}

//------------ cells --------------------------------------------------------------------------

interface Sample {
  readonly round: number;
  readonly ms: number;
  /** CPU time on the server's core during the fetch (the server's, ms), when measurable. */
  readonly serverCpuMs?: number;
  /** Ours on the clients' core during the fetch (clients, relay, this process), ms. */
  readonly clientCpuMs?: number;
  readonly error?: string;
}

type Measured = { ms: number; serverCpuMs?: number; clientCpuMs?: number; error?: string };

interface RoundInfo {
  readonly round: number;
  readonly tries: number;
  readonly foreign: number | undefined;
  readonly disturbed: boolean;
}

interface CellResult {
  readonly kind: 'single' | 'parallel';
  readonly path: PathName;
  readonly file: string;
  readonly client: ClientName;
  readonly asks: string;
  readonly perServer: Record<string, Sample[]>;
  readonly rounds: RoundInfo[];
  readonly quiet: { waitedMs: number; foreign: number | undefined; quiet: boolean };
}

const results: CellResult[] = [];

function summary(samples: readonly Sample[]): { med: number; min: number; max: number; cpu: number; serverBusy: number; clientBusy: number; ok: number; failed: number } {
  const good = samples.filter((s) => s.error === undefined);
  const ok = good.map((s) => s.ms);
  const cpu = good.flatMap((s) => (s.serverCpuMs === undefined ? [] : [s.serverCpuMs]));
  const busy = (f: (s: Sample) => number | undefined) => median(good.flatMap((s) => (f(s) === undefined ? [] : [(f(s)! / s.ms) * 100])));
  return {
    med: median(ok),
    serverBusy: busy((s) => s.serverCpuMs),
    clientBusy: busy((s) => s.clientCpuMs),
    min: ok.length ? Math.min(...ok) : NaN,
    max: ok.length ? Math.max(...ok) : NaN,
    cpu: median(cpu),
    ok: ok.length,
    failed: samples.length - ok.length,
  };
}

async function runRounds(
  kind: 'single' | 'parallel',
  path: PathName,
  file: ServedFile,
  client: ClientSpec,
  servers: readonly Server[],
  rounds: number,
  one: (s: Server) => Promise<{ ms: number; error?: string }>,
): Promise<void> {
  const maxTries = kind === 'parallel' ? PARALLEL_TRIES : TRIES;
  const quiet = await waitQuiet();
  const perServer: Record<string, Sample[]> = Object.fromEntries(servers.map((s) => [s.launch.name, []]));
  const roundInfo: RoundInfo[] = [];
  for (let r = 0; r < rounds; r++) {
    let best: { foreign: number | undefined; samples: Map<string, Measured> } | undefined;
    let tries = 0;
    for (let t = 1; t <= maxTries; t++) {
      tries = t;
      const samples = new Map<string, Measured>();
      const a = meter.sample();
      for (const s of rotate(servers, r)) {
        const before = meter.sample();
        const m = await one(s);
        const after = meter.sample();
        const cpu = CpuMeter.oursOnCpuMs(before, after, SERVER_CPU);
        const clientCpu = CpuMeter.oursOnCpuMs(before, after, CLIENT_CPU);
        samples.set(s.launch.name, cpu === undefined || clientCpu === undefined ? m : { ...m, serverCpuMs: cpu, clientCpuMs: clientCpu });
      }
      const foreign = CpuMeter.foreignPercent(a, meter.sample());
      // The least disturbed attempt is kept (chosen by the others' CPU, never by its times).
      if (best === undefined || (foreign ?? 0) < (best.foreign ?? 0)) best = { foreign, samples };
      if (foreign === undefined || foreign <= MAX_FOREIGN) break;
    }
    for (const [name, s] of best!.samples) perServer[name]!.push({ round: r, ...s });
    roundInfo.push({ round: r, tries, foreign: best!.foreign, disturbed: (best!.foreign ?? 0) > MAX_FOREIGN });
  }
  const cell: CellResult = { kind, path, file: file.name, client: client.name, asks: client.asks, perServer, rounds: roundInfo, quiet };
  results.push(cell);
  const parts = servers.map((s) => {
    const x = summary(perServer[s.launch.name]!);
    return `${s.launch.name} ${fmt(x.med)} ms [${fmt(x.min)}–${fmt(x.max)}] cpu ${fmt(x.cpu)}${x.failed ? ` FAILED ${x.failed}` : ''}`;
  });
  const retried = roundInfo.filter((i) => i.tries > 1).length;
  const disturbed = roundInfo.filter((i) => i.disturbed).length;
  out(
    `${kind === 'parallel' ? `${PARALLEL}× ` : ''}${path.padEnd(8)} ${file.name.padEnd(16)} ${client.name.padEnd(15)} ${parts.join('  ')}` +
      `${retried ? `  (${retried} rounds re-run` : ''}${disturbed ? `, ${disturbed} still disturbed` : ''}${retried ? ')' : ''}` +
      `${quiet.quiet ? '' : `  (machine not quiet: ${fmt(quiet.foreign ?? NaN)}% after ${(quiet.waitedMs / 1000).toFixed(0)} s)`}\n`,
  );
  const failures = servers.flatMap((s) => perServer[s.launch.name]!.filter((x) => x.error !== undefined).map((x) => `${s.launch.name}: ${x.error}`));
  for (const f of failures.slice(0, 5)) out(`    failure: ${f}\n`);
}

async function singleCell(path: PathName, file: ServedFile, client: ClientSpec, servers: readonly Server[]): Promise<void> {
  const one = (s: Server) => fetchAndCheck(client, s.entry.get(path)!, file, join(outBase, `${s.launch.name}.out`));
  for (const s of servers) await one(s); // warm-up: page cache, our memory cache, JIT, relay mappings
  await runRounds('single', path, file, client, servers, ROUNDS, one);
}

async function parallelCell(path: PathName, file: ServedFile, client: ClientSpec, servers: readonly Server[]): Promise<void> {
  const dir = join(outBase, 'parallel');
  mkdirSync(dir, { recursive: true });
  const one = async (s: Server): Promise<{ ms: number; error?: string }> => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    const marker = '@@N@@';
    const cmd = client
      .argv(s.entry.get(path)!, file.name, join(dir, `c${marker}`))
      .map((a) => shq(a).replaceAll(marker, `'"$i"'`))
      .join(' ');
    const script = `i=0; while [ $i -lt ${PARALLEL} ]; do i=$((i+1)); ${cmd} >/dev/null 2>&1 & done; wait`;
    const r = await runTimed(['sh', '-c', script], 120_000, true);
    if (r.timedOut) return { ms: r.ms, error: 'timed out after 120 s' };
    const bad: string[] = [];
    for (let i = 1; i <= PARALLEL; i++) {
      const e = checkCopy(join(dir, `c${i}`), file).error;
      if (e !== undefined) bad.push(`c${i}: ${e}`);
    }
    return bad.length === 0 ? { ms: r.ms } : { ms: r.ms, error: `${bad.length} of ${PARALLEL} copies bad (${bad.slice(0, 3).join('; ')})` };
  };
  await runRounds('parallel', path, file, client, servers, PARALLEL_ROUNDS, one);
}

/** The launcher's own cost: the same shell starting PARALLEL /bin/true. */
async function launcherFloor(): Promise<number> {
  const xs: number[] = [];
  for (let k = 0; k < 5; k++) {
    const r = await runTimed(['sh', '-c', `i=0; while [ $i -lt ${PARALLEL} ]; do i=$((i+1)); /bin/true 'x' "$i" >/dev/null 2>&1 & done; wait`], 30_000, true);
    xs.push(r.ms);
  }
  return median(xs);
}

//------------ report -------------------------------------------------------------------------

function report(servers: readonly Server[]): string {
  const names = servers.map((s) => s.launch.name);
  const peers = names.filter((n) => !n.startsWith('ours'));
  const ours = names.filter((n) => n.startsWith('ours'));
  let md = '';
  for (const kind of ['single', 'parallel'] as const) {
    for (const path of PATHS) {
      const cells = results.filter((c) => c.kind === kind && c.path === path);
      if (cells.length === 0) continue;
      md += `\n${kind === 'single' ? 'One fetch' : `${PARALLEL} fetches at once`}, ${path}: median ms [min–max] of the rounds\n\n`;
      const pairs = ours.flatMap((o) => peers.map((p) => [o, p] as const));
      md += `| file | client asks | ${[...names, ...pairs.map(([o, p]) => `${o}/${p}`)].join(' | ')} | rounds (re-run, disturbed) |\n`;
      md += `|${'---|'.repeat(2 + names.length + pairs.length + 1)}\n`;
      for (const c of cells) {
        const sums = Object.fromEntries(names.map((n) => [n, summary(c.perServer[n] ?? [])]));
        const cols = names.map((n) => {
          const x = sums[n]!;
          return `${fmt(x.med)} [${fmt(x.min)}–${fmt(x.max)}]${x.failed ? ` (${x.failed} failed)` : ''}`;
        });
        const ratios = pairs.map(([o, p]) => ratio(sums[o]!.med, sums[p]!.med));
        const re = c.rounds.filter((r) => r.tries > 1).length;
        const dis = c.rounds.filter((r) => r.disturbed).length;
        md += `| ${[c.file, `${c.asks} (${c.client})`, ...cols, ...ratios].join(' | ')} | ${c.rounds.length} (${re}, ${dis}) |\n`;
      }
      md += `\nServer CPU per ${kind === 'single' ? 'fetch' : 'run'}, ${path}: median ms on the server's core (how busy that core was; how busy the clients' core was)\n\n`;
      md += `| file | client | ${names.join(' | ')} |\n|${'---|'.repeat(2 + names.length)}\n`;
      const pct = (x: number) => (Number.isNaN(x) ? '—' : `${x.toFixed(0)}%`);
      for (const c of cells) {
        const cols = names.map((n) => {
          const x = summary(c.perServer[n] ?? []);
          return `${fmt(x.cpu)} (${pct(x.serverBusy)}; ${pct(x.clientBusy)})`;
        });
        md += `| ${c.file} | ${c.client} | ${cols.join(' | ')} |\n`;
      }
    }
  }
  return md;
}

//------------ main ---------------------------------------------------------------------------

async function main(): Promise<void> {
  pinSelf();
  const programs = findPrograms(str('atftpd'));
  const missing = Object.entries(programs)
    .filter(([, v]) => v === undefined)
    .map(([k]) => k);
  out(`# TFTP benchmark\n${new Date().toISOString()}  ${machine()}\n`);
  out(`CPU accounting: ${meter.available ? 'cpuacct cgroup (exact)' : `unavailable (${meter.reason}); disturbance not checked`}\n`);
  if (missing.length > 0) out(`missing programs: ${missing.join(', ')} (their servers/clients/paths are left out and reported so)\n`);

  const ipxePath = join(repoRoot, 'firmware/ipxe/bin/ipxe-x86_64.efi');
  if (FILES.includes('ipxe') || PARALLEL_FILE === 'ipxe') {
    if (!existsSync(ipxePath)) throw new Error(`${ipxePath} is missing: run bash firmware/ipxe/fetch.sh`);
  }
  const root = join(tmp, 'root');
  mkdirSync(root);
  chmodSync(tmp, 0o755);
  chmodSync(root, 0o755);
  const served: Record<FileKey | 'floor', ServedFile> = {} as Record<FileKey | 'floor', ServedFile>;
  const add = (key: FileKey | 'floor', name: string, bytes: Uint8Array) => {
    writeFileSync(join(root, name), bytes, { mode: 0o644 });
    served[key] = { key, name, size: bytes.length, sha: sha256(bytes) };
  };
  if (existsSync(ipxePath)) {
    copyFileSync(ipxePath, join(root, 'ipxe-x86_64.efi'));
    chmodSync(join(root, 'ipxe-x86_64.efi'), 0o644);
    const b = readFileSync(ipxePath);
    served.ipxe = { key: 'ipxe', name: 'ipxe-x86_64.efi', size: b.length, sha: sha256(b) };
  }
  add('rand1m', 'random-1MiB.bin', randomBytes(1024 * 1024));
  add('floor', 'one-byte.txt', Buffer.from('x'));
  out(`files: ${Object.values(served)
    .map((f) => `${f.name} ${f.size} B sha256 ${f.sha.slice(0, 12)}…`)
    .join('; ')}\n`);

  // Clients.
  const clients = new Map<ClientName, ClientSpec>();
  for (const n of new Set([...CLIENTS, ...PARALLEL_CLIENTS, 'tftp-hpa' as const])) {
    const c = clientSpec(n, programs);
    if (c === undefined) out(`client ${n}: program missing, left out\n`);
    else clients.set(n, c);
  }
  const prober = clients.get('tftp-hpa') ?? [...clients.values()][0];
  if (prober === undefined) throw new Error('no TFTP client found (apt-get install tftp-hpa atftp curl)');

  // Servers.
  if (PROFILE_DIR !== undefined) mkdirSync(PROFILE_DIR, { recursive: true });
  const servers: Server[] = [];
  for (const [i, name] of SERVERS.entries()) {
    const port = BASE_PORT + i;
    const launch = serverLaunch(name, programs, root, port, PROFILE_DIR, (n) => str(n));
    if (launch === undefined) {
      out(`server ${name}: program (or --ours-b checkout) missing, left out\n`);
      continue;
    }
    const proc = startLong(name, SERVER_CPU, launch.argv, launch.cwd);
    const server: Server = { launch, proc, port, entry: new Map([['loopback', port]]) };
    await waitReady(server, served.floor, prober);
    servers.push(server);
    out(`server ${name}: ${launch.version}\n  ${launch.argv.join(' ')} (pid ${proc.pid}, CPU ${SERVER_CPU})\n`);
  }
  for (const c of clients.values()) out(`client ${c.name}: asks ${c.asks}\n`);
  const versionOf = (argv: readonly string[]) => {
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
    return `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n')[0]!.split(' (x86')[0]!.trim();
  };
  const clientVersions = [
    programs.atftp && versionOf([programs.atftp, '--version']),
    programs.tftp && versionOf([programs.tftp, '-V']),
    programs.curl && versionOf([programs.curl, '--version']),
  ].filter(Boolean);
  out(`client programs: ${clientVersions.join('; ')}\n`);

  // The relay path.
  let pathInfo: PathInfo | undefined;
  const paths = [...PATHS];
  let echo: { proc: LongProcess; port: number } | undefined;
  let relayBin: string | undefined;
  if (paths.includes('relay')) {
    if (programs.cc === undefined) {
      out('relay path: no C compiler (apt-get install gcc), left out\n');
      paths.splice(paths.indexOf('relay'), 1);
    } else {
      relayBin = join(tmp, 'delay-relay');
      const cc = spawnSync(programs.cc, ['-O2', '-Wall', '-o', relayBin, join(repoRoot, 'bench/tftp/delay-relay.c')], { encoding: 'utf8' });
      if (cc.status !== 0) throw new Error(`cc delay-relay.c failed: ${cc.stderr}`);
      const cal = await calibrate(relayBin);
      echo = { proc: cal.echo, port: cal.echoPort };
      pathInfo = { delayUs: cal.delayUs, rttBefore: cal.rtt, rttAfter: '', relayStats: [] };
      out(`relay path: one-way delay ${cal.delayUs} µs for a ${RTT_US} µs round trip; ping through it: ${cal.rtt} (direct: ${(await ping(relayBin, echo.port, 400)).line})\n`);
      await startRelays(servers, relayBin, cal.delayUs);
    }
  }

  const launcherMs = PARALLEL_CLIENTS.length > 0 && PARALLEL > 0 ? await launcherFloor() : NaN;
  out(`\nper cell: ${ROUNDS} rounds (${PARALLEL_ROUNDS} for ${PARALLEL} at once); median ms [min–max]; a round re-runs when others took > ${MAX_FOREIGN}% of a core\n`);

  const t0 = Date.now();
  if (FLOOR) {
    for (const path of paths) {
      for (const n of ['tftp-hpa', 'atftp-1468'] as const) {
        const c = clients.get(n);
        if (c !== undefined) await singleCell(path, served.floor, c, servers);
      }
    }
  }
  for (const path of paths) {
    for (const f of FILES) {
      const file = served[f];
      if (file === undefined) continue;
      for (const n of CLIENTS) {
        const c = clients.get(n);
        if (c !== undefined) await singleCell(path, file, c, servers);
      }
    }
  }
  // Fresh relays for the parallel cells, so each phase reports its own relay lateness.
  if (pathInfo !== undefined && relayBin !== undefined && PARALLEL > 0) {
    await stopRelays(servers, pathInfo, 'one fetch at a time');
    await startRelays(servers, relayBin, pathInfo.delayUs);
  }
  if (PARALLEL > 0) {
    const file = served[PARALLEL_FILE];
    out(`\nlauncher alone (a shell starting ${PARALLEL} × /bin/true and waiting): ${fmt(launcherMs)} ms\n`);
    for (const path of paths) {
      for (const n of PARALLEL_CLIENTS) {
        const c = clients.get(n);
        if (c !== undefined && file !== undefined) await parallelCell(path, file, c, servers);
      }
    }
  }
  out(`\nmeasuring took ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);

  if (pathInfo !== undefined && relayBin !== undefined && echo !== undefined) {
    const probeRelay = await startRelay(relayBin, 'final-relay', echo.port, pathInfo.delayUs);
    pathInfo.rttAfter = (await ping(relayBin, probeRelay.port, 400)).line;
    await probeRelay.proc.stop();
    await echo.proc.stop();
    await stopRelays(servers, pathInfo, PARALLEL > 0 ? `${PARALLEL} at once` : 'one fetch at a time');
    out(`relay path at the end: ${pathInfo.rttAfter}\n${pathInfo.relayStats.map((l) => `  relay ${l}`).join('\n')}\n`);
  }
  for (const s of servers) {
    await s.proc.stop();
    if (s.launch.name.startsWith('ours') && /error|warn/i.test(s.proc.output())) {
      const warn = s.proc.output().split('\n').filter((l) => /level=(warn|error)/.test(l));
      if (warn.length > 0) out(`${s.launch.name} logged ${warn.length} warnings/errors, e.g. ${warn[0]}\n`);
    }
  }
  if (PROFILE_DIR !== undefined) out(`CPU profile of ours written to ${PROFILE_DIR}\n`);

  const md = report(servers);
  out(md);
  if (JSON_OUT !== undefined) {
    writeFileSync(
      JSON_OUT,
      JSON.stringify(
        {
          date: new Date().toISOString(),
          machine: machine(),
          servers: servers.map((s) => ({ name: s.launch.name, version: s.launch.version, argv: s.launch.argv })),
          options: { ROUNDS, RTT_US, PARALLEL, PARALLEL_ROUNDS, MAX_FOREIGN, TRIES },
          path: pathInfo,
          launcherMs,
          results,
        },
        null,
        1,
      ),
    );
    out(`raw samples: ${JSON_OUT}\n`);
  }
}

main().then(
  () => {
    cleanup();
    process.exit(0);
  },
  (e: unknown) => {
    process.stderr.write(`bench/tftp: ${(e as Error).stack ?? String(e)}\n`);
    cleanup();
    process.exit(1);
  },
);
