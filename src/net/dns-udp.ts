// DNS over UDP (RFC 1035 §4.2.1): one node:dgram socket per listen address. Each datagram gets a
// reply slot from a BufferPool; the handler encodes into it and the slot goes back to the pool
// only in the send callback (house style §5.3). A datagram that arrives while every slot is in
// flight is dropped and counted, never answered from an unbounded allocation. Forwarded
// queries come back later in a buffer of their own, and their slot is returned at once.
//
// Binding `::` gives a dual-stack socket (IPV6_V6ONLY off, Node's default), so one socket serves
// both families; IPv4 clients appear as `::ffff:a.b.c.d` and are counted as IPv4.

import dgram from 'node:dgram';
import type { Logger } from '../seams/logger.ts';
import { BufferPool } from '../wire/pool.ts';
import { DNS_UDP_MAX_PAYLOAD } from '../dns/edns.ts';
import type { DnsHandleResult, DnsRequestContext } from '../dns/service/query-handler.ts';

export interface DnsRequestHandler {
  handle(request: Uint8Array, ctx: DnsRequestContext, out: Uint8Array): DnsHandleResult;
}

export interface DnsUdpOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly handler: DnsRequestHandler;
  readonly logger: Logger;
  /** Reply slots in flight before datagrams are dropped (default 1024). */
  readonly slots?: number;
}

export interface DnsUdpStats {
  readonly received: number;
  readonly sent: number;
  /** Datagrams dropped because every reply slot was in flight. */
  readonly poolExhausted: number;
  readonly sendErrors: number;
}

export interface DnsUdpServer {
  readonly address: string;
  readonly port: number;
  stats(): DnsUdpStats;
  close(): Promise<void>;
}

const DEFAULT_SLOTS = 1024;

/** `::ffff:10.0.0.1` and plain IPv4 are family 4 (for the `family` metric label). */
export function familyOf(address: string, family: string): 4 | 6 {
  return family === 'IPv4' || address.startsWith('::ffff:') ? 4 : 6;
}

export function startDnsUdp(options: DnsUdpOptions): Promise<DnsUdpServer> {
  const socket = dgram.createSocket({ type: options.host.includes(':') ? 'udp6' : 'udp4' });
  const pool = new BufferPool(DNS_UDP_MAX_PAYLOAD, options.slots ?? DEFAULT_SLOTS);
  const log = options.logger.child({ component: 'dns-udp' });
  const handler = options.handler;
  let received = 0;
  let sent = 0;
  let sendErrors = 0;
  let closed = false;

  const counted = (err: Error | null): void => {
    if (err === null) sent++;
    else sendErrors++;
  };

  socket.on('message', (msg, rinfo) => {
    received++;
    const slot = pool.acquire();
    if (slot === undefined) return; // counted by the pool (exhausted)
    const ctx: DnsRequestContext = { proto: 'udp', family: familyOf(rinfo.address, rinfo.family), remoteAddress: rinfo.address, remotePort: rinfo.port };
    const result = handler.handle(msg, ctx, slot);
    if (typeof result === 'number') {
      if (result === 0 || closed) pool.release(slot);
      else {
        // One closure per reply: the slot returns to the pool once the kernel has the datagram.
        socket.send(slot, 0, result, rinfo.port, rinfo.address, (err) => {
          pool.release(slot);
          counted(err);
        });
      }
      return;
    }
    // Forwarded: the slot was never handed to the socket, so it can go back now.
    pool.release(slot);
    result.then(
      (reply) => {
        if (reply !== undefined && reply.length > 0 && !closed) socket.send(reply, 0, reply.length, rinfo.port, rinfo.address, counted);
      },
      (err: unknown) => log.error('DNS handler rejected', { error: err instanceof Error ? err.message : String(err) }),
    );
  });
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    socket.once('error', onError);
    socket.bind(options.port, options.host, () => {
      socket.off('error', onError);
      // A send error to one client (ICMP unreachable surfacing as ECONNREFUSED) must not stop
      // the server: errors are logged, the socket stays open.
      socket.on('error', (err) => log.warn('DNS UDP socket error', { error: err.message }));
      const addr = socket.address();
      resolve({
        address: addr.address,
        port: addr.port,
        stats: () => ({ received, sent, poolExhausted: pool.stats().exhausted, sendErrors }),
        close: () =>
          new Promise<void>((done) => {
            if (closed) {
              done();
              return;
            }
            closed = true;
            socket.close(() => done());
          }),
      });
    });
  });
}
