// The admin server on a running appliance (runAppliance, as `coresmd serve` runs it), over
// loopback: one node's DHCP exchange, TFTP transfer, iPXE's second DHCP, HTTP boot file and DNS
// lookup all land on its timeline, in order; a quarantined MAC gets no DHCP reply until its time
// is up; /metrics, /readyz and the leases reflect the traffic. The node's SMD address is
// 127.0.0.5, so the test's TFTP and HTTP clients, bound to it, are the node.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { systemClock } from '../../../src/seams/clock.ts';
import { nullLogger } from '../../../src/seams/logger.ts';
import { findFreeTcpPort, findFreeUdpPort, findFreeUdpTcpPort } from '../../../src/net/free-port.ts';
import { startSmdSim, type SmdSim } from '../../../src/app/smd-sim/server.ts';
import { parseInventoryDocument } from '../../../src/smd/inventory-document.ts';
import { runAppliance } from '../../../src/app/serve/run-appliance.ts';
import { RequestQueue } from '../../../src/app/serve/signal-source.ts';
import type { AdminServer } from '../../../src/app/admin/server.ts';
import { Dhcp4MessageType as T, Dhcp4Opt } from '../../../src/dhcp/v4/constants.ts';
import { queryBytes } from '../../dns/service/support.ts';
import { EXAMPLE_PATH } from '../../smd/support/example.ts';
import { recordingLogger } from '../../support/logger.ts';
import { corefile, dhcpConfig, exchange, workdir, type Workdir } from '../serve/support.ts';
import { parsePrometheus } from './support.ts';

const MAC = '52:54:00:be:ef:01'; // x1000c0s0b0n0, nid001
const NODE_IP = '127.0.0.5';
const TOKEN = 'test-token-7f3a';
const enc = new TextEncoder();
const arch7 = { code: Dhcp4Opt.ClientArch, data: Uint8Array.of(0, 7) };
const ipxe = { code: Dhcp4Opt.UserClass, data: enc.encode('iPXE') };

/** RRQ `file` from NODE_IP, no options: DATA blocks until a short one, each ACKed. */
function tftpGet(port: number, file: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    const parts: Buffer[] = [];
    const timer = setTimeout(() => (s.close(), reject(new Error('TFTP timed out'))), 3000);
    s.on('message', (m, from) => {
      if (m.readUInt16BE(0) !== 3) return (clearTimeout(timer), s.close(), reject(new Error(`TFTP error ${m.toString('latin1')}`)));
      const block = m.readUInt16BE(2);
      parts.push(m.subarray(4));
      s.send(Uint8Array.of(0, 4, block >> 8, block & 255), from.port, from.address);
      if (m.length - 4 < 512) {
        clearTimeout(timer);
        setTimeout(() => s.close(), 50);
        resolve(Buffer.concat(parts));
      }
    });
    s.bind(0, NODE_IP, () => s.send(Buffer.concat([Buffer.from([0, 1]), Buffer.from(`${file}\0octet\0`, 'latin1')]), port, '127.0.0.1'));
  });
}

function get(url: string, o: { localAddress?: string; method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: o.method ?? 'GET', ...(o.headers === undefined ? {} : { headers: o.headers }), ...(o.localAddress === undefined ? {} : { localAddress: o.localAddress }) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

function dnsQuery(port: number, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    const timer = setTimeout(() => (s.close(), reject(new Error('DNS timed out'))), 2000);
    s.on('message', () => (clearTimeout(timer), s.close(), resolve()));
    s.bind(0, '127.0.0.1', () => s.send(queryBytes(name), port, '127.0.0.1'));
  });
}

