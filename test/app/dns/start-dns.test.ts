// startDns end to end on loopback, backed by smd-sim: answers, the shared inventory, a refresh
// that brings a new node, /metrics, and /ready turning 503 during an SMD outage (fake clock).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DnsRcode, DnsType, nameOf } from '../../../src/dns/constants.ts';
import { parseCorefile } from '../../../src/app/dns/corefile-config.ts';
import { DnsStartError, startDns, type RunningDns } from '../../../src/app/dns/start-dns.ts';
import { startSmdSim, type SmdSim } from '../../../src/app/smd-sim/server.ts';
import { findFreeUdpTcpPort } from '../../../src/net/free-port.ts';
import { createInventory } from '../../../src/smd/inventory.ts';
import { createSmdSource } from '../../../src/smd/client.ts';
import { httpGet as smdHttpGet } from '../../../src/net/http-client.ts';
import { nullLogger } from '../../../src/seams/logger.ts';
import { systemClock } from '../../../src/seams/clock.ts';
import { FakeClock } from '../../smd/support/fake-clock.ts';
import { loadExample } from '../../smd/support/example.ts';
import { formatRecord } from '../../dns/service/support.ts';
import { ask, httpGet, until } from './support.ts';


const EI = '/hsm/v2/Inventory/EthernetInterfaces';
const EXAMPLE = fileURLToPath(new URL('../../../examples/inventory.json', import.meta.url));

