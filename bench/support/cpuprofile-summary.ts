// Summarises a V8 .cpuprofile (from `node --cpu-prof`, e.g. bench/dhcp4-load.ts --profile DIR):
// self and inclusive time per function, biggest first, as a share of the profile's busy time
// (idle excluded; "(program)" is native code outside JS: libuv, syscalls) and in µs per DORA when --doras N is given.
//
//   node --import tsx bench/support/cpuprofile-summary.ts FILE.cpuprofile [--top 40] [--doras N]
//        [--match TEXT]   inclusive time of every function whose name or file contains TEXT

import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
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
  startTime: number;
  endTime: number;
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

const file = process.argv[2];
if (file === undefined || file.startsWith('--')) {
  console.error('usage: cpuprofile-summary.ts FILE.cpuprofile [--top 40] [--doras N] [--match TEXT]');
  process.exit(2);
}
const top = Number(argValue('top') ?? 40);
const doras = Number(argValue('doras') ?? NaN);
const match = argValue('match');

const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const selfUs = new Map<number, number>();
for (let i = 0; i < p.samples.length; i++) {
  const id = p.samples[i]!;
  selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
}

const shortUrl = (u: string) => u.replace(/^file:\/\/.*?\/(src|bench|node_modules)\//, '$1/').replace(/^node:/, 'node:');
const key = (f: CallFrame) => `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
const IDLE = new Set(['(idle)']);

let totalUs = 0;
let idleUs = 0;
for (const [id, us] of selfUs) {
  totalUs += us;
  if (IDLE.has(byId.get(id)!.callFrame.functionName)) idleUs += us;
}
const busyUs = totalUs - idleUs;

const self = new Map<string, number>();
const incl = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id)!;
  if (IDLE.has(n.callFrame.functionName)) continue;
  const k = key(n.callFrame);
  self.set(k, (self.get(k) ?? 0) + us);
  // Inclusive: every distinct function on the stack gets the sample once.
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const ck = key(byId.get(cur)!.callFrame);
    if (seen.has(ck)) continue;
    seen.add(ck);
    incl.set(ck, (incl.get(ck) ?? 0) + us);
  }
}

const fmt = (us: number) => {
  const pct = `${((us / busyUs) * 100).toFixed(1).padStart(5)}%`;
  return Number.isFinite(doras) ? `${pct} ${(us / doras).toFixed(2).padStart(6)} µs/DORA` : pct;
};
console.log(`${file}: ${(totalUs / 1e6).toFixed(2)} s sampled, busy ${(busyUs / 1e6).toFixed(2)} s (idle ${(idleUs / 1e6).toFixed(2)} s)`);
console.log(`\n## self time, top ${top}`);
for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${fmt(us)}  ${k}`);
console.log(`\n## inclusive time, top ${top}`);
for (const [k, us] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${fmt(us)}  ${k}`);
if (match !== undefined) {
  console.log(`\n## inclusive time, functions matching '${match}'`);
  for (const [k, us] of [...incl].filter(([k]) => k.includes(match)).sort((a, b) => b[1] - a[1])) console.log(`${fmt(us)}  ${k}`);
}
