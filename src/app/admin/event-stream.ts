// GET /api/v1/events: boot events as Server-Sent Events (WHATWG HTML §9.2), one frame per event:
//   id: <seq>\nevent: boot\ndata: <BootEvent JSON>\n\n
// A client that reconnects with Last-Event-ID (or ?lastEventId=) first gets the events after
// that id still in the global ring. A `: keepalive` comment every 15 s keeps proxies from
// closing an idle stream. Frames are queued per client and written once per event-loop turn;
// a client whose unsent data passes `maxBufferedBytes` is dropped rather than buffered forever
// (it reconnects and resumes from its Last-Event-ID).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock, TimerHandle } from '../../seams/clock.ts';
import { bootEventJson, type BootEvent } from './boot-event.ts';
import type { BootEventStore } from './event-store.ts';
import { HttpError } from './http-util.ts';

export const KEEPALIVE_MS = 15_000;
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;
export const DEFAULT_MAX_CLIENTS = 64;

interface Client {
  readonly res: ServerResponse;
  pending: string[];
  pendingBytes: number;
  scheduled: boolean;
  keepalive: TimerHandle | undefined;
}

export function sseFrame(e: BootEvent): string {
  return `id: ${e.seq}\nevent: boot\ndata: ${JSON.stringify(bootEventJson(e))}\n\n`;
}

export class EventStream {
  readonly #store: BootEventStore;
  readonly #clock: Clock;
  readonly #keepaliveMs: number;
  readonly #maxBuffered: number;
  readonly #maxClients: number;
  readonly #clients = new Set<Client>();
  #unsubscribe: (() => void) | undefined;
  /** Clients disconnected for reading too slowly. */
  dropped = 0;

  constructor(o: { store: BootEventStore; clock: Clock; keepaliveMs?: number; maxBufferedBytes?: number; maxClients?: number }) {
    this.#store = o.store;
    this.#clock = o.clock;
    this.#keepaliveMs = o.keepaliveMs ?? KEEPALIVE_MS;
    this.#maxBuffered = o.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.#maxClients = o.maxClients ?? DEFAULT_MAX_CLIENTS;
  }

  get clients(): number {
    return this.#clients.size;
  }

  attach(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
    if (this.#clients.size >= this.#maxClients) throw new HttpError(503, `too many event-stream clients (${this.#maxClients})`);
    const lastIdText = headerValue(req.headers['last-event-id']) ?? query.get('lastEventId') ?? undefined;
    const lastId = lastIdText === undefined ? undefined : Number(lastIdText);
    if (lastId !== undefined && !(Number.isInteger(lastId) && lastId >= 0)) throw new HttpError(400, `Last-Event-ID: not an event id: '${lastIdText}'`);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    const c: Client = { res, pending: [], pendingBytes: 0, scheduled: false, keepalive: undefined };
    this.#clients.add(c);
    this.#unsubscribe ??= this.#store.subscribe((e) => this.#broadcast(sseFrame(e)));
    const gone = (): void => this.#detach(c);
    res.on('close', gone);
    res.on('error', gone);
    this.#queue(c, `retry: 3000\n\n`);
    if (lastId !== undefined) for (const e of this.#store.since(lastId)) this.#queue(c, sseFrame(e));
    this.#armKeepalive(c);
  }

  /** Ends every stream (the server stops). */
  close(): void {
    for (const c of [...this.#clients]) {
      this.#detach(c);
      c.res.end();
    }
  }

  #broadcast(frame: string): void {
    for (const c of this.#clients) this.#queue(c, frame);
  }

  #queue(c: Client, text: string): void {
    c.pending.push(text);
    c.pendingBytes += text.length;
    if (c.pendingBytes + c.res.writableLength > this.#maxBuffered) {
      // Too slow: drop it; its EventSource reconnects with Last-Event-ID.
      this.dropped++;
      this.#detach(c);
      c.res.destroy();
      return;
    }
    if (c.scheduled) return;
    c.scheduled = true;
    setImmediate(() => this.#flush(c));
  }

  #flush(c: Client): void {
    c.scheduled = false;
    if (!this.#clients.has(c) || c.pending.length === 0) return;
    const text = c.pending.join('');
    c.pending = [];
    c.pendingBytes = 0;
    c.res.write(text);
  }

  #armKeepalive(c: Client): void {
    c.keepalive = this.#clock.setTimer(this.#keepaliveMs, () => {
      if (!this.#clients.has(c)) return;
      this.#queue(c, ': keepalive\n\n');
      if (this.#clients.has(c)) this.#armKeepalive(c);
    });
  }

  #detach(c: Client): void {
    if (!this.#clients.delete(c)) return;
    c.keepalive?.cancel();
    if (this.#clients.size === 0) {
      this.#unsubscribe?.();
      this.#unsubscribe = undefined;
    }
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