async function freePorts(n: number): Promise<number[]> {
  const out: number[] = [];
  while (out.length < n) {
    const p = await findFreeUdpTcpPort('127.0.0.1');
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

function corefile(o: { dnsPort: number; httpPort: number; smdUrl: string; forward?: string }): string {
  return `.:${o.dnsPort} {
    bind 127.0.0.1
    ready 127.0.0.1:${o.httpPort}
    prometheus 127.0.0.1:${o.httpPort}
    health 127.0.0.1:${o.httpPort}
    coresmd {
        smd_url ${o.smdUrl}
        cache_duration 10s
        zone openchami.cluster {
            nodes nid{03d}
        }
    }
    ${o.forward ?? ''}
}
`;
}

describe('startDns against smd-sim', () => {
  let sim: SmdSim;
  let dns: RunningDns;
  let clock: FakeClock;
  let dnsPort: number;
  let base: string;

  before(async () => {
    sim = await startSmdSim({ inventory: loadExample(), host: '127.0.0.1', port: 0, logger: nullLogger });
    const [p, h] = await freePorts(2);
    dnsPort = p!;
    base = `http://127.0.0.1:${h!}`;
    clock = new FakeClock(Date.now());
    const config = parseCorefile(corefile({ dnsPort, httpPort: h!, smdUrl: sim.url }), 'Corefile', { env: {} });
    dns = await startDns({ config, logger: nullLogger, clock, readyMaxAgeMs: 60_000 });
  });
  after(async () => {
    await dns.close();
    await sim.close();
  });

  test('listens on UDP and TCP at the bound address and answers from the inventory', async () => {
    assert.deepEqual(dns.listeners.map((l) => `${l.proto} ${l.address}:${l.port} ${l.server}`), [`udp 127.0.0.1:${dnsPort} dns://127.0.0.1:${dnsPort}`, `tcp 127.0.0.1:${dnsPort} dns://127.0.0.1:${dnsPort}`]);
    const udp = await ask(dnsPort, 'nid001.openchami.cluster.');
    assert.deepEqual(udp?.answers.map(formatRecord), ['nid001.openchami.cluster. 60 IN A 172.16.0.1']);
    const tcp = await ask(dnsPort, 'NID005.OpenChami.Cluster.', { tcp: true });
    assert.deepEqual(tcp?.answers.map(formatRecord), ['NID005.OpenChami.Cluster. 60 IN A 172.16.0.5', 'NID005.OpenChami.Cluster. 60 IN A 192.168.0.5']);
    const ptr = await ask(dnsPort, '1.0.16.172.in-addr.arpa.', { type: DnsType.PTR });
    assert.deepEqual(ptr?.answers.map(formatRecord), ['1.0.16.172.in-addr.arpa. 60 IN PTR x1000c0s0b0n0.openchami.cluster.']);
    const miss = await ask(dnsPort, 'nid999.openchami.cluster.');
    assert.equal(nameOf(DnsRcode, miss!.header.rcode), 'NXDOMAIN');
    const outside = await ask(dnsPort, 'example.com.');
    assert.equal(nameOf(DnsRcode, outside!.header.rcode), 'REFUSED');
  });

  test('/health is OK and /metrics has the six coresmd series and the standard ones', async () => {
    assert.deepEqual(await httpGet(`${base}/health`).then((r) => [r.status, r.body]), [200, 'OK']);
    const m = await httpGet(`${base}/metrics`);
    assert.equal(m.status, 200);
    assert.match(m.type, /^text\/plain; version=0\.0\.4/);
    for (const name of [
      'coredns_coresmd_requests_total',
      'coredns_coresmd_request_duration_seconds_bucket',
      'coredns_coresmd_cache_hits_total',
      'coredns_coresmd_cache_misses_total',
      'coredns_coresmd_smd_cache_age_seconds',
      'coredns_coresmd_smd_cache_size',
      'coredns_dns_requests_total',
      'coredns_dns_responses_total',
    ]) {
      assert.match(m.body, new RegExp(`^${name}\\{`, 'm'), name);
    }
    assert.match(m.body, new RegExp(`^coredns_coresmd_smd_cache_size\\{server="dns://127.0.0.1:${dnsPort}",type="components"\\} 12$`, 'm'));
  });

  test('a node added to SMD answers after one refresh', async () => {
    assert.equal(nameOf(DnsRcode, (await ask(dnsPort, 'nid007.openchami.cluster.'))!.header.rcode), 'NXDOMAIN');
    sim.store.upsertComponents({ Components: [{ ID: 'x1000c0s2b0n0', Type: 'Node', State: 'On', NID: 7 }] });
    sim.store.createInterface({ MACAddress: '52:54:00:be:ef:07', ComponentID: 'x1000c0s2b0n0', IPAddresses: [{ IPAddress: '172.16.0.7' }] });
    const before = sim.requestCount(EI);
    clock.advance(10_000); // cache_duration: the refresher's timer fires
    await until(() => sim.requestCount(EI) > before, 3000, 'a refresh');
    await until(async () => (await ask(dnsPort, 'nid007.openchami.cluster.'))?.answers.length === 1, 3000, 'nid007');
    const r = await ask(dnsPort, 'x1000c0s2b0n0.openchami.cluster.');
    assert.deepEqual(r?.answers.map(formatRecord), ['x1000c0s2b0n0.openchami.cluster. 60 IN A 172.16.0.7']);
  });

  test('/ready: 200 while SMD refreshes succeed, 503 during a long outage, 200 again after', async () => {
    assert.deepEqual(await httpGet(`${base}/ready`).then((r) => [r.status, r.body]), [200, 'OK']);
    sim.faults.set({ mode: 'status500' });
    const inv = dns.inventories[0]!;
    // 70 s of outage: seven failed refreshes, the last success now older than the 60 s limit.
    for (let i = 0; i < 7; i++) {
      const failures = inv.status().consecutiveFailures;
      clock.advance(10_000);
      await until(() => inv.status().consecutiveFailures > failures, 3000, 'a failed refresh');
    }
    const down = await httpGet(`${base}/ready`);
    assert.deepEqual([down.status, down.body], [503, 'coresmd\n']);
    // The last good data keeps being served meanwhile.
    assert.equal((await ask(dnsPort, 'nid001.openchami.cluster.'))?.answers.length, 1);
    sim.faults.set({ mode: 'none' });
    clock.advance(10_000);
    await until(() => inv.status().consecutiveFailures === 0, 3000, 'recovery');
    assert.equal((await httpGet(`${base}/ready`)).status, 200);
  });
});

describe('startDns: the shared inventory', () => {
  test('with the process inventory, DNS makes no SMD requests of its own', async () => {
    const sim = await startSmdSim({ inventory: loadExample(), host: '127.0.0.1', port: 0, logger: nullLogger });
    const inventory = createInventory({ source: createSmdSource({ baseUrl: sim.url, timeoutMs: 2000, httpGet: smdHttpGet }), clock: systemClock, logger: nullLogger, refreshIntervalMs: 60_000 });
    await inventory.start();
    const [dnsPort, httpPort] = await freePorts(2);
    const config = parseCorefile(corefile({ dnsPort: dnsPort!, httpPort: httpPort!, smdUrl: 'http://127.0.0.1:1' }), 'Corefile', { env: {} });
    const dns = await startDns({ config, inventory, logger: nullLogger, clock: systemClock });
    try {
      const requests = sim.requestCount();
      assert.deepEqual(dns.inventories, [inventory]);
      assert.equal((await ask(dnsPort!, 'nid002.openchami.cluster.'))?.answers.length, 1);
      // A refresh of the shared inventory is what DNS sees, with no extra poll loop.
      sim.store.upsertComponents({ Components: [{ ID: 'x1000c0s3b0n0', Type: 'Node', State: 'On', NID: 9 }] });
      sim.store.createInterface({ MACAddress: '52:54:00:be:ef:09', ComponentID: 'x1000c0s3b0n0', IPAddresses: [{ IPAddress: '172.16.0.9' }] });
      await inventory.refreshNow();
      assert.equal((await ask(dnsPort!, 'nid009.openchami.cluster.'))?.answers.length, 1);
      assert.equal(sim.requestCount(), requests + 2);
    } finally {
      await dns.close();
      await inventory.stop();
      await sim.close();
    }
  });
});

describe('startDns: start-up failures name the Corefile line', () => {
  test('a port in use', async () => {
    const [port, httpPort] = await freePorts(2);
    const config = parseCorefile(`.:${port} {\n bind 127.0.0.1\n}\n`, 'Corefile', { env: {} });
    const first = await startDns({ config, logger: nullLogger, clock: systemClock });
    try {
      await assert.rejects(startDns({ config, logger: nullLogger, clock: systemClock }), (e: unknown) => e instanceof DnsStartError && /^Corefile:1:1: cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/.test(e.message));
      void httpPort;
    } finally {
      await first.close();
    }
  });

  test('an unreadable ca_cert', async () => {
    const [port] = await freePorts(1);
    const config = parseCorefile(`.:${port} {\n coresmd {\n  smd_url https://smd.example\n  ca_cert /nonexistent/ca.pem\n }\n}\n`, 'Corefile', { env: {} });
    await assert.rejects(startDns({ config, logger: nullLogger, clock: systemClock }), (e: unknown) => e instanceof DnsStartError && e.message.startsWith('Corefile:4:11: coresmd:'));
  });

  test('a bind interface that does not exist', async () => {
    const [port] = await freePorts(1);
    const config = parseCorefile(`.:${port} {\n bind nosuchif0\n}\n`, 'Corefile', { env: {} });
    await assert.rejects(startDns({ config, logger: nullLogger, clock: systemClock, interfaces: () => ({}) }), /Corefile:2:7: bind: no interface named 'nosuchif0'/);
  });

  test('bind by interface name listens on its addresses', async () => {
    const [port] = await freePorts(1);
    const config = parseCorefile(`.:${port} {\n bind lo\n}\n`, 'Corefile', { env: {} });
    const dns = await startDns({
      config,
      logger: nullLogger,
      clock: systemClock,
      interfaces: () => ({ lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }] }),
    });
    try {
      assert.deepEqual(dns.listeners.map((l) => l.address), ['127.0.0.1', '127.0.0.1']);
    } finally {
      await dns.close();
    }
  });
});

