import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigErrorCode, Diagnostics } from '../../../src/app/config/config-error.ts';
import {
  buildSubnetContext,
  formatCoresmdConfig,
  loadCoresmdConfig,
  parseCoresmdArgs,
  validateCoresmdConfig,
  type CoresmdConfig,
} from '../../../src/app/config/coresmd-config.ts';
import type { ArgToken, PluginContext } from '../../../src/app/config/plugin-args.ts';
import { parseRule } from '../../../src/dhcp/service/rules/parse-rule.ts';

const ctxFor = (): PluginContext => ({ diag: new Diagnostics('c.yaml'), at: { line: 4, col: 7 } });
/** One token per line from line 10, column 9 (as in a `|` block). */
const toks = (...texts: string[]): ArgToken[] => texts.map((text, i) => ({ text, index: i + 1, line: 10 + i, col: 9 }));
const REQUIRED = ['svc_base_uri=https://svc.example.test', 'ipxe_base_uri=http://ipxe.example.test'];

describe('coresmd configuration (spec §3.7 N)', () => {
  test('parses every key of the Go test without errors; one rule named special with log ""', () => {
    const ctx = ctxFor();
    const args = parseCoresmdArgs(
      toks(
        'svc_base_uri=https://svc.example.test',
        'ipxe_base_uri=https://ipxe.example.test',
        'ca_cert=/etc/pki/ca.pem',
        'cache_valid=15s',
        'lease_time=30m0s',
        'single_port=true',
        'tftp_dir=/tftp',
        'tftp_port=1069',
        'domain=cluster.local',
        'rule_log=info',
        'rule=name:special,type:Node,id:x1000s0c0b0n0,hostname:login-{id},domain:mgmt.local',
      ),
      ctx,
    );
    assert.deepEqual(ctx.diag.errors, []);
    assert.equal(args.svcBaseUri, 'https://svc.example.test');
    assert.equal(args.ipxeBaseUri, 'https://ipxe.example.test');
    assert.equal(args.caCert, '/etc/pki/ca.pem');
    assert.equal(args.cacheValidMs, 15_000);
    assert.equal(args.leaseTimeMs, 1_800_000);
    assert.equal(args.singlePort, true);
    assert.equal(args.tftpDir, '/tftp');
    assert.equal(args.tftpPort, 1069);
    assert.equal(args.domain, 'cluster.local');
    assert.equal(args.ruleLog, 'info');
    assert.equal(args.rules?.length, 1);
    const r = args.rules![0]!;
    assert.equal(r.name, 'special');
    assert.equal(r.log, '');
    assert.equal(r.match.id, 'x1000s0c0b0n0');
    assert.deepEqual([...r.match.types!], ['Node']);
    assert.equal(r.action.hostname, 'login-{id}');
    assert.equal(r.action.domain, 'mgmt.local');
  });

  const inherit: Array<[string, string, string]> = [
    ['rule_log=debug', 'rule=hostname:x', 'debug'],
    ['rule_log=debug', 'rule=hostname:x,log:none', 'none'],
    ['rule_log=none', 'rule=hostname:x', 'none'],
    ['rule_log=none', 'rule=hostname:x,log:info', 'info'],
  ];
  for (const [global, rule, want] of inherit) {
    test(`after validation ${rule} under ${global} has log ${want}`, () => {
      const cfg = loadCoresmdConfig(toks(...REQUIRED, global, rule), ctxFor());
      assert.equal(cfg?.rules[0]?.log, want);
    });
  }

  test('http_port turns the HTTP boot server on and shows in the effective config', () => {
    const cfg = loadCoresmdConfig(toks(...REQUIRED, 'http_port=8080'), ctxFor());
    assert.equal(cfg?.httpPort, 8080);
    assert.match(formatCoresmdConfig(cfg!), / http_port=8080/);
    assert.equal(loadCoresmdConfig(toks(...REQUIRED), ctxFor())?.httpPort, undefined);
    const ctx = ctxFor();
    loadCoresmdConfig(toks(...REQUIRED, 'http_port=0'), ctx);
    assert.deepEqual(ctx.diag.errors.map((e) => e.key), ['http_port']);
  });

  test('ca_cert is only worth a warning for an https SMD', () => {
    for (const [svc, warned] of [['https://svc', true], ['http://svc', false], ['file:///srv/inventory.json', false]] as const) {
      const ctx = ctxFor();
      validateCoresmdConfig({ svcBaseUri: svc, ipxeBaseUri: 'http://ipxe' }, ctx);
      assert.equal(ctx.diag.warnings.some((w) => w.key === 'ca_cert'), warned, svc);
    }
  });

  test('validating only svc and ipxe: no errors, warnings, and the defaults', () => {
    const ctx = ctxFor();
    const cfg = validateCoresmdConfig({ svcBaseUri: 'https://svc', ipxeBaseUri: 'http://ipxe' }, ctx);
    assert.deepEqual(ctx.diag.errors, []);
    assert.ok(ctx.diag.warnings.length >= 1);
    assert.ok(cfg);
    assert.equal(cfg.cacheValidMs, 30_000);
    assert.equal(cfg.leaseTimeMs, 3_600_000);
    assert.equal(cfg.tftpPort, 69);
    assert.equal(cfg.tftpDir, '/tftpboot');
    assert.equal(cfg.ruleLog, 'info');
    assert.equal(cfg.caCert, '');
    assert.equal(cfg.svcTimeoutMs, 10_000);
    // The defaults the original warns about, one warning each, at the plugin entry.
    assert.deepEqual(
      ctx.diag.warnings.map((w) => `${w.code}:${w.key}@${w.line}:${w.col}`),
      ['ca_cert', 'cache_valid', 'lease_time', 'tftp_port', 'tftp_dir', 'domain'].map((k) => `${ConfigErrorCode.DefaultUsed}:${k}@4:7`),
    );
  });

  const subnetContext: Array<[string, string[], number | undefined]> = [
    ['one subnet rule', ['subnet:10.0.0.0/24,hostname:a'], 1],
    ['two different subnets', ['subnet:10.0.0.0/24,hostname:a', 'subnet:10.0.1.0/24,hostname:b'], 2],
    ['the same subnet in two rules', ['subnet:10.0.0.0/24,hostname:a', 'subnet:10.0.0.9/24,hostname:b'], 1],
    ['ignore rules and IPv6 count too', ['subnet:10.0.0.0/24,ignore:true', 'subnet:fd00::/64,hostname:v6'], 2],
    ['rules without subnets', ['hostname:a', 'type:Node,hostname:b'], 0],
  ];
  for (const [name, rules, count] of subnetContext) {
    test(`subnet context: ${name} → ${count}`, () => assert.equal(buildSubnetContext(rules.map(parseRule)).length, count));
  }

  test('the relay rule has 1 subnet, 1 router and a /24 netmask', () => {
    const cfg = loadCoresmdConfig(toks(...REQUIRED, 'rule=subnet:10.40.1.0/24,type:Node,hostname:compute-{04d},routers:10.40.1.1,cidr:24'), ctxFor());
    const r = cfg?.rules[0];
    assert.equal(r?.match.subnets.length, 1);
    assert.equal(r?.action.routers.length, 1);
    assert.deepEqual(r?.action.netmask, { bits: 32, ones: 24 });
    assert.deepEqual(
      cfg?.subnets.map((c) => c.text),
      ['10.40.1.0/24'],
    );
  });

  test("Config.String() has the original's fields", () => {
    const cfg: CoresmdConfig = {
      svcBaseUri: 'https://svc.example.test',
      ipxeBaseUri: 'http://ipxe.example.test',
      caCert: '/etc/ssl/ca.pem',
      cacheValidMs: 10_000,
      leaseTimeMs: 300_000,
      singlePort: true,
      tftpDir: '/tftp',
      tftpPort: 1069,
      domain: 'example.test',
      ruleLog: 'debug',
      rules: [],
      subnets: [],
      cacheFile: undefined,
      svcToken: undefined,
      svcTimeoutMs: 10_000,
      httpPort: undefined,
    };
    const s = formatCoresmdConfig(cfg);
    for (const part of [
      'svc_base_uri=https://svc.example.test',
      'ca_cert=/etc/ssl/ca.pem',
      'cache_valid=10s',
      'lease_time=5m0s',
      'single_port=true',
      'tftp_dir=/tftp',
      'tftp_port=1069',
      'domain=example.test',
      'rule_log=debug',
    ]) {
      assert.ok(s.includes(part), `${s} lacks ${part}`);
    }
    assert.ok(s.startsWith('svc_base_uri=https://svc.example.test ipxe_base_uri=http://ipxe.example.test ca_cert=/etc/ssl/ca.pem cache_valid=10s lease_time=5m0s single_port=true tftp_dir=/tftp tftp_port=1069 domain=example.test rule_log=debug'));
  });

  test('formatCoresmdConfig appends our keys and one rule= per rule', () => {
    const cfg = loadCoresmdConfig(toks(...REQUIRED, 'cache_file=/c', 'svc_token_env=TOK', 'svc_timeout=2s', 'rule=type:Node,hostname:nid{04d}'), ctxFor());
    assert.ok(cfg);
    assert.match(formatCoresmdConfig(cfg), / rule_log=info svc_timeout=2s cache_file=\/c svc_token_env=TOK rule=name:rule-9dcba62c,log:info,types:Node,hostname:nid\{04d\},continue:false,ignore:false$/);
  });

  test('no arguments (Setup6 with none): errors for both required keys', () => {
    const ctx = ctxFor();
    assert.equal(loadCoresmdConfig([], ctx), undefined);
    assert.deepEqual(
      ctx.diag.errors.map((e) => `${e.code}:${e.key}@${e.line}:${e.col}`),
      [`${ConfigErrorCode.MissingKey}:svc_base_uri@4:7`, `${ConfigErrorCode.MissingKey}:ipxe_base_uri@4:7`],
    );
  });
});

