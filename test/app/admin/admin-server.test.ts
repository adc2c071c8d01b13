// The admin HTTP API over hand-built sources: every endpoint, the token rules (401, 403,
// read-only), the CSV and dnsmasq lease exports, the event stream (live events, Last-Event-ID,
// keepalive, slow clients dropped) and /metrics in the Prometheus text format.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { nullLogger } from '../../../src/seams/logger.ts';
import type { Clock } from '../../../src/seams/clock.ts';
import { createInventory, type Inventory } from '../../../src/smd/inventory.ts';
import { Counters } from '../../../src/dhcp/service/counters.ts';
import { BootloopLeases } from '../../../src/dhcp/service/bootloop/leases.ts';
import { parseIPv4 } from '../../../src/wire/addr.ts';
import { UsageError } from '../../../src/app/cli/args.ts';
import { HttpBootStats } from '../../../src/app/http-boot/http-boot-stats.ts';
import { adminAsset } from '../../../src/app/admin/assets.ts';
import { createAdminRuntime, type AdminRuntime } from '../../../src/app/admin/admin-runtime.ts';
import type { AdminServer } from '../../../src/app/admin/server.ts';
import type { AdminSources } from '../../../src/app/admin/sources.ts';
import type { TftpServerStats } from '../../../src/tftp/service/server.ts';
import { loadExample } from '../../smd/support/example.ts';
import { pool } from '../../dhcp/service/bootloop/support.ts';
import { parsePrometheus, parseSse } from './support.ts';

const NODE = { mac: '52:54:00:be:ef:01', xname: 'x1000c0s0b0n0', ip: '172.16.0.1' };
const UNKNOWN = '02:00:00:00:00:42';
const TOKEN = 'admin-token-0123456789';

/** Wall time plus an offset the tests move forward. */
const clock = {
  offset: 0,
  now(): number {
    return Date.now() + this.offset;
  },
  setTimer(ms: number, fn: () => void) {
    const t = setTimeout(fn, ms);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
} satisfies Clock & { offset: number };

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => any;
}

