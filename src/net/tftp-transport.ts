// node:dgram sockets for the TFTP server (tftp/service/transport.ts is the interface).
//
// - Listening sockets: one per address of the plan (tftp-listeners.ts), all on the same port.
//   Their datagrams go to `onDatagram` with the socket as the channel, so an answer (an ERROR,
//   or every packet of a single-port transfer) leaves from the address the client talked to.
// - Transfer sockets (normal mode): bound to that same local address on an ephemeral port, the
//   server's TID for one transfer (RFC 1350 §4).
//
// Buffers: the server hands `send` a view of a pooled slot and a `sent` callback that releases
// it; `sent` runs in the dgram send callback (house style §5.3), on error too. A transfer socket
// asked to close while sends are still queued closes once the last callback ran, so the final
// ERROR or DATA is not cancelled with the socket. Socket errors are logged, never thrown.

import dgram from 'node:dgram';
import type { Logger } from '../seams/logger.ts';
import type { TftpChannel, TftpEndpoint, TftpReceive, TftpTransferChannel, TftpTransport } from '../tftp/service/transport.ts';
import { readIpv4Interfaces, type Ipv4Interface } from './interfaces.ts';
import { mtuOfAddress, planTftpListeners } from './tftp-listeners.ts';

export interface TftpSocketsOptions {
  /** IPv4 address to listen on; 0.0.0.0 binds every local address (tftp-listeners.ts). */
  readonly host: string;
  /** 69 by default in the callers; 0 picks a free port (the same one on every address). */
  readonly port: number;
  readonly logger: Logger;
  /** A datagram on a listening socket; the buffer is only borrowed. */
  readonly onDatagram: (datagram: Uint8Array, from: TftpEndpoint, listener: TftpChannel) => void;
  /** The interface snapshot to use instead of the host's (tests). */
  readonly interfaces?: readonly Ipv4Interface[];
}

export interface TftpSockets extends TftpTransport {
  /** The bound listening sockets. */
  readonly listeners: readonly TftpEndpoint[];
  /** Transfer sockets currently open. */
  readonly openTransferSockets: number;
  close(): Promise<void>;
}

/** A dgram socket as a channel: counts queued sends so a close can wait for them. */
class SocketChannel implements TftpTransferChannel {
  readonly local: TftpEndpoint;
  /** Settles when the socket is closed. */
  readonly closed: Promise<void>;
  readonly #socket: dgram.Socket;
  readonly #log: Logger;
  #markClosed: () => void = () => undefined;
  #inFlight = 0;
  #closing = false;
  #isClosed = false;

  constructor(socket: dgram.Socket, log: Logger) {
    const a = socket.address();
    this.local = { address: a.address, port: a.port };
    this.#socket = socket;
    this.#log = log;
    this.closed = new Promise((resolve) => {
      this.#markClosed = resolve;
    });
  }

  send(payload: Uint8Array, to: TftpEndpoint, sent: (error?: Error) => void): void {
    if (this.#isClosed) {
      sent(new Error('socket closed'));
      return;
    }
    this.#inFlight++;
    this.#socket.send(payload, to.port, to.address, (err) => {
      this.#inFlight--;
      if (err) this.#log.debug('TFTP send failed', { to: `${to.address}:${to.port}`, error: err.message });
      try {
        sent(err ?? undefined);
      } finally {
        if (this.#closing && this.#inFlight === 0) this.#closeNow();
      }
    });
  }

  /** Closes once the queued sends have gone out (their callbacks ran). */
  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    if (this.#inFlight === 0) this.#closeNow();
  }

  #closeNow(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#socket.close(() => this.#markClosed());
  }
}

function bindUdp4(address: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket({ type: 'udp4' });
    const fail = (e: Error) => {
      s.close();
      reject(e);
    };
    s.once('error', fail);
    s.bind({ address, port, exclusive: true }, () => {
      s.off('error', fail);
      resolve(s);
    });
  });
}

export async function startTftpSockets(o: TftpSocketsOptions): Promise<TftpSockets> {
  const log = o.logger;
  const interfaces = o.interfaces ?? readIpv4Interfaces();
  const plan = planTftpListeners(o.host, interfaces);
  if (!plan.ok) throw new Error(`TFTP listen ${o.host}:${o.port}: ${plan.error}`);

  const listeners: SocketChannel[] = [];
  const transfers = new Set<SocketChannel>();
  let port = o.port;
  try {
    for (const address of plan.addresses) {
      let socket: dgram.Socket;
      try {
        socket = await bindUdp4(address, port);
      } catch (e) {
        throw new Error(`TFTP cannot listen on ${address}:${port}: ${(e as Error).message}`);
      }
      const channel = new SocketChannel(socket, log);
      port = channel.local.port; // port 0: every address gets the port the first one got
      socket.on('message', (msg, rinfo) => o.onDatagram(msg, { address: rinfo.address, port: rinfo.port }, channel));
      socket.on('error', (e) => log.error('TFTP listening socket error', { local: `${address}:${port}`, error: e.message }));
      listeners.push(channel);
    }
  } catch (e) {
    for (const l of listeners) l.close();
    await Promise.all(listeners.map((l) => l.closed));
    throw e;
  }

  return {
    listeners: listeners.map((l) => l.local),
    get openTransferSockets() {
      return transfers.size;
    },
    mtu: (localAddress) => mtuOfAddress(interfaces, localAddress),
    async openTransferChannel(localAddress: string, receive: TftpReceive): Promise<TftpTransferChannel> {
      const socket = await bindUdp4(localAddress, 0);
      const channel = new SocketChannel(socket, log);
      transfers.add(channel);
      void channel.closed.then(() => transfers.delete(channel));
      socket.on('message', (msg, rinfo) => receive(msg, { address: rinfo.address, port: rinfo.port }));
      socket.on('error', (e) => log.debug('TFTP transfer socket error', { local: `${channel.local.address}:${channel.local.port}`, error: e.message }));
      return channel;
    },
    async close() {
      // Graceful: a final ERROR (server shutting down) still goes out before its socket closes.
      const all = [...listeners, ...transfers];
      for (const c of all) c.close();
      await Promise.all(all.map((c) => c.closed));
    },
  };
}
