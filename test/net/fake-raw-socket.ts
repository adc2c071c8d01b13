// An in-memory stand-in for the raw-socket addon, shaped like its index.js: sockets are event
// emitters, setOption records what was set, send() completes on a later turn (or when released
// by the test), close() emits 'close'. Constants are the Linux values.
import { EventEmitter } from 'node:events';
import { Buffer } from 'node:buffer';
import type { RawSocket, RawSocketModule } from '../../src/net/raw-socket-module.ts';

export const LINUX = {
  SOL_SOCKET: 1,
  IPPROTO_IP: 0,
  IP_HDRINCL: 3,
  SO_BROADCAST: 6,
  SO_RCVBUF: 8,
  SO_BINDTODEVICE: 25,
} as const;

export interface FakeSend {
  readonly frame: Buffer;
  readonly address: string;
  /** Completes the send (the addon's afterCallback). */
  complete(error?: Error): void;
}

export class FakeRawSocket extends EventEmitter implements RawSocket {
  readonly options: { level: number; option: number; value: number | string }[] = [];
  readonly sends: FakeSend[] = [];
  closed = false;
  readonly #module: FakeRawModule;

  constructor(module: FakeRawModule) {
    super();
    this.#module = module;
  }

  setOption(level: number, option: number, value: number | Buffer, length?: number): void {
    if (this.#module.failOption === option) throw new Error('Operation not permitted');
    this.options.push({ level, option, value: typeof value === 'number' ? value : value.subarray(0, length).toString('latin1') });
  }

  send(buffer: Buffer, offset: number, length: number, address: string, _before: (() => void) | null, after: (error: Error | null, bytes: number) => void): this {
    let done = false;
    const complete = (error?: Error): void => {
      if (done) return;
      done = true;
      after(error ?? null, error === undefined ? length : 0);
    };
    // A copy, as the kernel would have taken it; the caller's buffer goes back to its pool.
    this.sends.push({ frame: Buffer.from(buffer.subarray(offset, offset + length)), address, complete });
    if (!this.#module.holdSends) setImmediate(() => complete(this.#module.sendError));
    return this;
  }

  /** Delivers a datagram as the addon does: through its one reused receive buffer. */
  deliver(packet: Uint8Array): void {
    const shared = this.#module.recvBuffer;
    shared.set(packet);
    this.emit('message', shared.subarray(0, packet.length), '0.0.0.0');
    // The addon's next recv overwrites the buffer: anything kept without copying is now garbage.
    shared.fill(0xa5);
  }

  close(): this {
    if (!this.closed) {
      this.closed = true;
      this.emit('close');
    }
    return this;
  }
}

export class FakeRawModule implements RawSocketModule {
  readonly AddressFamily = { IPv4: 1 };
  readonly Protocol = { UDP: 17 };
  readonly SocketLevel = { SOL_SOCKET: LINUX.SOL_SOCKET, IPPROTO_IP: LINUX.IPPROTO_IP };
  readonly SocketOption = { IP_HDRINCL: LINUX.IP_HDRINCL, SO_BINDTODEVICE: LINUX.SO_BINDTODEVICE, SO_BROADCAST: LINUX.SO_BROADCAST, SO_RCVBUF: LINUX.SO_RCVBUF };
  readonly sockets: FakeRawSocket[] = [];
  readonly created: { protocol: number; addressFamily?: number; bufferSize?: number }[] = [];
  readonly recvBuffer = Buffer.alloc(65535);
  /** When set, createSocket throws this (EPERM without CAP_NET_RAW). */
  createError: string | undefined;
  /** When set, setOption of this option throws. */
  failOption: number | undefined;
  /** When true, sends complete only when the test calls complete(). */
  holdSends = false;
  sendError: Error | undefined;

  createSocket(options: { protocol: number; addressFamily?: number; bufferSize?: number }): FakeRawSocket {
    if (this.createError !== undefined) throw new Error(this.createError);
    this.created.push(options);
    const s = new FakeRawSocket(this);
    this.sockets.push(s);
    return s;
  }
}
