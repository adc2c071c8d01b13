import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TARGET_LENGTH, parseBootTarget } from '../../../src/app/http-boot/request-target.ts';

const accepted: [target: string, name: string][] = [
  ['/ipxe-x86_64.efi', 'ipxe-x86_64.efi'],
  ['/undionly.kpxe', 'undionly.kpxe'],
  ['/sub/dir/boot.ipxe', 'sub/dir/boot.ipxe'],
  ['/ipxe%2Dx86_64.efi', 'ipxe-x86_64.efi'],
  ['/caf%C3%A9.ipxe', 'café.ipxe'],
  ['/a%20b', 'a b'],
  ['/default?mac=de:ad:be:ef:00:01', 'default'],
  ['/x.efi#fragment', 'x.efi'],
  ['/...', '...'],
  ['/.hidden', '.hidden'],
  // absolute-form (RFC 9112 §3.2.2)
  ['http://10.0.0.1:8080/undionly.kpxe', 'undionly.kpxe'],
  ['HTTP://boot.example/sub/x.efi?q', 'sub/x.efi'],
];

const refused: [target: string, status: number, why: RegExp][] = [
  ['/%2e%2e/etc/passwd', 400, /dot segment/],
  ['/%2E%2E/etc/passwd', 400, /dot segment/],
  ['/..%2fetc', 400, /encoded/],
  ['/..%2Fetc%2Fpasswd', 400, /encoded/],
  ['//etc/passwd', 400, /empty path segment/],
  ['/a//b', 400, /empty path segment/],
  ['/a/', 400, /empty path segment/],
  ['/a/../../x', 400, /dot segment/],
  ['/../etc/passwd', 400, /dot segment/],
  ['/..', 400, /dot segment/],
  ['/.', 400, /dot segment/],
  ['/a/./b', 400, /dot segment/],
  ['/a/%2e/b', 400, /dot segment/],
  ['/.%2e/x', 400, /dot segment/],
  ['/a%5c..%5cb', 400, /encoded/],
  ['/a\\..\\b', 400, /backslash/],
  ['/a%00.efi', 400, /encoded/],
  ['/a%0a.efi', 400, /control character/],
  ['/a%7f', 400, /control character/],
  ['/bad%zz', 400, /percent-encoding/],
  ['/bad%', 400, /percent-encoding/],
  ['/%C3%28', 400, /UTF-8/],
  ['x.efi', 400, /absolute path/],
  ['*', 400, /absolute path/],
  ['', 400, /absolute path/],
  ['http://host/../../etc/passwd', 400, /dot segment/],
  ['http://host//etc/passwd', 400, /empty path segment/],
  ['/', 404, /directory listing/],
  ['http://host', 404, /directory listing/],
  ['/?x', 404, /directory listing/],
  [`/${'a'.repeat(MAX_TARGET_LENGTH)}`, 414, /longer than/],
];

describe('parseBootTarget', () => {
  for (const [target, name] of accepted) {
    test(`accepts ${JSON.stringify(target)} as ${JSON.stringify(name)}`, () => {
      assert.deepEqual(parseBootTarget(target), { ok: true, name });
    });
  }
  for (const [target, status, why] of refused) {
    test(`refuses ${JSON.stringify(target.length > 40 ? `${target.slice(0, 40)}…` : target)} with ${status}`, () => {
      const r = parseBootTarget(target);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.status, status);
      assert.match(r.reason, why);
    });
  }
  test('a name of exactly the limit is accepted', () => {
    const target = `/${'a'.repeat(MAX_TARGET_LENGTH - 1)}`;
    assert.deepEqual(parseBootTarget(target), { ok: true, name: 'a'.repeat(MAX_TARGET_LENGTH - 1) });
  });
});
