// Fakes for the TFTP scenario tests: a manual clock, an in-memory transport that records every
// datagram, a FileProvider over a Map, and packet builders for the client side.
import type { Clock, TimerHandle } from '../../../src/seams/clock.ts';
import type { BootFile, FileProvider, ResolveResult } from '../../../src/boot/file-provider.ts';
import { BufferPool } from '../../../src/wire/pool.ts';
import { Writer } from '../../../src/wire/writer.ts';
import { decodeTftp, encodeAck, encodeError, encodeRrq, encodeWrq, type TftpOptionList, type TftpPacket } from '../../../src/tftp/packet.ts';
import type { TftpMode } from '../../../src/tftp/constants.ts';
import type { TftpEndpoint, TftpReceive, TftpTransferChannel, TftpTransport } from '../../../src/tftp/service/transport.ts';
import { TftpServer, type TftpServerOptions } from '../../../src/tftp/service/server.ts';
import { recordingLogger } from '../../net/support.ts';

/** Lets pending promise chains (file reads, window sends) run to their next real wait. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/** A Clock whose time moves only when the test says so. */
export class FakeClock implements Clock {
  #now = 1_000_000;
  #seq = 0;
  readonly #timers: Timer[] = [];

  now(): number {
    return this.#now;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const t: Timer = { at: this.#now + ms, seq: this.#seq++, fn, cancelled: false };
    this.#timers.push(t);
    return { cancel: () => void (t.cancelled = true) };
  }

  /** Pending timers' delays from now, soonest first. */
  pending(): number[] {
    return this.#timers
      .filter((t) => !t.cancelled)
      .map((t) => t.at - this.#now)
      .sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, firing due timers in order and settling after each. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    for (;;) {
      const due = this.#timers.filter((t) => !t.cancelled && t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.#timers.splice(this.#timers.indexOf(due), 1);
      this.#now = due.at;
      due.fn();
      await settle();
    }
    this.#now = end;
  }
}

export interface SentDatagram {
  /** The socket it left from. */
  readonly from: TftpEndpoint;
  readonly to: TftpEndpoint;
  readonly bytes: Uint8Array;
  readonly packet: TftpPacket;
  readonly at: number;
}

/** A channel that records what it sends; the pooled slot is released on the next turn (like dgram). */
export class FakeChannel implements TftpTransferChannel {
  readonly local: TftpEndpoint;
  readonly #log: SentDatagram[];
  readonly #clock: Clock;
  /** Send callbacks held back while `hold` is true (to exhaust the pool on purpose). */
  hold = false;
  readonly #held: (() => void)[] = [];
  closed = false;
  receive: TftpReceive | undefined;
  /** Every destination this channel sent to (kept when take() empties the log). */
  readonly peers: string[] = [];

  constructor(local: TftpEndpoint, log: SentDatagram[], clock: Clock) {
    this.local = local;
    this.#log = log;
    this.#clock = clock;
  }

  send(payload: Uint8Array, to: TftpEndpoint, sent: (error?: Error) => void): void {
    const bytes = Uint8Array.from(payload);
    const d = decodeTftp(bytes);
    if (!d.ok) throw new Error(`server sent an undecodable datagram: ${d.error.message}`);
    this.#log.push({ from: this.local, to, bytes, packet: d.value, at: this.#clock.now() });
    this.peers.push(`${to.address}:${to.port}`);
    if (this.hold) this.#held.push(() => sent());
    else setImmediate(() => sent());
  }

  release(): void {
    this.hold = false;
    for (const f of this.#held.splice(0)) f();
  }

  close(): void {
    this.closed = true;
  }
}

export class FakeTransport implements TftpTransport {
  readonly sent: SentDatagram[] = [];
  readonly channels: FakeChannel[] = [];
  readonly mtus = new Map<string, number>();
  readonly #clock: Clock;
  #nextPort = 40000;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  listener(address = '192.0.2.1', port = 69): FakeChannel {
    return new FakeChannel({ address, port }, this.sent, this.#clock);
  }

