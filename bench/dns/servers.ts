// The DNS servers of the benchmark (BENCHMARKS.md, "DNS"), each given the same names from the
// files of workload.ts, listening on 127.0.0.1 only, on its own high port, pinned to one core
// with `taskset -c 1`. Every process started here (and every descendant it forks: NSD runs as
// xfrd → main → server) is killed by PID on exit, on failure and on Ctrl-C (killAllStarted), and
// each PID is appended to $DNS_BENCH_PIDFILE so that bench/dns.sh can kill what is left even when
// this process itself dies.
//
//   ours     bin/coresmd dns -conf Corefile: coresmd { smd_url file://…/inventory.json, zone cluster.local { nodes nid{04d} } }
//   nsd      nsd -d -c nsd.conf: server-count 1, minimal-responses, 3 zone files
//   knot     knotd -c knot.conf: udp-workers 1, tcp-workers 1, background-workers 1, same zone files
//   dnsmasq  dnsmasq --no-daemon: addn-hosts, --local=/zone/ for each zone, no upstream, no cache of its own needed
//   echo     bench/peers/dns-echo.ts: the query back with QR set, the ceiling of one Node process
//   echo-cb  the same with a completion callback on each send (on request only)

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REVERSE4_ZONE, REVERSE6_ZONE, SERVER_ADDRESS, TTL, ZONE, type Workload } from './workload.ts';

export type ServerName = 'ours' | 'ours-noadmin' | 'nsd' | 'knot' | 'dnsmasq' | 'echo' | 'echo-cb';
/** Run by default. */
export const SERVER_NAMES: readonly ServerName[] = ['ours', 'nsd', 'knot', 'dnsmasq', 'echo'];
/** Also known: the echo server passing a completion callback to each send (--servers echo-cb). */
export const ALL_SERVER_NAMES: readonly ServerName[] = [...SERVER_NAMES, 'echo-cb', 'ours-noadmin'];

/** The server's core; dnsperf gets the other one. */
export const SERVER_CPU = 1;
export const CLIENT_CPU = 0;
/** The core that is not `cpu` (of two). */
export const otherCpu = (cpu: number) => (cpu === 0 ? 1 : 0);

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface ServerLaunch {
  readonly name: ServerName;
  readonly version: string;
  readonly port: number;
  /** The core it is pinned to (default SERVER_CPU); dnsperf runs on the other one. */
  readonly cpu?: number;
  readonly argv: readonly string[];
  /** Whether the dig checks apply (the echo server answers nothing). */
  readonly answers: boolean;
  /** One line per setting that matters, for the report. */
  readonly notes: readonly string[];
}

export interface RunningServer {
  readonly name: ServerName;
  readonly pid: number;
  alive(): boolean;
  /** The PID and every descendant's, read from /proc now. */
  pids(): number[];
  output(): string;
  /** SIGTERM to the whole tree, SIGKILL after `graceMs`; resolves when the first PID is gone. */
  stop(graceMs?: number): Promise<void>;
}

const started = new Set<number>();

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** `pid` and all its descendants, parents first. */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...children(out[i]!));
  return out;
}