describe('coresmd keys: parse errors are fatal, with key and position (spec §2.2)', () => {
  // [argument, code, key, column of the error]; the argument is token 3 (line 12, column 9).
  const cases: Array<[string, string, string, number]> = [
    ['svc_base_uri=', ConfigErrorCode.BadValue, 'svc_base_uri', 22],
    ['svc_base_uri=not a url', ConfigErrorCode.BadValue, 'svc_base_uri', 22],
    ['svc_base_uri=ftp://x', ConfigErrorCode.BadValue, 'svc_base_uri', 22],
    ['svc_base_uri=file:///', ConfigErrorCode.BadValue, 'svc_base_uri', 22],
    ['ipxe_base_uri=file:///x', ConfigErrorCode.BadValue, 'ipxe_base_uri', 23],
    ['ipxe_base_uri=smd:8080', ConfigErrorCode.BadValue, 'ipxe_base_uri', 23],
    ['cache_valid=0s', ConfigErrorCode.BadValue, 'cache_valid', 21],
    ['cache_valid=-5s', ConfigErrorCode.BadValue, 'cache_valid', 21],
    ['cache_valid=1d', ConfigErrorCode.BadValue, 'cache_valid', 21],
    ['lease_time=500ms', ConfigErrorCode.BadValue, 'lease_time', 20],
    ['lease_time=2000000h', ConfigErrorCode.BadValue, 'lease_time', 20],
    ['svc_timeout=0', ConfigErrorCode.BadValue, 'svc_timeout', 21],
    ['single_port=yes', ConfigErrorCode.BadValue, 'single_port', 21],
    ['tftp_port=0', ConfigErrorCode.BadValue, 'tftp_port', 19],
    ['tftp_port=65536', ConfigErrorCode.BadValue, 'tftp_port', 19],
    ['tftp_port=69x', ConfigErrorCode.BadValue, 'tftp_port', 19],
    ['rule_log=INFO', ConfigErrorCode.BadValue, 'rule_log', 18],
    ['rule=hostname:a,domian:oopsy', ConfigErrorCode.BadRule, 'rule', 14],
    ['node_pattern=', ConfigErrorCode.BadValue, 'node_pattern', 22],
    ['cache_file=', ConfigErrorCode.BadValue, 'cache_file', 20],
    ['svc_token_env=1BAD', ConfigErrorCode.BadValue, 'svc_token_env', 23],
    ['subnet=10.0.0.0/24', ConfigErrorCode.UnknownArg, 'subnet', 9],
    ['hostname_rule=x', ConfigErrorCode.UnknownArg, 'hostname_rule', 9],
    ['nid{04d}', ConfigErrorCode.ArgFormat, '-', 9],
  ];
  for (const [arg, code, key, col] of cases) {
    test(`${arg} → ${code} (${key}) at 12:${col}`, () => {
      const ctx = ctxFor();
      assert.equal(loadCoresmdConfig(toks(...REQUIRED, arg), ctx), undefined);
      assert.deepEqual(
        ctx.diag.errors.map((e) => `${e.code}:${e.key ?? '-'}@${e.line}:${e.col}`),
        [`${code}:${key}@12:${col}`],
      );
    });
  }

  test('a bad rule reports the contract text of spec §3.7 L', () => {
    const ctx = ctxFor();
    loadCoresmdConfig(toks(...REQUIRED, 'rule=hostname:a,domian:oopsy'), ctx);
    assert.equal(String(ctx.diag.errors[0]), 'c.yaml:12:14: rule: element 1: unknown key "domian"');
  });

  test('svc_token_file and svc_token_env are mutually exclusive', () => {
    const ctx = ctxFor();
    assert.equal(loadCoresmdConfig(toks(...REQUIRED, 'svc_token_file=/t', 'svc_token_env=T'), ctx), undefined);
    assert.deepEqual(
      ctx.diag.errors.map((e) => `${e.code}:${e.key}@${e.line}`),
      [`${ConfigErrorCode.Conflict}:svc_token_env@13`],
    );
  });

  const ok: Array<[string[], Partial<CoresmdConfig>]> = [
    [['ca_cert='], { caCert: '' }],
    [['ca_cert="/etc/ca.pem"'], { caCert: '/etc/ca.pem' }],
    [['tftp_dir='], { tftpDir: '/tftpboot' }],
    [["domain='cluster.local'"], { domain: 'cluster.local' }],
    [['svc_base_uri="http://q.example"'], { svcBaseUri: 'http://q.example' }],
    [['svc_base_uri=file:///var/lib/inv.json'], { svcBaseUri: 'file:///var/lib/inv.json' }],
    [['single_port=T'], { singlePort: true }],
    [['single_port=False'], { singlePort: false }],
    [['tftp_port=+69'], { tftpPort: 69 }],
    [['cache_valid=1.5h'], { cacheValidMs: 5_400_000 }],
    [['svc_token_file=/run/secrets/smd'], { svcToken: { kind: 'file', path: '/run/secrets/smd' } }],
    [['svc_token_env=SMD_TOKEN'], { svcToken: { kind: 'env', name: 'SMD_TOKEN' } }],
    [['domain=a', 'domain=b'], { domain: 'b' }],
  ];
  for (const [args, want] of ok) {
    test(`accepts ${args.join(' ')}`, () => {
      const ctx = ctxFor();
      const cfg = loadCoresmdConfig(toks(...REQUIRED, ...args), ctx);
      assert.deepEqual(ctx.diag.errors, []);
      assert.ok(cfg);
      for (const [k, v] of Object.entries(want)) assert.deepEqual(cfg[k as keyof CoresmdConfig], v, k);
    });
  }

  test('rules, bmc_pattern and node_pattern accumulate in argument order', () => {
    const ctx = ctxFor();
    const cfg = loadCoresmdConfig(toks(...REQUIRED, 'node_pattern=nid{04d}', 'rule=name:r,hostname:x', 'bmc_pattern="bmc{04d}"'), ctx);
    assert.deepEqual(
      cfg?.rules.map((r) => r.name),
      ['rule-9dcba62c', 'r', 'rule-a2e6bec3'],
    );
    assert.deepEqual(
      ctx.diag.warnings.filter((w) => w.code === ConfigErrorCode.Deprecated).map((w) => `${w.key}@${w.line}`),
      ['node_pattern@12', 'bmc_pattern@14'],
    );
  });

  test('a tftp_port other than 69 warns about the iPXE binaries', () => {
    const ctx = ctxFor();
    loadCoresmdConfig(toks(...REQUIRED, 'tftp_port=1069'), ctx);
    assert.ok(ctx.diag.warnings.some((w) => w.code === ConfigErrorCode.Suspicious && w.key === 'tftp_port' && w.line === 12));
  });
});
