// The HTTP boot server: the TFTP root's files (iPXE binaries, the built-in reboot script and
// autoexec.ipxe) over HTTP/1.1 on node:http, for UEFI HTTP boot firmware (option 60
// `HTTPClient`, which gets an http:// URL as its boot file) and for iPXE's own `chain http://…`.
// Everything goes through the shared FileProvider, so both protocols serve the same bytes under
// the same confinement. `coresmd dhcp` starts it; tests run it on 127.0.0.1 port 0.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FileProvider } from '../../boot/file-provider.ts';
import type { Logger } from '../../seams/logger.ts';
import { createHttpBootHandler } from './handler.ts';

export interface HttpBootOptions {
  readonly provider: FileProvider;
  /** Address to listen on (`0.0.0.0`, `::`, `127.0.0.1`, an interface address). */
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly logger: Logger;
  /**
   * A connection with no byte moving either way for this long is closed (node:http socket
   * timeout). A firmware that stops reading mid-file would otherwise hold its socket forever.
   */
  readonly idleTimeoutMs?: number;
}

export interface HttpBoot {
  /** `http://host:port`, IPv6 hosts in brackets; what a boot file URL starts with. */
  readonly url: string;
  readonly port: number;
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
  const handle = createHttpBootHandler({ provider: options.provider, logger: log });
  const inFlight = new Set<Promise<void>>();

  const server = createServer((req, res) => {
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
  });
  server.setTimeout(options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => log.error('http boot server error', { error: err.message }));

  const port = (server.address() as AddressInfo).port;
  const url = `http://${formatHostForUrl(options.host)}:${port}`;
  log.info('http boot listening', { url });

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await Promise.all(inFlight);
      })();
      return closing;
    },
  };
}
