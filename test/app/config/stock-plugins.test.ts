import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigErrorCode, Diagnostics } from '../../../src/app/config/config-error.ts';
import { splitFields, type ArgToken, type PluginContext } from '../../../src/app/config/plugin-args.ts';
import { parseStockPlugin, type ServerFamily, type StockPluginName } from '../../../src/app/config/stock-plugins.ts';
import { parseIPv4 } from '../../../src/wire/addr.ts';

const ctxFor = (): PluginContext => ({ diag: new Diagnostics('s.yaml'), at: { line: 2, col: 7 } });
/** Tokens on line 2 at columns 20, 40, 60, … (token n at 20n). */
const toks = (text: string): ArgToken[] => splitFields(text).map((t, i) => ({ text: t, index: i + 1, line: 2, col: 20 * (i + 1) }));
const ip = (s: string): number => parseIPv4(s)!;

describe('stock plugin arguments', () => {
  // [plugin, family, args, expected config]
  const ok: Array<[StockPluginName, ServerFamily, string, unknown]> = [
    ['server_id', 4, '172.16.0.253', { family: 4, ip: ip('172.16.0.253') }],
    ['server_id', 6, 'LL 00:de:ad:be:ef:00', { family: 6, duid: { type: 'LL', mac: '00:de:ad:be:ef:00' } }],
    ['server_id', 6, 'llt 00-DE-AD-BE-EF-01', { family: 6, duid: { type: 'LLT', mac: '00:de:ad:be:ef:01' } }],
    ['server_id', 6, 'duid-ll 00:de:ad:be:ef:00', { family: 6, duid: { type: 'LL', mac: '00:de:ad:be:ef:00' } }],
    ['server_id', 6, 'EN 32473 0a:0b:0c', { family: 6, duid: { type: 'EN', enterpriseNumber: 32473, identifier: Uint8Array.of(10, 11, 12) } }],
    ['dns', 4, '1.1.1.1 8.8.8.8', { servers: [{ family: 4, v4: ip('1.1.1.1'), text: '1.1.1.1' }, { family: 4, v4: ip('8.8.8.8'), text: '8.8.8.8' }] }],
    ['router', 4, '172.16.0.254', { routers: [ip('172.16.0.254')] }],
    ['netmask', 4, '255.255.255.0', { mask: ip('255.255.255.0'), prefix: 24 }],
    ['lease_time', 4, '10m', { leaseTimeMs: 600_000 }],
    ['searchdomains', 4, 'cluster.local example.test.', { domains: ['cluster.local', 'example.test.'] }],
    ['searchdomains', 6, 'cluster.local', { domains: ['cluster.local'] }],
    ['mtu', 4, '9000', { mtu: 9000 }],
    ['file', 4, '/etc/coredhcp/hostsfile', { path: '/etc/coredhcp/hostsfile', autorefresh: false }],
    ['file', 6, '/etc/leases.txt autorefresh', { path: '/etc/leases.txt', autorefresh: true }],
  ];
  for (const [name, family, args, want] of ok) {
    test(`${name} (v${family}) ${args}`, () => {
      const ctx = ctxFor();
      assert.deepEqual(parseStockPlugin(name, toks(args), family, ctx), want);
      assert.deepEqual(ctx.diag.errors, []);
    });
  }

  test('dns under server6 takes IPv6 addresses', () => {
    const got = parseStockPlugin('dns', toks('fd00:100::254 2001:4860:4860::8888'), 6, ctxFor());
    assert.deepEqual(
      got?.servers.map((s) => s.text),
      ['fd00:100::254', '2001:4860:4860::8888'],
    );
  });

  // [plugin, family, args, column of the error (the plugin entry is column 7)]
  const bad: Array<[StockPluginName, ServerFamily, string, number]> = [
    ['server_id', 4, '', 7],
    ['server_id', 4, 'fd00::1', 20],
    ['server_id', 4, '0.0.0.0', 20],
    ['server_id', 4, '10.0.0.1 10.0.0.2', 40],
    ['server_id', 6, '', 7],
    ['server_id', 6, 'LL', 7],
    ['server_id', 6, 'LL zz:de:ad:be:ef:00', 40],
    ['server_id', 6, 'LL 00:de:ad:be:ef:00:11:22', 40],
    ['server_id', 6, 'UUID 1234', 20],
    ['server_id', 6, 'EN x 0a0b', 40],
    ['server_id', 6, 'EN 1 0a0', 60],
    ['dns', 4, '', 7],
    ['dns', 4, '1.1.1.1 fd00::1', 40],
    ['dns', 6, '1.1.1.1', 20],
    ['router', 4, '172.16.0.256', 20],
    ['netmask', 4, '255.0.255.0', 20],
    ['netmask', 4, '0.0.0.0', 20],
    ['netmask', 4, '255.255.255.0 255.255.0.0', 40],
    ['lease_time', 4, '10', 20],
    ['lease_time', 4, '0s', 20],
    ['searchdomains', 4, 'bad..name', 20],
    ['searchdomains', 4, '-x.example', 20],
    ['mtu', 4, '67', 20],
    ['mtu', 4, '65536', 20],
    ['mtu', 4, '1500b', 20],
    ['file', 4, '', 7],
    ['file', 4, '/f refresh', 40],
    ['file', 4, '/f autorefresh extra', 60],
  ];
  for (const [name, family, args, col] of bad) {
    test(`${name} (v${family}) rejects ${JSON.stringify(args)} at column ${col}`, () => {
      const ctx = ctxFor();
      assert.equal(parseStockPlugin(name, toks(args), family, ctx), undefined);
      assert.deepEqual(
        ctx.diag.errors.map((e) => `${e.code}:${e.key}@${e.line}:${e.col}`),
        [`${ConfigErrorCode.BadValue}:${name}@2:${col}`],
      );
    });
  }
});
