// Each YAML file of test/fixtures/config loads, or fails, exactly as expected: the plugin chain
// and its positions, or every error with its file:line:col.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ConfigErrorCode as C, ConfigErrors } from '../../../src/app/config/config-error.ts';
import { readCoredhcpConfigFile, type CoredhcpConfig, type ParsedPlugin } from '../../../src/app/config/coredhcp-config.ts';
import { evaluate4, evaluate6 } from '../../../src/dhcp/service/rules/evaluate.ts';
import { makeRuleTarget } from '../../../src/dhcp/service/rules/rule.ts';
import { parseIp, parseIPv4, type IpAddress } from '../../../src/wire/addr.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/config/${name}`, import.meta.url));
const ip = (s: string): IpAddress => parseIp(s)!;
const v4 = (s: string): number => parseIPv4(s)!;

function failures(name: string): string[] {
  try {
    readCoredhcpConfigFile(fixture(name));
  } catch (e) {
    if (!(e instanceof ConfigErrors)) throw e;
    return e.errors.map((x) => `${x.line}:${x.col} ${x.code} ${x.key ?? '-'}`);
  }
  return assert.fail(`${name} loaded`);
}

const chain = (plugins: readonly ParsedPlugin[] | undefined): string[] => (plugins ?? []).map((p) => `${p.name}@${p.line}:${p.col}`);
const warnings = (cfg: CoredhcpConfig): string[] => cfg.warnings.map((w) => `${w.line}:${w.col} ${w.code} ${w.key ?? '-'}`);
function coresmdOf(plugins: readonly ParsedPlugin[] | undefined) {
  const p = plugins?.find((x) => x.name === 'coresmd');
  return p?.name === 'coresmd' ? p.config : assert.fail('no coresmd');
}
function bootloopOf(plugins: readonly ParsedPlugin[] | undefined) {
  const p = plugins?.find((x) => x.name === 'bootloop');
  return p?.name === 'bootloop' ? p.config : assert.fail('no bootloop');
}

describe('fixtures that must be rejected', () => {
  const cases: Array<[string, string[]]> = [
    [
      // Upstream's bootloop block once had `/* OPTIONAL: lease duration (default 5m)` with no `*/`:
      // the original swallowed lease_time, ipv4_start and ipv4_end without a word.
      'full-example-unterminated-comment.yaml',
      [`32:7 ${C.MissingKey} -`, `37:9 ${C.CommentUnterminated} -`],
    ],
    ['legacy-minimal.yaml', [`5:3 ${C.LegacyFormat} server4`, `7:1 ${C.UnknownKey} plugins4`, `16:1 ${C.UnknownKey} log`]],
    [
      'many-errors.yaml',
      [
        `5:7 ${C.BadListen} listen`,
        `11:21 ${C.BadValue} cache_valid`,
        `12:19 ${C.BadValue} tftp_port`,
        `13:14 ${C.BadRule} rule`,
        `14:21 ${C.BadValue} single_port`,
        `15:9 ${C.CommentStrayClose} -`,
        `18:21 ${C.BadValue} subnet_pool`,
        `21:7 ${C.PluginPlacement} bootloop`,
        `22:7 ${C.PluginPlacement} netmask`,
      ],
    ],
  ];
  for (const [name, want] of cases) {
    test(name, () => assert.deepEqual(failures(name), want));
  }

  test('the error text is file:line:col: key: message', () => {
    try {
      readCoredhcpConfigFile(fixture('full-example-unterminated-comment.yaml'));
      assert.fail('loaded');
    } catch (e) {
      assert.ok(e instanceof ConfigErrors);
      const text = e.errors.map(String);
      assert.ok(text[1]!.endsWith('full-example-unterminated-comment.yaml:37:9: arg 17: unterminated comment ("/*" found without a "*/"); everything after it up to the end of the plugin\'s arguments is ignored'), text[1]);
      assert.ok(String(failuresText('many-errors.yaml')).includes('many-errors.yaml:13:14: rule: element 2: unknown key "domian"'));
    }
  });
});

function failuresText(name: string): string {
  try {
    readCoredhcpConfigFile(fixture(name));
  } catch (e) {
    if (e instanceof ConfigErrors) return e.message;
    throw e;
  }
  return '';
}