function call(base: string, path: string, o: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method: o.method ?? 'GET', headers: o.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

const post = (base: string, body: unknown, token?: string) =>
  call(base, '/api/v1/quarantine', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** Opens the event stream and collects its text until `until` says stop or `ms` passes. */
function stream(base: string, headers: Record<string, string>, until: (text: string) => boolean, ms = 3000): Promise<{ text: string; closedByServer: boolean; status: number }> {
  return new Promise((resolve, reject) => {
    let text = '';
    let done = false;
    const req = httpRequest(`${base}/api/v1/events`, { headers }, (res) => {
      res.setEncoding('utf8');
      const finish = (closedByServer: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        req.destroy();
        resolve({ text, closedByServer, status: res.statusCode ?? 0 });
      };
      res.on('data', (c: string) => {
        text += c;
        if (until(text)) finish(false);
      });
      res.on('close', () => finish(true));
      res.on('error', () => finish(true));
    });
    const timer = setTimeout(() => {
      done = true;
      req.destroy();
      resolve({ text, closedByServer: false, status: 0 });
    }, ms);
    req.on('error', (e) => (done ? undefined : reject(e)));
    req.end();
  });
}

describe('admin API', () => {
  let dir: string;
  let runtime: AdminRuntime;
  let open: AdminServer;
  let locked: AdminServer;
  let lockedRuntime: AdminRuntime;
  let inventory: Inventory;
  let leases: BootloopLeases;
  const notReady: string[] = [];
  const dhcp4 = new Counters();
  const http = new HttpBootStats();
  const tftpStats: TftpServerStats = {
    requests: 5, started: 4, active: 1, complete: 2, sizeProbes: 1, failed: 1, notFound: 1, accessDenied: 0, writeRequests: 0,
    malformed: 1, duplicateRequests: 0, busyDrops: 0, unknownTid: 0, bytesSent: 1_700_000, retransmits: 3, aborts: 0, errors: 1,
  };
  let explained: { v6: boolean; mac: string | undefined } | undefined;

  function sources(): AdminSources {
    return {
      inventory: () => inventory,
      inventoryMaxAgeMs: () => 300_000,
      bootloop: () => leases,
      dhcp4: () => ({ server: dhcp4, transport: undefined }),
      dhcp6: () => undefined,
      tftp: () => ({ stats: () => tftpStats, malformedByCode: () => new Map([['ERR_WIRE_TRUNCATED', 1]]) }),
      httpBoot: () => http,
      dnsMetrics: () => '# HELP coredns_dns_requests_total Counter of DNS requests.\n# TYPE coredns_dns_requests_total counter\ncoredns_dns_requests_total{server="dns://:53"} 7\n',
      notReady: () => [...notReady],
      async explain(get, v6) {
        const mac = get('mac');
        if (mac === undefined || !/^[0-9a-f:]+$/.test(mac)) throw new UsageError(`--mac: not a MAC address: '${mac}'`);
        explained = { v6, mac: get('user-class') };
        return { report: { request: { mac }, outcome: 'reply' }, replied: true };
      },
    };
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coresmd-admin-api-'));
    runtime = createAdminRuntime(clock);
    lockedRuntime = createAdminRuntime(clock);
    inventory = createInventory({ source: { kind: 'smd', describe: () => 'https://smd.test', fetch: async () => loadExample() }, clock, logger: nullLogger, refreshIntervalMs: 60_000, events: runtime.events });
    assert.ok((await inventory.refreshNow()).ok);
    ({ leases } = await BootloopLeases.open({ file: join(dir, 'leases'), pools: [pool('172.16.0.0/24', '172.16.0.156', '172.16.0.200')], leaseTimeMs: 300_000, clock, logger: nullLogger }));
    const granted = await leases.grant({ mac: UNKNOWN, giaddr: 0, ingress: [parseIPv4('172.16.0.253')!] });
    assert.ok(granted.ok);
    open = await runtime.listen({ host: '127.0.0.1', port: 0, token: undefined, sources: sources(), logger: nullLogger });
    locked = await lockedRuntime.listen({ host: '127.0.0.1', port: 0, token: TOKEN, sources: sources(), logger: nullLogger });
    dhcp4.inc('received', 4);
    dhcp4.inc('requests{type="DISCOVER"}', 3);
    dhcp4.inc('replies{type="OFFER"}', 2);
    dhcp4.inc('malformed{code="ERR_WIRE_TRUNCATED"}');
    http.record(200, 1_000_000, true);
    http.record(404, 0, true);
    const ev = runtime.events;
    ev.emit({ service: 'dhcp4', type: 'DISCOVER', mac: NODE.mac, summary: 'DISCOVER, arch x64 UEFI (7)', detail: { arch: 7 } });
    ev.emit({ service: 'dhcp4', type: 'OFFER', mac: NODE.mac, ip: NODE.ip, summary: 'OFFER', detail: { request: 'DISCOVER', plugin: 'coresmd', rule: 'nodes', source: 'smd', file: 'ipxe-x86_64.efi' } });
    ev.emit({ service: 'dhcp4', type: 'ACK', mac: NODE.mac, ip: NODE.ip, summary: 'ACK', detail: { request: 'REQUEST', plugin: 'coresmd', rule: 'nodes', source: 'smd' } });
    ev.emit({ service: 'tftp', type: 'transfer-done', ip: NODE.ip, summary: 'ipxe-x86_64.efi sent', detail: { file: 'ipxe-x86_64.efi', bytes: 1024 } });
    ev.emit({ service: 'dns', type: 'lookup', xname: NODE.xname, summary: 'A nid001.openchami.cluster → NOERROR' });
    ev.emit({ service: 'dhcp4', type: 'DISCOVER', mac: UNKNOWN, summary: 'DISCOVER', detail: { interface: 'eth1' } });
  });

  after(async () => {
    await open.close();
    await locked.close();
    await runtime.close();
    await lockedRuntime.close();
    await leases.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('GET /healthz: 200 {"status":"ok"} as JSON', async () => {
    const r = await call(open.url, '/healthz');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    assert.deepEqual(r.json(), { status: 'ok' });
  });

  test('GET /readyz: 200 while ready; 503 with the reasons when a service is down or the inventory is stale', async () => {
    assert.deepEqual((await call(open.url, '/readyz')).json(), { status: 'ready' });
    notReady.push('dns: not listening');
    clock.offset = 301_000;
    try {
      const r = await call(open.url, '/readyz');
      assert.equal(r.status, 503);
      const body = r.json();
      assert.equal(body.status, 'not-ready');
      assert.equal(body.reasons[0], 'dns: not listening');
      assert.match(body.reasons[1], /^inventory: snapshot is 30\d s old, more than 300 s$/);
    } finally {
      notReady.length = 0;
      clock.offset = 0;
    }
  });

  test('GET /api/v1/inventory: snapshot, refresh history and nodes with their latest event', async () => {
    const r = await call(open.url, '/api/v1/inventory');
    assert.equal(r.status, 200);
    const body = r.json();
    assert.equal(body.source, 'https://smd.test');
    assert.match(body.snapshotAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(typeof body.ageSeconds, 'number');
    assert.equal(body.count, 12);
    assert.equal(body.nodes.length, 12);
    assert.equal(body.refresh.lastError, null);
    assert.equal(body.refresh.history.length, 1);
    assert.equal(body.refresh.history[0].ok, true);
    const node = body.nodes.find((n: { xname: string }) => n.xname === NODE.xname);
    assert.deepEqual({ ...node, last: undefined }, { xname: NODE.xname, type: 'Node', nid: 1, macs: [NODE.mac], ips: ['172.16.0.1', 'fd00:172:16::1'], last: undefined });
    assert.equal(node.last.type, 'transfer-done');
    assert.equal(node.last.service, 'tftp');
  });

  test('GET /api/v1/inventory filters by mac, xname (any spelling) and ip; a bad filter is 400', async () => {
    for (const q of [`mac=${NODE.mac.toUpperCase().replaceAll(':', '-')}`, 'xname=X1000C0S0B00N0', `ip=${NODE.ip}`]) {
      const body = (await call(open.url, `/api/v1/inventory?${q}`)).json();
      assert.deepEqual(body.nodes.map((n: { xname: string }) => n.xname), [NODE.xname], q);
      assert.equal(body.count, 1);
    }
    assert.equal((await call(open.url, '/api/v1/inventory?xname=x9999c0s0b0n0')).json().count, 0);
    const bad = await call(open.url, '/api/v1/inventory?mac=zz');
    assert.equal(bad.status, 400);
    assert.match(bad.json().error, /not a MAC address/);
  });

  test('GET /api/v1/leases: bootloop leases and the last SMD assignment per MAC', async () => {
    const body = (await call(open.url, '/api/v1/leases')).json();
    assert.equal(body.bootloop.length, 1);
    assert.equal(body.bootloop[0].mac, UNKNOWN);
    assert.equal(body.bootloop[0].ip, '172.16.0.156');
    assert.match(body.bootloop[0].expiresAt, /Z$/);
    assert.equal(body.assigned.length, 1);
    assert.deepEqual({ ...body.assigned[0], at: undefined }, { mac: NODE.mac, ip: NODE.ip, xname: NODE.xname, at: undefined, service: 'dhcp4' });
  });

  test('GET /api/v1/leases?format=csv and ?format=dnsmasq; another format is 400', async () => {
    const csv = await call(open.url, '/api/v1/leases?format=csv');
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    const rows = csv.text.split('\r\n');
    assert.equal(rows[0], 'kind,mac,ip,xname,time,service');
    assert.match(rows[1]!, new RegExp(`^bootloop,${UNKNOWN},172\\.16\\.0\\.156,,\\d{4}-.*Z,dhcp4$`));
    assert.match(rows[2]!, new RegExp(`^assigned,${NODE.mac},${NODE.ip},${NODE.xname},\\d{4}-.*Z,dhcp4$`));
    assert.equal(rows[3], '');
    const dm = await call(open.url, '/api/v1/leases?format=dnsmasq');
    const lines = dm.text.trimEnd().split('\n');
    assert.match(lines[0]!, new RegExp(`^\\d{10} ${UNKNOWN} 172\\.16\\.0\\.156 \\* \\*$`));
    assert.equal(lines[1], `0 ${NODE.mac} ${NODE.ip} ${NODE.xname} *`);
    assert.equal((await call(open.url, '/api/v1/leases?format=xml')).status, 400);
  });

  test('GET /api/v1/unknown: MACs not in SMD, with counts and how they came', async () => {
    const body = (await call(open.url, '/api/v1/unknown')).json();
    assert.equal(body.macs.length, 1);
    const u = body.macs[0];
    assert.equal(u.mac, UNKNOWN);
    assert.equal(u.count, 1);
    assert.equal(u.via, 'dhcp4 on eth1');
    assert.match(u.firstSeen, /Z$/);
  });

  test('GET /api/v1/explain runs the dry run with the query as flags; bad input is 400', async () => {
    const r = await call(open.url, `/api/v1/explain?mac=${NODE.mac}&user_class=iPXE&v6=1`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { request: { mac: NODE.mac }, outcome: 'reply', replied: true });
    assert.deepEqual(explained, { v6: true, mac: 'iPXE' });
    const bad = await call(open.url, '/api/v1/explain?mac=nope!');
    assert.equal(bad.status, 400);
    assert.match(bad.json().error, /--mac: not a MAC address/);
  });

  test('GET /api/v1/nodes/{mac|xname}/timeline: every event of the node in order, by either id', async () => {
    const byMac = (await call(open.url, `/api/v1/nodes/${NODE.mac}/timeline`)).json();
    const byName = (await call(open.url, `/api/v1/nodes/${NODE.xname}/timeline`)).json();
    assert.deepEqual(byMac, byName);
    assert.deepEqual(byMac.node, { xname: NODE.xname, macs: [NODE.mac] });
    assert.deepEqual(byMac.events.map((e: { service: string; type: string }) => `${e.service} ${e.type}`), ['dhcp4 DISCOVER', 'dhcp4 OFFER', 'dhcp4 ACK', 'tftp transfer-done', 'dns lookup']);
    const offer = byMac.events[1];
    assert.equal(offer.mac, NODE.mac);
    assert.equal(offer.xname, NODE.xname);
    assert.equal(offer.ip, NODE.ip);
    assert.equal(offer.detail.rule, 'nodes');
    assert.match(offer.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const seqs = byMac.events.map((e: { seq: number }) => e.seq);
    assert.deepEqual([...seqs].sort((a, b) => a - b), seqs);
  });

  test('timeline: a MAC only the event store knows is 200; an id nobody knows is 404; junk is 400', async () => {
    const u = (await call(open.url, `/api/v1/nodes/${UNKNOWN}/timeline`)).json();
    assert.deepEqual(u.node, { xname: null, macs: [UNKNOWN] });
    assert.deepEqual(u.events.map((e: { type: string }) => e.type), ['DISCOVER', 'unknown-mac']);
    const none = await call(open.url, '/api/v1/nodes/02:00:00:00:00:99/timeline');
    assert.equal(none.status, 404);
    assert.match(none.json().error, /nothing is known/);
    assert.equal((await call(open.url, '/api/v1/nodes/x9999c0s0b0n0/timeline')).status, 404);
    assert.equal((await call(open.url, '/api/v1/nodes/not%20a%20node!/timeline')).status, 400);
  });

  test('GET /api/v1/events: a live event arrives as `id/event: boot/data`; Last-Event-ID replays what followed', async () => {
    const before = runtime.events.lastSeq;
    const live = stream(open.url, {}, (t) => t.includes('"summary":"live one"'));
    await new Promise((r) => setTimeout(r, 100));
    runtime.events.emit({ service: 'http', type: 'file', ip: NODE.ip, summary: 'live one', detail: { path: '/ipxe-x86_64.efi', status: 200, bytes: 10 } });
    const got = await live;
    assert.equal(got.status, 200);
    const frames = parseSse(got.text).filter((f) => f.event === 'boot');
    assert.equal(frames.length, 1);
    assert.equal(frames[0]!.id, String(before + 1));
    const e = JSON.parse(frames[0]!.data!);
    assert.equal(e.seq, before + 1);
    assert.equal(e.mac, NODE.mac, 'the HTTP client address was tied to its MAC');
    assert.equal(e.service, 'http');

    const replay = await stream(open.url, { 'Last-Event-ID': String(before - 2) }, (t) => parseSse(t).filter((f) => f.event === 'boot').length >= 3);
    assert.deepEqual(parseSse(replay.text).filter((f) => f.event === 'boot').map((f) => Number(f.id)), [before - 1, before, before + 1]);
    assert.equal((await call(open.url, '/api/v1/events?lastEventId=abc')).status, 400);
  });

  test('GET /api/v1/events sends a keepalive comment when idle', async () => {
    const rt = createAdminRuntime(clock);
    const { startAdminServer } = await import('../../../src/app/admin/server.ts');
    const s = await startAdminServer({ host: '127.0.0.1', port: 0, token: undefined, sources: sources(), store: rt.events, quarantine: rt.quarantine, bootMetrics: rt.metrics, clock, logger: nullLogger, sse: { keepaliveMs: 50 } });
    try {
      const got = await stream(s.url, {}, (t) => t.includes(': keepalive'));
      assert.ok(parseSse(got.text).some((f) => f.comment === 'keepalive'), got.text);
    } finally {
      await s.close();
      await rt.close();
    }
  });

  test('an event-stream client that falls behind its buffer bound is dropped, and counted', async () => {
    const rt = createAdminRuntime(clock);
    const { startAdminServer } = await import('../../../src/app/admin/server.ts');
    const s = await startAdminServer({ host: '127.0.0.1', port: 0, token: undefined, sources: sources(), store: rt.events, quarantine: rt.quarantine, bootMetrics: rt.metrics, clock, logger: nullLogger, sse: { maxBufferedBytes: 2_000 } });
    try {
      const got = stream(s.url, {}, () => false, 3000);
      await new Promise((r) => setTimeout(r, 100));
      // One event-loop turn of events, far more than 2 000 bytes, before anything is written.
      for (let i = 0; i < 100; i++) rt.events.emit({ service: 'dhcp4', type: 'DISCOVER', mac: NODE.mac, summary: `flood ${i}` });
      const r = await got;
      assert.equal(r.closedByServer, true);
      const m = parsePrometheus((await call(s.url, '/metrics')).text);
      assert.equal(m.get('coresmd_admin_sse_dropped_clients_total'), 1);
      assert.equal(m.get('coresmd_admin_sse_clients'), 0);
    } finally {
      await s.close();
      await rt.close();
    }
  });

  test('GET /metrics: valid text 0.0.4 with DHCP, TFTP, HTTP boot, SMD, bootloop, admin and DNS series', async () => {
    const r = await call(open.url, '/metrics');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    const m = parsePrometheus(r.text);
    const want: [string, number | undefined][] = [
      ['coresmd_dhcp_received_total{proto="dhcp4"}', 4],
      ['coresmd_dhcp_requests_total{proto="dhcp4",type="DISCOVER"}', 3],
      ['coresmd_dhcp_replies_total{proto="dhcp4",type="OFFER"}', 2],
      ['coresmd_malformed_packets_total{proto="dhcp4",layer="server",code="ERR_WIRE_TRUNCATED"}', 1],
      ['coresmd_malformed_packets_total{proto="tftp",layer="server",code="ERR_WIRE_TRUNCATED"}', 1],
      ['coresmd_dhcp_requests_by_arch_total{proto="dhcp4",arch="7"}', 1],
      ['coresmd_dhcp_requests_by_arch_total{proto="dhcp4",arch="none"}', 1],
      ['coresmd_dhcp_results_total{proto="dhcp4",request="DISCOVER",result="OFFER"}', 1],
      ['coresmd_dhcp_decisions_total{proto="dhcp4",plugin="coresmd",rule="nodes",result="ACK"}', 1],
      ['coresmd_tftp_transfers_total{outcome="complete"}', 2],
      ['coresmd_tftp_transfers_total{outcome="error"}', 1],
      ['coresmd_tftp_bytes_sent_total', 1_700_000],
      ['coresmd_tftp_retransmits_total', 3],
      ['coresmd_tftp_request_errors_total{reason="not-found"}', 1],
      ['coresmd_http_boot_requests_total{status="200"}', 1],
      ['coresmd_http_boot_requests_total{status="404"}', 1],
      ['coresmd_http_boot_bytes_sent_total', 1_000_000],
      ['coresmd_smd_snapshot_entries{type="components"}', 12],
      ['coresmd_smd_snapshot_entries{type="ethernet_interfaces"}', 13],
      ['coresmd_smd_refreshes_total{result="ok"}', 1],
      ['coresmd_smd_refresh_duration_seconds_count', 1],
      ['coresmd_smd_consecutive_failures', 0],
      ['coresmd_bootloop_pool_size{pool="172.16.0.0/24"}', 45],
      ['coresmd_bootloop_pool_used{pool="172.16.0.0/24"}', 1],
      ['coresmd_bootloop_leases', 1],
      ['coresmd_quarantined_macs', 0],
      ['coresmd_boot_events_total{service="tftp",type="transfer-done"}', 1],
      ['coredns_dns_requests_total{server="dns://:53"}', 7],
    ];
    for (const [k, v] of want) assert.equal(m.get(k), v, k);
    assert.ok((m.get('coresmd_smd_snapshot_age_seconds') ?? -1) >= 0);
    assert.ok((m.get('coresmd_admin_events_held{ring="global"}') ?? 0) >= 6);
  });

  test('quarantine without a token: GET works, POST and DELETE are 403 read-only', async () => {
    assert.deepEqual((await call(open.url, '/api/v1/quarantine')).json(), { entries: [] });
    const p = await post(open.url, { mac: NODE.mac, seconds: 60 });
    assert.equal(p.status, 403);
    assert.match(p.json().error, /^read-only/);
    const d = await call(open.url, `/api/v1/quarantine/${NODE.mac}`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(d.status, 403);
  });

  test('quarantine with a token: 401 without it, 403 with another, 201 with it; then DELETE 204, 404', async () => {
    const none = await post(locked.url, { mac: NODE.mac, seconds: 60 });
    assert.equal(none.status, 401);
    assert.match(String(none.headers['www-authenticate']), /^Bearer/);
    assert.equal((await post(locked.url, { mac: NODE.mac, seconds: 60 }, `${TOKEN}x`)).status, 403);
    assert.equal((await post(locked.url, { mac: NODE.mac, seconds: 60 }, 'short')).status, 403);
    const ok = await post(locked.url, { mac: '52-54-00-BE-EF-01', seconds: 60, reason: 'reseating its DIMMs' }, TOKEN);
    assert.equal(ok.status, 201);
    const entry = ok.json();
    assert.equal(entry.mac, NODE.mac);
    assert.equal(entry.reason, 'reseating its DIMMs');
    assert.ok(Math.abs(Date.parse(entry.until) - (Date.now() + 60_000)) < 5_000);
    assert.equal(lockedRuntime.quarantine.holds(NODE.mac), true);
    assert.deepEqual((await call(locked.url, '/api/v1/quarantine')).json().entries.map((e: { mac: string }) => e.mac), [NODE.mac]);
    const events = lockedRuntime.events.since(0).map((e) => `${e.service} ${e.type} ${e.mac}`);
    assert.ok(events.includes(`admin quarantine-set ${NODE.mac}`));

    assert.equal((await call(locked.url, `/api/v1/quarantine/${NODE.mac}`, { method: 'DELETE' })).status, 401);
    assert.equal((await call(locked.url, `/api/v1/quarantine/${NODE.mac}`, { method: 'DELETE', headers: { authorization: `Bearer nope` } })).status, 403);
    assert.equal((await call(locked.url, `/api/v1/quarantine/${NODE.mac}`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } })).status, 204);
    assert.equal(lockedRuntime.quarantine.holds(NODE.mac), false);
    assert.equal((await call(locked.url, `/api/v1/quarantine/${NODE.mac}`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } })).status, 404);
    assert.equal((await call(locked.url, '/api/v1/quarantine/zz', { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } })).status, 400);
  });

  test('quarantine POST: bad bodies are 400, the wrong content type 415', async () => {
    const cases: [unknown, number, RegExp][] = [
      [{ mac: NODE.mac, seconds: -1 }, 400, /seconds/],
      [{ mac: NODE.mac, seconds: 60 * 24 * 3600 * 31 }, 400, /30 days/],
      [{ mac: 'nope', seconds: 5 }, 400, /not a MAC/],
      [{ mac: NODE.mac }, 400, /seconds/],
      [{ mac: NODE.mac, seconds: 5, until: 'x' }, 400, /unknown field 'until'/],
      ['{"mac":', 400, /not valid JSON/],
      [[1], 400, /JSON object/],
    ];
    for (const [body, status, msg] of cases) {
      const r = await post(locked.url, body, TOKEN);
      assert.equal(r.status, status, JSON.stringify(body));
      assert.match(r.json().error, msg);
    }
    const r = await call(locked.url, '/api/v1/quarantine', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' }, body: 'x' });
    assert.equal(r.status, 415);
  });

  test('unknown paths are 404 JSON; a wrong method is 405 with Allow', async () => {
    const r = await call(open.url, '/api/v2/nothing');
    assert.equal(r.status, 404);
    assert.match(r.json().error, /no such endpoint/);
    const m = await call(open.url, '/api/v1/inventory', { method: 'DELETE' });
    assert.equal(m.status, 405);
    assert.equal(m.headers['allow'], 'GET');
  });

  test('the status page and its assets are served from src/app/admin/ui (404 while they are missing)', async () => {
    for (const [path, name, type] of [['/', 'index.html', /^text\/html/], ['/ui/app.js', 'app.js', /^text\/javascript/], ['/ui/app.css', 'app.css', /^text\/css/]] as const) {
      const r = await call(open.url, path);
      const asset = adminAsset(name);
      if (asset === undefined) {
        assert.equal(r.status, 404, path);
      } else {
        assert.equal(r.status, 200, path);
        assert.match(String(r.headers['content-type']), type);
        assert.equal(r.text, asset.body.toString('utf8'));
      }
    }
    assert.equal(adminAsset('../server.ts'), undefined, 'only the three names');
  });
});
