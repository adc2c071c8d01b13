// Response helpers for the SMD test double, byte-compatible with SMD's (spec coresmd-dns §3.1,
// §3.4): compact JSON plus a newline; RFC 7807 problems with lowercase keys for status ≥ 400;
// `{"code":0,"message":…}` for status < 400; Go's plain-text 404 for unknown paths.

import { STATUS_CODES } from 'node:http';
import type { ServerResponse } from 'node:http';

/** An SMD error answer: thrown by the store, turned into a problem body by the router. */
export class SimProblem extends Error {
  readonly status: number;

  constructor(status: number, detail: string) {
    super(detail);
    this.name = 'SimProblem';
    this.status = status;
  }
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = `${JSON.stringify(value)}\n`;
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** hms-base ProblemDetails: `type`, `title` (the reason phrase), `detail`, `status`. */
export function sendProblem(res: ServerResponse, status: number, detail: string, headers: Record<string, string> = {}): void {
  const body = `${JSON.stringify({ type: 'about:blank', title: STATUS_CODES[status] ?? 'Unknown', detail, status })}\n`;
  res.writeHead(status, { 'Content-Type': 'application/problem+json', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** SMD's sendJsonError for status < 400: `{"code":0,"message":…}`; 204 carries no body. */
export function sendMessage(res: ServerResponse, status: number, message: string): void {
  if (status === 204) {
    res.writeHead(204);
    res.end();
    return;
  }
  sendJson(res, status, { code: 0, message });
}

/** Go's http.NotFound, which gorilla/mux uses for unknown paths: plain text, not JSON. */
export function sendNotFound(res: ServerResponse): void {
  const body = '404 page not found\n';
  res.writeHead(404, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}
