// A lossy UDP relay for tests and benchmarks: this kernel has no `netem` qdisc, so loss, delay,
// reordering and duplication are injected by a process in the middle instead.
//
//   client ──► relay port R ──► server port P (the listening port)
//   client ◄── relay port R' ◄── server port T (a transfer's own port, RFC 1350 TIDs)
//
// It maps like a NAT, so protocols that change ports mid-conversation (TFTP's TIDs) work:
// - one server-facing socket per client endpoint: the server sees each client as that socket;
// - one client-facing socket per server port: the entry socket for P, and a new socket for every
//   other server port that talks back, so the client sees the port change as it should.
//
// Each datagram, in either direction, is dropped with probability `drop`, otherwise delayed by a
// uniform random time in [delayMs[0], delayMs[1]] (different delays reorder), and with
// probability `duplicate` sent a second time after its own delay. The random source is a
// seeded mulberry32, so a failing run can be replayed with its seed; the same seed gives the
// same decisions for the same sequence of datagrams (timing between processes still varies).
//
// `dropWhere` can drop specific datagrams (the first OACK, every third ACK, …) for scenario tests,
// and `spare` exempts datagrams from the random drops.

import dgram from 'node:dgram';

export interface RelayEndpoint {
  readonly address: string;
  readonly port: number;
}

export type RelayDirection = 'to-server' | 'to-client';

export interface LossyRelayOptions {
  /** Where requests go: the server's listening address and port. */
  readonly server: RelayEndpoint;
  /** Address the relay binds (default 127.0.0.1); its entry port is chosen by the kernel. */
  readonly host?: string;
  readonly seed: number;
  /** Probability of dropping a datagram (0..1). */
  readonly drop?: number;
  /** Probability of sending a datagram twice (0..1). */
  readonly duplicate?: number;
  /** Delay range in ms; [0, 0] (default) forwards at once. */
  readonly delayMs?: readonly [number, number];
  /** Extra deterministic drops: return true to drop this datagram. `n` counts per direction from 1. */
  readonly dropWhere?: (datagram: Uint8Array, direction: RelayDirection, n: number) => boolean;
  /** Datagrams never dropped at random (a test about the server may spare the client's requests). */
  readonly spare?: (datagram: Uint8Array, direction: RelayDirection) => boolean;
}

export interface RelayStats {
  forwarded: number;
  dropped: number;
  duplicated: number;
  delayed: number;
}

/** mulberry32 (Tommy Ettinger's public-domain PRNG): a uniform float in [0, 1) per call. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const key = (e: RelayEndpoint): string => `${e.address}:${e.port}`;

function bind(host: string): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.once('error', reject);
    s.bind(0, host, () => {
      s.off('error', reject);
      resolve(s);
    });
  });
}

export class LossyRelay {
  readonly stats: RelayStats = { forwarded: 0, dropped: 0, duplicated: 0, delayed: 0 };
  readonly #o: LossyRelayOptions;
  readonly #host: string;
  readonly #random: () => number;
  /** Client-facing sockets by the server port they stand for. */
  readonly #clientFacing = new Map<number, Promise<dgram.Socket>>();
  /** Server-facing sockets by the client endpoint they stand for. */
  readonly #serverFacing = new Map<string, Promise<dgram.Socket>>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #counts: Record<RelayDirection, number> = { 'to-server': 0, 'to-client': 0 };
  #entry: RelayEndpoint | undefined;
  #closed = false;

  private constructor(o: LossyRelayOptions) {
    this.#o = o;
    this.#host = o.host ?? '127.0.0.1';
    this.#random = mulberry32(o.seed);
  }

  /** Starts a relay; clients send to `relay.entry` instead of the server. */
  static async start(o: LossyRelayOptions): Promise<LossyRelay> {
    const r = new LossyRelay(o);
    const entry = await r.#clientSocket(o.server.port);
    const a = entry.address();
    r.#entry = { address: a.address, port: a.port };
    return r;
  }

  /** Where clients send their requests. */
  get entry(): RelayEndpoint {
    return this.#entry!;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    const all = [...this.#clientFacing.values(), ...this.#serverFacing.values()];
    await Promise.all(all.map(async (p) => new Promise<void>((resolve) => p.then((s) => s.close(() => resolve()), () => resolve()))));
  }

  /** The client-facing socket that stands for server port `serverPort`. */
  #clientSocket(serverPort: number): Promise<dgram.Socket> {
    let p = this.#clientFacing.get(serverPort);
    if (p === undefined) {
      p = bind(this.#host).then((s) => {
        s.on('message', (msg, from) => void this.#fromClient(msg, { address: from.address, port: from.port }, serverPort));
        return s;
      });
      this.#clientFacing.set(serverPort, p);
    }
    return p;
  }

  /** The server-facing socket that stands for `client`. */
  #serverSocket(client: RelayEndpoint): Promise<dgram.Socket> {
    let p = this.#serverFacing.get(key(client));
    if (p === undefined) {
      p = bind(this.#host).then((s) => {
        s.on('message', (msg, from) => void this.#fromServer(msg, from.port, client));
        return s;
      });
      this.#serverFacing.set(key(client), p);
    }
    return p;
  }

  async #fromClient(msg: Buffer, client: RelayEndpoint, serverPort: number): Promise<void> {
    const out = await this.#serverSocket(client);
    this.#forward(msg, 'to-server', out, { address: this.#o.server.address, port: serverPort });
  }

  async #fromServer(msg: Buffer, serverPort: number, client: RelayEndpoint): Promise<void> {
    const out = await this.#clientSocket(serverPort);
    this.#forward(msg, 'to-client', out, client);
  }

  #forward(msg: Buffer, direction: RelayDirection, via: dgram.Socket, to: RelayEndpoint): void {
    if (this.#closed) return;
    const n = ++this.#counts[direction];
    const drop = this.#o.drop ?? 0;
    // Always draw the same number of values per datagram, so one decision does not shift the rest.
    const rDrop = this.#random();
    const rDup = this.#random();
    const rDelay1 = this.#random();
    const rDelay2 = this.#random();
    const randomDrop = rDrop < drop && this.#o.spare?.(msg, direction) !== true;
    if (randomDrop || this.#o.dropWhere?.(msg, direction, n) === true) {
      this.stats.dropped++;
      return;
    }
    const copy = Buffer.from(msg);
    this.#sendLater(copy, via, to, rDelay1);
    if (rDup < (this.#o.duplicate ?? 0)) {
      this.stats.duplicated++;
      this.#sendLater(copy, via, to, rDelay2);
    }
  }

  #sendLater(msg: Buffer, via: dgram.Socket, to: RelayEndpoint, r: number): void {
    const [lo, hi] = this.#o.delayMs ?? [0, 0];
    const delay = lo + (hi - lo) * r;
    const send = () => {
      if (this.#closed) return;
      this.stats.forwarded++;
      via.send(msg, to.port, to.address);
    };
    if (delay <= 0) {
      send();
      return;
    }
    this.stats.delayed++;
    const t = setTimeout(() => {
      this.#timers.delete(t);
      send();
    }, delay);
    this.#timers.add(t);
  }
}
