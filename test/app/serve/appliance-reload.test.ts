// SIGHUP reload of the running appliance (what `coresmd serve` and `coresmd dhcp` do on SIGHUP),
// on loopback with the SMD simulator: a valid config replaces the rules at once; an invalid one
// is rejected with every error and the old one keeps serving; the lease store is kept or moved;
// listeners restart only when their settings change, all or nothing; SMD polling follows the
// SMD settings with one poller.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { join } from 'node:path';
import { systemClock } from '../../../src/seams/clock.ts';
import { findFreeUdpPort, findFreeUdpTcpPort } from '../../../src/net/free-port.ts';
import type { SmdSim } from '../../../src/app/smd-sim/server.ts';
import { Appliance } from '../../../src/app/serve/appliance.ts';
import { loadServeConfig, type ServeFiles } from '../../../src/app/serve/serve-config.ts';
import { recordingLogger, type LogLine } from '../../support/logger.ts';
import { corefile, dhcpConfig, discover, EI, exchange, hostnameOf, KNOWN_MAC, queryA, startSim, workdir, type DhcpConfigOptions, type Workdir } from './support.ts';

const UNKNOWN_MAC = '02:00:00:00:5e:01';

async function start(files: ServeFiles, lines: LogLine[] = []): Promise<Appliance> {
  const loaded = loadServeConfig(files, {});
  assert.ok(loaded.ok, JSON.stringify(loaded));
  return Appliance.start(loaded.config, { logger: recordingLogger(lines), clock: systemClock, env: {}, bootHost: '127.0.0.1', rawSocket: 'off' });
}

