// SIGTERM's drain (Appliance.stop): requests already in flight finish, replies go out and their
// bootloop leases are on disk; requests after the drain began are refused; the journal is closed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { join } from 'node:path';
import { systemClock } from '../../../src/seams/clock.ts';
import { nullLogger } from '../../../src/seams/logger.ts';
import { findFreeUdpPort } from '../../../src/net/free-port.ts';
import { Dhcp4MessageType } from '../../../src/dhcp/v4/constants.ts';
import { LeaseStore } from '../../../src/dhcp/service/bootloop/lease-store.ts';
import type { SmdSim } from '../../../src/app/smd-sim/server.ts';
import { Appliance } from '../../../src/app/serve/appliance.ts';
import { loadServeConfig } from '../../../src/app/serve/serve-config.ts';
import { reply, request } from '../../dhcp/service/support.ts';
import { dhcpConfig, startSim, workdir, type Workdir } from './support.ts';

const macOf = (i: number) => `02:00:00:00:d0:${i.toString(16).padStart(2, '0')}`;

describe('Appliance.stop drains DHCP', () => {
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

  test('bootloop grants in flight at SIGTERM complete, are answered and are on disk; later requests are refused', async (t) => {
    const port = await findFreeUdpPort('127.0.0.1');
    const leaseFile = join(w.dir, 'bootloop.leases');
    const file = w.write('coredhcp.yaml', dhcpConfig({ smdUrl: sim.url, listen: `127.0.0.1:${port}`, tftpPort: await findFreeUdpPort('127.0.0.1'), leaseFile }));
    const loaded = loadServeConfig({ dhcp: file }, {});
    assert.ok(loaded.ok);
    const app = await Appliance.start(loaded.config, { logger: nullLogger, clock: systemClock, env: {}, bootHost: '127.0.0.1', rawSocket: 'off' });
    const gate = app.dhcp4!.gate;
    const server = app.dhcp4!.server;

    const client = dgram.createSocket('udp4');
    const offered = new Map<string, number>();
    client.on('message', (msg) => {
      const r = reply(msg);
      const mac = [...r.chaddr.subarray(0, 6)].map((b) => b.toString(16).padStart(2, '0')).join(':');
      offered.set(mac, r.yiaddr);
    });
    await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
    const send = (i: number) => client.send(request({ type: Dhcp4MessageType.Discover, mac: macOf(i), xid: i }), port, '127.0.0.1');

    // A burst, then the stop as soon as a grant is in flight (waiting for its fsync).
    for (let i = 0; i < 40; i++) send(i);
    let sawInFlight = 0;
    for (let spins = 0; spins < 20_000 && sawInFlight === 0; spins++) {
      sawInFlight = gate.inFlight;
      if (sawInFlight === 0) await new Promise((r) => setImmediate(r));
    }
    assert.ok(sawInFlight > 0, 'a request was in flight when the stop began');
    const stopping = app.stop();
    assert.equal(gate.draining, true);
    for (let i = 40; i < 50; i++) send(i); // after the drain began
    const { drained } = await stopping;
    await new Promise((r) => setTimeout(r, 100)); // let the last replies reach the client socket
    client.close();

    assert.equal(drained, true);
    assert.equal(gate.inFlight, 0);
    const accepted = server.counters.get('received');
    assert.ok(accepted > 0 && accepted <= 50);
    // Every accepted request was answered, and every answer's lease is in the journal.
    const { store } = await LeaseStore.open(leaseFile);
    try {
      assert.equal(offered.size, accepted, `offers ${offered.size}, accepted ${accepted}, refused ${gate.refused}`);
      assert.equal(store.size, accepted);
      for (const [mac, ip] of offered) assert.equal(store.get(mac)?.ip, ip, `lease of ${mac} on disk`);
      t.diagnostic(`in flight at the stop: ${sawInFlight}; accepted ${accepted}; refused while draining ${gate.refused}`);
    } finally {
      await store.close();
    }
  });
});
