// The admin HTTP server (docs/admin-api.md): the operations API, the live event stream,
// /metrics, /healthz and /readyz, and the status page, on node:http. Loopback by default;
// read-only unless a token is configured (auth.ts). Requests are answered from what the
// running process holds (sources.ts, the event store); nothing here is on a packet path.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../seams/clock.ts';
import type { Logger } from '../../seams/logger.ts';
import { UsageError } from '../cli/args.ts';
import { adminAsset } from './assets.ts';
import { createAuth, type AdminAuth } from './auth.ts';
import { isoTime } from './boot-event.ts';
import type { BootMetrics } from './boot-metrics.ts';
import { EventStream } from './event-stream.ts';
import type { BootEventStore } from './event-store.ts';
import { HttpError, readJsonBody, sendEmpty, sendJson, sendText } from './http-util.ts';
import { inventoryReport } from './inventory-api.ts';
import { leaseRows, leasesCsv, leasesDnsmasq, leasesJson } from './leases-api.ts';
import { formatMetrics, METRICS_CONTENT_TYPE } from './metrics-text.ts';
import { entryJson, macParam, quarantineAdd, quarantineList } from './quarantine-api.ts';
import type { QuarantineStore } from './quarantine-store.ts';
import { notReadyReasons } from './readiness.ts';
import type { AdminSources } from './sources.ts';
import { timelineReport } from './timeline-api.ts';

export interface AdminServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Mutations need `Authorization: Bearer <token>`; without one the API is read-only. */
  readonly token: string | undefined;
  readonly sources: AdminSources;
  readonly store: BootEventStore;
  readonly quarantine: QuarantineStore;
  readonly bootMetrics: BootMetrics;
  readonly clock: Clock;
  readonly logger: Logger;
  /** SSE: keepalive period and the per-client buffer bound (tests shorten them). */
  readonly sse?: { readonly keepaliveMs?: number; readonly maxBufferedBytes?: number; readonly maxClients?: number };
}

