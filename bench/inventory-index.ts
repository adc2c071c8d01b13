// Inventory index benchmark (BENCHMARKS.md, "Inventory index").
//
//   node --import tsx --expose-gc bench/inventory-index.ts [--hosts 100000] [--runs 7] [--dnsmasq-runs 3] [--no-dnsmasq]
//
// What it measures, for N synthetic interfaces (+ one Node component each) in SMD's shape:
// 1. Build time: buildSnapshot() alone, and the whole refresh path (JSON.parse of both SMD
//    bodies + validation + build), median of --runs.
// 2. Retained heap of the snapshot: heapUsed after forced GCs, with and without it alive.
// 3. Lookup cost per MAC: byMac (text), byMacBytes (chaddr bytes), and the upstream approach
//    (format the bytes as text, then Map.get) as the in-process peer.
// 4. Whether lookups allocate. heapUsed deltas are useless here (a scavenge can run mid-loop
//    and V8 may scalar-replace short-lived objects), so instead: after a full GC, read how many
//    bytes new space can take before it must scavenge, run 5e6 lookups, and count the GCs that
//    ran meanwhile (PerformanceObserver 'gc' entries). Zero GCs proves the loop allocated less
//    than that free space, i.e. under (free / 5e6) bytes per lookup; any JS object is at least
//    16 bytes, so at most that fraction of lookups can have allocated anything. The upstream-
//    style peer (format the chaddr as text, then Map.get) is the control: it must show GCs.
// 5. The peer, side by side: dnsmasq loading the same N hosts (addn-hosts + dhcp-hostsfile)
//    on loopback and unprivileged ports, timed from spawn to the first DNS answer for the last
//    host, minus the same with one host (process start-up). That is dnsmasq's load cost for N
//    hosts, compared with our whole refresh path above.

import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem, type as osType, release } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { formatMac } from '../src/wire/addr.ts';
import { buildSnapshot } from '../src/smd/snapshot.ts';
import type { Snapshot } from '../src/smd/snapshot.ts';
import type { RawComponent, RawEthernetInterface, RawInventory } from '../src/smd/types.ts';
import { validateComponentsBody, validateEthernetInterfaces } from '../src/smd/validate.ts';

//------------ arguments and helpers ----------------------------------------------------

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i === -1 ? undefined : Number(process.argv[i + 1]);
  return v === undefined || !Number.isFinite(v) ? fallback : v;
}
const N = arg('hosts', 100_000);
const RUNS = arg('runs', 7);
const DNSMASQ_RUNS = arg('dnsmasq-runs', 3);
const LOOKUPS = 5_000_000;

const gcFn = (globalThis as { gc?: () => void }).gc;
if (gcFn === undefined) {
  console.error('run with --expose-gc: node --import tsx --expose-gc bench/inventory-index.ts');
  process.exit(2);
}
const gc: () => void = gcFn;
function fullGc(): void {
  for (let i = 0; i < 3; i++) gc();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
const ms = (x: number) => `${x.toFixed(1)} ms`;
const mib = (x: number) => `${(x / 1048576).toFixed(1)} MiB`;

//------------ the synthetic cluster ----------------------------------------------------

interface Host {
  mac: Uint8Array;
  macText: string;
  ip: string;
  xname: string;
  nid: number;
}

function synthesize(n: number): { hosts: Host[]; interfacesJson: string; componentsJson: string } {
  const hosts: Host[] = [];
  const interfaces: RawEthernetInterface[] = [];
  const components: RawComponent[] = [];
  for (let i = 0; i < n; i++) {
    const mac = Uint8Array.of(0x52, 0x54, (i >>> 24) & 255, (i >>> 16) & 255, (i >>> 8) & 255, i & 255);
    const macText = formatMac(mac);
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const xname = `x${1000 + (i >> 8)}c${(i >> 5) & 7}s${i & 31}b0n0`;
    hosts.push({ mac, macText, ip, xname, nid: i + 1 });
    const ips: { IPAddress: string; Network?: string }[] = [{ IPAddress: ip, Network: 'management' }];
    if (i % 10 === 0) ips.push({ IPAddress: `fd00:10::${i.toString(16)}`, Network: 'management' });
    interfaces.push({
      ID: macText.replace(/:/g, ''),
      Description: `Interface 0 for nid${i + 1}`,
      MACAddress: macText,
      LastUpdate: '2025-03-04T18:22:41.513207Z',
      ComponentID: xname,
      Type: 'Node',
      IPAddresses: ips,
    });
    components.push({ ID: xname, Type: 'Node', State: 'On', Flag: 'OK', Enabled: true, Role: 'Compute', NID: i + 1 });
  }
  return {
    hosts,
    interfacesJson: JSON.stringify(interfaces),
    componentsJson: JSON.stringify({ Components: components }),
  };
}

//------------ 1-2: build time and retained heap ----------------------------------------

function timeBuilds(raw: RawInventory, interfacesJson: string, componentsJson: string) {
  const meta = { fetchedAt: 0, source: 'bench' };
  buildSnapshot(raw, meta); // warm-up
  const build: number[] = [];
  const refresh: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    fullGc();
    let t = performance.now();
    buildSnapshot(raw, meta);
    build.push(performance.now() - t);
    fullGc();
    t = performance.now();
    const parsed: RawInventory = {
      interfaces: validateEthernetInterfaces(JSON.parse(interfacesJson)),
      components: validateComponentsBody(JSON.parse(componentsJson)),
    };
    buildSnapshot(parsed, meta);
    refresh.push(performance.now() - t);
  }
  return { build, refresh };
}