  async openTransferChannel(localAddress: string, receive: TftpReceive): Promise<TftpTransferChannel> {
    const c = new FakeChannel({ address: localAddress, port: this.#nextPort++ }, this.sent, this.#clock);
    c.receive = receive;
    this.channels.push(c);
    return c;
  }

  mtu(localAddress: string): number | undefined {
    return this.mtus.get(localAddress);
  }
}

export interface FakeFile {
  readonly bytes: Uint8Array;
  /** Serve as kind 'disk' (reads go through FileProvider.read) instead of 'memory'. */
  readonly disk?: boolean;
}

/** A FileProvider over a Map; names not in it are not found, names starting with `..` are refused. */
export class MapFiles implements FileProvider {
  readonly files = new Map<string, FakeFile>();
  reads = 0;
  failReadsAt: number | undefined;

  async resolve(name: string): Promise<ResolveResult> {
    if (name.startsWith('..')) return { ok: false, code: 'access', message: "'..' in file name" };
    const f = this.files.get(name);
    if (f === undefined) return { ok: false, code: 'not-found', message: 'file not found' };
    const file: BootFile = f.disk
      ? { kind: 'disk', name, path: `/fake/${name}`, size: f.bytes.length, mtimeMs: 1 }
      : { kind: 'memory', name, bytes: f.bytes, mtimeMs: 1 };
    return { ok: true, file };
  }

  async read(file: BootFile, offset: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
    this.reads++;
    if (this.failReadsAt !== undefined && offset >= this.failReadsAt) throw new Error('EIO: disk on fire');
    const bytes = file.kind === 'memory' ? file.bytes : this.files.get(file.name)!.bytes;
    const view = bytes.subarray(offset, Math.min(offset + length, bytes.length));
    if (into === undefined) return Uint8Array.from(view);
    into.set(view);
    return into.subarray(0, view.length);
  }
}

/** Deterministic content: byte i is (i * 7 + i >> 8) & 0xff, so misplaced blocks show. */
export function pattern(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + (i >> 8)) & 0xff;
  return b;
}

function packet(encode: (w: Writer) => void): Uint8Array {
  const buf = new Uint8Array(1024);
  const w = new Writer(buf);
  encode(w);
  return Uint8Array.from(w.finish());
}

export const rrq = (name: string, mode: TftpMode = 'octet', options: TftpOptionList = []): Uint8Array => packet((w) => encodeRrq(w, name, mode, options));
export const wrq = (name: string): Uint8Array => packet((w) => encodeWrq(w, name, 'octet'));
export const ack = (block: number): Uint8Array => {
  const b = new Uint8Array(4); // opcode 4, Block # (RFC 1350 §5); built by hand: the rollover tests send 65 536 of them
  const w = new Writer(b);
  encodeAck(w, block);
  return b;
};
export const errorPacket = (code: number, message: string): Uint8Array => packet((w) => encodeError(w, code, message));

export const CLIENT: TftpEndpoint = { address: '192.0.2.50', port: 2000 };

/** A server over the fakes, a listening channel on 192.0.2.1:69, and helpers to play the client. */
export function harness(over: Partial<TftpServerOptions> & { slots?: number } = {}) {
  const clock = new FakeClock();
  const transport = new FakeTransport(clock);
  const files = new MapFiles();
  const logger = recordingLogger();
  const pool = new BufferPool(65468, over.slots ?? 128);
  const server = new TftpServer({ files, transport, clock, logger, pool, singlePort: false, ...over });
  const listener = transport.listener();
  const h = {
    clock,
    transport,
    files,
    logger,
    pool,
    server,
    listener,
    /** A datagram from `from` to the listening port. */
    async toListener(bytes: Uint8Array, from: TftpEndpoint = CLIENT): Promise<void> {
      server.handleListenerDatagram(bytes, from, listener);
      await settle();
    },
    /** A datagram from `from` to the transfer socket the server opened for `client` (normal mode). */
    async toTransfer(bytes: Uint8Array, from: TftpEndpoint = CLIENT, client: TftpEndpoint = from): Promise<void> {
      const c = h.transferChannelFor(client);
      if (c === undefined) throw new Error(`no transfer channel for ${client.address}:${client.port}`);
      c.receive!(bytes, from);
      await settle();
    },
    /** The open transfer channel that sent to `client`. */
    transferChannelFor(client: TftpEndpoint): FakeChannel | undefined {
      return transport.channels.findLast((c) => !c.closed && c.peers.includes(`${client.address}:${client.port}`));
    },
    /** Datagrams sent to `to` since the last call of take() (all datagrams when `to` is undefined). */
    take(to?: TftpEndpoint): SentDatagram[] {
      const out = transport.sent.filter((s) => to === undefined || (s.to.address === to.address && s.to.port === to.port));
      for (const s of out) transport.sent.splice(transport.sent.indexOf(s), 1);
      return out;
    },
  };
  return h;
}

/** `DATA 3 (512)`, `ACK 0`, `OACK blksize=1428`, `ERROR 1 File not found`: for readable assertions. */
export function describePacket(p: TftpPacket): string {
  switch (p.kind) {
    case 'data':
      return `DATA ${p.block} (${p.payload.length})`;
    case 'ack':
      return `ACK ${p.block}`;
    case 'oack':
      return `OACK ${p.options.map(([k, v]) => `${k}=${v}`).join(' ')}`;
    case 'error':
      return `ERROR ${p.code} ${p.message}`;
    default:
      return p.kind.toUpperCase();
  }
}

export const describeAll = (sent: readonly SentDatagram[]): string[] => sent.map((s) => describePacket(s.packet));

