// One raw IPv4 socket for UDP, bound to one device: it receives every UDP datagram that arrives
// on that interface for this host, IP header included, and sends datagrams whose IP header we
// write ourselves.
//
// - socket(AF_INET, SOCK_RAW, IPPROTO_UDP), raw(7): "all packets or errors matching the
//   protocol number specified for the raw socket are passed to this socket" — a copy, so the
//   kernel's UDP sockets still see them too.
// - SO_BINDTODEVICE, socket(7): "only process packets received from that particular interface";
//   it also pins what we send to that interface, which is the point of this file.
// - IP_HDRINCL, raw(7): we supply the IP header; the kernel still fills in the header checksum
//   and Total Length, and the ID when it is 0.
// - SO_BROADCAST, socket(7): without it a send to 255.255.255.255 fails with EACCES.
//
// Known gap: between socket(2) and setsockopt(SO_BINDTODEVICE) the socket is unbound for a few
// microseconds, so a datagram queued in that window at start can be attributed to this device.
// A client retransmits (RFC 2131 §4.1), so at worst one early exchange goes astray.

import type { RawSocket, RawSocketModule } from './raw-socket-module.ts';

/** Receive buffer per socket: the largest IPv4 datagram, so nothing is truncated. */
const RECV_BUFFER_SIZE = 65535;
/** The raw socket also sees this host's DNS and TFTP traffic; give bursts room (socket(7) SO_RCVBUF). */
const RCVBUF_BYTES = 1 << 20;
/** After the addon closes a socket on a poll error, open it again this much later. */
const REOPEN_DELAY_MS = 1000;

export interface RawUdp4SocketOptions {
  readonly module: RawSocketModule;
  readonly ifname: string;
  /** A datagram with its IPv4 header. The buffer is reused for the next one: copy what you keep. */
  readonly onDatagram: (packet: Buffer) => void;
  /** Receive, send and reopen failures; the socket keeps going (or reopens) after each. */
  readonly onError: (error: Error, phase: 'recv' | 'reopen') => void;
}

export class RawUdp4Socket {
  readonly ifname: string;
  readonly #opts: RawUdp4SocketOptions;
  #socket: RawSocket | undefined;
  #closed = false;
  #reopenTimer: NodeJS.Timeout | undefined;
  /** Completion callbacks of sends still queued in the addon; failed on close so buffers return. */
  readonly #pending = new Set<(error: Error | null) => void>();

  /** Opens and configures the socket; throws (EPERM without CAP_NET_RAW, ENODEV, …). */
  constructor(opts: RawUdp4SocketOptions) {
    this.ifname = opts.ifname;
    this.#opts = opts;
    this.#socket = this.#open();
  }

  #open(): RawSocket {
    const raw = this.#opts.module;
    let s: RawSocket;
    try {
      s = raw.createSocket({ protocol: raw.Protocol.UDP, addressFamily: raw.AddressFamily.IPv4, bufferSize: RECV_BUFFER_SIZE });
    } catch (e) {
      throw new Error(`raw socket on ${this.ifname}: ${(e as Error).message}`, { cause: e });
    }
    // Listeners first: the addon starts polling inside createSocket.
    s.on('message', (buffer) => {
      if (this.#socket === s) this.#opts.onDatagram(buffer);
    });
    s.on('error', (error) => this.#opts.onError(error, 'recv'));
    s.on('close', () => this.#lost(s));
    try {
      const { SocketLevel, SocketOption } = raw;
      // socket(7): the option value is a NUL-terminated interface name, at most IFNAMSIZ.
      const dev = Buffer.from(`${this.ifname}\0`, 'latin1');
      s.setOption(SocketLevel.SOL_SOCKET, SocketOption.SO_BINDTODEVICE!, dev, dev.length);
      s.setOption(SocketLevel.IPPROTO_IP, SocketOption.IP_HDRINCL, 1);
      s.setOption(SocketLevel.SOL_SOCKET, SocketOption.SO_BROADCAST!, 1);
    } catch (e) {
      this.#socket = undefined;
      s.close();
      throw new Error(`raw socket on ${this.ifname}: ${(e as Error).message}`, { cause: e });
    }
    try {
      const rcvbuf = raw.SocketOption.SO_RCVBUF;
      if (rcvbuf !== undefined) s.setOption(raw.SocketLevel.SOL_SOCKET, rcvbuf, RCVBUF_BYTES);
    } catch {
      // Best effort: the default buffer works, it only drops earlier under load.
    }
    return s;
  }

  /** The addon closed the socket (after a poll error), or we did. */
  #lost(s: RawSocket): void {
    if (this.#socket !== s) return;
    this.#socket = undefined;
    this.#failPending(new Error(`raw socket on ${this.ifname} closed`));
    this.#scheduleReopen();
  }

  #scheduleReopen(): void {
    if (this.#closed) return;
    this.#reopenTimer = setTimeout(() => {
      this.#reopenTimer = undefined;
      if (this.#closed) return;
      try {
        this.#socket = this.#open();
      } catch (e) {
        this.#opts.onError(e as Error, 'reopen');
        this.#scheduleReopen();
      }
    }, REOPEN_DELAY_MS);
    this.#reopenTimer.unref();
  }

  /**
   * Sends `length` bytes of `frame` (IPv4 header included) to `dst`. `done` runs exactly once:
   * after the kernel took the bytes, on error, or when the socket closes first.
   */
  send(frame: Buffer, length: number, dst: string, done: (error: Error | null) => void): void {
    const s = this.#socket;
    if (s === undefined) {
      done(new Error(`raw socket on ${this.ifname} is ${this.#closed ? 'closed' : 'reopening'}`));
      return;
    }
    let called = false;
    const finish = (error: Error | null): void => {
      if (called) return;
      called = true;
      this.#pending.delete(finish);
      done(error);
    };
    this.#pending.add(finish);
    try {
      s.send(frame, 0, length, dst, null, (error) => finish(error));
    } catch (e) {
      finish(e as Error);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#reopenTimer !== undefined) clearTimeout(this.#reopenTimer);
    const s = this.#socket;
    this.#socket = undefined;
    this.#failPending(new Error(`raw socket on ${this.ifname} closed`));
    s?.close();
  }

  #failPending(error: Error): void {
    for (const finish of [...this.#pending]) finish(error);
  }
}
