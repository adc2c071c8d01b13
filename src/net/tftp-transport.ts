// node:dgram sockets for the TFTP server (tftp/service/transport.ts is the interface).
//
// - Listening sockets: one per address of the plan (tftp-listeners.ts), all on the same port,
//   IPv4 ones and, when an IPv6 host is given, IPv6 ones (udp6, IPV6_V6ONLY).
//   Their datagrams go to `onDatagram` with the socket as the channel, so an answer (an ERROR,
//   or every packet of a single-port transfer) leaves from the address the client talked to.
// - Transfer sockets (normal mode): bound to that same local address on an ephemeral port, the
//   server's TID for one transfer (RFC 1350 §4).
//
// Buffers: the server hands `send` a view of a pooled slot and a `sent` callback that releases
// it; `sent` runs in the dgram send callback (house style §5.3), on error too. A transfer socket
// asked to close while sends are still queued closes once the last callback ran, so the final
// ERROR or DATA is not cancelled with the socket. Socket errors are logged, never thrown.
//
// An IPv6 address of the `::` plan that cannot be bound (EADDRNOTAVAIL: still tentative during
// duplicate address detection, or `dadfailed`, RFC 4862 §5.4) is skipped with a warning instead
// of failing the start: it is not served until restart. Every other failure is fatal.

import dgram from 'node:dgram';
import type { Logger } from '../seams/logger.ts';
import type { TftpChannel, TftpEndpoint, TftpReceive, TftpTransferChannel, TftpTransport } from '../tftp/service/transport.ts';
import { readIpv6Interfaces, type Ipv6Interface } from './dhcp6-interfaces.ts';
import { readIpv4Interfaces, systemInterfaceSource, type Ipv4Interface } from './interfaces.ts';
import { interfaceOfAddress6, isUnspecified6, listensOn6, mtuOfAddress, planTftpListeners, planTftpListeners6 } from './tftp-listeners.ts';

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
  /**
   * Also listen on IPv6, on the same port: `::` binds every IPv6 address (tftp-listeners.ts);
   * unset, IPv4 only.
   */
  readonly host6?: string;
  /** The IPv6 interface snapshot (tests); the host's by default. */
  readonly interfaces6?: readonly Ipv6Interface[];
  /** A device's MTU, for IPv6 listening addresses (tests); /sys/class/net/<name>/mtu by default. */
  readonly mtuOf?: (ifname: string) => number | undefined;
}

export interface TftpSockets extends TftpTransport {
  /** The bound listening sockets (IPv6 link-local ones with their zone). */
  readonly listeners: readonly TftpEndpoint[];
  /**
   * Whether a listening socket is bound to our IPv6 address `address` (no zone) on link
   * `ifname`: what a DHCPv6 boot URL for a client on that link may name.
   */
  listensOn6(address: string, ifname: string): boolean;
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

/**
 * Every address we send to is a literal from `rinfo` (or the one we bind), so the resolver that
 * dgram runs on each send (dns.lookup, then a process.nextTick) is skipped: one packet per
 * block makes it measurable (BENCHMARKS.md "TFTP").
 */
function literalLookup(address: string, _options: unknown, callback: (err: null, address: string, family: number) => void): void {
  callback(null, address, address.includes(':') ? 6 : 4);
}

function bindUdp(address: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket(address.includes(':') ? { type: 'udp6', ipv6Only: true, lookup: literalLookup } : { type: 'udp4', lookup: literalLookup });
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

function deviceMtu(ifname: string): number | undefined {
  const text = systemInterfaceSource.readSysNet(ifname, 'mtu');
  return text === undefined || !/^[0-9]+$/.test(text) ? undefined : Number(text);
}

const hostPort = (address: string, port: number) => (address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`);

export async function startTftpSockets(o: TftpSocketsOptions): Promise<TftpSockets> {
  const log = o.logger;
  const interfaces = o.interfaces ?? readIpv4Interfaces();
  const plan = planTftpListeners(o.host, interfaces);
  if (!plan.ok) throw new Error(`TFTP listen ${o.host}:${o.port}: ${plan.error}`);
  const interfaces6 = o.host6 === undefined ? [] : (o.interfaces6 ?? readIpv6Interfaces());
  const plan6 = o.host6 === undefined ? undefined : planTftpListeners6(o.host6, interfaces6);
  if (plan6 !== undefined && !plan6.ok) throw new Error(`TFTP listen [${o.host6}]:${o.port}: ${plan6.error}`);
  const wildcard6 = o.host6 !== undefined && isUnspecified6(o.host6);
  const mtuOf = o.mtuOf ?? deviceMtu;

  const listeners: SocketChannel[] = [];
  const bound6 = new Set<string>();
  const transfers = new Set<SocketChannel>();
  let port = o.port;
  try {
    for (const address of [...plan.addresses, ...(plan6?.ok === true ? plan6.addresses : [])]) {
      const v6 = address.includes(':');
      let socket: dgram.Socket;
      try {
        socket = await bindUdp(address, port);
      } catch (e) {
        const error = e as NodeJS.ErrnoException;
        if (v6 && wildcard6 && error.code === 'EADDRNOTAVAIL') {
          log.warn('TFTP cannot listen on an IPv6 address yet (tentative or failed duplicate address detection); not served until restart', { address, port, error: error.message });
          continue;
        }
        throw new Error(`TFTP cannot listen on ${hostPort(address, port)}: ${error.message}`);
      }
      if (v6) bound6.add(address);
      const channel = new SocketChannel(socket, log);
      port = channel.local.port; // port 0: every address gets the port the first one got
      socket.on('message', (msg, rinfo) => o.onDatagram(msg, { address: rinfo.address, port: rinfo.port }, channel));
      socket.on('error', (e) => log.error('TFTP listening socket error', { local: hostPort(address, port), error: e.message }));
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
    listensOn6: (address, ifname) => listensOn6(bound6, address, ifname),
    mtu(localAddress) {
      if (!localAddress.includes(':')) return mtuOfAddress(interfaces, localAddress);
      const ifname = interfaceOfAddress6(interfaces6, localAddress);
      return ifname === undefined ? undefined : mtuOf(ifname);
    },
    async openTransferChannel(localAddress: string, receive: TftpReceive): Promise<TftpTransferChannel> {
      const socket = await bindUdp(localAddress, 0);
      const channel = new SocketChannel(socket, log);
      transfers.add(channel);
      void channel.closed.then(() => transfers.delete(channel));
      socket.on('message', (msg, rinfo) => receive(msg, { address: rinfo.address, port: rinfo.port }));
      socket.on('error', (e) => log.debug('TFTP transfer socket error', { local: hostPort(channel.local.address, channel.local.port), error: e.message }));
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
