// `coresmd explain --v6`: the server6 section's answer for one client given by MAC, DUID or both,
// direct or through a relay, from the real chain and server core, as JSON.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

describe('coresmd explain --v6', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coresmd-explain6-test-'));
  const file = join(dir, 'coredhcp.yaml');
  writeFileSync(
    file,
    `server6:
  plugins:
    - server_id: LL 02:00:00:00:00:fe
    - dns: 2001:db8::53
    - searchdomains: openchami.cluster
    - coresmd: |
        svc_base_uri=file://${inventory}
        ipxe_base_uri=http://[2001:db8::1]:8081
        domain=openchami.cluster
        rule=name:quiet-bmcs,type:NodeBMC,ignore:true
        rule=name:compute,type:Node,hostname:nid{03d}
`,
  );
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a known MAC: ADVERTISE with its SMD IPv6 address, FQDN, DNS, search list, and the rule that decided', async () => {
    const r = await explain(['-c', file, '--v6', '--mac', '52:54:00:be:ef:01', '--arch', '7']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.json?.['outcome'], 'reply');
    assert.equal(r.json?.['request'].duid, 'LL 52:54:00:be:ef:01');
    assert.equal(r.json?.['request'].serverDuid, 'LL 02:00:00:00:00:fe');
    const o = r.json?.['reply'].options;
    assert.equal(r.json?.['reply'].type, 'ADVERTISE');
    assert.deepEqual(o['3 IA_NA'], [{ iaid: 1, t1: 1800, t2: 2880, addresses: [{ address: 'fd00:172:16::1', preferred: 3600, valid: 3600 }] }]);
    assert.equal(o['39 CLIENT_FQDN'], 'nid001.openchami.cluster');
    assert.equal(o['23 DNS_SERVERS'], '2001:db8::53');
    assert.equal(o['24 DOMAIN_LIST'], 'openchami.cluster');
    assert.equal(o['2 SERVERID'], 'LL 02:00:00:00:00:fe');
    // The TFTP URL names our address on the ingress interface (the host's), when there is one.
    if (o['59 BOOTFILE_URL'] !== undefined) assert.match(o['59 BOOTFILE_URL'], /^tftp:\/\/\[[0-9a-f:]+\]\/ipxe-x86_64\.efi$/);
    assert.deepEqual(
      (r.json?.['decisions'] as { plugin: string; rule?: string }[]).map((d) => [d.plugin, d.rule]),
      [
        ['server_id', undefined],
        ['dns', undefined],
        ['searchdomains', undefined],
        ['coresmd', 'compute'],
      ],
    );
  });

  test('iPXE through a relay: RELAY-REPL to the relay, the BSS script URL, the address', async () => {
    const r = await explain(['-c', file, '--v6', '--mac', '52:54:00:be:ef:03', '--user-class', 'iPXE', '--relay', '2001:db8:2::1', '--type', 'request']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.json?.['route'], /^relay \[2001:db8:2::1\]:547$/);
    assert.deepEqual(r.json?.['relayLayers'], [{ linkAddress: '2001:db8:2::1', peerAddress: 'fe80::5054:ff:febe:ef03' }]);
    assert.equal(r.json?.['reply'].type, 'REPLY');
    assert.equal(r.json?.['reply'].options['59 BOOTFILE_URL'], 'http://[2001:db8::1]:8081/boot/v1/bootscript?mac=52:54:00:be:ef:03');
    assert.equal(r.json?.['reply'].options['3 IA_NA'][0].addresses[0].address, 'fd00:172:16::3');
  });

  test('Rapid Commit: REPLY', async () => {
    const r = await explain(['-c', file, '--v6', '--mac', '52:54:00:be:ef:01', '--rapid-commit']);
    assert.equal(r.json?.['reply'].type, 'REPLY');
    assert.equal(r.json?.['reply'].options['14 RAPID_COMMIT'], true);
  });

  test('an SMD node without an IPv6 address: NoAddrsAvail saying so, and the log line', async () => {
    const r = await explain(['-c', file, '--v6', '--mac', '52:54:00:be:ef:02']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.json?.['reply'].options['13 STATUS_CODE'], 'NoAddrsAvail: SMD has no IPv6 address for x1000c0s0b1n0 (MAC 52:54:00:be:ef:02, addresses 172.16.0.2)');
    assert.ok((r.json?.['log'] as string[]).some((l) => l.includes('msg="DHCPv6 client gets no address"')));
  });

  test('a DUID-UUID without a MAC: no MAC to look up', async () => {
    const r = await explain(['-c', file, '--v6', '--duid', 'UUID 4c4c4544-005a-3510-804c-b3c04f534d32']);
    assert.match(r.json?.['reply'].options['13 STATUS_CODE'], /^NoAddrsAvail: no MAC address: the DUID \(UUID 4c4c4544-005a-3510-804c-b3c04f534d32\) carries none/);
  });

  test('a DUID-UUID with the MAC of its EUI-64 link-local (UEFI firmware): found', async () => {
    const r = await explain(['-c', file, '--v6', '--duid', 'UUID 4c4c4544-005a-3510-804c-b3c04f534d32', '--mac', '52:54:00:be:ef:01']);
    assert.equal(r.json?.['reply'].options['3 IA_NA'][0].addresses[0].address, 'fd00:172:16::1');
  });

  test('an ignored BMC: dropped, exit 3', async () => {
    const r = await explain(['-c', file, '--v6', '--mac', 'de:ca:fc:0f:fe:e1']);
    assert.equal(r.code, 3);
    assert.equal(r.json?.['outcome'], 'drop');
    assert.equal(r.json?.['reason'], 'handler-drop');
  });

  test('usage errors: no client, bad DUID, unknown type', async () => {
    assert.equal((await explain(['-c', file, '--v6'])).code, 2);
    assert.equal((await explain(['-c', file, '--v6', '--duid', 'XX'])).code, 2);
    assert.equal((await explain(['-c', file, '--v6', '--mac', '52:54:00:be:ef:01', '--type', 'discover'])).code, 2);
  });

  test('a config without server6', async () => {
    const v4 = join(dir, 'v4.yaml');
    writeFileSync(v4, `server4:\n  plugins:\n    - router: 10.0.0.1\n`);
    const r = await explain(['-c', v4, '--v6', '--mac', '52:54:00:be:ef:01']);
    assert.equal(r.code, 1);
    assert.match(r.err, /no server6 section/);
  });
});
