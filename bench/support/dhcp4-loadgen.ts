// A relay-mode DHCPv4 load generator (BENCHMARKS.md, "DHCPv4 load").
//
// One UDP socket bound to giaddr (127.20.0.1) on the server's port and connected to the server:
// it sends relayed DISCOVERs, answers each OFFER with a REQUEST (option 50 = yiaddr, 54 = the
// offer's server id, same xid, as a client in SELECTING does), and counts a DORA when the ACK
// arrives. Replies come back to this socket either because the server honours RFC 8357 (reply to
// the request's source port, which is this one) or because it answers to giaddr on its own server
// port (dnsmasq), which is also this one. The socket sets SO_REUSEADDR so it can share the port
// with a server bound to the wildcard address; the kernel delivers to the most specific socket.
//
// Two disciplines, the same for every server:
//   closed loop: `concurrency` DORAs in flight; each ACK (or timeout) starts the next one.
//   open loop:   DORAs start on a fixed schedule (`rate` per second) whatever the replies; the
//                DISCOVER latency is measured from the scheduled start (no coordinated omission).
// Warm-up is excluded: only exchanges that complete inside the measurement window count, and the
// server's CPU time (utime + stime from /proc/PID/stat, all threads) is read at the window edges.

import dgram from 'node:dgram';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { buildRequest, DhcpType, readReply, readU32, XID_OFFSET, type Host, type ReplyFields, type RequestTemplate } from './dhcp4-workload.ts';

export type Discipline = { readonly mode: 'closed'; readonly concurrency: number } | { readonly mode: 'rate'; readonly rate: number };

export interface PhaseOptions {
  readonly discipline: Discipline;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** A DORA not finished this long after its start is lost (and, in closed loop, replaced). */
  readonly timeoutMs: number;
  /** The server process, for CPU time; undefined to skip. */
  readonly serverPid: number | undefined;
}