/** Field 22 of /proc/PID/stat: with the PID, names one process even after the PID is reused. */
function startTime(pid: number): string {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

function recordPid(pid: number): void {
  const file = process.env['DNS_BENCH_PIDFILE'];
  if (file !== undefined && file !== '') appendFileSync(file, `${pid} ${startTime(pid)}\n`);
}

function killTree(pid: number, signal: NodeJS.Signals): void {
  // Children first are found before the parent goes (an orphan is re-parented and lost).
  for (const p of processTree(pid).reverse()) {
    try {
      process.kill(p, signal);
    } catch {
      // Already gone.
    }
  }
}

/** Kills every process this module started, and their descendants, by PID (SIGKILL). */
export function killAllStarted(): void {
  for (const pid of started) killTree(pid, 'SIGKILL');
  started.clear();
}

/** Starts `argv` under `taskset -c cpu` (taskset execs it: the PID is the program's). */
export function spawnPinned(name: string, argv: readonly string[], cpu: number, logFile?: string): { child: ChildProcess; pid: number } {
  const child = spawn('taskset', ['-c', String(cpu), ...argv], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`${name}: could not spawn taskset ${argv.join(' ')}`);
  const pid = child.pid;
  started.add(pid);
  recordPid(pid);
  child.once('exit', () => started.delete(pid));
  if (logFile !== undefined) {
    child.stdout?.on('data', (c: Buffer) => appendFileSync(logFile, c));
    child.stderr?.on('data', (c: Buffer) => appendFileSync(logFile, c));
  }
  return { child, pid };
}

export function startServer(launch: ServerLaunch, logFile?: string): RunningServer {
  const { child, pid } = spawnPinned(launch.name, launch.argv, launch.cpu ?? SERVER_CPU, logFile);
  let exited = false;
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  return {
    name: launch.name,
    pid,
    alive: () => !exited,
    pids: () => (exited ? [] : processTree(pid)),
    output: () => tail,
    async stop(graceMs = 10_000) {
      const tree = exited ? [] : processTree(pid);
      if (!exited) killTree(pid, 'SIGTERM');
      const t = setTimeout(() => {
        for (const p of tree) {
          try {
            process.kill(p, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
      }, graceMs);
      await gone;
      clearTimeout(t);
      // NSD's children outlive xfrd by a moment: make sure none stays.
      await new Promise((r) => setTimeout(r, 200));
      for (const p of tree) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // Gone, as expected.
        }
      }
    },
  };
}

/**
 * Every thread of every process in the tree and the CPUs it may run on, for the threads whose
 * set is not exactly `[cpu]`: a server that re-pins its own threads shows up here.
 */
export function strayThreads(pids: readonly number[], cpu: number): string[] {
  const out: string[] = [];
  for (const pid of pids) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
        const allowed = /Cpus_allowed_list:\s*(\S+)/.exec(status)?.[1] ?? '?';
        if (allowed !== String(cpu)) out.push(`${/Name:\s*(.*)/.exec(status)?.[1] ?? '?'}[${tid}] on CPUs ${allowed}`);
      } catch {
        // Thread gone.
      }
    }
  }
  return out;
}

function firstLine(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error !== undefined) return undefined;
  return `${r.stdout}${r.stderr}`.split('\n').find((l) => l.trim() !== '')?.trim();
}

/** Why a server cannot run here, or undefined when it can. */
export function unavailable(name: ServerName): string | undefined {
  const need: Partial<Record<ServerName, [string, string[], string]>> = {
    nsd: ['nsd', ['-v'], 'nsd'],
    knot: ['knotd', ['-V'], 'knot'],
    dnsmasq: ['dnsmasq', ['--version'], 'dnsmasq-base'],
  };
  const n = need[name];
  if (n === undefined) return undefined;
  return firstLine(n[0], n[1]) === undefined ? `${n[0]} is not installed (apt-get install ${n[2]})` : undefined;
}

//------------ configurations ------------------------------------------------------------------

/** `ours` as shipped (the admin server on 127.0.0.1:9180, recording lookups); `noAdmin`: `--admin-listen off`. */
export function oursLaunch(dir: string, w: Workload, port: number, nodeFlags: readonly string[] = [], noAdmin = false): ServerLaunch {
  const corefile = join(dir, noAdmin ? 'Corefile-noadmin' : 'Corefile');
  writeFileSync(
    corefile,
    [
      '# DNS benchmark: the same names as the NSD/Knot zone files and the dnsmasq hosts file.',
      `.:${port} {`,
      `    bind ${SERVER_ADDRESS}`,
      '    coresmd {',
      `        smd_url file://${w.files.inventory}`,
      '        cache_duration 1h',
      `        ttl ${TTL}`,
      `        zone ${ZONE} {`,
      '            nodes nid{04d}',
      '        }',
      '    }',
      '}',
      '',
    ].join('\n'),
  );
  const version = firstLine(process.execPath, [join(repoRoot, 'bin/coresmd'), '--version']) ?? 'coresmd-ts';
  return {
    name: noAdmin ? 'ours-noadmin' : 'ours',
    version: `${version}, Node ${process.version}`,
    port,
    answers: true,
    argv: [process.execPath, ...nodeFlags, join(repoRoot, 'bin/coresmd'), 'dns', '-conf', corefile, '-quiet', '-loglevel', 'warning', ...(noAdmin ? ['--admin-listen', 'off'] : [])],
    notes: [
      `\`coresmd dns -conf Corefile -quiet -loglevel warning${noAdmin ? ' --admin-listen off' : ''}\` (${noAdmin ? 'no admin server' : 'admin server on 127.0.0.1:9180 as by default, recording node lookups'}): \`.:${port}\`, \`bind ${SERVER_ADDRESS}\`, coresmd with \`smd_url file://…/inventory.json\`, \`zone ${ZONE} { nodes nid{04d} }\`, cache_duration 1h`,
      'PTR for both reverse trees comes from the inventory (no reverse zone needs configuring); no forward, no log, no prometheus',
    ],
  };
}

