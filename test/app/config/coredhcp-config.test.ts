import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigErrorCode, ConfigErrors } from '../../../src/app/config/config-error.ts';
import { loadCoredhcpConfig, readCoredhcpConfigFile } from '../../../src/app/config/coredhcp-config.ts';

const CORESMD = 'coresmd: svc_base_uri=http://smd ipxe_base_uri=http://ipxe domain=d ca_cert=/ca tftp_dir=/t tftp_port=69 cache_valid=30s lease_time=1h';

/** "code:key@line:col" of every error loadCoredhcpConfig throws ([] when it loads). */
function errorsOf(text: string): string[] {
  try {
    loadCoredhcpConfig(text, 'c.yaml');
    return [];
  } catch (e) {
    if (!(e instanceof ConfigErrors)) throw e;
    return e.errors.map((x) => `${x.code}:${x.key ?? '-'}@${x.line}:${x.col}`);
  }
}

function warningsOf(text: string): string[] {
  return loadCoredhcpConfig(text, 'c.yaml').warnings.map((x) => `${x.code}:${x.key ?? '-'}@${x.line}:${x.col}`);
}

describe('loadCoredhcpConfig: structure errors (file:line:col and a stable code)', () => {
  const cases: Array<[string, string, string[]]> = [
    ['empty file', '', [`${ConfigErrorCode.MissingKey}:-@1:1`]],
    ['not a mapping', '- a\n', [`${ConfigErrorCode.WrongType}:-@1:1`]],
    ['neither server', 'other: 1\n', [`${ConfigErrorCode.UnknownKey}:other@1:1`, `${ConfigErrorCode.MissingKey}:-@1:1`]],
    ['wrong case', 'Server4:\n  plugins:\n    - dns: 1.1.1.1\n', [`${ConfigErrorCode.UnknownKey}:Server4@1:1`, `${ConfigErrorCode.MissingKey}:-@1:1`]],
    ['empty section', 'server4:\n', [`${ConfigErrorCode.WrongType}:server4@1:1`]],
    ['section is a scalar', 'server4: yes\n', [`${ConfigErrorCode.WrongType}:server4@1:10`]],
    ['no plugins', 'server4:\n  listen: "%eth0"\n', [`${ConfigErrorCode.MissingKey}:server4@1:1`]],
    ['plugins not a list', 'server4:\n  plugins: dns\n', [`${ConfigErrorCode.WrongType}:plugins@2:12`]],
    ['empty plugins', 'server4:\n  plugins: []\n', [`${ConfigErrorCode.WrongType}:plugins@2:12`]],
    ['unknown section key', 'server4:\n  plugin:\n    - dns: 1.1.1.1\n  plugins:\n    - dns: 1.1.1.1\n', [`${ConfigErrorCode.UnknownKey}:plugin@2:3`]],
    ['two keys in one item', 'server4:\n  plugins:\n    - dns: 1.1.1.1\n      router: 1.1.1.2\n', [`${ConfigErrorCode.WrongType}:plugins@3:7`]],
    ['a bare string item', 'server4:\n  plugins:\n    - dns\n', [`${ConfigErrorCode.WrongType}:plugins@3:7`]],
    ['unknown plugin', 'server4:\n  plugins:\n    - range: leases.txt 10.0.0.1 10.0.0.9 60s\n', [`${ConfigErrorCode.UnknownPlugin}:range@3:7`]],
    ['plugin name case', 'server4:\n  plugins:\n    - CoreSMD: x=1\n', [`${ConfigErrorCode.UnknownPlugin}:CoreSMD@3:7`]],
    ['list arguments', 'server4:\n  plugins:\n    - dns:\n        - 1.1.1.1\n', [`${ConfigErrorCode.WrongType}:dns@4:9`]],
    ['bootloop under server6', 'server6:\n  plugins:\n    - bootloop: lease_file=/l ipv4_start=10.0.0.1 ipv4_end=10.0.0.2\n', [`${ConfigErrorCode.PluginPlacement}:bootloop@3:7`]],
    ['router under server6', 'server6:\n  plugins:\n    - router: 10.0.0.1\n', [`${ConfigErrorCode.PluginPlacement}:router@3:7`]],
    ['listen and interface', 'server4:\n  listen: "%eth0"\n  interface: eth0\n  plugins:\n    - dns: 1.1.1.1\n', [`${ConfigErrorCode.Conflict}:interface@3:3`]],
    ['bad listen item', 'server4:\n  listen:\n    - "%eth0"\n    - eth1\n  plugins:\n    - dns: 1.1.1.1\n', [`${ConfigErrorCode.BadListen}:listen@4:7`]],
    ['empty listen', 'server4:\n  listen:\n  plugins:\n    - dns: 1.1.1.1\n', [`${ConfigErrorCode.WrongType}:listen@2:3`]],
    ['coresmd twice in a section', `server4:\n  plugins:\n    - ${CORESMD}\n    - ${CORESMD}\n`, [`${ConfigErrorCode.Duplicate}:coresmd@4:7`]],
    [
      'errors of several plugins are all reported',
      'server4:\n  plugins:\n    - server_id: nope\n    - dns: 1.1.1.1\n    - coresmd: |\n        svc_base_uri=http://smd\n        typo=1\nserver6:\n  plugins:\n    - mtu: 1500\n',
      [
        `${ConfigErrorCode.BadValue}:server_id@3:18`,
        `${ConfigErrorCode.MissingKey}:ipxe_base_uri@5:7`,
        `${ConfigErrorCode.UnknownArg}:typo@7:9`,
        `${ConfigErrorCode.PluginPlacement}:mtu@10:7`,
      ],
    ],
  ];
  for (const [name, text, want] of cases) {
    test(name, () => assert.deepEqual(errorsOf(text), want));
  }

  test('YAML errors come through with their position', () => {
    assert.deepEqual(errorsOf('server4:\n  plugins:\n\t- dns: 1.1.1.1\n'), [`${ConfigErrorCode.YamlTab}:-@3:1`]);
  });

  test('an unreadable file is a ConfigErrors at 1:1', () => {
    assert.throws(
      () => readCoredhcpConfigFile('/nonexistent/coresmd.yaml'),
      (e: unknown) => e instanceof ConfigErrors && e.errors[0]?.code === ConfigErrorCode.ReadFailed && String(e.errors[0]).startsWith('/nonexistent/coresmd.yaml:1:1: cannot read the file'),
    );
  });
});

