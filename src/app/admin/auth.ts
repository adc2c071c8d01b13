// The admin token (docs/admin-api.md "Token"): without one the API is read-only and every
// mutating request is 403 `read-only`; with one, a mutating request needs
// `Authorization: Bearer <token>`: 401 without the header, 403 with another token. Tokens are
// compared as SHA-256 digests with timingSafeEqual, so neither their content nor their length
// shows in the time an answer takes.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-util.ts';

export interface AdminAuth {
  /** True when a token is configured (mutations are possible). */
  readonly writable: boolean;
  /** Throws HttpError 401/403 unless the request may mutate. */
  requireWrite(req: IncomingMessage): void;
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export function createAuth(token: string | undefined): AdminAuth {
  if (token === undefined) {
    return {
      writable: false,
      requireWrite() {
        throw new HttpError(403, 'read-only: no admin token is configured (admin: token_file)');
      },
    };
  }
  const want = digest(token);
  return {
    writable: true,
    requireWrite(req) {
      const header = req.headers.authorization;
      const m = header === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
      if (m === null) throw new HttpError(401, 'missing bearer token', { 'WWW-Authenticate': 'Bearer realm="coresmd-admin"' });
      if (!timingSafeEqual(digest(m[1]!), want)) throw new HttpError(403, 'wrong token');
    },
  };
}