export function nsdLaunch(dir: string, w: Workload, port: number): ServerLaunch {
  const d = join(dir, 'nsd');
  mkdirSync(d, { recursive: true });
  const zonesDir = join(w.files.forwardZone, '..');
  const conf = join(d, 'nsd.conf');
  const zone = (name: string) => ['zone:', `    name: ${name}`, `    zonefile: ${name}.zone`];
  writeFileSync(
    conf,
    [
      'server:',
      `    ip-address: ${SERVER_ADDRESS}@${port}`,
      '    server-count: 1',
      '    username: ""',
      '    chroot: ""',
      `    zonesdir: "${zonesDir}"`,
      '    database: ""',
      `    zonelistfile: "${d}/zone.list"`,
      `    xfrdfile: "${d}/xfrd.state"`,
      `    xfrdir: "${d}"`,
      `    pidfile: "${d}/nsd.pid"`,
      '    verbosity: 0',
      '    minimal-responses: yes',
      '    hide-version: yes',
      // Debian builds NSD with response rate limiting on: it would answer one source at 127.0.0.1
      // with a trickle of truncated replies. None of the other servers limits.
      '    rrl-ratelimit: 0',
      '    rrl-whitelist-ratelimit: 0',
      '    do-ip6: no',
      'remote-control:',
      '    control-enable: no',
      ...zone(ZONE),
      ...zone(REVERSE4_ZONE),
      ...zone(REVERSE6_ZONE),
      '',
    ].join('\n'),
  );
  return {
    name: 'nsd',
    version: firstLine('nsd', ['-v']) ?? 'nsd',
    port,
    answers: true,
    argv: ['nsd', '-d', '-c', conf],
    notes: [`\`nsd -d -c nsd.conf\`: server-count 1, rrl-ratelimit 0 (Debian's build limits by default), minimal-responses yes (no NS in the authority section of positive answers, as ours), zones ${ZONE}, ${REVERSE4_ZONE}, ${REVERSE6_ZONE}`],
  };
}

export function knotLaunch(dir: string, w: Workload, port: number): ServerLaunch {
  const d = join(dir, 'knot');
  mkdirSync(join(d, 'db'), { recursive: true });
  const zonesDir = join(w.files.forwardZone, '..');
  const conf = join(d, 'knot.conf');
  writeFileSync(
    conf,
    [
      'server:',
      `    rundir: "${d}"`,
      `    listen: ${SERVER_ADDRESS}@${port}`,
      '    udp-workers: 1',
      '    tcp-workers: 1',
      '    background-workers: 1',
      'log:',
      '  - target: stderr',
      '    any: warning',
      'database:',
      `    storage: "${d}/db"`,
      'control:',
      `    listen: "${d}/knot.sock"`,
      'template:',
      '  - id: default',
      `    storage: "${zonesDir}"`,
      '    file: "%s.zone"',
      '    semantic-checks: off',
      '    zonefile-sync: -1',
      '    zonefile-load: whole',
      '    journal-content: none',
      'zone:',
      `  - domain: ${ZONE}`,
      `  - domain: ${REVERSE4_ZONE}`,
      `  - domain: ${REVERSE6_ZONE}`,
      '',
    ].join('\n'),
  );
  return {
    name: 'knot',
    version: firstLine('knotd', ['-V']) ?? 'knotd',
    port,
    // knotd pins UDP worker N to CPU N mod (online CPUs) itself, whatever its own affinity
    // (src/knot/server/udp-handler.c): its only UDP worker goes to CPU 0, so Knot gets CPU 0 as
    // a whole and dnsperf CPU 1, the mirror image of the other servers.
    cpu: 0,
    answers: true,
    argv: ['knotd', '-c', conf],
    notes: ['`knotd -c knot.conf`: udp-workers 1, tcp-workers 1, background-workers 1, the same three zone files; pinned to CPU 0 and dnsperf to CPU 1, because knotd pins its UDP worker 0 to CPU 0 itself'],
  };
}