function retainedHeap(raw: RawInventory): { index: number; raw: number } {
  fullGc();
  const empty = process.memoryUsage().heapUsed;
  // The raw objects as validation produces them (what snapshot.raw keeps for cache_file).
  let copy: RawInventory | undefined = {
    interfaces: validateEthernetInterfaces(JSON.parse(JSON.stringify(raw.interfaces))),
    components: validateComponentsBody({ Components: JSON.parse(JSON.stringify(raw.components)) }),
  };
  fullGc();
  const withRaw = process.memoryUsage().heapUsed;
  let snap: Snapshot | undefined = buildSnapshot(copy, { fetchedAt: 0, source: 'bench' });
  fullGc();
  const withSnap = process.memoryUsage().heapUsed;
  if (snap.stats.interfaces !== raw.interfaces.length) throw new Error('bad build');
  snap = undefined;
  copy = undefined;
  return { index: withSnap - withRaw, raw: withRaw - empty };
}

//------------ 3-4: lookups and allocation ----------------------------------------------

interface LookupResult {
  name: string;
  nsPerOp: number;
  /** GCs that ran during the loop. */
  gcs: number;
  /** Bytes new space could take before the loop without a scavenge. */
  newSpaceFree: number;
}

function newSpaceFree(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_available_size ?? NaN;
}

/** Runs `body(i)` LOOKUPS times; returns ns/op and the GCs that ran during the loop. */
async function measure(name: string, body: (i: number) => unknown): Promise<LookupResult> {
  let sink = 0;
  for (let i = 0; i < 500_000; i++) if (body(i) !== undefined) sink++; // let the JIT settle
  sink = 0;
  const gcTimes: number[] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcTimes.push(e.startTime);
  });
  obs.observe({ entryTypes: ['gc'] });
  fullGc();
  const free = newSpaceFree();
  const t0 = performance.now();
  for (let i = 0; i < LOOKUPS; i++) if (body(i) !== undefined) sink++;
  const t1 = performance.now();
  // GC entries arrive asynchronously; give them time, then keep only those inside the loop.
  await new Promise((r) => setTimeout(r, 50));
  obs.disconnect();
  if (sink !== LOOKUPS) throw new Error(`${name}: ${LOOKUPS - sink} lookups missed`);
  const gcs = gcTimes.filter((t) => t >= t0 && t <= t1).length;
  return { name, nsPerOp: ((t1 - t0) * 1e6) / LOOKUPS, gcs, newSpaceFree: free };
}

async function lookups(hosts: Host[], snap: Snapshot): Promise<LookupResult[]> {
  const n = hosts.length;
  const texts = hosts.map((h) => h.macText);
  const ips = hosts.map((h) => h.ip);
  // All MACs packed in one buffer, as chaddr fields sit in received packets.
  const packed = new Uint8Array(n * 16);
  hosts.forEach((h, i) => packed.set(h.mac, i * 16));
  // The upstream approach (coresmd internal/iface): chaddr → Go-style text → map lookup.
  const byText = new Map<string, unknown>(snap.interfaces.map((r) => [r.mac, r]));
  return [
    await measure('byMac(text)', (i) => snap.byMac(texts[i % n]!)),
    await measure('byMacBytes(chaddr)', (i) => snap.byMacBytes(packed, (i % n) * 16, 6)),
    await measure('byIp(text)', (i) => snap.byIp(ips[i % n]!)[0]),
    await measure('peer: formatMac + Map.get', (i) => byText.get(formatMac(packed, (i % n) * 16, 6))),
  ];
}