export interface LatencyStats {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export interface PhaseResult {
  readonly discipline: Discipline;
  readonly windowMs: number;
  /** DORAs whose ACK arrived inside the window. */
  readonly doras: number;
  readonly dorasPerSec: number;
  /**
   * ms. discover: DISCOVER sent → OFFER received; request: REQUEST sent → ACK received; dora:
   * DORA due (open loop: its scheduled time, so any lag of ours counts against the server) → ACK.
   */
  readonly discover: LatencyStats;
  readonly request: LatencyStats;
  readonly dora: LatencyStats;
  /** DORAs started inside the window (open loop: the offered load). */
  readonly started: number;
  readonly timeouts: number;
  readonly naks: number;
  /** Replies with the wrong address, type or server id. */
  readonly wrong: number;
  /** Replies for no DORA in flight (late after a timeout, or unparseable). */
  readonly stray: number;
  /** Server CPU time inside the window (ms) and per DORA (µs); NaN without a pid. */
  readonly serverCpuMs: number;
  /** The same split into user and kernel (system) time. */
  readonly serverUserMs: number;
  readonly serverSysMs: number;
  readonly serverCpuUsPerDora: number;
  /** Our own CPU use inside the window, in cores (1.0 = one core busy). */
  readonly generatorCores: number;
  /**
   * Busy time of each CPU inside the window (ms), all processes: with the server's and our own
   * CPU time it shows how much of the two cores something else took (a disturbed run).
   */
  readonly cpuBusyMs: readonly number[];
  /** Lag between each DORA's due time and its DISCOVER leaving (ms): the generator's own delay. */
  readonly sendLag: LatencyStats;
}

export interface LoadGenOptions {
  readonly hosts: readonly Host[];
  readonly server: { readonly address: string; readonly port: number };
  /** Where the generator binds: giaddr and the port replies come to. */
  readonly bind: { readonly address: string; readonly port: number };
  /** Check that every OFFER/ACK carries the host's reserved address (off for the bare responder). */
  readonly checkAddress: boolean;
}

const RING_BITS = 18;
const RING = 1 << RING_BITS;
const MASK = RING - 1;
const ST_FREE = 0;
const ST_OFFER = 1;
const ST_ACK = 2;

let clkTck: number | undefined;
function ticksPerSecond(): number {
  if (clkTck === undefined) {
    try {
      clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

/** utime and stime of a process (all its threads), in ms; NaN when they cannot be read. */
export function processCpuMs(pid: number | undefined): { user: number; sys: number } {
  if (pid === undefined) return { user: NaN, sys: NaN };
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may contain spaces: state is field 3, utime 14, stime 15.
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    const tick = 1000 / ticksPerSecond();
    return { user: Number(f[11]) * tick, sys: Number(f[12]) * tick };
  } catch {
    return { user: NaN, sys: NaN };
  }
}

/**
 * Idle time (idle + iowait) of each CPU since boot, in ms, from /proc/stat. With NO_HZ idle the
 * kernel derives these from the exact idle entry/exit times, while the user/system columns are
 * tick samples that miss bursts shorter than a tick; so busy time is taken as wall − idle.
 */
export function cpuIdleMs(): number[] {
  const out: number[] = [];
  try {
    for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
      const m = /^cpu(\d+) (.*)$/.exec(line);
      if (m === null) continue;
      const v = m[2]!.trim().split(/\s+/).map(Number);
      out[Number(m[1])] = ((v[3]! + v[4]!) * 1000) / ticksPerSecond();
    }
  } catch {
    // Not Linux: no per-CPU figures.
  }
  return out;
}

export function percentiles(xs: number[]): LatencyStats {
  if (xs.length === 0) return { count: 0, p50: NaN, p90: NaN, p99: NaN, max: NaN };
  const s = Float64Array.from(xs).sort();
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { count: s.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s[s.length - 1]! };
}

export class LoadGen {
  readonly #o: LoadGenOptions;
  readonly #socket: dgram.Socket;
  readonly #discover: RequestTemplate[];
  readonly #request: RequestTemplate[];
  readonly #fields: ReplyFields = { type: 0, serverId: 0 };

  // In-flight DORAs, a ring indexed by xid & MASK (xid = a global sequence number).
  readonly #ringXid = new Uint32Array(RING);
  readonly #state = new Uint8Array(RING);
  readonly #host = new Int32Array(RING);
  /** When the DORA was due (open loop: its slot in the schedule; closed loop: when started). */
  readonly #tStart = new Float64Array(RING);
  /** When its DISCOVER was actually sent. */
  readonly #tSent = new Float64Array(RING);
  readonly #tReq = new Float64Array(RING);
  readonly #busyHost: Uint8Array;
  #seq = 1;
  #oldest = 1;
  #cursor = 0;
  #inFlight = 0;

  // Per-phase state.
  #running = false;
  #closed = false;
  #windowStart = Infinity;
  #windowEnd = -Infinity;
  #disc: number[] = [];
  #req: number[] = [];
  #dora: number[] = [];
  #lag: number[] = [];
  #doras = 0;
  #started = 0;
  #timeouts = 0;
  #naks = 0;
  #wrong = 0;
  #stray = 0;
  /** When set, the next OFFER/ACK bytes are copied here (the probe). */
  #capture: { offer?: Uint8Array; ack?: Uint8Array } | undefined;

  private constructor(o: LoadGenOptions, socket: dgram.Socket) {
    this.#o = o;
    this.#socket = socket;
    this.#discover = o.hosts.map((h) => buildRequest(h, DhcpType.Discover));
    this.#request = o.hosts.map((h) => buildRequest(h, DhcpType.Request));
    this.#busyHost = new Uint8Array(o.hosts.length);
    socket.on('message', (msg) => this.#onMessage(msg));
  }

  static async open(o: LoadGenOptions): Promise<LoadGen> {
    const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: o.bind.address, port: o.bind.port }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    try {
      socket.setRecvBufferSize(8 << 20);
      socket.setSendBufferSize(8 << 20);
    } catch {
      // Capped by net.core.rmem_max: the default is enough for the closed loop.
    }
    // Connected: no per-send address lookup, and only the server's replies are accepted.
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(o.server.port, o.server.address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', () => {
      // ECONNREFUSED from ICMP port unreachable while the server starts or stops: the probe and
      // the timeouts account for it.
    });
    return new LoadGen(o, socket);
  }

  /** Sends one DORA for host 0 every 100 ms until it completes; returns the OFFER and ACK bytes. */
  async probe(timeoutMs: number, alive: () => boolean): Promise<{ offer: Uint8Array; ack: Uint8Array; ms: number }> {
    const t0 = performance.now();
    const capture: { offer?: Uint8Array; ack?: Uint8Array } = {};
    this.#capture = capture;
    try {
      while (performance.now() - t0 < timeoutMs) {
        if (!alive()) throw new Error('the server exited');
        delete capture.offer;
        delete capture.ack;
        this.#startDora(performance.now());
        const t = performance.now();
        while (performance.now() - t < 100 && capture.ack === undefined) await sleep(2);
        if (capture.offer !== undefined && capture.ack !== undefined) return { offer: capture.offer, ack: capture.ack, ms: performance.now() - t0 };
        this.#expireAll();
      }
      throw new Error(`no complete DORA within ${timeoutMs} ms`);
    } finally {
      this.#capture = undefined;
    }
  }

  async run(p: PhaseOptions): Promise<PhaseResult> {
    this.#resetPhase();
    const d = p.discipline;
    const t0 = performance.now();
    this.#windowStart = t0 + p.warmupMs;
    this.#windowEnd = this.#windowStart + p.durationMs;
    this.#running = true;
    const closedLoop = d.mode === 'closed';
    this.#closed = closedLoop;

    const sweeper = setInterval(() => this.#sweep(p.timeoutMs), 20);
    let startedOpen = 0;
    let pumping = d.mode === 'rate';
    const interval = d.mode === 'rate' ? 1000 / d.rate : 0;
    const pump = (): void => {
      if (!pumping) return;
      const now = performance.now();
      // Catch up on every start that is due: the schedule does not wait for replies.
      while (t0 + startedOpen * interval <= now) {
        const scheduled = t0 + startedOpen * interval;
        this.#startDora(scheduled);
        startedOpen++;
      }
      setImmediate(pump);
    };
    if (closedLoop) for (let i = 0; i < d.concurrency; i++) this.#startDora(performance.now());
    else setImmediate(pump);

    await sleepUntil(this.#windowStart);
    const cpu0 = processCpuMs(p.serverPid);
    const gen0 = process.cpuUsage();
    const idle0 = cpuIdleMs();
    const w0 = performance.now();
    await sleepUntil(this.#windowEnd);
    const cpu1 = processCpuMs(p.serverPid);
    const gen1 = process.cpuUsage(gen0);
    const idle1 = cpuIdleMs();
    const w1 = performance.now();
    pumping = false;
    this.#running = false;
    // Drain: the DORAs in flight finish or time out; none of them is counted any more.
    const drainUntil = performance.now() + p.timeoutMs + 200;
    while (this.#inFlight > 0 && performance.now() < drainUntil) await sleep(10);
    clearInterval(sweeper);
    this.#expireAll();

    const windowMs = w1 - w0;
    const serverUserMs = cpu1.user - cpu0.user;
    const serverSysMs = cpu1.sys - cpu0.sys;
    const serverCpuMs = serverUserMs + serverSysMs;
    return {
      discipline: d,
      windowMs,
      doras: this.#doras,
      dorasPerSec: (this.#doras * 1000) / windowMs,
      discover: percentiles(this.#disc),
      request: percentiles(this.#req),
      dora: percentiles(this.#dora),
      started: this.#started,
      timeouts: this.#timeouts,
      naks: this.#naks,
      wrong: this.#wrong,
      stray: this.#stray,
      serverCpuMs,
      serverUserMs,
      serverSysMs,
      serverCpuUsPerDora: this.#doras === 0 ? NaN : (serverCpuMs * 1000) / this.#doras,
      generatorCores: (gen1.user + gen1.system) / 1000 / windowMs,
      sendLag: percentiles(this.#lag),
      cpuBusyMs: idle1.map((x, k) => Math.max(0, windowMs - (x - (idle0[k] ?? 0)))),
    };
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
  }

  #resetPhase(): void {
    this.#disc = [];
    this.#req = [];
    this.#dora = [];
    this.#lag = [];
    this.#doras = 0;
    this.#started = 0;
    this.#timeouts = 0;
    this.#naks = 0;
    this.#wrong = 0;
    this.#stray = 0;
  }

  #inWindow(t: number): boolean {
    return t >= this.#windowStart && t < this.#windowEnd;
  }

  #startDora(tStart: number): void {
    const hosts = this.#o.hosts.length;
    // Next host not already in flight (a stalled one keeps its MAC until it times out).
    let h = this.#cursor;
    for (let tries = 0; this.#busyHost[h] === 1 && tries < hosts; tries++) h = (h + 1) % hosts;
    if (this.#busyHost[h] === 1) return;
    this.#cursor = (h + 1) % hosts;
    const xid = this.#seq >>> 0;
    this.#seq++;
    const i = xid & MASK;
    if (this.#state[i] !== ST_FREE) {
      // The ring wrapped over a DORA still in flight: it is lost (and not replaced).
      if (this.#inWindow(performance.now())) this.#timeouts++;
      this.#release(i);
    }
    this.#ringXid[i] = xid;
    this.#state[i] = ST_OFFER;
    this.#host[i] = h;
    this.#tStart[i] = tStart;
    this.#busyHost[h] = 1;
    this.#inFlight++;
    if (this.#inWindow(tStart)) this.#started++;
    const t = this.#discover[h]!.bytes;
    writeU32(t, XID_OFFSET, xid);
    const now = performance.now();
    this.#tSent[i] = now;
    if (this.#inWindow(tStart)) this.#lag.push(now - tStart);
    this.#socket.send(t);
  }

  #release(i: number): void {
    this.#state[i] = ST_FREE;
    this.#busyHost[this.#host[i]!] = 0;
    this.#inFlight--;
  }

  #finish(i: number): void {
    this.#release(i);
    if (this.#running && this.#closed) this.#startDora(performance.now());
  }

  #lose(i: number): void {
    if (this.#inWindow(performance.now())) this.#timeouts++;
    this.#finish(i);
  }

  #sweep(timeoutMs: number): void {
    const now = performance.now();
    while (this.#oldest < this.#seq) {
      const xid = this.#oldest >>> 0;
      const i = xid & MASK;
      if (this.#ringXid[i] !== xid || this.#state[i] === ST_FREE) {
        this.#oldest++;
        continue;
      }
      if (now - this.#tStart[i]! < timeoutMs) break;
      this.#oldest++;
      this.#lose(i);
    }
  }

  #expireAll(): void {
    while (this.#oldest < this.#seq) {
      const i = (this.#oldest >>> 0) & MASK;
      if (this.#ringXid[i] === this.#oldest >>> 0 && this.#state[i] !== ST_FREE) this.#release(i);
      this.#oldest++;
    }
  }

  #onMessage(msg: Buffer): void {
    const now = performance.now();
    if (msg.length < 240) {
      this.#countStray(now);
      return;
    }
    const xid = readU32(msg, XID_OFFSET);
    const i = xid & MASK;
    const state = this.#state[i]!;
    if (this.#ringXid[i] !== xid || state === ST_FREE || !readReply(msg, this.#fields)) {
      this.#countStray(now);
      return;
    }
    const f = this.#fields;
    const h = this.#host[i]!;
    const host = this.#o.hosts[h]!;
    const yiaddr = readU32(msg, 16);
    const inWindow = this.#inWindow(now);
    if (f.type === DhcpType.Nak) {
      if (inWindow) this.#naks++;
      this.#finish(i);
      return;
    }
    const expected = state === ST_OFFER ? DhcpType.Offer : DhcpType.Ack;
    if (f.type !== expected || (this.#o.checkAddress && yiaddr !== host.ip)) {
      if (inWindow) this.#wrong++;
      this.#finish(i);
      return;
    }
    const cap = this.#capture;
    if (state === ST_OFFER) {
      if (inWindow) this.#disc.push(now - this.#tSent[i]!);
      if (cap !== undefined) cap.offer = Uint8Array.from(msg);
      const t = this.#request[h]!;
      const b = t.bytes;
      writeU32(b, XID_OFFSET, xid);
      writeU32(b, t.requestedIpAt, yiaddr);
      writeU32(b, t.serverIdAt, f.serverId);
      this.#state[i] = ST_ACK;
      this.#tReq[i] = performance.now();
      this.#socket.send(b);
      return;
    }
    if (cap !== undefined) cap.ack = Uint8Array.from(msg);
    if (inWindow) {
      this.#req.push(now - this.#tReq[i]!);
      this.#dora.push(now - this.#tStart[i]!);
      this.#doras++;
    }
    this.#finish(i);
  }

  #countStray(now: number): void {
    if (this.#inWindow(now)) this.#stray++;
  }
}

function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 24) & 255;
  b[at + 1] = (v >>> 16) & 255;
  b[at + 2] = (v >>> 8) & 255;
  b[at + 3] = v & 255;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function sleepUntil(t: number): Promise<void> {
  for (let left = t - performance.now(); left > 0; left = t - performance.now()) await sleep(Math.min(left, 50));
}