describe('startDns: no bind', () => {
  test('listens on every address (dual-stack `::`, or 0.0.0.0 without IPv6); IPv4 clients count as family 1', async () => {
    const [port] = await freePorts(1);
    const config = parseCorefile(`.:${port} {\n coresmd {\n  smd_url file://${EXAMPLE}\n  zone openchami.cluster {\n   nodes nid{03d}\n  }\n }\n}\n`, 'Corefile', { env: {} });
    const dns = await startDns({ config, logger: nullLogger, clock: systemClock });
    try {
      assert.ok(dns.listeners.every((l) => (l.address === '::' || l.address === '0.0.0.0') && l.server === `dns://:${port}`), JSON.stringify(dns.listeners));
      assert.equal((await ask(port!, 'nid001.openchami.cluster.'))?.answers.length, 1);
      assert.match(dns.metrics.format(), new RegExp(`coredns_dns_requests_total\\{server="dns://:${port}",zone=".",view="",proto="udp",family="1",type="A"\\} 1`));
    } finally {
      await dns.close();
    }
  });
});

describe('startDns: forward', () => {
  test('names outside the zones go to the upstream; in-zone misses do not', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'dns-fwd-'));
    const sim = await startSmdSim({ inventory: loadExample(), host: '127.0.0.1', port: 0, logger: nullLogger });
    const [upPort, dnsPort, httpPort] = await freePorts(3);
    // The upstream is a second coresmd-ts serving example.com from a file inventory.
    writeFileSync(join(tmp, 'inv.json'), JSON.stringify({ EthernetInterfaces: [{ MACAddress: '02:00:00:00:00:01', ComponentID: 'x9000c0s0b0n0', Type: 'Node', IPAddresses: [{ IPAddress: '192.0.2.1' }] }], Components: [{ ID: 'x9000c0s0b0n0', Type: 'Node', NID: 1 }] }));
    const upstream = await startDns({
      config: parseCorefile(`example.com:${upPort} {\n bind 127.0.0.1\n coresmd {\n  smd_url file://${join(tmp, 'inv.json')}\n  zone example.com {\n   nodes www{01d}\n  }\n }\n}\n`, 'Upstream', { env: {} }),
      logger: nullLogger,
      clock: systemClock,
    });
    const dns = await startDns({
      config: parseCorefile(corefile({ dnsPort: dnsPort!, httpPort: httpPort!, smdUrl: sim.url, forward: `forward . 127.0.0.1:${upPort}` }), 'Corefile', { env: {} }),
      logger: nullLogger,
      clock: systemClock,
    });
    try {
      const fwd = await ask(dnsPort!, 'www1.example.com.');
      assert.deepEqual(fwd?.answers.map(formatRecord), ['www1.example.com. 60 IN A 192.0.2.1']);
      const fwdTcp = await ask(dnsPort!, 'www1.example.com.', { tcp: true, id: 4242 });
      assert.equal(fwdTcp?.header.id, 4242);
      assert.equal(fwdTcp?.answers.length, 1);
      const nx = await ask(dnsPort!, 'nobody.example.com.');
      assert.equal(nameOf(DnsRcode, nx!.header.rcode), 'NXDOMAIN');
      const inZone = await ask(dnsPort!, 'nobody.openchami.cluster.');
      assert.equal(nameOf(DnsRcode, inZone!.header.rcode), 'NXDOMAIN');
      assert.match(dns.metrics.format(), /coredns_dns_responses_total\{[^}]*rcode="NOERROR",plugin="forward"\} 2/);
      // The upstream saw the forwarded names only, never the in-zone miss.
      assert.doesNotMatch(upstream.metrics.format(), /zone="dropped"/);
    } finally {
      await dns.close();
      await upstream.close();
      await sim.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
