// A stand-in for the admin server, for testing the status page on its own: it serves the page's
// three files (src/app/admin/ui, through the server's own adminAsset) and answers the JSON API of docs/admin-api.md from data the
// test controls (a generated inventory of any size, timelines, leases, unknown MACs, quarantine
// with a token), and pushes boot events to the page's SSE stream on demand. It records every
// request, so a test can check what the page sent (the Authorization header, the bodies).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminAsset } from '../../../src/app/admin/assets.ts';

export interface FixtureNode {
  xname: string;
  type: string;
  nid: number | null;
  macs: string[];
  ips: string[];
  last: { at: string; service: string; type: string; summary: string } | null;
}

export interface FixtureEvent {
  seq: number;
  at: string;
  service: string;
  type: string;
  mac?: string;
  xname?: string;
  ip?: string;
  summary: string;
  detail?: Record<string, unknown>;
}

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly body: string;
}

const hex = (n: number) => (n & 255).toString(16).padStart(2, '0');

/** Node i of a generated inventory: distinct xname, MAC, IP and NID derived from i. */
export function generatedNode(i: number): FixtureNode {
  return {
    xname: `x${3000 + Math.floor(i / 256)}c0s${Math.floor((i % 256) / 4)}b0n${i % 4}`,
    type: 'Node',
    nid: i + 1,
    macs: [`02:00:00:${hex(i >> 16)}:${hex(i >> 8)}:${hex(i)}`],
    ips: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`],
    last: null,
  };
}

export class StatusPageFixture {
  readonly nodes: FixtureNode[];
  readonly requests: RecordedRequest[] = [];
  readonly bootloop: { mac: string; ip: string; expiresAt: string }[] = [];
  readonly unknown: { mac: string; firstSeen: string; lastSeen: string; count: number; via: string }[] = [];
  readonly quarantine = new Map<string, { mac: string; until: string; reason: string }>();
  readonly refresh = {
    lastSuccess: new Date(Date.now() - 4000).toISOString() as string | null,
    lastError: null as { at: string; message: string } | null,
    lastDurationMs: 12 as number | null,
    history: [] as unknown[],
  };
  /** The token mutating requests need; null = read-only server. */
  token: string | null = 'sesame';
  readonly #timelines = new Map<string, FixtureEvent[]>();
  readonly #streams = new Set<ServerResponse>();
  #seq = 0;
  readonly #server = createServer((req, res) => this.#handle(req, res));
  url = '';

  constructor(nodeCount: number) {
    this.nodes = Array.from({ length: nodeCount }, (_, i) => generatedNode(i));
  }

  /** Listens on 127.0.0.1:`port` (any free port by default; the same one again after close()). */
  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/`;
    return this.url;
  }

  async close(): Promise<void> {
    for (const s of this.#streams) s.destroy();
    this.#streams.clear();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Pages connected to the event stream. */
  get streams(): number {
    return this.#streams.size;
  }

  /** Records a boot event (timeline and the node's `last`) and sends it to every connected page. */
  emit(e: Omit<FixtureEvent, 'seq' | 'at'> & { at?: string }): FixtureEvent {
    const event: FixtureEvent = { seq: ++this.#seq, at: e.at ?? new Date().toISOString(), ...e };
    if (event.mac !== undefined) {
      const list = this.#timelines.get(event.mac) ?? [];
      list.push(event);
      this.#timelines.set(event.mac, list);
      const node = this.nodes.find((n) => n.macs.includes(event.mac!));
      if (node !== undefined) node.last = { at: event.at, service: event.service, type: event.type, summary: event.summary };
    }
    const frame = `id: ${event.seq}\nevent: boot\ndata: ${JSON.stringify(event)}\n\n`;
    for (const s of this.#streams) s.write(frame);
    return event;
  }

  #json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      this.requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });
      this.#route(req.method ?? 'GET', new URL(req.url ?? '/', 'http://fixture'), req, res, body);
    });
  }

  #route(method: string, url: URL, req: IncomingMessage, res: ServerResponse, body: string): void {
    const path = url.pathname;
    const asset = method !== 'GET' ? undefined : adminAsset(path === '/' ? 'index.html' : path.startsWith('/ui/') ? path.slice(4) : '');
    if (asset !== undefined) {
      res.writeHead(200, { 'content-type': asset.type });
      res.end(asset.body);
      return;
    }
    if (method === 'GET' && path === '/api/v1/inventory') {
      const snapshotAt = new Date(Date.now() - 4000).toISOString();
      this.#json(res, 200, { source: 'http://smd.fixture:27779', snapshotAt, ageSeconds: 4, count: this.nodes.length, refresh: this.refresh, nodes: this.nodes });
      return;
    }
    if (method === 'GET' && path === '/api/v1/leases') return this.#json(res, 200, { bootloop: this.bootloop, assigned: [] });
    if (method === 'GET' && path === '/api/v1/unknown') return this.#json(res, 200, { macs: this.unknown });
    if (method === 'GET' && path === '/api/v1/quarantine') return this.#json(res, 200, { entries: [...this.quarantine.values()] });
    const timeline = /^\/api\/v1\/nodes\/([^/]+)\/timeline$/.exec(path);
    if (method === 'GET' && timeline !== null) {
      const id = decodeURIComponent(timeline[1]!);
      const node = this.nodes.find((n) => n.xname === id || n.macs.includes(id));
      const macs = node?.macs ?? [id];
      const events = macs.flatMap((m) => this.#timelines.get(m) ?? []).sort((a, b) => a.seq - b.seq);
      if (node === undefined && events.length === 0) return this.#json(res, 404, { error: `nothing known of ${id}` });
      return this.#json(res, 200, { node: { xname: node?.xname ?? null, macs }, events });
    }
    if (method === 'GET' && path === '/api/v1/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      // retry: a page reconnects quickly when a test drops the stream.
      res.write('retry: 300\n: connected\n\n');
      this.#streams.add(res);
      res.on('close', () => this.#streams.delete(res));
      return;
    }
    if (path === '/api/v1/quarantine' || path.startsWith('/api/v1/quarantine/')) {
      if (this.token === null) return this.#json(res, 403, { error: 'read-only' });
      const auth = req.headers.authorization;
      if (auth === undefined) return this.#json(res, 401, { error: 'token required' });
      if (auth !== `Bearer ${this.token}`) return this.#json(res, 403, { error: 'wrong token' });
      if (method === 'POST' && path === '/api/v1/quarantine') {
        const b = JSON.parse(body) as { mac: string; seconds: number; reason?: string };
        this.quarantine.set(b.mac, { mac: b.mac, until: new Date(Date.now() + b.seconds * 1000).toISOString(), reason: b.reason ?? '' });
        return this.#json(res, 201, { mac: b.mac });
      }
      if (method === 'DELETE') {
        const mac = decodeURIComponent(path.slice('/api/v1/quarantine/'.length));
        if (!this.quarantine.delete(mac)) return this.#json(res, 404, { error: 'absent' });
        res.writeHead(204);
        res.end();
        return;
      }
    }
    this.#json(res, 404, { error: `no route ${method} ${path}` });
  }
}
