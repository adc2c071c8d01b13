// `coresmd smd-sim`: an SMD test double on node:http, serving the endpoints and shapes of spec
// coresmd-dns §3 from an in-memory store, with fault injection for failure tests. Used by the
// test suite (on 127.0.0.1:0) and by the demo; the CLI wraps startSmdSim().

import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../seams/logger.ts';
import type { RawInventory } from '../../smd/types.ts';
import { DEFAULT_SLOW_MS, FaultController, parseFaultSpec } from './faults.ts';
import type { FaultSpec } from './faults.ts';
import { SimProblem, sendJson, sendNotFound, sendProblem } from './problem.ts';
import { matchRoute, runHandler } from './routes.ts';
import { SmdStore } from './store.ts';
import type { Query } from './store.ts';

export interface SmdSimOptions {
  /** Initial contents (parseInventoryDocument output); empty when omitted. */
  readonly inventory?: RawInventory;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly logger: Logger;
  /** Serve under a gateway prefix such as `/apis/smd` (spec coresmd-dns §3.1). */
  readonly basePath?: string;
  /** Clock for LastUpdate stamps. */
  readonly now?: () => Date;
  /** Serve HTTPS with this PEM key and certificate (SMD does when its cert files exist). */
  readonly tls?: { readonly key: Buffer; readonly cert: Buffer };
}

export interface SmdSim {
  /** Base URL for a client: `http(s)://host:port` plus the base path. */
  readonly url: string;
  readonly port: number;
  readonly store: SmdStore;
  readonly faults: FaultController;
  /** Headers of the last GET of `path` (without the base path), e.g. to check a bearer token. */
  lastGetHeaders(path: string): IncomingHttpHeaders | undefined;
  /** Requests seen for `path` (any method), or for all SMD paths when omitted. */
  requestCount(path?: string): number;
  close(): Promise<void>;
}

/** Control path for fault injection; outside /hsm so it can never collide with SMD routes. */
export const FAULTS_PATH = '/__sim/faults';

/** SMD has no body limit worth copying; 16 MiB keeps a runaway client from exhausting memory. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** A body cut mid-object: what a proxy or a crashing SMD can leave a client with. */
const MALFORMED_BODY = '{"Components":[{"ID":"x1000c0s0b0n0","Type":';

function queryOf(search: URLSearchParams): Query {
  const out: Record<string, string[]> = {};
  // Parameter names are case-insensitive in SMD (it routes the form through JSON decoding).
  for (const [k, v] of search) (out[k.toLowerCase()] ??= []).push(v);
  return out;
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startSmdSim(options: SmdSimOptions): Promise<SmdSim> {
  const log = options.logger.child({ component: 'smd-sim' });
  const store = new SmdStore(options.inventory, options.now);
  const faults = new FaultController();
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const lastGets = new Map<string, IncomingHttpHeaders>();
  const counts = new Map<string, number>();
  const pendingTimers = new Set<NodeJS.Timeout>();

  function dispatch(req: IncomingMessage, res: ServerResponse, path: string, query: Query, text: string): void {
    const method = req.method ?? 'GET';
    const match = matchRoute(path, method);
    if (match === undefined) {
      sendNotFound(res);
      return;
    }
    if ('allow' in match) {
      sendProblem(res, 405, `allow ${match.allow}`, { Allow: match.allow });
      return;
    }
    runHandler(match.handler, {
      store,
      req,
      res,
      query,
      param: match.param,
      body: () => {
        try {
          return JSON.parse(text) as unknown;
        } catch (err) {
          throw new SimProblem(500, `error decoding JSON ${(err as Error).message}`);
        }
      },
    });
  }

  function handleFaultControl(req: IncomingMessage, res: ServerResponse, text: string): void {
    if (req.method === 'GET') {
      sendJson(res, 200, faults.current());
      return;
    }
    if (req.method !== 'POST') {
      sendProblem(res, 405, 'allow GET, POST', { Allow: 'GET, POST' });
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      sendProblem(res, 400, 'fault spec is not JSON');
      return;
    }
    const spec = parseFaultSpec(value);
    if (typeof spec === 'string') {
      sendProblem(res, 400, `fault spec: ${spec}`);
      return;
    }
    faults.set(spec);
    log.info('fault set', { mode: spec.mode, paths: spec.paths?.join(','), times: spec.times, delayMs: spec.delayMs });
    res.writeHead(204);
    res.end();
  }

  function applyFault(fault: FaultSpec, req: IncomingMessage, res: ServerResponse, proceed: () => void): void {
    switch (fault.mode) {
      case 'none':
        proceed();
        return;
      case 'status500':
        sendProblem(res, 500, 'failed to query DB.');
        return;
      case 'malformed': {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(MALFORMED_BODY) });
        res.end(MALFORMED_BODY);
        return;
      }
      case 'reset':
        // RST rather than FIN, so the client sees ECONNRESET mid-request.
        req.socket.resetAndDestroy();
        return;
      case 'slow': {
        const timer = setTimeout(() => {
          pendingTimers.delete(timer);
          if (!res.destroyed) proceed();
        }, fault.delayMs ?? DEFAULT_SLOW_MS);
        pendingTimers.add(timer);
        return;
      }
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    if (text === undefined) {
      sendProblem(res, 413, `request body exceeds ${MAX_BODY_BYTES} bytes`);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    let path = url.pathname;
    if (basePath !== '') {
      if (path !== basePath && !path.startsWith(`${basePath}/`)) {
        sendNotFound(res);
        return;
      }
      path = path.slice(basePath.length);
    }
    // SMD's router strips trailing slashes, so `/State/Components/` works (spec §3.1).
    path = path.replace(/\/+$/, '') || '/';
    res.on('finish', () => log.debug('request', { method: req.method, path, status: res.statusCode }));

    if (path === FAULTS_PATH) {
      handleFaultControl(req, res, text);
      return;
    }
    counts.set(path, (counts.get(path) ?? 0) + 1);
    if (req.method === 'GET') lastGets.set(path, { ...req.headers });
    applyFault(faults.take(path), req, res, () => dispatch(req, res, path, queryOf(url.searchParams), text));
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      log.error('smd-sim handler failed', { error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) sendProblem(res, 500, 'internal error in smd-sim');
      else res.destroy();
    });
  };
  const server = options.tls === undefined ? createServer(onRequest) : createTlsServer(options.tls, onRequest);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `${options.tls === undefined ? 'http' : 'https'}://${host}:${port}${basePath}`;
  log.info('smd-sim listening', { url });

  return {
    url,
    port,
    store,
    faults,
    lastGetHeaders: (path) => lastGets.get(path),
    requestCount: (path) => (path === undefined ? [...counts.values()].reduce((a, b) => a + b, 0) : (counts.get(path) ?? 0)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of pendingTimers) clearTimeout(t);
        pendingTimers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