describe('Appliance.reload', () => {
  let w: Workdir;
  let sim: SmdSim;
  let app: Appliance | undefined;
  let port: number;
  let base: DhcpConfigOptions;
  let file: string;
  const write = (o: Partial<DhcpConfigOptions> = {}) => w.write('coredhcp.yaml', dhcpConfig({ ...base, ...o }));

  before(async () => {
    sim = await startSim();
  });
  after(async () => {
    await sim.close();
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    w.remove();
  });
  const setup = async (o: Partial<DhcpConfigOptions> = {}) => {
    w = workdir();
    port = await findFreeUdpPort('127.0.0.1');
    base = { smdUrl: sim.url, listen: `127.0.0.1:${port}`, tftpPort: await findFreeUdpPort('127.0.0.1'), leaseFile: join(w.dir, 'bootloop.leases'), ...o };
    file = write();
  };

  test('a valid reload swaps the rules: the MAC that got hostname A now gets B, on the same sockets', async () => {
    await setup();
    app = await start({ dhcp: file });
    assert.equal(hostnameOf(await exchange(port, discover(KNOWN_MAC))), 'nid001.openchami.cluster');
    const transport = app.dhcp4?.transport;
    const boot = app.boot;
    const polls = sim.requestCount(EI);

    write({ hostnamePattern: 'node{04d}' });
    const r = await app.reload();
    assert.deepEqual(r, { ok: true, changed: ['dhcp4-chain', 'bootloop-reuse'] });
    assert.equal(hostnameOf(await exchange(port, discover(KNOWN_MAC))), 'node0001.openchami.cluster');
    assert.equal(app.dhcp4?.transport, transport, 'the DHCP sockets were not restarted');
    assert.equal(app.boot, boot, 'TFTP was not restarted');
    assert.equal(sim.requestCount(EI), polls, 'the SMD poller was not replaced');
  });

  test('an invalid reload keeps the old chain and logs every error with file:line:col', async () => {
    await setup();
    const lines: LogLine[] = [];
    app = await start({ dhcp: file }, lines);
    const chainBefore = app.dhcp4?.server;
    w.write('coredhcp.yaml', dhcpConfig({ ...base, hostnamePattern: 'node{04d}', extra: '        bogus_key=1\n        lease_time=0s\n' }));
    const r = await app.reload();
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.errors.length, 2, r.errors.join('\n'));
    for (const e of r.errors) assert.match(e, new RegExp(`^${file}:\\d+:\\d+: `));
    const logged = lines.filter((l) => l.level === 'error' && l.msg === 'configuration error').map((l) => String(l.fields['error']));
    assert.deepEqual(logged, r.errors);
    assert.ok(lines.some((l) => l.level === 'error' && /reload rejected.*running one keeps serving/.test(l.msg)));
    assert.equal(app.dhcp4?.server, chainBefore);
    assert.equal(hostnameOf(await exchange(port, discover(KNOWN_MAC))), 'nid001.openchami.cluster');
  });

  test('a config that became unreadable is rejected the same way', async () => {
    await setup();
    app = await start({ dhcp: file });
    w.remove();
    const r = await app.reload();
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : (r.errors[0] ?? ''), /coredhcp\.yaml:1:1: cannot read the file/);
    assert.equal(hostnameOf(await exchange(port, discover(KNOWN_MAC))), 'nid001.openchami.cluster');
  });

  test('the lease store is kept when lease_file is unchanged and moved when it changes; leases stay on disk', async () => {
    await setup();
    app = await start({ dhcp: file });
    const offer = await exchange(port, discover(UNKNOWN_MAC));
    assert.ok(offer !== undefined && offer.yiaddr !== 0, 'bootloop offered an address');
    const store = app.dhcp4?.leases?.leases;
    assert.ok(store !== undefined);

    write({ hostnamePattern: 'n{03d}' });
    assert.equal((await app.reload()).ok, true);
    assert.equal(app.dhcp4?.leases?.leases, store, 'same lease_file: the open store is reused');

    write({ hostnamePattern: 'n{03d}', leaseFile: join(w.dir, 'other.leases') });
    const moved = await app.reload();
    assert.deepEqual(moved.ok && moved.changed, ['dhcp4-chain', 'bootloop-open']);
    assert.notEqual(app.dhcp4?.leases?.leases, store);
    await assert.rejects(store.grant({ mac: UNKNOWN_MAC, giaddr: 0 }), /closed/, 'the old journal was closed');

    write({ hostnamePattern: 'n{03d}', leaseFile: join(w.dir, 'bootloop.leases'), pool: '172.16.0.0/24,172.16.0.150,172.16.0.200' });
    assert.equal((await app.reload()).ok, true);
    assert.equal(app.dhcp4?.leases?.leases.get(UNKNOWN_MAC)?.ip, offer.yiaddr, 'the first journal still holds the lease');
    const again = await exchange(port, discover(UNKNOWN_MAC));
    assert.equal(again?.yiaddr, offer.yiaddr, 'and the MAC keeps its address');

    write({ hostnamePattern: 'n{03d}', leaseFile: join(w.dir, 'bootloop.leases'), pool: '172.16.0.0/24,172.16.0.140,172.16.0.200' });
    const reopened = await app.reload();
    assert.deepEqual(reopened.ok && reopened.changed, ['dhcp4-chain', 'bootloop-reopen']);
    assert.equal((await exchange(port, discover(UNKNOWN_MAC)))?.yiaddr, offer.yiaddr, 'same journal reopened with the new pools');
  });

  test('a new listen port moves the DHCP listener and the old port goes silent', async () => {
    await setup();
    app = await start({ dhcp: file });
    const newPort = await findFreeUdpPort('127.0.0.1');
    write({ listen: `127.0.0.1:${newPort}` });
    const r = await app.reload();
    assert.deepEqual(r.ok && r.changed, ['dhcp4-listen', 'dhcp4-chain', 'bootloop-reuse']);
    assert.equal(hostnameOf(await exchange(newPort, discover(KNOWN_MAC))), 'nid001.openchami.cluster');
    assert.equal(await exchange(port, discover(KNOWN_MAC), 300), undefined);
  });

  test('a listener that cannot start rolls the whole reload back: old sockets, old rules', async () => {
    await setup();
    app = await start({ dhcp: file });
    const tftpBefore = app.boot;
    const busy = dgram.createSocket('udp4');
    await new Promise<void>((r) => busy.bind(0, '127.0.0.1', () => r()));
    try {
      const newTftp = await findFreeUdpPort('127.0.0.1');
      write({ hostnamePattern: 'node{04d}', tftpPort: newTftp, listen: `127.0.0.1:${busy.address().port}` });
      const r = await app.reload();
      assert.equal(r.ok, false);
      assert.match(r.ok ? '' : (r.errors[0] ?? ''), /EADDRINUSE/);
      assert.notEqual(app.boot, tftpBefore, 'TFTP was restarted back…');
      assert.equal(app.boot?.tftpEndpoints[0], tftpBefore?.tftpEndpoints[0], '…on its old port');
      assert.equal(hostnameOf(await exchange(port, discover(KNOWN_MAC))), 'nid001.openchami.cluster');
    } finally {
      busy.close();
    }
  });

  test('a new svc_base_uri moves polling to the new SMD; the old one hears nothing more', async () => {
    await setup({ cacheValid: '200ms' });
    app = await start({ dhcp: file });
    const sim2 = await startSim();
    try {
      write({ smdUrl: sim2.url, cacheValid: '200ms' });
      const r = await app.reload();
      assert.deepEqual(r.ok && r.changed, ['dhcp4-chain', 'bootloop-reuse', 'inventory']);
      const old = sim.requestCount(EI);
      await new Promise((res) => setTimeout(res, 700));
      assert.equal(sim.requestCount(EI), old, 'the old poller stopped');
      assert.ok(sim2.requestCount(EI) >= 3, `the new poller polls every 200ms (${sim2.requestCount(EI)})`);
      assert.ok(sim2.requestCount(EI) <= 5, `and only one of it (${sim2.requestCount(EI)})`);
    } finally {
      await app.stop();
      app = undefined;
      await sim2.close();
    }
  });

  test('DNS is rebuilt when the Corefile changes, from the same shared inventory', async () => {
    await setup();
    const dnsPort = await findFreeUdpTcpPort('127.0.0.1');
    const dns = w.write('Corefile', corefile({ smdUrl: sim.url, port: dnsPort }));
    app = await start({ dhcp: file, dns });
    assert.deepEqual((await queryA(dnsPort, 'nid001.openchami.cluster'))?.addresses, ['172.16.0.1']);
    assert.deepEqual(app.dns?.inventories, [app.inventory]);
    const polls = sim.requestCount(EI);

    w.write('Corefile', corefile({ smdUrl: sim.url, port: dnsPort, zone: 'example.cluster' }));
    const r = await app.reload();
    assert.deepEqual(r.ok && r.changed, ['dns', 'dhcp4-chain', 'bootloop-reuse']);
    assert.deepEqual((await queryA(dnsPort, 'nid001.example.cluster'))?.addresses, ['172.16.0.1']);
    assert.equal((await queryA(dnsPort, 'nid001.openchami.cluster'))?.addresses.length, 0);
    assert.equal(sim.requestCount(EI), polls, 'DNS did not start a poller of its own');
  });
});
