// `coresmd serve` on the command line: help, usage errors, and the original's command lines
// through links named coredhcp and coredns (they reach the same appliance).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../../src/app/main.ts';
import type { CliIo } from '../../../src/app/cli/command.ts';
import { loadServeConfig } from '../../../src/app/serve/serve-config.ts';
import { corefile, dhcpConfig, workdir, type Workdir } from './support.ts';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const sink: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t) };
  return { sink, out: () => out.join(''), err: () => err.join('') };
}

describe('coresmd serve (command line)', () => {
  let w: Workdir;
  before(() => (w = workdir()));
  after(() => w.remove());

  test('--help documents the files, the flags, the signals and the systemd unit', async () => {
    const o = io();
    assert.equal(await main(['serve', '--help'], 'coresmd', o.sink), 0);
    const help = o.out();
    for (const want of ['--dhcp FILE', '--dns FILE', '--dns.port PORT', '--loglevel', '--log-format', '--no-raw-socket', '--drain-timeout SECONDS', 'SIGHUP', 'SIGUSR1', 'SIGTERM', 'file:line:col', 'one inventory', 'packaging/systemd/coresmd.service']) {
      assert.ok(help.includes(want), `help mentions ${want}`);
    }
  });

  test('serve is listed in the top-level help', async () => {
    const o = io();
    assert.equal(await main(['--help'], 'coresmd', o.sink), 0);
    assert.match(o.out(), /^ {2}serve +run DHCPv4, DHCPv6, TFTP, HTTP boot and DNS in one process/m);
  });

  for (const [args, why] of [
    [['serve'], /give --dhcp FILE, --dns FILE or both/],
    [['serve', '--dhcp', 'x', 'extra'], /unexpected argument 'extra'/],
    [['serve', '--dns', 'x', '--dns.port', '0'], /--dns.port must be 1-65535/],
    [['serve', '--dhcp', 'x', '--drain-timeout', 'soon'], /--drain-timeout must be a number of seconds/],
    [['serve', '--dhcp', 'x', '--log-format', 'xml'], /--log-format must be json or logfmt/],
  ] as const) {
    test(`usage error, exit 2: ${args.join(' ')}`, async () => {
      const o = io();
      assert.equal(await main([...args], 'coresmd', o.sink), 2);
      assert.match(o.err(), why);
      assert.match(o.err(), /Usage: coresmd serve/);
    });
  }

  test('a link named coredhcp runs `coresmd dhcp` with the original flags', async () => {
    const file = w.write('bad.yaml', 'server4:\n  plugins:\n    - nope: x\n');
    const o = io();
    assert.equal(await main(['-c', file], 'coredhcp', o.sink), 1);
    assert.match(o.err(), new RegExp(`^error: ${file}:3:7: nope: unknown plugin`, 'm'));
  });

  test('`coresmd dhcp --help` says SIGHUP reloads', async () => {
    const o = io();
    assert.equal(await main(['dhcp', '--help'], 'coresmd', o.sink), 0);
    assert.match(o.out(), /SIGHUP reloads/);
  });
});

describe('loadServeConfig', () => {
  let w: Workdir;
  before(() => (w = workdir()));
  after(() => w.remove());

  test('both files valid: a Corefile smd_url other than svc_base_uri is a warning with its position', () => {
    const dhcp = w.write('coredhcp.yaml', dhcpConfig({ smdUrl: 'http://127.0.0.1:1', listen: '127.0.0.1:1067' }));
    const dns = w.write('Corefile', corefile({ smdUrl: 'http://127.0.0.1:2', port: 1053 }));
    const r = loadServeConfig({ dhcp, dns }, {});
    assert.ok(r.ok);
    const w1 = r.config.warnings.find((x) => x.includes('differs from'));
    assert.match(w1 ?? '', new RegExp(`^${dns}:3:5: coresmd: smd_url http://127\\.0\\.0\\.1:2 \\(svc_base_uri is http://127\\.0\\.0\\.1:1\\) differs from ${dhcp}`));
  });

  test('the same smd_url: no warning', () => {
    const dhcp = w.write('coredhcp.yaml', dhcpConfig({ smdUrl: 'http://127.0.0.1:1', listen: '127.0.0.1:1067' }));
    const dns = w.write('Corefile', corefile({ smdUrl: 'http://127.0.0.1:1/', port: 1053 }));
    const r = loadServeConfig({ dhcp, dns }, {});
    assert.ok(r.ok);
    assert.equal(r.config.warnings.filter((x) => x.includes('differs from')).length, 0);
  });

  test('--dns.port applies to Corefile keys without a port', () => {
    const dns = w.write('Corefile2', '. {\n  coresmd {\n    smd_url http://127.0.0.1:1\n  }\n}\n');
    const r = loadServeConfig({ dns, dnsDefaultPort: 1153 }, {});
    assert.ok(r.ok);
    assert.equal(r.config.dns?.blocks[0]?.keys[0]?.port, 1153);
  });
});
