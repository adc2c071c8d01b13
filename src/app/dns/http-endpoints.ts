// The HTTP side of `prometheus`, `ready` and `health`: one node:http server per distinct
// address, serving the paths of every directive that chose that address (CoreDNS shares a
// listener the same way). GET and HEAD only; anything else is 405, unknown paths 404.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../seams/logger.ts';

export interface HttpReply {
  readonly status: number;
  readonly body: string;
  readonly contentType?: string;
}

export type HttpRoute = () => HttpReply;

export interface HttpEndpointSpec {
  /** '' for every address; `localhost` as Node resolves it. */
  readonly host: string;
  readonly port: number;
  readonly routes: ReadonlyMap<string, HttpRoute>;
}

export interface RunningHttpEndpoint {
  readonly address: string;
  readonly port: number;
  readonly paths: readonly string[];
  close(): Promise<void>;
}

export function startHttpEndpoint(spec: HttpEndpointSpec, logger: Logger): Promise<RunningHttpEndpoint> {
  const log = logger.child({ component: 'dns-http' });
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const route = spec.routes.get(path);
    if (route === undefined) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    let reply: HttpReply;
    try {
      reply = route();
    } catch (e) {
      log.error('HTTP endpoint failed', { path, error: e instanceof Error ? e.message : String(e) });
      reply = { status: 500, body: 'internal error\n' };
    }
    res.writeHead(reply.status, { 'Content-Type': reply.contentType ?? 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : reply.body);
  });
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: spec.host === '' ? undefined : spec.host, port: spec.port }, () => {
      server.off('error', reject);
      server.on('error', (err) => log.warn('HTTP endpoint error', { error: err.message }));
      const addr = server.address() as AddressInfo;
      resolve({
        address: addr.address,
        port: addr.port,
        paths: [...spec.routes.keys()],
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
