// Where `coresmd dns` spends its time under load: a V8 .cpuprofile (node --cpu-prof, written by
// bench/dns/run.ts --profile DIR) summarised over the load window only. Start-up (tsx compiling,
// the inventory load) and idle stretches are cut off: the window is the longest run of 250 ms
// bins in which the thread was busy more than half the time.
//
//   node --import tsx bench/dns/profile-summary.ts FILE.cpuprofile [--qps N] [--top 30]
//
// Prints self time per function (biggest first), then inclusive time for the stages of the
// request path (a function counted once per sample even when it recurses), as a share of the
// busy time in the window and, with --qps (the rate dnsperf measured meanwhile), in µs per query.

import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Stages of the request path: a label and a test on a frame. */
const STAGES: readonly [string, (f: CallFrame) => boolean][] = [
  ['dgram onMessage (receive callback: our listener and all it calls)', (f) => f.functionName === 'onMessage' && f.url === 'node:dgram'],
  ['  dns-udp.ts closures (message listener, send callback)', (f) => f.url.endsWith('/net/dns-udp.ts') && f.functionName === ''],
  ['    DnsQueryHandler.handle (all DNS work)', (f) => f.url.endsWith('query-handler.ts') && f.functionName === 'handle'],
  ['      decodeDnsQuery', (f) => f.functionName === 'decodeDnsQuery'],
  ['      answerQuery (lookup + reply model)', (f) => f.functionName === 'answerQuery'],
  ['      encodeDnsResponse', (f) => f.functionName === 'encodeDnsResponse'],
  ['      metrics (metric-registry.ts)', (f) => f.url.endsWith('metric-registry.ts')],
  ['    Socket.send (JS part: checks, lookup4 → nextTick)', (f) => f.functionName === 'Socket.send' && f.url === 'node:dgram'],
  ['process.nextTick queue (afterDns → doSend, after each onMessage)', (f) => f.functionName === 'processTicksAndRejections'],
  ['  doSend (self time is the sendmsg system call)', (f) => f.functionName === 'doSend' && f.url === 'node:dgram'],
  ['BufferPool acquire/release', (f) => f.url.endsWith('pool.ts')],
  ['(garbage collector)', (f) => f.functionName === '(garbage collector)'],
  ['(program): native, outside JS (libuv, recvmsg, epoll)', (f) => f.functionName === '(program)'],
];

function label(f: CallFrame): string {
  const file = f.url === '' ? '' : ` ${f.url.replace(/^.*\/(src|node_modules)\//, '$1/').replace(/^node:/, 'node:')}:${f.lineNumber + 1}`;
  return `${f.functionName === '' ? '(anonymous)' : f.functionName}${file}`;
}

export interface ProfileSummary {
  readonly windowMs: number;
  readonly busyMs: number;
  readonly text: string;
}

export function summarizeProfile(file: string, options: { qps?: number; top?: number } = {}): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const idleIds = new Set(p.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));

  // Sample times, then 100 ms bins of busy time, then the longest run of busy bins.
  const times: number[] = [];
  let t = 0;
  for (const d of p.timeDeltas) times.push((t += d));
  const BIN = 250_000;
  const bins = new Map<number, { busy: number; total: number }>();
  for (let i = 0; i < p.samples.length; i++) {
    const b = Math.floor(times[i]! / BIN);
    const dt = p.timeDeltas[i + 1] ?? 0;
    const e = bins.get(b) ?? { busy: 0, total: 0 };
    e.total += dt;
    if (!idleIds.has(p.samples[i]!)) e.busy += dt;
    bins.set(b, e);
  }
  const last = Math.max(...bins.keys());
  let best: [number, number] = [0, -1];
  let start = -1;
  for (let b = 0; b <= last + 1; b++) {
    const e = bins.get(b);
    const busy = e !== undefined && e.total > 0 && e.busy / BIN > 0.5;
    if (busy && start === -1) start = b;
    if (!busy && start !== -1) {
      if (b - 1 - start > best[1] - best[0]) best = [start, b - 1];
      start = -1;
    }
  }
  const lo = best[0] * BIN;
  const hi = (best[1] + 1) * BIN;

  const self = new Map<number, number>();
  const stage = new Array<number>(STAGES.length).fill(0);
  let busyUs = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const ts = times[i]!;
    if (ts < lo || ts >= hi) continue;
    const id = p.samples[i]!;
    const dt = p.timeDeltas[i + 1] ?? 0;
    if (idleIds.has(id)) continue;
    busyUs += dt;
    self.set(id, (self.get(id) ?? 0) + dt);
    const hit = new Array<boolean>(STAGES.length).fill(false);
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const f = byId.get(n)!.callFrame;
      STAGES.forEach(([, test], k) => {
        if (!hit[k] && test(f)) hit[k] = true;
      });
    }
    hit.forEach((h, k) => {
      if (h) stage[k] = stage[k]! + dt;
    });
  }

  // Self time merged by function (the same function appears under many call paths).
  const selfByFn = new Map<string, number>();
  for (const [id, us] of self) {
    const key = label(byId.get(id)!.callFrame);
    selfByFn.set(key, (selfByFn.get(key) ?? 0) + us);
  }
  const q = options.qps === undefined ? undefined : Math.round((options.qps * (hi - lo)) / 1e6);
  const fmt = (us: number) => {
    const share = `${((100 * us) / busyUs).toFixed(1).padStart(5)} %`;
    return q === undefined ? share : `${share}  ${(us / q).toFixed(2).padStart(6)} µs/query`;
  };
  const lines: string[] = [];
  lines.push(`window ${((hi - lo) / 1e6).toFixed(1)} s of load, busy ${(busyUs / 1e6).toFixed(2)} s${q === undefined ? '' : `, about ${q} queries (dnsperf's rate × window): ${(busyUs / q).toFixed(2)} µs of CPU per query`}`);
  lines.push('', 'self time, top functions:');
  for (const [k, us] of [...selfByFn].sort((a, b) => b[1] - a[1]).slice(0, options.top ?? 30)) lines.push(`  ${fmt(us)}  ${k}`);
  lines.push('', 'inclusive time by stage:');
  STAGES.forEach(([name], k) => lines.push(`  ${fmt(stage[k]!)}  ${name}`));
  return { windowMs: (hi - lo) / 1000, busyMs: busyUs / 1000, text: lines.join('\n') };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (file === undefined || file.startsWith('--')) {
    console.error('usage: profile-summary.ts FILE.cpuprofile [--qps N] [--top 30]');
    process.exit(2);
  }
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i === -1 ? undefined : Number(process.argv[i + 1]);
  };
  const qps = arg('qps');
  const top = arg('top');
  console.log(summarizeProfile(file, { ...(qps === undefined ? {} : { qps }), ...(top === undefined ? {} : { top }) }).text);
}
