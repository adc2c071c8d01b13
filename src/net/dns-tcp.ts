// DNS over TCP (RFC 1035 §4.2.2, RFC 7766): every message is preceded by a two-octet length.
//
// - Pipelining (RFC 7766 §6.2.1.1): a connection may carry many queries without waiting; each
//   complete frame is handled as soon as it is read. Local answers go out in order; forwarded
//   ones whenever the upstream replies, which §7 allows ("responses ... MAY be sent out of
//   order"), clients match them by ID.
// - Idle timeout (§6.2.3): a connection with nothing in flight that stays silent for
//   `idleTimeoutMs` is closed. A peer that half-closes gets its pending answers, then a FIN.
// - Limits: at most `maxConnections` connections (later ones are closed at once by the kernel
//   listener, Node's `server.maxConnections`), at most `maxInFlight` forwarded queries per
//   connection before reading pauses, and reading also pauses while the socket cannot write
//   (back-pressure), so a client that never reads cannot make us buffer without bound.
//
// A reply is encoded into one scratch buffer shared by the server (handling is synchronous) and
// copied into a buffer of exactly its size for the socket, which may hold it until it drains.

import net from 'node:net';
import type { Logger } from '../seams/logger.ts';
import { DNS_MAX_MESSAGE_LENGTH } from '../dns/message.ts';
import type { DnsRequestContext } from '../dns/service/query-handler.ts';
import { familyOf, type DnsRequestHandler } from './dns-udp.ts';

export interface DnsTcpOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly handler: DnsRequestHandler;
  readonly logger: Logger;
  /** RFC 7766 §6.2.3 leaves the value to the server; CoreDNS and Unbound use about 10 s. */
  readonly idleTimeoutMs?: number;
  readonly maxConnections?: number;
  readonly maxInFlight?: number;
}

export interface DnsTcpStats {
  readonly connections: number;
  readonly open: number;
  readonly frames: number;
  readonly idleClosed: number;
}

export interface DnsTcpServer {
  readonly address: string;
  readonly port: number;
  stats(): DnsTcpStats;
  close(): Promise<void>;
}

export const DNS_TCP_IDLE_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_CONNECTIONS = 1000;
const DEFAULT_MAX_IN_FLIGHT = 64;
const LENGTH_PREFIX = 2; // RFC 1035 §4.2.2

export function startDnsTcp(options: DnsTcpOptions): Promise<DnsTcpServer> {
  const log = options.logger.child({ component: 'dns-tcp' });
  const idleMs = options.idleTimeoutMs ?? DNS_TCP_IDLE_TIMEOUT_MS;
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  const scratch = new Uint8Array(LENGTH_PREFIX + DNS_MAX_MESSAGE_LENGTH);
  const replyArea = scratch.subarray(LENGTH_PREFIX);
  const sockets = new Set<net.Socket>();
  let connections = 0;
  let frames = 0;
  let idleClosed = 0;

  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    connections++;
    sockets.add(socket);
    const ctx: DnsRequestContext = {
      proto: 'tcp',
      family: familyOf(socket.remoteAddress ?? '', socket.remoteFamily ?? ''),
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
    };
    let pending: Buffer | undefined;
    let inFlight = 0;
    let peerEnded = false;
    let blocked = false; // paused for back-pressure or too many forwards

    const resumeIfPossible = (): void => {
      if (blocked && inFlight < maxInFlight && socket.writableNeedDrain === false) {
        blocked = false;
        socket.resume();
      }
    };
    const finishIfDone = (): void => {
      if (peerEnded && inFlight === 0 && !socket.destroyed) socket.end();
    };
    const write = (reply: Uint8Array): void => {
      if (socket.destroyed || !socket.writable) return;
      if (!socket.write(reply)) {
        blocked = true;
        socket.pause();
      }
    };

    const handleFrame = (frame: Uint8Array): void => {
      frames++;
      const result = options.handler.handle(frame, ctx, replyArea);
      if (typeof result === 'number') {
        if (result === 0) return;
        scratch[0] = result >>> 8;
        scratch[1] = result & 0xff;
        write(Buffer.from(scratch.subarray(0, LENGTH_PREFIX + result)));
        return;
      }
      inFlight++;
      if (inFlight >= maxInFlight) {
        blocked = true;
        socket.pause();
      }
      result
        .then(
          (reply) => {
            if (reply === undefined || reply.length === 0) return;
            const framed = Buffer.allocUnsafe(LENGTH_PREFIX + reply.length);
            framed.writeUInt16BE(reply.length, 0);
            framed.set(reply, LENGTH_PREFIX);
            write(framed);
          },
          (err: unknown) => log.error('DNS handler rejected', { error: err instanceof Error ? err.message : String(err) }),
        )
        .finally(() => {
          inFlight--;
          resumeIfPossible();
          finishIfDone();
        });
    };

    socket.on('data', (chunk: Buffer) => {
      let buf = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
      let at = 0;
      while (buf.length - at >= LENGTH_PREFIX) {
        const len = (buf[at]! << 8) | buf[at + 1]!;
        if (buf.length - at - LENGTH_PREFIX < len) break;
        // A view: the handler is done with it (or has copied it) before the next chunk arrives,
        // and chunks are never reused by Node.
        handleFrame(buf.subarray(at + LENGTH_PREFIX, at + LENGTH_PREFIX + len));
        at += LENGTH_PREFIX + len;
        if (socket.destroyed) return;
      }
      if (at === buf.length) pending = undefined;
      else {
        // Copy the partial frame out, so the whole chunk it came in is not kept alive by it.
        buf = buf.subarray(at);
        pending = Buffer.from(buf);
      }
    });
    socket.on('drain', resumeIfPossible);
    socket.on('end', () => {
      peerEnded = true;
      finishIfDone();
    });
    socket.setTimeout(idleMs, () => {
      if (inFlight > 0) return;
      idleClosed++;
      socket.destroy();
    });
    socket.on('error', (err) => log.debug('DNS TCP connection error', { remote: ctx.remoteAddress, error: err.message }));
    socket.on('close', () => sockets.delete(socket));
  });
  server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port }, () => {
      server.off('error', reject);
      server.on('error', (err) => log.warn('DNS TCP listener error', { error: err.message }));
      const addr = server.address() as net.AddressInfo;
      resolve({
        address: addr.address,
        port: addr.port,
        stats: () => ({ connections, open: sockets.size, frames, idleClosed }),
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const s of sockets) s.destroy();
          }),
      });
    });
  });
}