export interface AdminServer {
  /** `http://127.0.0.1:9180`, IPv6 hosts in brackets. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, query: URLSearchParams, param: string) => void | Promise<void>;

interface Route {
  readonly pattern: RegExp;
  readonly methods: Readonly<Partial<Record<'GET' | 'POST' | 'DELETE', Handler>>>;
}

const UI: Readonly<Record<string, string>> = { '/': 'index.html', '/index.html': 'index.html', '/ui/app.js': 'app.js', '/ui/app.css': 'app.css' };

export async function startAdminServer(o: AdminServerOptions): Promise<AdminServer> {
  const log = o.logger.child({ component: 'admin' });
  const auth: AdminAuth = createAuth(o.token);
  const stream = new EventStream({ store: o.store, clock: o.clock, ...o.sse });
  const { sources, store, quarantine, clock } = o;

  const routes: Route[] = [
    { pattern: /^\/healthz$/, methods: { GET: (_q, res) => sendJson(res, 200, { status: 'ok' }) } },
    {
      pattern: /^\/readyz$/,
      methods: {
        GET: (_q, res) => {
          const reasons = notReadyReasons(sources, clock.now());
          if (reasons.length === 0) sendJson(res, 200, { status: 'ready' });
          else sendJson(res, 503, { status: 'not-ready', reasons });
        },
      },
    },
    {
      pattern: /^\/metrics$/,
      methods: {
        GET: (_q, res) =>
          sendText(res, 200, formatMetrics({ sources, store, bootMetrics: o.bootMetrics, quarantine, clock, sse: () => ({ clients: stream.clients, dropped: stream.dropped }) }), METRICS_CONTENT_TYPE),
      },
    },
    { pattern: /^\/api\/v1\/inventory$/, methods: { GET: (_r, res, q) => sendJson(res, 200, inventoryReport(sources.inventory(), store, q, clock.now())) } },
    {
      pattern: /^\/api\/v1\/leases$/,
      methods: {
        GET: (_r, res, q) => {
          const rows = leaseRows(sources.bootloop(), store);
          const format = q.get('format') ?? 'json';
          if (format === 'json') sendJson(res, 200, leasesJson(rows));
          else if (format === 'csv') sendText(res, 200, leasesCsv(rows), 'text/csv; charset=utf-8; header=present');
          else if (format === 'dnsmasq') sendText(res, 200, leasesDnsmasq(rows), 'text/plain; charset=utf-8');
          else throw new HttpError(400, `format: expected json, csv or dnsmasq, got '${format}'`);
        },
      },
    },
    {
      pattern: /^\/api\/v1\/unknown$/,
      methods: {
        GET: (_r, res) =>
          sendJson(res, 200, { macs: store.unknownMacs().map((u) => ({ mac: u.mac, firstSeen: isoTime(u.firstSeen), lastSeen: isoTime(u.lastSeen), count: u.count, via: u.via })) }),
      },
    },
    {
      pattern: /^\/api\/v1\/explain$/,
      methods: {
        GET: async (_r, res, q) => {
          const get = (name: string): string | undefined => q.get(name) ?? q.get(name.replaceAll('-', '_')) ?? undefined;
          const v6 = q.get('v6');
          const result = await sources.explain(get, v6 === '1' || v6 === 'true');
          sendJson(res, 200, { ...result.report, replied: result.replied });
        },
      },
    },
    { pattern: /^\/api\/v1\/nodes\/([^/]+)\/timeline$/, methods: { GET: (_r, res, _q, id) => sendJson(res, 200, timelineReport(id, sources.inventory()?.current(), store)) } },
    { pattern: /^\/api\/v1\/events$/, methods: { GET: (req, res, q) => stream.attach(req, res, q) } },
    {
      pattern: /^\/api\/v1\/quarantine$/,
      methods: {
        GET: (_r, res) => sendJson(res, 200, quarantineList(quarantine)),
        POST: async (req, res) => {
          auth.requireWrite(req);
          const entry = quarantineAdd(quarantine, await readJsonBody(req));
          log.info('MAC quarantined', { mac: entry.mac, until: isoTime(entry.until), reason: entry.reason, client: req.socket.remoteAddress });
          sendJson(res, 201, entryJson(entry));
        },
      },
    },
    {
      pattern: /^\/api\/v1\/quarantine\/([^/]+)$/,
      methods: {
        DELETE: (req, res, _q, param) => {
          auth.requireWrite(req);
          const mac = macParam(param);
          if (!quarantine.clear(mac)) throw new HttpError(404, `${mac} is not quarantined`);
          log.info('quarantine ended', { mac, client: req.socket.remoteAddress });
          sendEmpty(res, 204);
        },
      },
    },
  ];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://admin.invalid');
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    const asset = UI[url.pathname];
    if (asset !== undefined) {
      if (method !== 'GET') throw new HttpError(405, 'only GET', { Allow: 'GET, HEAD' });
      const a = adminAsset(asset);
      if (a === undefined) throw new HttpError(404, `${asset} is not available in this build`);
      sendText(res, 200, a.body, a.type);
      return;
    }
    for (const r of routes) {
      const m = r.pattern.exec(url.pathname);
      if (m === null) continue;
      const h = r.methods[method as keyof Route['methods']];
      if (h === undefined) throw new HttpError(405, `method ${req.method ?? ''} not allowed`, { Allow: Object.keys(r.methods).join(', ') });
      let param = '';
      try {
        param = decodeURIComponent(m[1] ?? '');
      } catch {
        throw new HttpError(400, 'bad percent-encoding in the path');
      }
      await h(req, res, url.searchParams, param);
      return;
    }
    throw new HttpError(404, `no such endpoint: ${url.pathname}`);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof HttpError) sendJson(res, e.status, { error: e.message }, e.headers);
      else if (e instanceof UsageError) sendJson(res, 400, { error: e.message });
      else {
        log.error('admin request failed', { path: req.url, error: e instanceof Error ? e.message : String(e) });
        sendJson(res, 500, { error: e instanceof Error ? e.message : String(e) });
      }
    });
  });
  // An idle keep-alive connection is closed after a while; event streams are never idle
  // (keepalive comments), and long requests (explain) are short.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: o.host, port: o.port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (e) => log.error('admin server error', { error: e.message }));
  const port = (server.address() as AddressInfo).port;
  const url = `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}`;
  log.info('admin server listening', { url, token: auth.writable ? 'set' : 'none (read-only)' });

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    close() {
      closing ??= (async () => {
        stream.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}