describe('loadCoredhcpConfig: what loads', () => {
  test('a minimal server4 with the default listen', () => {
    const cfg = loadCoredhcpConfig('server4:\n  plugins:\n    - server_id: 10.0.0.1\n    - dns: 1.1.1.1\n', 'c.yaml');
    assert.equal(cfg.server6, undefined);
    assert.deepEqual(cfg.server4?.listen, [{ kind: 'default', family: 4 }]);
    assert.deepEqual(
      cfg.server4?.plugins.map((p) => `${p.name}@${p.line}:${p.col}`),
      ['server_id@3:7', 'dns@4:7'],
    );
  });

  test('listen as a single string, and the deprecated interface alias', () => {
    const a = loadCoredhcpConfig('server4:\n  listen: "%eth0"\n  plugins:\n    - dns: 1.1.1.1\n', 'c.yaml');
    assert.equal(a.server4?.listen[0]?.kind === 'address' && a.server4.listen[0].iface, 'eth0');
    const b = loadCoredhcpConfig('server6:\n  interface: eth1\n  plugins:\n    - dns: fd00::1\n', 'c.yaml');
    const l = b.server6?.listen[0];
    assert.equal(l?.kind === 'address' && l.iface, 'eth1');
    assert.deepEqual(
      b.warnings.map((w) => `${w.code}:${w.key}@${w.line}:${w.col}`),
      [`${ConfigErrorCode.Deprecated}:interface@2:3`],
    );
  });

  test('a plugin with no arguments where it takes none is only checked by that plugin', () => {
    assert.deepEqual(errorsOf('server4:\n  plugins:\n    - dns:\n'), [`${ConfigErrorCode.BadValue}:dns@3:7`]);
  });

  const warnings: Array<[string, string, string[]]> = [
    [
      'bootloop not last',
      `server4:\n  plugins:\n    - server_id: 10.0.0.1\n    - bootloop: lease_file=/l lease_time=5m script_path=default subnet_pool=10.0.0.0/24,10.0.0.10,10.0.0.20\n    - dns: 1.1.1.1\n`,
      [`${ConfigErrorCode.Suspicious}:dns@5:7`],
    ],
    // Ours applies server_id wherever it sits and falls back to the ingress address: no warning.
    ['server_id after coresmd', `server4:\n  plugins:\n    - ${CORESMD}\n    - server_id: 10.0.0.1\n`, []],
    ['no server_id', `server4:\n  plugins:\n    - ${CORESMD}\n`, []],
    ['a repeated single-valued key', `server4:\n  plugins:\n    - server_id: 10.0.0.1\n    - ${CORESMD} domain=e\n`, [`${ConfigErrorCode.RepeatedArg}:domain@4:142`]],
    ['dns twice', 'server4:\n  plugins:\n    - dns: 1.1.1.1\n    - dns: 8.8.8.8\n', [`${ConfigErrorCode.Suspicious}:dns@4:7`]],
    [
      'coresmd in both sections with a different shared setting',
      `server4:\n  plugins:\n    - server_id: 10.0.0.1\n    - ${CORESMD}\nserver6:\n  listen: "%eth0"\n  plugins:\n    - ${CORESMD.replace('tftp_dir=/t', 'tftp_dir=/six')}\n`,
      [`${ConfigErrorCode.Suspicious}:coresmd@8:7`],
    ],
    ['[::] joins no multicast group', 'server6:\n  listen: ["[::]"]\n  plugins:\n    - dns: fd00::1\n', [`${ConfigErrorCode.Suspicious}:listen@2:12`]],
  ];
  for (const [name, text, want] of warnings) {
    test(`warns: ${name}`, () => assert.deepEqual(warningsOf(text), want));
  }

  test('coresmd under both servers keeps per-section rules and domains', () => {
    const cfg = loadCoredhcpConfig(
      `server4:\n  plugins:\n    - server_id: 10.0.0.1\n    - ${CORESMD} rule=hostname:v4-{04d}\nserver6:\n  listen: "%eth0"\n  plugins:\n    - ${CORESMD.replace('domain=d', 'domain=six')} rule=hostname:v6-{04d}\n`,
      'c.yaml',
    );
    const c4 = cfg.server4?.plugins.find((p) => p.name === 'coresmd');
    const c6 = cfg.server6?.plugins.find((p) => p.name === 'coresmd');
    assert.equal(c4?.name === 'coresmd' && c4.config.rules[0]?.action.hostname, 'v4-{04d}');
    assert.equal(c6?.name === 'coresmd' && c6.config.domain, 'six');
    assert.deepEqual(cfg.warnings, []);
  });
});
