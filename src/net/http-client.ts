// A small GET client on node:http / node:https for the SMD poller (spec coresmd-dhcp §4.1,
// coresmd-dns §5.18). Differences from the Go client, on purpose:
// - One overall deadline covers connect, TLS, headers and body (upstream has 120 s handshake and
//   header timeouts and none for the body, so a stalled body hangs the refresh forever).
// - The body is capped (`maxBytes`); a larger answer is an error, not an out-of-memory.
// - With `ca`, only that CA is trusted (Node's `ca` replaces the default roots), as upstream.
//   Keep-alive stays Node's default (upstream disables it; reuse is harmless for two GETs).
// - Redirects are not followed and gzip is not requested: SMD sends neither.
// Every failure is an HttpError whose `code` says which phase failed.

import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';

export const HttpErrorCode = {
  /** The overall deadline passed (connect, headers or body). */
  Timeout: 'ERR_HTTP_TIMEOUT',
  /** No connection: refused, unreachable, name not resolved. */
  Connect: 'ERR_HTTP_CONNECT',
  /** TLS handshake or certificate verification failed. */
  Tls: 'ERR_HTTP_TLS',
  /** The peer reset or closed the connection before the body was complete. */
  Reset: 'ERR_HTTP_RESET',
  /** The body is larger than `maxBytes`. */
  TooLarge: 'ERR_HTTP_TOO_LARGE',
  /** The peer sent something that is not HTTP. */
  Protocol: 'ERR_HTTP_PROTOCOL',
  /** The URL is not an absolute http: or https: URL. */
  Url: 'ERR_HTTP_URL',
} as const;
export type HttpErrorCode = (typeof HttpErrorCode)[keyof typeof HttpErrorCode];

export class HttpError extends Error {
  readonly code: HttpErrorCode;
  readonly url: string;

  constructor(code: HttpErrorCode, url: string, message: string, cause?: unknown) {
    super(`GET ${url}: ${message}`, cause === undefined ? undefined : { cause });
    this.name = 'HttpError';
    this.code = code;
    this.url = url;
  }
}

export interface HttpGetOptions {
  /** Deadline for the whole exchange, in milliseconds. */
  readonly timeoutMs: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** PEM CA bundle; when given, it is the only trust anchor. */
  readonly ca?: Buffer;
  /** Body size limit in bytes; default 256 MiB (≈ 1M interfaces of SMD JSON). */
  readonly maxBytes?: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export type HttpGet = (url: string, options: HttpGetOptions) => Promise<HttpResponse>;

const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ETIMEDOUT']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);

/** Maps a Node socket/TLS/parser error to our phase codes. */
function classify(err: NodeJS.ErrnoException): HttpErrorCode {
  const code = err.code ?? '';
  if (CONNECT_CODES.has(code)) return HttpErrorCode.Connect;
  if (RESET_CODES.has(code) || err.message === 'socket hang up') return HttpErrorCode.Reset;
  if (code.startsWith('HPE_')) return HttpErrorCode.Protocol;
  // OpenSSL verification codes (CERT_HAS_EXPIRED, UNABLE_TO_VERIFY_LEAF_SIGNATURE, …), Node's
  // ERR_TLS_* and ERR_SSL_*, and EPROTO for handshake failures.
  if (
    code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code === 'EPROTO' ||
    /CERT|SELF_SIGNED|UNABLE_TO_|VERIFY/.test(code)
  ) {
    return HttpErrorCode.Tls;
  }
  return HttpErrorCode.Reset;
}

export function httpGet(url: string, options: HttpGetOptions): Promise<HttpResponse> {
  let target: URL;
  try {
    target = new URL(url);
  } catch (err) {
    return Promise.reject(new HttpError(HttpErrorCode.Url, url, 'not a URL', err));
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return Promise.reject(new HttpError(HttpErrorCode.Url, url, `unsupported scheme ${target.protocol}`));
  }
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;

  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const fail = (err: HttpError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(err);
    };
    const reqOptions: https.RequestOptions = { method: 'GET', headers: { ...options.headers } };
    if (options.ca !== undefined) reqOptions.ca = options.ca;
    const req =
      target.protocol === 'https:' ? https.request(target, reqOptions) : http.request(target, reqOptions);

    const timer = setTimeout(
      () => fail(new HttpError(HttpErrorCode.Timeout, url, `no complete answer within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );

    req.on('error', (err: NodeJS.ErrnoException) => {
      const code = classify(err);
      fail(new HttpError(code, url, err.message, err));
    });

    req.on('response', (res) => {
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        fail(new HttpError(HttpErrorCode.TooLarge, url, `Content-Length ${declared} exceeds ${maxBytes} bytes`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          fail(new HttpError(HttpErrorCode.TooLarge, url, `body exceeds ${maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('aborted', () => fail(new HttpError(HttpErrorCode.Reset, url, 'connection closed mid-body')));
      res.on('error', (err: NodeJS.ErrnoException) => fail(new HttpError(classify(err), url, err.message, err)));
      res.on('end', () => {
        if (settled) return;
        if (!res.complete) {
          fail(new HttpError(HttpErrorCode.Reset, url, 'connection closed mid-body'));
          return;
        }
        settled = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks, size).toString('utf8') });
      });
    });

    req.end();
  });
}
