import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../../src/app/main.ts';
import type { CliIo } from '../../../src/app/cli/command.ts';

const inventory = fileURLToPath(new URL('../../../examples/inventory.json', import.meta.url));

async function explain(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t) };
  const code = await main(['explain', ...argv], 'coresmd', io);
  return { code, json: out.length > 0 ? (JSON.parse(out.join('')) as Record<string, any>) : undefined, err: err.join('') };
}

function config(dir: string): string {
  const file = join(dir, 'coredhcp.yaml');
  writeFileSync(
    file,
    `server4:
  plugins:
    - server_id: 172.16.0.253
    - router: 172.16.0.254
    - netmask: 255.255.255.0
    - coresmd: |
        svc_base_uri=file://${inventory}
        ipxe_base_uri=http://172.16.0.253:8081/
        domain=openchami.cluster
        rule=name:quiet-bmcs,type:NodeBMC,ignore:true
        rule=name:compute,subnet:10.40.1.0/24|172.16.0.0/24,type:Node,hostname:nid{03d},routers:10.40.1.1
    - bootloop: |
        lease_file=${join(dir, 'leases')}
        subnet_pool=172.16.0.0/24,172.16.0.156,172.16.0.200
`,
  );
  return file;
}

describe('coresmd explain', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coresmd-explain-test-'));
  const file = config(dir);
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a known node: address, hostname, boot file for its architecture, and the rule that decided', async () => {
    const r = await explain(['-c', file, '--mac', '52:54:00:be:ef:02', '--arch', '7']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.json?.['outcome'], 'reply');
    assert.equal(r.json?.['reply'].type, 'OFFER');
    assert.equal(r.json?.['reply'].yiaddr, '172.16.0.2');
    assert.equal(r.json?.['reply'].options['12 Host Name'], 'nid002.openchami.cluster');
    assert.equal(r.json?.['reply'].options['67 Bootfile Name'], 'ipxe-x86_64.efi');
    assert.equal(r.json?.['reply'].options['3 Router'], '10.40.1.1');
    const coresmd = (r.json?.['decisions'] as { plugin: string; rule?: string }[]).find((d) => d.plugin === 'coresmd');
    assert.equal(coresmd?.rule, 'compute');
  });

  test('iPXE gets the BSS boot-script URL', async () => {
    const r = await explain(['-c', file, '--mac', '52:54:00:be:ef:03', '--user-class', 'iPXE']);
    assert.equal(r.json?.['reply'].options['67 Bootfile Name'], 'http://172.16.0.253:8081/boot/v1/bootscript?mac=52:54:00:be:ef:03');
  });

  test('an ignore rule drops the request (exit 3) and names the rule', async () => {
    const r = await explain(['-c', file, '--mac', 'de:ca:fc:0f:fe:e1']);
    assert.equal(r.code, 3);
    assert.equal(r.json?.['outcome'], 'drop');
    assert.match(JSON.stringify(r.json?.['decisions']), /quiet-bmcs/);
  });

  test('an unknown MAC gets a bootloop address, and the dry run writes no lease', async () => {
    const r = await explain(['-c', file, '--mac', '02:00:00:00:00:99', '--arch', '0']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.json?.['reply'].yiaddr, '172.16.0.156');
    assert.equal(r.json?.['reply'].options['67 Bootfile Name'], 'undionly.kpxe');
    assert.ok(!existsSync(join(dir, 'leases')) || !readFileSync(join(dir, 'leases'), 'utf8').includes('02:00:00:00:00:99'));
  });

  test('bad arguments are usage errors', async () => {
    assert.equal((await explain(['-c', file])).code, 2);
    assert.equal((await explain(['-c', file, '--mac', 'nope'])).code, 2);
    assert.equal((await explain(['-c', file, '--mac', '52:54:00:be:ef:02', '--arch', 'x86'])).code, 2);
  });
});
