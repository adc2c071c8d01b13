// A relay-mode load generator for two-step request/reply exchanges (BENCHMARKS.md, "DHCPv4
// load" and "DHCPv6 load"): DISCOVER→OFFER, REQUEST→ACK for DHCPv4 (dhcp4-loadgen.ts),
// SOLICIT→ADVERTISE, REQUEST→REPLY for DHCPv6 (dhcp6-loadgen.ts). The protocol is an
// ExchangeCodec: it writes the requests, reads the exchange id of a reply and judges it; this
// file owns the socket, the schedule, the timing and the accounting, the same for every protocol.
//
// One UDP socket bound to the relay's address and connected to the server: it sends the first
// request of an exchange, answers the first reply with the second request (same exchange id),
// and counts an exchange when the second reply arrives. The socket sets SO_REUSEADDR so it can
// share a port with a server bound to the wildcard address; the kernel delivers to the most
// specific socket.
//
// Two disciplines, the same for every server:
//   closed loop: `concurrency` exchanges in flight; each completion (or timeout) starts the next.
//   open loop:   exchanges start on a fixed schedule (`rate` per second) whatever the replies;
//                the first leg is measured from the scheduled start (no coordinated omission).
// Warm-up is excluded: only exchanges that complete inside the measurement window count, and the
// server's CPU time (utime + stime from /proc/PID/stat, all threads) is read at the window edges.

import dgram from 'node:dgram';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/**
 * What a codec says of a reply to one of its exchanges: `ok` moves it on; `nak` and `wrong`
 * (another address, type or server id) end it, counted; `stray` (unreadable) is ignored, counted.
 */
export type Judgement = 'ok' | 'nak' | 'wrong' | 'stray';

/** One protocol's side of the generator: requests out, replies judged; no I/O. */
export interface ExchangeCodec {
  readonly socketType: 'udp4' | 'udp6';
  /** Hosts the exchanges cycle over. */
  readonly hostCount: number;
  /** Exchange ids are this many bits on the wire (32 for a DHCPv4 xid, 24 for a DHCPv6 transaction-id). */
  readonly idBits: number;
  /** Host h's first request with exchange id `id`: a template patched in place, sent at once. */
  first(h: number, id: number): Uint8Array;
  /** The exchange id a reply carries; -1 when it is no reply of this protocol. */
  replyId(msg: Uint8Array): number;
  /** Judges a reply for host h: `stage` 1 answers the first request, 2 the second. */
  judge(msg: Uint8Array, stage: 1 | 2, h: number): Judgement;
  /** Host h's second request after the first reply `msg` was judged 'ok'. */
  second(h: number, id: number, msg: Uint8Array): Uint8Array;
}

export type Discipline = { readonly mode: 'closed'; readonly concurrency: number } | { readonly mode: 'rate'; readonly rate: number };

export interface PhaseOptions {
  readonly discipline: Discipline;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** An exchange not finished this long after its start is lost (and, in closed loop, replaced). */
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
  /** Exchanges whose second reply arrived inside the window. */
  readonly exchanges: number;
  readonly perSec: number;
  /**
   * ms. first: first request sent → first reply received (DISCOVER→OFFER); second: second request
   * sent → second reply (REQUEST→ACK); total: exchange due (open loop: its scheduled time, so any
   * lag of ours counts against the server) → second reply.
   */
  readonly first: LatencyStats;
  readonly second: LatencyStats;
  readonly total: LatencyStats;
  /** Exchanges started inside the window (open loop: the offered load). */
  readonly started: number;
  readonly timeouts: number;
  readonly naks: number;
  /** Replies with the wrong address, type or server id. */
  readonly wrong: number;
  /** Replies for no exchange in flight (late after a timeout, or unparseable). */
  readonly stray: number;
  /** Server CPU time inside the window (ms) and per exchange (µs); NaN without a pid. */
  readonly serverCpuMs: number;
  /** The same split into user and kernel (system) time. */
  readonly serverUserMs: number;
  readonly serverSysMs: number;
  readonly serverCpuUsPerExchange: number;
  /** Our own CPU use inside the window, in cores (1.0 = one core busy). */
  readonly generatorCores: number;
  /**
   * Busy time of each CPU inside the window (ms), all processes: with the server's and our own
   * CPU time it shows how much of the two cores something else took (a disturbed run).
   */
  readonly cpuBusyMs: readonly number[];
  /** Lag between each exchange's due time and its first request leaving (ms): the generator's own delay. */
  readonly sendLag: LatencyStats;
}

