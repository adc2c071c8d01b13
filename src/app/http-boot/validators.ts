// Validators and conditional requests (RFC 9110 §8.8, §13), limited to the cheap ones: an ETag
// from size and modification time, Last-Modified, If-None-Match / If-Modified-Since → 304 and
// If-Range deciding whether a Range is honoured. Pure.
import { crc32 } from 'node:zlib';

export interface Validators {
  /**
   * Strong entity tag (RFC 9110 §8.8.3): `"<size hex>-<mtime ms hex>"` as nginx derives its own,
   * or for built-in content with no modification time `"<size hex>-c<crc32 hex>"`.
   */
  readonly etag: string;
  /** IMF-fixdate of the modification time (RFC 9110 §8.8.2, §5.6.7); absent for built-ins. */
  readonly lastModified?: string;
  /** The modification time truncated to the second, as Last-Modified carries it. */
  readonly lastModifiedMs?: number;
}

/**
 * Validators for a representation of `size` bytes modified at `mtimeMs`. An mtime of 0 means
 * "built in, no date": then there is no Last-Modified (RFC 9110 §8.8.2.1: an origin without a
 * reasonable date SHOULD NOT send one) and `content`, small by nature, is hashed for the tag.
 */
export function makeValidators(size: number, mtimeMs: number, content?: Uint8Array): Validators {
  const ms = Math.max(0, Math.floor(mtimeMs));
  if (ms === 0) {
    const tag = content === undefined ? '0' : `c${crc32(content).toString(16)}`;
    return { etag: `"${size.toString(16)}-${tag}"` };
  }
  const lastModifiedMs = ms - (ms % 1000);
  return {
    etag: `"${size.toString(16)}-${ms.toString(16)}"`,
    lastModified: new Date(lastModifiedMs).toUTCString(),
    lastModifiedMs,
  };
}

/** The opaque-tag of an entity-tag, with whether it was weak (`W/"…"`), or undefined if malformed. */
function splitTag(text: string): { weak: boolean; opaque: string } | undefined {
  const m = /^(W\/)?("[^"]*")$/.exec(text.trim());
  return m === null || m[2] === undefined ? undefined : { weak: m[1] !== undefined, opaque: m[2] };
}

/** Weak comparison against a comma-separated If-None-Match list (RFC 9110 §13.1.2, §8.8.3.2). */
function matchesAnyWeak(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const ours = splitTag(etag)?.opaque;
  return header.split(',').some((t) => splitTag(t)?.opaque === ours);
}

/** `Date.parse` of an HTTP-date; NaN when it is not one (then the header is ignored, §13.1.3). */
function parseHttpDate(text: string): number {
  return Date.parse(text);
}

export interface ConditionalHeaders {
  readonly ifNoneMatch?: string | undefined;
  readonly ifModifiedSince?: string | undefined;
  readonly ifRange?: string | undefined;
}

/**
 * True when a GET or HEAD should be answered 304 Not Modified (RFC 9110 §13.2.2 steps 3–4):
 * If-None-Match decides when present; otherwise If-Modified-Since, compared to Last-Modified.
 */
export function isNotModified(h: ConditionalHeaders, v: Validators): boolean {
  if (h.ifNoneMatch !== undefined) return matchesAnyWeak(h.ifNoneMatch, v.etag);
  if (h.ifModifiedSince !== undefined && v.lastModifiedMs !== undefined) {
    const since = parseHttpDate(h.ifModifiedSince);
    return !Number.isNaN(since) && v.lastModifiedMs <= since;
  }
  return false;
}

/**
 * Whether a Range may be honoured (RFC 9110 §13.1.5): without If-Range always; with an
 * entity-tag only on a strong match; with a date only when it equals Last-Modified exactly.
 */
export function rangeStillValid(h: ConditionalHeaders, v: Validators): boolean {
  const ifRange = h.ifRange?.trim();
  if (ifRange === undefined) return true;
  if (ifRange.startsWith('"') || ifRange.startsWith('W/')) {
    const theirs = splitTag(ifRange);
    // Strong comparison: a weak tag never matches (RFC 9110 §8.8.3.2).
    return theirs !== undefined && !theirs.weak && theirs.opaque === v.etag;
  }
  const date = parseHttpDate(ifRange);
  return v.lastModifiedMs !== undefined && !Number.isNaN(date) && date === v.lastModifiedMs;
}
