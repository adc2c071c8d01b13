// One HTTP boot request: GET or HEAD of `/<name>` answered from the FileProvider (the same files,
// built-in scripts and confinement as TFTP), with validators, conditional requests and a single
// byte range (RFC 9110 §9.3.1, §9.3.2, §13, §14). One log line per request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BootFile, FileProvider, ResolveResult } from '../../boot/file-provider.ts';
import type { LogFields, Logger } from '../../seams/logger.ts';
import { noBootEvents, type BootEvents } from '../../seams/boot-events.ts';
import { peerAddress, type HttpBootStats } from './http-boot-stats.ts';
import { formatContentRange, formatUnsatisfiedRange, parseByteRange } from './byte-range.ts';
import { contentTypeOf } from './content-type.ts';
import { missingBinaryHint } from './missing-binary.ts';
import { parseBootTarget } from './request-target.ts';
import { sendBody } from './send-body.ts';
import { isNotModified, makeValidators, rangeStillValid } from './validators.ts';

export interface HttpBootHandlerOptions {
  readonly provider: FileProvider;
  /** Receives one line per request (component http-boot). */
  readonly logger: Logger;
  /** Milliseconds clock for the `ms` field; Date.now by default. */
  readonly now?: () => number;
  /** Where each request is reported (the admin timeline); none by default. */
  readonly events?: BootEvents;
  /** Counted per request, for /metrics. */
  readonly stats?: HttpBootStats;
}

export type HttpBootHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** RFC 9110 §15.5.6: a 405 MUST carry Allow. */
const ALLOW = 'GET, HEAD';
/** Log values come from the network: keep a hostile path from filling the log. */
const MAX_LOGGED_PATH = 256;

function fileSize(file: BootFile): number {
  return file.kind === 'memory' ? file.bytes.length : file.size;
}

/** One field value; repeated lines are combined as a list (RFC 9110 §5.3). */
function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** A short text answer for errors (the body is dropped for HEAD by node:http itself). */
function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  const body = `${text}\n`;
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export function createHttpBootHandler(options: HttpBootHandlerOptions): HttpBootHandler {
  const { provider, logger } = options;
  const now = options.now ?? Date.now;
  const events = options.events ?? noBootEvents;
  const stats = options.stats;

  return async (req, res) => {
    const started = now();
    const rawTarget = req.url ?? '';
    const fields: Record<string, string | number | boolean | undefined> = {
      client: req.socket.remoteAddress,
      method: req.method,
      path: rawTarget.length > MAX_LOGGED_PATH ? `${rawTarget.slice(0, MAX_LOGGED_PATH)}…` : rawTarget,
    };
    // Whatever happens below, a client that disconnects mid-way must not raise an unhandled
    // 'error' on the response (node:http emits one for writes after a reset).
    res.on('error', (err) => {
      fields['socketError'] = err.message;
    });

    const finish = (extra: LogFields & { bytes: number; complete: boolean }): void => {
      const line: LogFields = { ...fields, status: res.statusCode, ...extra, ms: now() - started };
      if (res.statusCode >= 500) logger.error('http boot', line);
      else if (res.statusCode === 404 || res.statusCode === 403) logger.warn('http boot', line);
      else logger.info('http boot', line);
      stats?.record(res.statusCode, extra.bytes, extra.complete);
      if (events.enabled) {
        const path = String(fields['path'] ?? '');
        events.emit({
          service: 'http',
          type: 'file',
          ip: peerAddress(req.socket.remoteAddress),
          summary: `${req.method ?? '?'} ${path} → ${res.statusCode}, ${extra.bytes} bytes${extra.complete ? '' : ' (incomplete)'}`,
          detail: { path, method: req.method, status: res.statusCode, bytes: extra.bytes, complete: extra.complete, ms: now() - started, error: typeof extra['error'] === 'string' ? extra['error'] : undefined },
        });
      }
    };

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'only GET and HEAD', { Allow: ALLOW });
      finish({ bytes: 0, complete: true });
      return;
    }
    const target = parseBootTarget(rawTarget);
    if (!target.ok) {
      sendText(res, target.status, target.reason);
      finish({ bytes: 0, complete: true, error: target.reason });
      return;
    }
    fields['path'] = target.name.length > MAX_LOGGED_PATH ? `${target.name.slice(0, MAX_LOGGED_PATH)}…` : target.name;

    let resolved: ResolveResult;
    try {
      resolved = await provider.resolve(target.name);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      sendText(res, 500, 'internal error');
      finish({ bytes: 0, complete: true, error: message });
      return;
    }
    if (!resolved.ok) {
      const status = resolved.code === 'not-found' ? 404 : 403;
      sendText(res, status, status === 404 ? 'not found' : 'forbidden');
      finish({ bytes: 0, complete: true, error: resolved.message, hint: status === 404 ? missingBinaryHint(target.name) : undefined });
      return;
    }

    const file = resolved.file;
    const size = fileSize(file);
    const v = makeValidators(size, file.mtimeMs, file.kind === 'memory' && file.mtimeMs === 0 ? file.bytes : undefined);
    const headers: Record<string, string | number> = {
      'Content-Type': contentTypeOf(target.name, file.kind === 'memory' ? file.bytes : undefined),
      // RFC 9110 §14.3: tell clients ranges work, so a firmware can resume.
      'Accept-Ranges': 'bytes',
      ETag: v.etag,
    };
    if (v.lastModified !== undefined) headers['Last-Modified'] = v.lastModified;
    const conditional = {
      ifNoneMatch: req.headers['if-none-match'],
      ifModifiedSince: req.headers['if-modified-since'],
      ifRange: headerText(req.headers['if-range']),
    };
    if (isNotModified(conditional, v)) {
      // RFC 9110 §15.4.5: 304 repeats the validators and carries no content.
      res.writeHead(304, v.lastModified === undefined ? { ETag: v.etag } : { ETag: v.etag, 'Last-Modified': v.lastModified });
      res.end();
      finish({ bytes: 0, complete: true });
      return;
    }

    // Range is defined for GET only (RFC 9110 §14.2); HEAD describes the whole representation.
    const range =
      req.method === 'GET' && rangeStillValid(conditional, v)
        ? parseByteRange(req.headers.range, size)
        : parseByteRange(undefined, size);
    if (range.kind === 'unsatisfiable') {
      fields['range'] = req.headers.range;
      sendText(res, 416, 'range not satisfiable', { 'Content-Range': formatUnsatisfiedRange(size) });
      finish({ bytes: 0, complete: true });
      return;
    }
    let start = 0;
    let end = size - 1;
    if (range.kind === 'partial') {
      start = range.start;
      end = range.end;
      headers['Content-Range'] = formatContentRange(start, end, size);
      fields['range'] = `${start}-${end}`;
    }
    headers['Content-Length'] = end + 1 - start;
    res.writeHead(range.kind === 'partial' ? 206 : 200, headers);

    if (req.method === 'HEAD' || size === 0) {
      res.end();
      finish({ bytes: 0, complete: true });
      return;
    }
    const outcome = await sendBody(res, provider, file, start, end);
    finish({ bytes: outcome.bytes, complete: outcome.complete, error: outcome.error });
  };
}