describe('admin server on a running appliance', () => {
  let w: Workdir;
  let sim: SmdSim;
  let admin: AdminServer;
  let queue: RequestQueue;
  let finished: Promise<number>;
  let dhcpPort: number;
  let tftpPort: number;
  let dnsPort: number;
  let httpUrl: string;

  before(async () => {
    w = workdir('coresmd-admin-');
    // The example inventory, with nid001 at 127.0.0.5 so this host's loopback can play the node.
    const text = readFileSync(EXAMPLE_PATH, 'utf8').replace('"IPAddress":"172.16.0.1"', `"IPAddress":"${NODE_IP}"`);
    sim = await startSmdSim({ inventory: parseInventoryDocument(text, 'inventory.json'), host: '127.0.0.1', port: 0, logger: nullLogger });
    dhcpPort = await findFreeUdpPort('127.0.0.1');
    tftpPort = await findFreeUdpPort('127.0.0.1');
    dnsPort = await findFreeUdpTcpPort('127.0.0.1');
    const httpPort = await findFreeTcpPort('127.0.0.1');
    const token = w.write('admin.token', `${TOKEN}\n`);
    const dhcp = w.write(
      'coredhcp.yaml',
      dhcpConfig({ smdUrl: sim.url, listen: `127.0.0.1:${dhcpPort}`, tftpPort, leaseFile: `${w.dir}/leases`, extra: `        http_port=${httpPort}\n` }) +
        `admin:\n  listen: 127.0.0.1:0\n  token_file: ${token}\n`,
    );
    const dns = w.write('Corefile', corefile({ smdUrl: sim.url, port: dnsPort }));
    queue = new RequestQueue();
    let started!: () => void;
    const up = new Promise<void>((r) => (started = r));
    finished = runAppliance({
      files: { dhcp, dns },
      io: { out: () => {}, err: () => {} },
      logger: recordingLogger(),
      clock: systemClock,
      env: {},
      rawSocket: 'off',
      bootHost: '127.0.0.1',
      signals: queue,
      started: (app, a) => {
        assert.ok(a !== undefined, 'the admin server runs');
        admin = a;
        httpUrl = app.boot!.httpUrl!;
        started();
      },
    });
    await Promise.race([up, finished.then((c) => Promise.reject(new Error(`runAppliance exited ${c}`)))]);
  });

  after(async () => {
    queue.push({ action: 'stop', signal: 'test' });
    assert.equal(await finished, 0);
    await sim.close();
    w.remove();
  });

  test('the timeline lists DISCOVER, OFFER, REQUEST, ACK, the TFTP transfer, iPXE\'s DHCP with the boot-script URL, the HTTP file and DNS, in order', async () => {
    const offer = await exchange(dhcpPort, { type: T.Discover, mac: MAC, options: [arch7] });
    assert.equal(offer?.yiaddr !== undefined, true);
    const ack1 = await exchange(dhcpPort, { type: T.Request, mac: MAC, requestedIp: NODE_IP, serverId: '172.16.0.253', options: [arch7] });
    assert.ok(ack1 !== undefined);
    const script = await tftpGet(tftpPort, 'default');
    assert.equal(script.toString(), '#!ipxe\nreboot\n');
    await exchange(dhcpPort, { type: T.Discover, mac: MAC, options: [arch7, ipxe] });
    const ack2 = await exchange(dhcpPort, { type: T.Request, mac: MAC, requestedIp: NODE_IP, serverId: '172.16.0.253', options: [arch7, ipxe] });
    assert.match(new TextDecoder().decode(ack2?.opt(67)), /bootscript\?mac=52:54:00:be:ef:01$/);
    assert.equal((await get(`${httpUrl}/autoexec.ipxe`, { localAddress: NODE_IP })).status, 200);
    await dnsQuery(dnsPort, 'nid001.openchami.cluster');

    const r = await get(`${admin.url}/api/v1/nodes/${MAC}/timeline`);
    assert.equal(r.status, 200);
    const body = JSON.parse(r.text);
    assert.equal(body.node.xname, 'x1000c0s0b0n0');
    const stages = body.events.map((e: { service: string; type: string; detail?: Record<string, unknown> }) => {
      const d = e.detail ?? {};
      return [e.service, e.type, d['file'] ?? d['path'] ?? d['userClass'] ?? d['qname'] ?? ''].join(' ').trim();
    });
    assert.deepEqual(stages, [
      'dhcp4 DISCOVER',
      'dhcp4 OFFER ipxe-x86_64.efi',
      'dhcp4 REQUEST',
      'dhcp4 ACK ipxe-x86_64.efi',
      'tftp transfer-start default',
      'tftp transfer-done default',
      'dhcp4 DISCOVER iPXE',
      'dhcp4 OFFER http://172.16.0.253:8081/boot/v1/bootscript?mac=52:54:00:be:ef:01',
      'dhcp4 REQUEST iPXE',
      'dhcp4 ACK http://172.16.0.253:8081/boot/v1/bootscript?mac=52:54:00:be:ef:01',
      'http file autoexec.ipxe',
      'dns lookup nid001.openchami.cluster.',
    ]);
    // The same node by its xname.
    const byName = JSON.parse((await get(`${admin.url}/api/v1/nodes/x1000c0s0b0n0/timeline`)).text);
    assert.deepEqual(byName.events.map((e: { seq: number }) => e.seq), body.events.map((e: { seq: number }) => e.seq));
  });

  test('/readyz is 200, /metrics has every service, the leases list the SMD assignment', async () => {
    assert.deepEqual(JSON.parse((await get(`${admin.url}/readyz`)).text), { status: 'ready' });
    const m = parsePrometheus((await get(`${admin.url}/metrics`)).text);
    assert.ok((m.get('coresmd_dhcp_requests_total{proto="dhcp4",type="DISCOVER"}') ?? 0) >= 2);
    assert.ok((m.get('coresmd_dhcp_requests_by_arch_total{proto="dhcp4",arch="7"}') ?? 0) >= 4);
    assert.ok((m.get('coresmd_dhcp_decisions_total{proto="dhcp4",plugin="coresmd",rule="nodes",result="ACK"}') ?? 0) >= 2);
    assert.ok((m.get('coresmd_tftp_transfers_total{outcome="complete"}') ?? 0) >= 1);
    assert.ok((m.get('coresmd_http_boot_requests_total{status="200"}') ?? 0) >= 1);
    assert.ok((m.get('coresmd_smd_refreshes_total{result="ok"}') ?? 0) >= 1);
    assert.equal(m.get('coresmd_bootloop_pool_size{pool="172.16.0.0/24"}'), 45);
    assert.ok([...m.keys()].some((k) => k.startsWith('coredns_dns_requests_total{')), 'the DNS registry is included');
    const leases = JSON.parse((await get(`${admin.url}/api/v1/leases`)).text);
    assert.deepEqual(
      leases.assigned.map((a: { mac: string; ip: string; xname: string }) => [a.mac, a.ip, a.xname]),
      [[MAC, NODE_IP, 'x1000c0s0b0n0']],
    );
  });

  test('a quarantined MAC gets no DHCP reply until its time is up; the token is required', async () => {
    const mac = '52:54:00:be:ef:02';
    assert.ok(await exchange(dhcpPort, { type: T.Discover, mac }), 'answered before');
    const body = JSON.stringify({ mac, seconds: 1.5, reason: 'test' });
    assert.equal((await get(`${admin.url}/api/v1/quarantine`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status, 401);
    const set = await get(`${admin.url}/api/v1/quarantine`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body });
    assert.equal(set.status, 201);
    assert.equal(await exchange(dhcpPort, { type: T.Discover, mac }, 500), undefined, 'no reply while quarantined');
    await new Promise((r) => setTimeout(r, 1200));
    assert.ok(await exchange(dhcpPort, { type: T.Discover, mac }), 'answered again after expiry');
    const types = JSON.parse((await get(`${admin.url}/api/v1/nodes/${mac}/timeline`)).text).events.map((e: { type: string }) => e.type);
    assert.deepEqual(types.slice(0, 2), ['DISCOVER', 'OFFER']);
    for (const want of ['quarantine-set', 'quarantined', 'quarantine-cleared']) assert.ok(types.includes(want), `${want} in ${types.join(',')}`);
    assert.ok(types.indexOf('quarantined') < types.indexOf('quarantine-cleared'));
    assert.equal(parsePrometheus((await get(`${admin.url}/metrics`)).text).get('coresmd_dhcp_dropped_total{proto="dhcp4",reason="quarantined"}'), 1);
  });
});

describe('admin listen address', () => {
  test('an explicit address that is taken stops the start before DHCP answers (exit 1)', async () => {
    const w = workdir('coresmd-admin-busy-');
    const blocker = await new Promise<Server>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const port = (blocker.address() as AddressInfo).port;
      const dhcpPort = await findFreeUdpPort('127.0.0.1');
      const dhcp = w.write('c.yaml', dhcpConfig({ smdUrl: 'http://127.0.0.1:9', listen: `127.0.0.1:${dhcpPort}`, tftpPort: await findFreeUdpPort('127.0.0.1') }));
      const lines = recordingLogger();
      const code = await runAppliance({ files: { dhcp }, io: { out: () => {}, err: () => {} }, logger: lines, clock: systemClock, env: {}, rawSocket: 'off', bootHost: '127.0.0.1', signals: new RequestQueue(), adminListen: `127.0.0.1:${port}` });
      assert.equal(code, 1);
      assert.ok(lines.lines.some((l) => l.msg === 'cannot start the admin server'));
      assert.ok(!lines.lines.some((l) => l.msg === 'DHCPv4 listening'), 'DHCP never started');
    } finally {
      blocker.close();
      w.remove();
    }
  });
});
