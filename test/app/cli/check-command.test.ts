import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/app/main.ts';
import type { CliIo } from '../../../src/app/cli/command.ts';

function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t) };
  return main(argv, 'coresmd', io).then((code) => ({ code, out: out.join(''), err: err.join('') }));
}

function withDir(fn: (dir: string) => Promise<void>) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coresmd-check-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const config = (dir: string, extra = '') => `server4:
  plugins:
    - server_id: 172.16.0.253
    - router: 172.16.0.254
    - coresmd: |
        svc_base_uri=http://127.0.0.1:27779
        ipxe_base_uri=http://172.16.0.253:8081
        ca_cert=${join(dir, 'ca.pem')}
        tftp_dir=${dir}
        domain=openchami.cluster
        rule=type:Node,hostname:nid{04d}
        ${extra}
    - bootloop: |
        lease_file=${join(dir, 'leases.journal')}
        subnet_pool=172.16.0.0/24,172.16.0.156,172.16.0.200
`;

describe('coresmd check', () => {
  test(
    'a valid config prints the effective configuration and exits 0',
    withDir(async (dir) => {
      writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\n');
      writeFileSync(join(dir, 'c.yaml'), config(dir));
      const r = await run(['check', '-c', join(dir, 'c.yaml')]);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /cache_valid=30s/);
      assert.match(r.out, /lease_time=1h0m0s/);
      assert.match(r.out, /rule=name:rule-9dcba62c,log:info,types:Node,hostname:nid\{04d\}/);
      assert.match(r.err, /valid \(\d+ warning\(s\)\)/);
    }),
  );

  test(
    'an unknown key fails with file:line:col and the key',
    withDir(async (dir) => {
      writeFileSync(join(dir, 'ca.pem'), 'x');
      const file = join(dir, 'c.yaml');
      writeFileSync(file, config(dir, 'cache_vaild=10s'));
      const r = await run(['check', '--conf', file]);
      assert.equal(r.code, 1);
      assert.match(r.err, new RegExp(`error: ${file}:12:9: cache_vaild: `));
      assert.equal(r.out, '');
    }),
  );

  test(
    'a missing CA bundle and lease directory are errors found outside the file',
    withDir(async (dir) => {
      const file = join(dir, 'c.yaml');
      writeFileSync(file, config(dir).replace(join(dir, 'leases.journal'), join(dir, 'nope', 'leases.journal')));
      const r = await run(['check', '-c', file]);
      assert.equal(r.code, 1);
      assert.match(r.err, /coresmd: ca_cert .*ca\.pem does not exist/);
      assert.match(r.err, /bootloop: lease_file directory .*nope does not exist/);
    }),
  );

  test('a missing -c is a usage error (exit 2)', async () => {
    const r = await run(['check']);
    assert.equal(r.code, 2);
    assert.match(r.err, /missing -c FILE[\s\S]*Usage: coresmd check -c FILE/);
  });

  test('a file that does not exist is reported, not thrown', async () => {
    const r = await run(['check', '-c', '/nonexistent/coredhcp.yaml']);
    assert.equal(r.code, 1);
    assert.match(r.err, /\/nonexistent\/coredhcp\.yaml/);
  });
});
