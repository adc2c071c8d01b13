// The admin settings: the coredhcp YAML's `admin:` section (unknown keys and bad values are
// errors at file:line:col), `--admin-listen`, and which wins.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCoredhcpConfig } from '../../../src/app/config/coredhcp-config.ts';
import { ConfigErrors } from '../../../src/app/config/config-error.ts';
import { parseAdminListen } from '../../../src/app/admin/admin-config.ts';
import { AdminSettingsError, resolveAdminSettings } from '../../../src/app/admin/admin-settings.ts';

const SERVER4 = `server4:
  plugins:
    - server_id: 172.16.0.253
`;

function errorsOf(text: string): string[] {
  try {
    loadCoredhcpConfig(text, 'c.yaml');
  } catch (e) {
    if (e instanceof ConfigErrors) return e.errors.map(String);
    throw e;
  }
  return [];
}

describe('admin: section of the coredhcp YAML', () => {
  test('listen and token_file are read with their positions', () => {
    const cfg = loadCoredhcpConfig(`${SERVER4}admin:\n  listen: "[::1]:9181"\n  token_file: /etc/coresmd/admin.token\n`, 'c.yaml');
    assert.deepEqual(cfg.admin?.listen, { kind: 'address', host: '::1', port: 9181 });
    assert.equal(cfg.admin?.tokenFile, '/etc/coresmd/admin.token');
    assert.deepEqual(cfg.admin?.tokenFileAt, { line: 6, col: 15 });
  });

  test('listen: off', () => {
    assert.deepEqual(loadCoredhcpConfig(`${SERVER4}admin:\n  listen: off\n`, 'c.yaml').admin?.listen, { kind: 'off' });
  });

  const bad: [string, string, RegExp][] = [
    ['an unknown key', 'admin:\n  token: x\n', /^c\.yaml:5:3: token: unknown key in admin; expected listen or token_file$/],
    ['a near miss', 'admin:\n  tokenfile: x\n', /^c\.yaml:5:3: tokenfile: unknown key in admin; did you mean 'token_file'\?$/],
    ['a listen without port', 'admin:\n  listen: 127.0.0.1\n', /^c\.yaml:5:11: admin\.listen: expected ADDR:PORT, \[IPv6\]:PORT or off/],
    ['a host name', 'admin:\n  listen: admin.example:80\n', /^c\.yaml:5:11: admin\.listen: 'admin\.example' is not an IP address/],
    ['a port out of range', 'admin:\n  listen: 127.0.0.1:70000\n', /admin\.listen: port out of range/],
    ['a list', 'admin: [1]\n', /^c\.yaml:4:8: admin: expected a mapping with listen and token_file, found a list$/],
    ['an empty token_file', 'admin:\n  token_file: ""\n', /^c\.yaml:5:15: admin\.token_file: expected a file path, found an empty string$/],
  ];
  for (const [name, text, want] of bad) {
    test(`${name} is an error at its position`, () => {
      const errors = errorsOf(SERVER4 + text);
      assert.equal(errors.length, 1, errors.join('\n'));
      assert.match(errors[0]!, want);
    });
  }

  test('other unknown top-level keys are still errors, naming admin as allowed', () => {
    assert.match(errorsOf(`${SERVER4}metrics: 1\n`)[0]!, /^c\.yaml:4:1: metrics: unknown key; the top level may only hold server4, server6 and admin$/);
  });
});

describe('parseAdminListen', () => {
  const cases: [string, unknown][] = [
    ['127.0.0.1:9180', { kind: 'address', host: '127.0.0.1', port: 9180 }],
    ['0.0.0.0:0', { kind: 'address', host: '0.0.0.0', port: 0 }],
    ['[::]:9180', { kind: 'address', host: '::', port: 9180 }],
    ['localhost:80', { kind: 'address', host: 'localhost', port: 80 }],
    ['off', { kind: 'off' }],
  ];
  for (const [text, want] of cases) test(`${text}`, () => assert.deepEqual(parseAdminListen(text), want));
  for (const text of ['::1:80', '[127.0.0.1]:80', ':80', '127.0.0.1:', 'on']) test(`${text} is refused`, () => assert.equal(typeof parseAdminListen(text), 'string'));
});

describe('resolveAdminSettings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coresmd-admin-config-'));
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, '  s3cret-token\n');
  const emptyFile = join(dir, 'empty');
  writeFileSync(emptyFile, '\n');

  test('the default is 127.0.0.1:9180, not explicit, read-only', () => {
    assert.deepEqual(resolveAdminSettings(undefined, undefined), { kind: 'on', host: '127.0.0.1', port: 9180, explicit: false, token: undefined });
  });

  test('the config sets listen and the token (trimmed); the flag wins over the config', () => {
    const cfg = loadCoredhcpConfig(`${SERVER4}admin:\n  listen: 127.0.0.2:9300\n  token_file: ${tokenFile}\n`, 'c.yaml');
    assert.deepEqual(resolveAdminSettings(undefined, cfg), { kind: 'on', host: '127.0.0.2', port: 9300, explicit: true, token: 's3cret-token' });
    assert.deepEqual(resolveAdminSettings('127.0.0.3:9400', cfg), { kind: 'on', host: '127.0.0.3', port: 9400, explicit: true, token: 's3cret-token' });
    assert.deepEqual(resolveAdminSettings('off', cfg), { kind: 'off' });
  });

  test('an unreadable or empty token file is an error at its file:line:col', () => {
    const missing = loadCoredhcpConfig(`${SERVER4}admin:\n  token_file: ${join(dir, 'nope')}\n`, 'c.yaml');
    assert.throws(() => resolveAdminSettings(undefined, missing), (e: unknown) => e instanceof AdminSettingsError && /^c\.yaml:5:15: admin\.token_file: .*nope: ENOENT/.test(e.message));
    const empty = loadCoredhcpConfig(`${SERVER4}admin:\n  token_file: ${emptyFile}\n`, 'c.yaml');
    assert.throws(() => resolveAdminSettings(undefined, empty), /c\.yaml:5:15: admin\.token_file: .*: the file is empty/);
  });

  test('a bad flag value names the flag', () => {
    assert.throws(() => resolveAdminSettings('nonsense', undefined), /^AdminSettingsError: --admin-listen: expected ADDR:PORT/);
  });

  test.after?.(() => rmSync(dir, { recursive: true, force: true }));
});
