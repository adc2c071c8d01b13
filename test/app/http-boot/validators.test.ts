import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isNotModified, makeValidators, rangeStillValid } from '../../../src/app/http-boot/validators.ts';

// 2025-03-04T18:22:41.513Z: Last-Modified keeps whole seconds only.
const MTIME = Date.UTC(2025, 2, 4, 18, 22, 41, 513);
const v = makeValidators(74213, MTIME);
const builtin = makeValidators(14, 0, new TextEncoder().encode('#!ipxe\nreboot\n'));

describe('makeValidators (RFC 9110 §8.8)', () => {
  test('the entity tag is strong and made of size and mtime in hex', () => {
    assert.equal(v.etag, `"121e5-${MTIME.toString(16)}"`);
  });
  test('Last-Modified is the IMF-fixdate of the mtime, truncated to the second', () => {
    assert.equal(v.lastModified, 'Tue, 04 Mar 2025 18:22:41 GMT');
    assert.equal(v.lastModifiedMs, Date.UTC(2025, 2, 4, 18, 22, 41));
  });
  test('a file rewritten with the same size gets a different tag', () => {
    assert.notEqual(makeValidators(74213, MTIME + 1).etag, v.etag);
  });
  test('built-in content (mtime 0) has no Last-Modified and a content-hash tag', () => {
    assert.equal(builtin.lastModified, undefined);
    assert.match(builtin.etag, /^"e-c[0-9a-f]+"$/);
    assert.notEqual(makeValidators(14, 0, new TextEncoder().encode('#!ipxe\nexit 0\n\n')).etag, builtin.etag);
  });
});

describe('isNotModified (RFC 9110 §13.1.2, §13.1.3)', () => {
  const cases: [name: string, headers: Parameters<typeof isNotModified>[0], want: boolean][] = [
    ['no conditional headers', {}, false],
    ['If-None-Match with our tag', { ifNoneMatch: v.etag }, true],
    ['If-None-Match with our tag marked weak (weak comparison)', { ifNoneMatch: `W/${v.etag}` }, true],
    ['If-None-Match listing our tag among others', { ifNoneMatch: `"x", ${v.etag} , "y"` }, true],
    ['If-None-Match: *', { ifNoneMatch: '*' }, true],
    ['If-None-Match with another tag', { ifNoneMatch: '"nope"' }, false],
    ['If-None-Match malformed', { ifNoneMatch: 'nope' }, false],
    ['If-Modified-Since equal to Last-Modified', { ifModifiedSince: 'Tue, 04 Mar 2025 18:22:41 GMT' }, true],
    ['If-Modified-Since later', { ifModifiedSince: 'Wed, 05 Mar 2025 00:00:00 GMT' }, true],
    ['If-Modified-Since earlier', { ifModifiedSince: 'Tue, 04 Mar 2025 18:22:40 GMT' }, false],
    ['If-Modified-Since not a date is ignored', { ifModifiedSince: 'yesterday-ish' }, false],
    ['If-None-Match decides over If-Modified-Since', { ifNoneMatch: '"other"', ifModifiedSince: 'Wed, 05 Mar 2025 00:00:00 GMT' }, false],
  ];
  for (const [name, headers, want] of cases) {
    test(`${name} → ${want ? '304' : 'send'}`, () => {
      assert.equal(isNotModified(headers, v), want);
    });
  }
  test('If-Modified-Since cannot match a built-in without a date', () => {
    assert.equal(isNotModified({ ifModifiedSince: 'Wed, 05 Mar 2099 00:00:00 GMT' }, builtin), false);
    assert.equal(isNotModified({ ifNoneMatch: builtin.etag }, builtin), true);
  });
});

describe('rangeStillValid (If-Range, RFC 9110 §13.1.5)', () => {
  const cases: [name: string, ifRange: string | undefined, want: boolean][] = [
    ['no If-Range', undefined, true],
    ['our strong tag', v.etag, true],
    ['our tag marked weak never matches', `W/${v.etag}`, false],
    ['another tag', '"other"', false],
    ['exactly Last-Modified', 'Tue, 04 Mar 2025 18:22:41 GMT', true],
    ['a later date is not an exact match', 'Tue, 04 Mar 2025 18:22:42 GMT', false],
    ['garbage', 'whenever', false],
  ];
  for (const [name, ifRange, want] of cases) {
    test(`${name} → ${want ? 'honour Range' : 'send the whole file'}`, () => {
      assert.equal(rangeStillValid({ ifRange }, v), want);
    });
  }
  test('a date never matches a built-in without Last-Modified', () => {
    assert.equal(rangeStillValid({ ifRange: 'Thu, 01 Jan 1970 00:00:00 GMT' }, builtin), false);
  });
});
