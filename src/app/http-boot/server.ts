// The HTTP boot server: the TFTP root's files (iPXE binaries, the built-in reboot script and
// autoexec.ipxe) over HTTP/1.1 on node:http, for UEFI HTTP boot firmware (option 60
// `HTTPClient`, which gets an http:// URL as its boot file) and for iPXE's own `chain http://…`.
// Everything goes through the shared FileProvider, so both protocols serve the same bytes under
// the same confinement. `coresmd dhcp` starts it; tests run it on 127.0.0.1 port 0.
//
// With `host6` it also listens on IPv6 on the same port, as a second socket (IPV6_V6ONLY), so
// IPv4 clients keep their plain addresses; `::` there covers every IPv6 address, link-local
// ones included, and those added later. TCP answers from the address the connection was made
// to, so unlike TFTP nothing needs one socket per address.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FileProvider } from '../../boot/file-provider.ts';
import type { Logger } from '../../seams/logger.ts';
import type { BootEvents } from '../../seams/boot-events.ts';
import { createHttpBootHandler } from './handler.ts';
import { HttpBootStats } from './http-boot-stats.ts';

export interface HttpBootOptions {
  readonly provider: FileProvider;
  /** Address to listen on (`0.0.0.0`, `::`, `127.0.0.1`, an interface address). */
  readonly host: string;
  /** An IPv6 address to listen on as well, on the same port (`::`, `::1`, `fe80::1%eth0`); unset, none. */
  readonly host6?: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly logger: Logger;
  /**
   * A connection with no byte moving either way for this long is closed (node:http socket
   * timeout). A firmware that stops reading mid-file would otherwise hold its socket forever.
   */
  readonly idleTimeoutMs?: number;
  /** Where each request is reported (the admin timeline); none by default. */
  readonly events?: BootEvents | undefined;
}

export interface HttpBoot {
  /** `http://host:port`, IPv6 hosts in brackets; what a boot file URL starts with. */
  readonly url: string;
  readonly port: number;
  /** Whether it listens on IPv6 too (`host6`). */
  readonly ipv6: boolean;
  /** Requests by status and bytes sent, for /metrics. */
  readonly stats: HttpBootStats;
  /** Stops listening, ends every open connection (transfers in progress are cut) and resolves when all is closed. */
  close(): Promise<void>;
}

/** Firmware retries a stalled download long before this; 60 s also covers a slow link. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

function formatHostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startHttpBoot(options: HttpBootOptions): Promise<HttpBoot> {
  const log = options.logger.child({ component: 'http-boot' });
  const stats = new HttpBootStats();
  const handle = createHttpBootHandler({ provider: options.provider, logger: log, stats, ...(options.events === undefined ? {} : { events: options.events }) });
  const inFlight = new Set<Promise<void>>();

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const p = handle(req, res)
      .catch((err: unknown) => {
        // The handler catches provider and socket failures itself; this is the last resort.
        log.error('http boot handler failed', { error: err instanceof Error ? err.message : String(err) });
        if (!res.headersSent) {
          res.writeHead(500, { 'Content-Length': 0 });
          res.end();
        } else {
          res.destroy();
        }
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  const servers: Server[] = [];
  const closeAll = async (): Promise<void> => {
    const closed = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    for (const server of servers) server.closeAllConnections();
    await Promise.all(closed);
    await Promise.all(inFlight);
  };
  let port = options.port;
  try {
    const hosts = [{ host: options.host, ipv6Only: false }, ...(options.host6 === undefined ? [] : [{ host: options.host6, ipv6Only: true }])];
    for (const { host, ipv6Only } of hosts) {
      const server = await listen(onRequest, { host, port, ipv6Only }, options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
      servers.push(server);
      server.on('error', (err) => log.error('http boot server error', { error: err.message }));
      port = (server.address() as AddressInfo).port; // port 0: IPv6 gets the port IPv4 got
    }
  } catch (e) {
    await closeAll();
    throw e;
  }

  const url = `http://${formatHostForUrl(options.host)}:${port}`;
  log.info('http boot listening', { url, ...(options.host6 === undefined ? {} : { url6: `http://${formatHostForUrl(options.host6)}:${port}` }) });

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    ipv6: options.host6 !== undefined,
    stats,
    close() {
      closing ??= closeAll();
      return closing;
    },
  };
}

function listen(onRequest: (req: IncomingMessage, res: ServerResponse) => void, at: { host: string; port: number; ipv6Only: boolean }, idleTimeoutMs: number): Promise<Server> {
  const server = createServer(onRequest);
  server.setTimeout(idleTimeoutMs);
  return new Promise<Server>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
