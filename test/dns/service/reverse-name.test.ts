// Reverse names (RFC 1035 §3.5, RFC 3596 §2.5) as the index keys PTR records.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp } from '../../../src/wire/addr.ts';
import { formatReverseName, reverseTreeOf } from '../../../src/dns/service/reverse-name.ts';

describe('formatReverseName', () => {
  const cases: readonly [string, string][] = [
    ['192.168.1.10', '10.1.168.192.in-addr.arpa.'],
    ['0.0.0.0', '0.0.0.0.in-addr.arpa.'],
    ['255.255.255.255', '255.255.255.255.in-addr.arpa.'],
    ['::ffff:192.168.1.10', '10.1.168.192.in-addr.arpa.'],
    ['2001:db8::10', '0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.'],
    ['2001:DB8::1', '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.'],
    ['fd00:172:16::ab', 'b.a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.1.0.0.2.7.1.0.0.0.d.f.ip6.arpa.'],
  ];
  for (const [ip, want] of cases) {
    test(`${ip} → ${want}`, () => assert.equal(formatReverseName(parseIp(ip)!), want));
  }
});

describe('reverseTreeOf', () => {
  const cases: readonly [string, string | undefined][] = [
    ['10.1.168.192.in-addr.arpa.', 'in-addr.arpa.'],
    ['in-addr.arpa.', 'in-addr.arpa.'],
    ['x.ip6.arpa.', 'ip6.arpa.'],
    ['foo-in-addr.arpa.', undefined],
    ['example.com.', undefined],
  ];
  for (const [key, want] of cases) test(`${key} → ${String(want)}`, () => assert.equal(reverseTreeOf(key), want));
});