export interface LoadGenOptions {
  readonly codec: ExchangeCodec;
  readonly server: { readonly address: string; readonly port: number };
  /** Where the generator binds: the relay's address and the port replies come to (0: any). */
  readonly bind: { readonly address: string; readonly port: number };
}

const RING_BITS = 18;
const RING = 1 << RING_BITS;
const MASK = RING - 1;
const ST_FREE = 0;
/** Waiting for the reply to the first request. */
const ST_FIRST = 1;
const ST_SECOND = 2;

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
  readonly #codec: ExchangeCodec;
  readonly #socket: dgram.Socket;
  /** Wire ids are the sequence number masked to the codec's id width. */
  readonly #idMask: number;

  // In-flight exchanges, a ring indexed by id & MASK (id = a global sequence number).
  readonly #ringId = new Uint32Array(RING);
  readonly #state = new Uint8Array(RING);
  readonly #host = new Int32Array(RING);
  /** When the exchange was due (open loop: its slot in the schedule; closed loop: when started). */
  readonly #tStart = new Float64Array(RING);
  /** When its first request was actually sent. */
  readonly #tSent = new Float64Array(RING);
  readonly #tSecond = new Float64Array(RING);
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
  #first: number[] = [];
  #second: number[] = [];
  #total: number[] = [];
  #lag: number[] = [];
  #exchanges = 0;
  #started = 0;
  #timeouts = 0;
  #naks = 0;
  #wrong = 0;
  #stray = 0;
  /** When set, the next first and second reply bytes are copied here (the probe). */
  #capture: { first?: Uint8Array; second?: Uint8Array } | undefined;

  private constructor(o: LoadGenOptions, socket: dgram.Socket) {
    this.#codec = o.codec;
    this.#socket = socket;
    this.#idMask = o.codec.idBits >= 32 ? 0xffffffff : 2 ** o.codec.idBits - 1;
    this.#busyHost = new Uint8Array(o.codec.hostCount);
    socket.on('message', (msg) => this.#onMessage(msg));
  }

  static async open(o: LoadGenOptions): Promise<LoadGen> {
    const socket = dgram.createSocket({ type: o.codec.socketType, reuseAddr: true, ...(o.codec.socketType === 'udp6' ? { ipv6Only: true } : {}) });
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

  /** Sends one exchange for host 0 every 100 ms until it completes; returns both replies' bytes. */
  async probe(timeoutMs: number, alive: () => boolean): Promise<{ first: Uint8Array; second: Uint8Array; ms: number }> {
    const t0 = performance.now();
    const capture: { first?: Uint8Array; second?: Uint8Array } = {};
    this.#capture = capture;
    try {
      while (performance.now() - t0 < timeoutMs) {
        if (!alive()) throw new Error('the server exited');
        delete capture.first;
        delete capture.second;
        this.#startExchange(performance.now());
        const t = performance.now();
        while (performance.now() - t < 100 && capture.second === undefined) await sleep(2);
        if (capture.first !== undefined && capture.second !== undefined) return { first: capture.first, second: capture.second, ms: performance.now() - t0 };
        this.#expireAll();
      }
      throw new Error(`no complete exchange within ${timeoutMs} ms`);
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
        this.#startExchange(scheduled);
        startedOpen++;
      }
      setImmediate(pump);
    };
    if (closedLoop) for (let i = 0; i < d.concurrency; i++) this.#startExchange(performance.now());
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
    // Drain: the exchanges in flight finish or time out; none of them is counted any more.
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
      exchanges: this.#exchanges,
      perSec: (this.#exchanges * 1000) / windowMs,
      first: percentiles(this.#first),
      second: percentiles(this.#second),
      total: percentiles(this.#total),
      started: this.#started,
      timeouts: this.#timeouts,
      naks: this.#naks,
      wrong: this.#wrong,
      stray: this.#stray,
      serverCpuMs,
      serverUserMs,
      serverSysMs,
      serverCpuUsPerExchange: this.#exchanges === 0 ? NaN : (serverCpuMs * 1000) / this.#exchanges,
      generatorCores: (gen1.user + gen1.system) / 1000 / windowMs,
      sendLag: percentiles(this.#lag),
      cpuBusyMs: idle1.map((x, k) => Math.max(0, windowMs - (x - (idle0[k] ?? 0)))),
    };
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
  }

  #resetPhase(): void {
    this.#first = [];
    this.#second = [];
    this.#total = [];
    this.#lag = [];
    this.#exchanges = 0;
    this.#started = 0;
    this.#timeouts = 0;
    this.#naks = 0;
    this.#wrong = 0;
    this.#stray = 0;
  }

  #inWindow(t: number): boolean {
    return t >= this.#windowStart && t < this.#windowEnd;
  }

  #startExchange(tStart: number): void {
    const hosts = this.#codec.hostCount;
    // Next host not already in flight (a stalled one keeps its MAC until it times out).
    let h = this.#cursor;
    for (let tries = 0; this.#busyHost[h] === 1 && tries < hosts; tries++) h = (h + 1) % hosts;
    if (this.#busyHost[h] === 1) return;
    this.#cursor = (h + 1) % hosts;
    const id = (this.#seq & this.#idMask) >>> 0;
    this.#seq++;
    const i = id & MASK;
    if (this.#state[i] !== ST_FREE) {
      // The ring wrapped over an exchange still in flight: it is lost (and not replaced).
      if (this.#inWindow(performance.now())) this.#timeouts++;
      this.#release(i);
    }
    this.#ringId[i] = id;
    this.#state[i] = ST_FIRST;
    this.#host[i] = h;
    this.#tStart[i] = tStart;
    this.#busyHost[h] = 1;
    this.#inFlight++;
    if (this.#inWindow(tStart)) this.#started++;
    const bytes = this.#codec.first(h, id);
    const now = performance.now();
    this.#tSent[i] = now;
    if (this.#inWindow(tStart)) this.#lag.push(now - tStart);
    this.#socket.send(bytes);
  }

  #release(i: number): void {
    this.#state[i] = ST_FREE;
    this.#busyHost[this.#host[i]!] = 0;
    this.#inFlight--;
  }

  #finish(i: number): void {
    this.#release(i);
    if (this.#running && this.#closed) this.#startExchange(performance.now());
  }

  #lose(i: number): void {
    if (this.#inWindow(performance.now())) this.#timeouts++;
    this.#finish(i);
  }

  /** The ring slot of sequence number `seq`, when it is still in flight; -1 otherwise. */
  #slotOf(seq: number): number {
    const id = (seq & this.#idMask) >>> 0;
    const i = id & MASK;
    return this.#ringId[i] === id && this.#state[i] !== ST_FREE ? i : -1;
  }

  #sweep(timeoutMs: number): void {
    const now = performance.now();
    while (this.#oldest < this.#seq) {
      const i = this.#slotOf(this.#oldest);
      if (i === -1) {
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
      const i = this.#slotOf(this.#oldest);
      if (i !== -1) this.#release(i);
      this.#oldest++;
    }
  }

  #onMessage(msg: Buffer): void {
    const now = performance.now();
    const id = this.#codec.replyId(msg);
    if (id < 0) {
      this.#countStray(now);
      return;
    }
    const i = id & MASK;
    const state = this.#state[i]!;
    if (this.#ringId[i] !== id || state === ST_FREE) {
      this.#countStray(now);
      return;
    }
    const h = this.#host[i]!;
    const stage = state === ST_FIRST ? 1 : 2;
    const verdict = this.#codec.judge(msg, stage, h);
    if (verdict === 'stray') {
      this.#countStray(now);
      return;
    }
    const inWindow = this.#inWindow(now);
    if (verdict !== 'ok') {
      if (inWindow) {
        if (verdict === 'nak') this.#naks++;
        else this.#wrong++;
      }
      this.#finish(i);
      return;
    }
    const cap = this.#capture;
    if (stage === 1) {
      if (inWindow) this.#first.push(now - this.#tSent[i]!);
      if (cap !== undefined) cap.first = Uint8Array.from(msg);
      const bytes = this.#codec.second(h, id, msg);
      this.#state[i] = ST_SECOND;
      this.#tSecond[i] = performance.now();
      this.#socket.send(bytes);
      return;
    }
    if (cap !== undefined) cap.second = Uint8Array.from(msg);
    if (inWindow) {
      this.#second.push(now - this.#tSecond[i]!);
      this.#total.push(now - this.#tStart[i]!);
      this.#exchanges++;
    }
    this.#finish(i);
  }

  #countStray(now: number): void {
    if (this.#inWindow(now)) this.#stray++;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function sleepUntil(t: number): Promise<void> {
  for (let left = t - performance.now(); left > 0; left = t - performance.now()) await sleep(Math.min(left, 50));
}