describe('fixtures that load', () => {
  test('full-example.yaml: the upstream example structure', () => {
    const cfg = readCoredhcpConfigFile(fixture('full-example.yaml'));
    assert.deepEqual(chain(cfg.server4?.plugins), ['server_id@9:7', 'dns@11:7', 'router@12:7', 'netmask@13:7', 'coresmd@16:7', 'lease_time@30:7', 'file@31:7', 'bootloop@32:7']);
    assert.deepEqual(chain(cfg.server6?.plugins), ['server_id@47:7', 'dns@48:7', 'coresmd@49:7']);
    assert.deepEqual(cfg.server4?.listen, [{ kind: 'default', family: 4 }]);
    const l6 = cfg.server6?.listen[0];
    assert.equal(l6?.kind === 'address' && `${l6.address.text} ${l6.port} ${l6.line}:${l6.col}`, ':: 547 45:7');
    const c4 = coresmdOf(cfg.server4?.plugins);
    assert.equal(c4.svcBaseUri, 'https://smd.openchami.cluster');
    assert.equal(c4.caCert, '/root_ca/root_ca.crt');
    assert.deepEqual(
      c4.rules.map((r) => r.name),
      ['rule-9dcba62c', 'rule-a2e6bec3'],
    );
    assert.equal(coresmdOf(cfg.server6?.plugins).ipxeBaseUri, 'http://[fd00:100::254]:8081');
    const b = bootloopOf(cfg.server4?.plugins);
    assert.deepEqual(b.pools, { kind: 'legacy', start: v4('172.16.0.156'), end: v4('172.16.0.200'), size: 45 });
    assert.equal(b.leaseTimeMs, 300_000);
    assert.deepEqual(warnings(cfg), [
      `25:9 ${C.Deprecated} node_pattern`,
      `26:9 ${C.Deprecated} bmc_pattern`,
      `39:9 ${C.Deprecated} ipv4_start`,
      `45:7 ${C.Suspicious} listen`,
      `58:9 ${C.Deprecated} node_pattern`,
      `59:9 ${C.Deprecated} bmc_pattern`,
    ]);
    const s = cfg.server6?.plugins[0];
    assert.deepEqual(s?.name === 'server_id' && s.config, { family: 6, duid: { type: 'LL', mac: '00:de:ad:be:ef:00' } });
  });

  test('example-reply.yaml: the spec §5.2 reply decisions', () => {
    const cfg = readCoredhcpConfigFile(fixture('example-reply.yaml'));
    assert.deepEqual(chain(cfg.server4?.plugins), ['server_id@5:7', 'dns@6:7', 'router@7:7', 'netmask@8:7', 'coresmd@9:7']);
    const c = coresmdOf(cfg.server4?.plugins);
    assert.equal(c.leaseTimeMs, 3_600_000);
    assert.equal(c.ipxeBaseUri, 'http://172.16.0.253:8081');
    const node = makeRuleTarget('x3000c0s0b0n0', 'Node', 1, [ip('172.16.0.1')]);
    const d = evaluate4(node, c.rules, { globalDomain: c.domain, ruleLog: c.ruleLog });
    assert.deepEqual([d.respond, d.hostname, d.routers, d.netmask], [true, 'nid0001.openchami.cluster', undefined, undefined]);
    assert.deepEqual(warnings(cfg), [`9:7 ${C.DefaultUsed} cache_valid`, `9:7 ${C.DefaultUsed} tftp_port`, `9:7 ${C.DefaultUsed} tftp_dir`]);
  });

  test('multi-subnet-relay.yaml: per-subnet routers and masks, pools per relay', () => {
    const cfg = readCoredhcpConfigFile(fixture('multi-subnet-relay.yaml'));
    assert.deepEqual(
      cfg.server4?.listen.map((l) => (l.kind === 'address' ? `${l.text}@${l.line}:${l.col}` : l.kind)),
      ['%eth0@5:7', '0.0.0.0:67@6:7'],
    );
    const c = coresmdOf(cfg.server4?.plugins);
    assert.deepEqual(
      c.subnets.map((s) => s.text),
      ['10.40.1.0/24', '10.40.3.0/24', '10.40.4.0/24', '10.40.9.0/24'],
    );
    const ctx = { globalDomain: c.domain, ruleLog: c.ruleLog };
    const cases: Array<[string, string, string, string | undefined, number | undefined, boolean]> = [
      ['Node', '10.40.1.7', 'compute-0007.cluster.local', '10.40.1.1', v4('255.255.255.0'), true],
      ['Node', '10.40.4.7', 'compute-0007.cluster.local', '10.40.3.1', v4('255.255.255.0'), true],
      ['NodeBMC', '10.40.3.8', 'x1.cluster.local', undefined, v4('255.255.255.0'), true],
      ['Node', '10.40.9.9', '', undefined, undefined, false],
      ['Node', '10.40.7.9', 'unknown-0007.cluster.local', undefined, undefined, true],
    ];
    for (const [type, addr, hostname, router, netmask, respond] of cases) {
      const d = evaluate4(makeRuleTarget('x1', type, 7, [ip(addr)]), c.rules, ctx);
      assert.deepEqual([d.respond, d.hostname, d.routers?.[0], d.netmask], [respond, hostname, router === undefined ? undefined : v4(router), netmask], `${type} ${addr}`);
    }
    const b = bootloopOf(cfg.server4?.plugins);
    assert.equal(b.pools.kind, 'subnets');
    assert.deepEqual(
      b.pools.kind === 'subnets' && b.pools.pools.map((p) => `${p.cidr.text} ${p.size} ${p.line}:${p.col}`),
      ['10.40.1.0/24 51 23:9', '10.40.3.0/24 51 24:9'],
    );
    assert.deepEqual(warnings(cfg), [`10:7 ${C.DefaultUsed} lease_time`, `10:7 ${C.DefaultUsed} tftp_port`, `10:7 ${C.DefaultUsed} tftp_dir`, `20:7 ${C.DefaultUsed} script_path`]);
  });

  test('all-rule-features.yaml: every key and rule feature', () => {
    const cfg = readCoredhcpConfigFile(fixture('all-rule-features.yaml'));
    const c = coresmdOf(cfg.server4?.plugins);
    assert.equal(c.svcBaseUri, 'file:///var/lib/coresmd/inventory.json');
    assert.equal(c.ipxeBaseUri, 'http://192.0.2.1:8081/bss/');
    assert.equal(c.cacheValidMs, 90_000);
    assert.equal(c.leaseTimeMs, 43_200_000);
    assert.equal(c.singlePort, true);
    assert.equal(c.tftpDir, '/srv/tftp');
    assert.equal(c.cacheFile, '/var/lib/coresmd/smd-cache.json');
    assert.deepEqual(c.svcToken, { kind: 'env', name: 'SMD_TOKEN' });
    assert.equal(c.svcTimeoutMs, 2500);
    assert.deepEqual(
      c.rules.map((r) => `${r.name}/${r.log}`),
      ['login/info', 'quiet/none', 'rule-eac89e91/debug', 'rule-baaaa22b/debug', 'rule-95dc876c/debug'],
    );
    const ctx = { globalDomain: c.domain, ruleLog: c.ruleLog };
    const login = evaluate4(makeRuleTarget('x3000c0s0b0n0', 'Node', 3, [ip('192.0.2.9')]), c.rules, ctx);
    assert.equal(login.hostname, 'login-x3000c0s0b0n0.mgmt.local.cluster.local');
    const quiet = evaluate4(makeRuleTarget('x3000c0s0b1n0', 'Node', 12, [ip('192.0.2.12')]), c.rules, ctx);
    // quiet matches and continues (silently, log:none); the NodeBMC rule does not match.
    assert.deepEqual([quiet.hostname, quiet.netmask, quiet.matched], ['n0012.cluster.local', v4('255.255.255.128'), ['quiet']]);
    assert.deepEqual(
      quiet.logs.map((l) => `${l.ruleName}:${l.event}`),
      ['rule-eac89e91:not-matched', 'rule-baaaa22b:not-matched', 'rule-95dc876c:not-matched'],
    );
    const bmc = evaluate4(makeRuleTarget('x3000c0s0b1', 'NodeBMC', 12, [ip('192.0.2.200')]), c.rules, ctx);
    assert.deepEqual([bmc.hostname, bmc.routers], ['bmc-000', [v4('192.0.2.126'), v4('192.0.2.125')]]);
    assert.equal(evaluate4(makeRuleTarget('x9', 'HSNSwitch', 0, [ip('192.0.2.5')]), c.rules, ctx).respond, false);
    const v6 = evaluate6(makeRuleTarget('x5', 'Node', 5, [ip('fd00::5')]), c.rules, ctx);
    assert.equal(v6.hostname, 'v6-x5.cluster.local');
    // The IPv6 subnet rule never gives DHCPv4 a netmask (fix of spec §3.3 step 4).
    assert.equal(evaluate4(makeRuleTarget('x5', 'Node', 5, [ip('fd00::5')]), c.rules, ctx).netmask, undefined);
    const b = bootloopOf(cfg.server4?.plugins);
    assert.equal(b.leaseFile, '/tmp/leases');
    assert.deepEqual(warnings(cfg), [`5:7 ${C.DefaultUsed} tftp_port`, `23:7 ${C.DefaultUsed} lease_time`, `23:7 ${C.DefaultUsed} script_path`]);
  });
});
