// The DHCPv6 wiring (src/app/dhcp/chain6.ts, run-dhcp6.ts): listen targets, DUIDs, the chain from
// a config, and startDhcp6 answering a relayed request on ::1 with both sections of one config
// sharing one inventory.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCoredhcpConfig } from '../../../src/app/config/coredhcp-config.ts';
import { buildChain6, duidBytes, ipv6HttpBootBase } from '../../../src/app/dhcp/chain6.ts';
import { defaultServerDuid, listenTargets6, startDhcp6 } from '../../../src/app/dhcp/run-dhcp6.ts';
import { firstCoresmdConfig, inventoryFromConfig } from '../../../src/app/dhcp/shared-inventory.ts';
import { formatDuid } from '../../../src/dhcp/v6/duid.ts';
import type { Ipv6Interface } from '../../../src/net/dhcp6-interfaces.ts';
import { findFreeUdpPort } from '../../../src/net/free-port.ts';
import { systemClock } from '../../../src/seams/clock.ts';
import { nullLogger } from '../../../src/seams/logger.ts';
import { parseIPv6 } from '../../../src/wire/addr.ts';
import { clientMessage, decodeReply, relayForw, T } from '../../dhcp/service/v6/support.ts';

const inventory = fileURLToPath(new URL('../../../examples/inventory.json', import.meta.url));
const deps = { inventory: undefined, clock: systemClock, logger: nullLogger };
const iface = (name: string, mac: string | undefined, loopback = false): Ipv6Interface => ({
  name,
  loopback,
  up: true,
  multicast: !loopback,
  enslaved: false,
  mac,
  addresses: [{ address: parseIPv6(loopback ? '::1' : 'fe80::1')!, text: loopback ? '::1' : 'fe80::1', prefix: loopback ? 128 : 64, linkLocal: !loopback }],
});

describe('DHCPv6 wiring', () => {
  test('listen targets: the default, %iface, addresses', () => {
    assert.deepEqual(listenTargets6([]), [{ address: new Uint8Array(16), port: 547, isDefault: true }]);
    const cfg = loadCoredhcpConfig(`server6:\n  listen:\n    - "%eth0"\n    - "[2001:db8::1]:1547"\n  plugins:\n    - dns: 2001:db8::53\n`, 'x.yaml');
    const t = listenTargets6(cfg.server6!.listen);
    assert.deepEqual(
      t.map((x) => [Buffer.from(x.address).toString('hex'), x.ifname, x.port]),
      [
        ['00000000000000000000000000000000', 'eth0', 547],
        ['20010db8000000000000000000000001', undefined, 1547],
      ],
    );
  });

  test('server_id DUIDs: LL, LLT with time 0, EN', () => {
    assert.equal(formatDuid(duidBytes({ type: 'LL', mac: '00:de:ad:be:ef:00' })), 'LL 00:de:ad:be:ef:00');
    assert.equal(Buffer.from(duidBytes({ type: 'LLT', mac: '00:de:ad:be:ef:00' })).toString('hex'), '0001000100000000' + '00deadbeef00');
    assert.equal(formatDuid(duidBytes({ type: 'EN', enterpriseNumber: 343, identifier: Uint8Array.of(1, 2) })), 'EN 343 01:02');
  });

  test('default DUID: DUID-LL of the first served interface with a MAC, else any non-loopback one', () => {
    const all = [iface('lo', undefined, true), iface('eth0', '52:54:00:00:00:01'), iface('eth1', '52:54:00:00:00:02')];
    assert.equal(formatDuid(defaultServerDuid(all, ['eth1'])!), 'LL 52:54:00:00:00:02');
    assert.equal(formatDuid(defaultServerDuid(all, [])!), 'LL 52:54:00:00:00:01');
    assert.equal(defaultServerDuid([iface('lo', undefined, true)], []), undefined);
  });

  test('the chain follows the config; the configured DUID comes back; `file` is refused', () => {
    const cfg = loadCoredhcpConfig(
      `server6:\n  plugins:\n    - server_id: LLT 00:de:ad:be:ef:00\n    - dns: 2001:db8::53\n    - searchdomains: a.example\n    - coresmd: |\n        svc_base_uri=file://${inventory}\n        ipxe_base_uri=http://[2001:db8::1]:8081\n`,
      'x.yaml',
    );
    const chain = buildChain6(cfg.server6!, deps);
    assert.deepEqual(chain.handlers.map((h) => h.name), ['server_id', 'dns', 'searchdomains', 'coresmd']);
    assert.equal(formatDuid(chain.serverDuid!), 'LLT 00:de:ad:be:ef:00');
    // `file` is DHCPv4 only: the loader (and so `coresmd check`) rejects it under server6.
    assert.throws(() => loadCoredhcpConfig(`server6:\n  plugins:\n    - file: /etc/hosts6\n`, 'x.yaml'), /file/);
    assert.equal(ipv6HttpBootBase(8080)('2001:db8::1'), 'http://[2001:db8::1]:8080');
  });
});

describe('startDhcp6', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coresmd-dhcp6-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('answers a RELAY-FORW on [::1] with the SMD address from the shared inventory', async () => {
    const port = await findFreeUdpPort('::1');
    const cfg = loadCoredhcpConfig(
      `server6:\n  listen:\n    - "[::1]:${port}"\n  plugins:\n    - coresmd: |\n        svc_base_uri=file://${inventory}\n        ipxe_base_uri=http://[2001:db8::1]:8081\n        domain=openchami.cluster\n        rule=type:Node,hostname:nid{04d}\n`,
      join(dir, 'c.yaml'),
    );
    const inv = inventoryFromConfig(firstCoresmdConfig(cfg)!, { clock: systemClock, logger: nullLogger, env: {} });
    await inv.refreshNow();
    const running = await startDhcp6(cfg.server6!, { inventory: inv, clock: systemClock, logger: nullLogger, interfaces: [iface('lo', undefined, true), iface('eth0', '02:00:00:00:00:99')] });
    const sock = dgram.createSocket({ type: 'udp6', ipv6Only: true });
    try {
      assert.equal(formatDuid(running.serverDuid), 'LL 02:00:00:00:00:99');
      sock.bind(0, '::1');
      await once(sock, 'listening');
      const got = once(sock, 'message');
      // A relay with the Relay Source Port option, so the reply comes to this socket's port.
      sock.send(relayForw(clientMessage(T.Solicit, { duid: 'LL 52:54:00:be:ef:01' }), { sourcePort: sock.address().port }), port, '::1');
      const [msg] = (await got) as [Buffer];
      const r = decodeReply(msg);
      assert.equal(r.relays.length, 1);
      assert.equal(r.type, T.Advertise);
      assert.equal(r.iaNa[0]?.addresses[0]?.address, 'fd00:172:16::1');
      assert.equal(r.options.fqdn()?.name, 'nid0001.openchami.cluster');
    } finally {
      sock.close();
      await running.close();
      await inv.stop();
    }
  });
});