//------------ 5: dnsmasq, side by side ------------------------------------------------

/** A DNS query for `name` type A (RFC 1035 §4.1), id 0x4242, RD set. */
function dnsQuery(name: string): Buffer {
  const labels = name.split('.').flatMap((l) => [Buffer.of(l.length), Buffer.from(l, 'ascii')]);
  return Buffer.concat([Buffer.of(0x42, 0x42, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0), ...labels, Buffer.of(0, 0, 1, 0, 1)]);
}

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? NaN : Number(m[1]);
}

interface DnsmasqRun {
  readonly toAnswerMs: number;
  readonly rssKiB: number;
}

/** Spawns dnsmasq with the given files and times spawn → first positive answer for `name`. */
async function runDnsmasq(dir: string, hostsFile: string, dhcpFile: string, name: string, port: number): Promise<DnsmasqRun> {
  const args = [
    '--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--pid-file=',
    '--log-facility=/dev/null', `--port=${port}`, '--interface=lo', '--listen-address=127.0.0.1', '--bind-interfaces',
    `--addn-hosts=${join(dir, hostsFile)}`, `--dhcp-hostsfile=${join(dir, dhcpFile)}`,
    // DHCP must be on for dnsmasq to read dhcp-hostsfile; static-only, on loopback, high ports.
    '--dhcp-range=10.0.0.0,static', `--dhcp-alternate-port=${port + 1},${port + 2}`, '--leasefile-ro',
  ];
  if (process.getuid?.() === 0) args.push('--user=root');
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const query = dnsQuery(name);
  const t0 = performance.now();
  const child: ChildProcess = spawn('dnsmasq', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    return await new Promise<DnsmasqRun>((resolve, reject) => {
      const poll = setInterval(() => sock.send(query, port, '127.0.0.1'), 2);
      const giveUp = setTimeout(() => reject(new Error('dnsmasq did not answer within 300 s')), 300_000);
      child.once('exit', (code) => reject(new Error(`dnsmasq exited with ${code}: ${stderr.trim()}`)));
      sock.on('message', (msg) => {
        const rcode = (msg[3] ?? 0) & 15;
        const answers = ((msg[6] ?? 0) << 8) | (msg[7] ?? 0);
        if (rcode !== 0 || answers === 0) return;
        const toAnswerMs = performance.now() - t0;
        clearInterval(poll);
        clearTimeout(giveUp);
        resolve({ toAnswerMs, rssKiB: child.pid === undefined ? NaN : rssKiB(child.pid) });
      });
    });
  } finally {
    child.removeAllListeners('exit');
    if (child.exitCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
    sock.close();
  }
}

async function dnsmasqPeer(hosts: Host[]) {
  const which = spawnSync('dnsmasq', ['--version'], { encoding: 'utf8' });
  if (which.error !== undefined || which.status !== 0) {
    return { skipped: `dnsmasq not runnable (${which.error?.message ?? which.stderr}); install dnsmasq-base` };
  }
  const version = which.stdout.split('\n')[0] ?? 'dnsmasq';
  const dir = mkdtempSync(join(tmpdir(), 'bench-dnsmasq-'));
  try {
    const name = (h: Host) => `${h.xname}.cluster.local`;
    const addn = (hs: Host[]) => hs.map((h) => `${h.ip} ${name(h)} nid${String(h.nid).padStart(6, '0')}.cluster.local\n`).join('');
    const dhcp = (hs: Host[]) => hs.map((h) => `${h.macText},${h.ip},${h.xname}\n`).join('');
    writeFileSync(join(dir, 'hosts-1'), addn(hosts.slice(0, 1)));
    writeFileSync(join(dir, 'dhcp-1'), dhcp(hosts.slice(0, 1)));
    writeFileSync(join(dir, 'hosts-n'), addn(hosts));
    writeFileSync(join(dir, 'dhcp-n'), dhcp(hosts));
    writeFileSync(join(dir, 'dhcp-0'), '');
    const last = hosts[hosts.length - 1]!;
    const port = 20000 + (process.pid % 20000);
    const runs = async (h: string, d: string, who: Host) => {
      const out: DnsmasqRun[] = [];
      for (let i = 0; i < DNSMASQ_RUNS; i++) out.push(await runDnsmasq(dir, h, d, name(who), port));
      return out;
    };
    const one = await runs('hosts-1', 'dhcp-1', hosts[0]!);
    const dnsOnly = await runs('hosts-n', 'dhcp-0', last);
    const both = await runs('hosts-n', 'dhcp-n', last);
    return { version, one, dnsOnly, both };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

//------------ report --------------------------------------------------------------------

async function main(): Promise<void> {
  console.log(`# inventory index bench: ${N} interfaces, ${RUNS} runs`);
  console.log(`date ${new Date().toISOString()}; node ${process.version}; ${osType()} ${release()}; ${cpus().length} × ${cpus()[0]?.model ?? '?'}; ${mib(totalmem())} RAM`);
  const { hosts, interfacesJson, componentsJson } = synthesize(N);
  // What a refresh hands to buildSnapshot: validated objects whose strings came from JSON.parse.
  const raw: RawInventory = {
    interfaces: validateEthernetInterfaces(JSON.parse(interfacesJson)),
    components: validateComponentsBody(JSON.parse(componentsJson)),
  };
  console.log(`SMD bodies: EthernetInterfaces ${mib(interfacesJson.length)}, Components ${mib(componentsJson.length)}`);

  const t = timeBuilds(raw, interfacesJson, componentsJson);
  const buildMs = median(t.build);
  const refreshMs = median(t.refresh);
  console.log(`\n## build (median of ${RUNS})`);
  console.log(`buildSnapshot:                        ${ms(buildMs)}  (runs: ${t.build.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`JSON.parse + validate + buildSnapshot: ${ms(refreshMs)}  (runs: ${t.refresh.map((x) => x.toFixed(0)).join(', ')})`);

  const heap = retainedHeap(raw);
  console.log(`\n## retained heap`);
  console.log(`validated raw inventory (kept for cache_file): ${mib(heap.raw)} (${(heap.raw / N).toFixed(0)} B/interface)`);
  console.log(`index on top of it:                            ${mib(heap.index)} (${(heap.index / N).toFixed(0)} B/interface)`);

  const snap = buildSnapshot(raw, { fetchedAt: 0, source: 'bench' });
  const results = await lookups(hosts, snap);
  console.log(`\n## lookups (${LOOKUPS.toExponential(0)} each, cycling over all ${N} keys; new space free before each loop ≈ ${mib(results[0]!.newSpaceFree)})`);
  for (const r of results) {
    const verdict = r.gcs === 0 ? `allocation-free (< ${(r.newSpaceFree / LOOKUPS).toFixed(2)} B/op)` : 'allocates';
    console.log(`${r.name.padEnd(28)} ${r.nsPerOp.toFixed(1).padStart(7)} ns/op   GCs during loop: ${String(r.gcs).padStart(3)}   ${verdict}`);
  }
  const peer = results[3]!;
  const bytes = results[1]!;
  console.log(`byMacBytes vs upstream-style peer: ${(peer.nsPerOp / bytes.nsPerOp).toFixed(1)}× faster`);

  if (process.argv.includes('--no-dnsmasq')) return;
  console.log(`\n## peer: dnsmasq, same ${N} hosts (median of ${DNSMASQ_RUNS}; spawn → first DNS answer for the last host)`);
  const d = await dnsmasqPeer(hosts);
  if ('skipped' in d) {
    console.log(d.skipped);
    return;
  }
  const med = (xs: DnsmasqRun[]) => median(xs.map((x) => x.toAnswerMs));
  const base = med(d.one);
  const dnsOnly = med(d.dnsOnly) - base;
  const both = med(d.both) - base;
  console.log(`${d.version}`);
  console.log(`1 host (start-up cost):                 ${ms(base)}   RSS ${(median(d.one.map((x) => x.rssKiB)) / 1024).toFixed(1)} MiB`);
  console.log(`addn-hosts only, load cost:             ${ms(dnsOnly)}   (runs: ${d.dnsOnly.map((x) => x.toAnswerMs.toFixed(0)).join(', ')})`);
  console.log(`addn-hosts + dhcp-hostsfile, load cost: ${ms(both)}   (runs: ${d.both.map((x) => x.toAnswerMs.toFixed(0)).join(', ')})   RSS ${(median(d.both.map((x) => x.rssKiB)) / 1024).toFixed(1)} MiB`);
  console.log(`\nratio, dnsmasq load / our refresh path: DNS only ${(dnsOnly / refreshMs).toFixed(2)}×, DNS+DHCP ${(both / refreshMs).toFixed(1)}×`);
}

await main();
