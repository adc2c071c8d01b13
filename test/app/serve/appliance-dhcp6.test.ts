// server6 in the appliance: DHCPv6 runs in the same process on the same inventory, and restarts
// on reload only when the coredhcp file changed (it has no chain swap yet). On [::1]; skipped
// when the host has no IPv6 loopback or the DHCPv6 transport does not serve it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { systemClock } from '../../../src/seams/clock.ts';
import { nullLogger } from '../../../src/seams/logger.ts';
import { startDhcp6 } from '../../../src/app/dhcp/run-dhcp6.ts';
import { findFreeUdpPort } from '../../../src/net/free-port.ts';
import type { SmdSim } from '../../../src/app/smd-sim/server.ts';
import { Appliance } from '../../../src/app/serve/appliance.ts';
import { loadServeConfig } from '../../../src/app/serve/serve-config.ts';
import { recordingLogger } from '../../support/logger.ts';
import { dhcpConfig, EI, startSim, workdir, type Workdir } from './support.ts';

async function freeV6Port(): Promise<number | undefined> {
  const s = dgram.createSocket('udp6');
  try {
    return await new Promise<number>((resolve, reject) => {
      s.once('error', reject);
      s.bind(0, '::1', () => resolve(s.address().port));
    });
  } catch {
    return undefined;
  } finally {
    s.close();
  }
}

const server6 = (smdUrl: string, port: number, tftpPort: number, domain = 'openchami.cluster') => `server6:
  listen: ["[::1]:${port}"]
  plugins:
    - server_id: LL 02:00:00:00:00:01
    - coresmd: |
        svc_base_uri=${smdUrl}
        ipxe_base_uri=http://172.16.0.253:8081
        cache_valid=30s
        lease_time=1h
        tftp_dir=/nonexistent
        tftp_port=${tftpPort}
        domain=${domain}
`;

describe('Appliance with server6', async () => {
  const v6Port = await freeV6Port();
  let w: Workdir;
  let sim: SmdSim;
  before(async () => {
    w = workdir();
    sim = await startSim();
  });
  after(async () => {
    await sim.close();
    w.remove();
  });

  test('DHCPv6 starts beside DHCPv4 on the one inventory; a reload restarts it only when the file changed', { skip: v6Port === undefined ? 'no IPv6 loopback (::1)' : false }, async (t) => {
    const port = await findFreeUdpPort('127.0.0.1');
    const tftp = await findFreeUdpPort('127.0.0.1');
    const v4 = dhcpConfig({ smdUrl: sim.url, listen: `127.0.0.1:${port}`, tftpPort: tftp });
    const file = w.write('coredhcp.yaml', v4 + server6(sim.url, v6Port!, tftp));
    const loaded = loadServeConfig({ dhcp: file }, {});
    assert.ok(loaded.ok, JSON.stringify(loaded));
    const probe = await startDhcp6(loaded.config.dhcp!.server6!, { inventory: undefined, clock: systemClock, logger: nullLogger }).then(
      (r) => r.close(),
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
    if (typeof probe === 'string') return t.skip(`DHCPv6 cannot listen on [::1] here: ${probe}`);
    const before = sim.requestCount(EI);
    const app = await Appliance.start(loaded.config, { logger: recordingLogger(), clock: systemClock, env: {}, bootHost: '127.0.0.1', rawSocket: 'off' });
    try {
      const first = app.dhcp6;
      assert.ok(first !== undefined);
      assert.equal(sim.requestCount(EI) - before, 1, 'one inventory for both sections');

      const same = await app.reload();
      assert.deepEqual(same.ok && same.changed, ['dhcp4-chain']);
      assert.equal(app.dhcp6, first, 'unchanged file: DHCPv6 keeps running');

      w.write('coredhcp.yaml', v4 + server6(sim.url, v6Port!, tftp, 'example.cluster'));
      const changed = await app.reload();
      assert.deepEqual(changed.ok && changed.changed, ['dhcp6', 'dhcp4-chain']);
      assert.ok(app.dhcp6 !== undefined && app.dhcp6 !== first);

      w.write('coredhcp.yaml', v4);
      const removed = await app.reload();
      // Without server6, TFTP and HTTP boot stop listening on IPv6: they restart too.
      assert.deepEqual(removed.ok && removed.changed, ['boot', 'dhcp6', 'dhcp4-chain']);
      assert.equal(app.dhcp6, undefined);
    } finally {
      await app.stop();
    }
  });
});
