import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatListen, parseListen } from '../../../src/app/config/listen.ts';

describe('parseListen (coredhcp listen syntax, spec §1.1)', () => {
  // [text, family, address, iface, port, all-multicast-interfaces, canonical form]
  const ok: Array<[string, 4 | 6, string, string | undefined, number, boolean, string]> = [
    ['0.0.0.0:67', 4, '0.0.0.0', undefined, 67, false, '0.0.0.0:67'],
    ['%eth0', 4, '0.0.0.0', 'eth0', 67, false, '%eth0:67'],
    ['%eth0:6767', 4, '0.0.0.0', 'eth0', 6767, false, '%eth0:6767'],
    ['192.168.1.1', 4, '192.168.1.1', undefined, 67, false, '192.168.1.1:67'],
    ['192.168.1.1%eth1:67', 4, '192.168.1.1', 'eth1', 67, false, '192.168.1.1%eth1:67'],
    [':67', 4, '0.0.0.0', undefined, 67, false, '0.0.0.0:67'],
    ['224.0.0.1', 4, '224.0.0.1', undefined, 67, true, '224.0.0.1:67'],
    ['[::]', 6, '::', undefined, 547, false, '[::]:547'],
    ['[::]:547', 6, '::', undefined, 547, false, '[::]:547'],
    ['%eth0', 6, '::', 'eth0', 547, false, '[%eth0]:547'],
    ['[fe80::1%eth0]:547', 6, 'fe80::1', 'eth0', 547, false, '[fe80::1%eth0]:547'],
    ['[ff02::1:2]', 6, 'ff02::1:2', undefined, 547, true, '[ff02::1:2]:547'],
    ['[ff02::1:2%eth0]', 6, 'ff02::1:2', 'eth0', 547, false, '[ff02::1:2%eth0]:547'],
    ['[ff05::1:3]:547', 6, 'ff05::1:3', undefined, 547, false, '[ff05::1:3]:547'],
  ];
  for (const [text, family, address, iface, port, allMc, canonical] of ok) {
    test(`v${family} ${text}`, () => {
      const r = parseListen(text, family, { line: 3, col: 5 });
      assert.ok(r.ok, r.ok ? '' : r.error);
      const s = r.spec;
      assert.equal(s.kind, 'address');
      if (s.kind !== 'address') return;
      assert.deepEqual([s.address.text, s.iface, s.port, s.allMulticastInterfaces, s.text, s.line, s.col], [address, iface, port, allMc, text, 3, 5]);
      assert.equal(formatListen(s), canonical);
    });
  }

  const bad: Array<[string, 4 | 6, RegExp]> = [
    ['eth0', 4, /write "%eth0"/],
    ['[::]', 4, /not an IPv4 address/],
    ['0.0.0.0', 6, /not an IPv6 address/],
    ['::', 6, /too many colons/],
    ['fe80::1:547', 6, /too many colons/],
    ['0.0.0.0:0', 4, /invalid port '0'/],
    ['0.0.0.0:http', 4, /invalid port/],
    ['0.0.0.0:70000', 4, /invalid port/],
    ['%', 4, /invalid interface name ''/],
    ['%averyveryverylongname', 4, /invalid interface name/],
    ['[::1', 6, /missing '\]'/],
    ['[::1]x', 6, /missing port/],
    ['1.2.3.4:67]', 4, /unexpected '\]'/],
    ['999.1.1.1', 4, /invalid IP address/],
  ];
  for (const [text, family, error] of bad) {
    test(`v${family} rejects ${text}`, () => {
      const r = parseListen(text, family, { line: 1, col: 1 });
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.error, error);
    });
  }

  test('defaults are recorded, not resolved', () => {
    assert.match(formatListen({ kind: 'default', family: 4 }), /0\.0\.0\.0:67/);
    assert.match(formatListen({ kind: 'default', family: 6 }), /ff02::1:2/);
  });
});