export function dnsmasqLaunch(_dir: string, w: Workload, port: number): ServerLaunch {
  return {
    name: 'dnsmasq',
    version: firstLine('dnsmasq', ['--version']) ?? 'dnsmasq',
    port,
    answers: true,
    argv: [
      'dnsmasq',
      '--no-daemon',
      '--conf-file=/dev/null',
      `--port=${port}`,
      `--listen-address=${SERVER_ADDRESS}`,
      '--bind-interfaces',
      '--no-resolv',
      '--no-hosts',
      '--no-poll',
      `--addn-hosts=${w.files.hosts}`,
      `--local=/${ZONE}/`,
      `--local=/${REVERSE4_ZONE}/`,
      `--local=/${REVERSE6_ZONE}/`,
      `--local-ttl=${TTL}`,
      '--user=root',
    ],
    notes: [
      `\`dnsmasq --no-daemon --bind-interfaces --listen-address=${SERVER_ADDRESS} --port=${port} --no-resolv --no-hosts --addn-hosts=hosts --local=/${ZONE}/ (and both reverse zones) --local-ttl=${TTL}\`: answers from its hosts table, never forwards (NXDOMAIN for unknown names in the zones)`,
    ],
  };
}

export function echoLaunch(_dir: string, _w: Workload, port: number, nodeFlags: readonly string[] = [], callback = false): ServerLaunch {
  return {
    name: callback ? 'echo-cb' : 'echo',
    version: `Node ${process.version}`,
    port,
    answers: false,
    argv: [process.execPath, ...nodeFlags, '--import', 'tsx', join(repoRoot, 'bench/peers/dns-echo.ts'), '--listen', `${SERVER_ADDRESS}:${port}`, ...(callback ? ['--callback'] : [])],
    notes: [`\`node --import tsx bench/peers/dns-echo.ts${callback ? ' --callback' : ''}\`: one node:dgram socket, each query sent back with QR set, no parsing${callback ? ', a no-op completion callback per send' : ''}`],
  };
}

export function launchFor(name: ServerName, dir: string, w: Workload, basePort: number, nodeFlags: readonly string[] = []): ServerLaunch {
  const port = basePort + ALL_SERVER_NAMES.indexOf(name) + 1;
  switch (name) {
    case 'ours':
      return oursLaunch(dir, w, port, nodeFlags);
    case 'ours-noadmin':
      return oursLaunch(dir, w, port, nodeFlags, true);
    case 'nsd':
      return nsdLaunch(dir, w, port);
    case 'knot':
      return knotLaunch(dir, w, port);
    case 'dnsmasq':
      return dnsmasqLaunch(dir, w, port);
    case 'echo':
      return echoLaunch(dir, w, port, nodeFlags);
    case 'echo-cb':
      return echoLaunch(dir, w, port, nodeFlags, true);
  }
}

/**
 * Newest main-thread `*.cpuprofile` in `dir` (`CPU.<date>.<time>.<pid>.<thread>.<seq>`: thread 0;
 * tsx's module loader runs in a worker thread, which writes a profile of its own), or undefined.
 */
export function newestProfile(dir: string): string | undefined {
  try {
    const files = readdirSync(dir).filter((f) => /\.0\.\d+\.cpuprofile$/.test(f)).sort();
    return files.length === 0 ? undefined : join(dir, files[files.length - 1]!);
  } catch {
    return undefined;
  }
}
