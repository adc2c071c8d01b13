// The status page of a running appliance, in headless chromium (Debian's `chromium`, driven over
// CDP on a pipe by test/support/cdp.ts), as root in two network namespaces this test creates:
//
//   client ns: udhcpc ── veth ── server ns: 172.16.0.253/24
//                                   coresmd serve --dhcp … --admin-listen 127.0.0.1:9180
//                                   coresmd smd-sim (examples/inventory.json + 10,000 generated nodes)
//                                   chromium → http://127.0.0.1:9180/
//
// The page shows the 10,012-node inventory with a few dozen rows in the DOM, scrolls to the right
// rows and filters them; a DHCP exchange of busybox udhcpc for a node's MAC then appears in the
// live feed (SSE), and that node's row opens its timeline: DISCOVER, OFFER, REQUEST, ACK in order.
// A screenshot is kept as test-artifacts/admin-status.png.
//
// Names carry this process's PID; every process started is stopped by its PID (chromium by its
// process group) and the namespaces are deleted by name, also on failure. Skips, saying why,
// when not root or a tool is missing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumPath, launchChromium, type Browser, type Page } from '../support/cdp.ts';
import { has, makeNetnsPair, sh, until } from './support/process.ts';
import { exampleCoredhcpYaml } from './support/example-config.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/coresmd');
const HOOK = join(ROOT, 'scripts/netns/udhcpc-hook.sh');
const ARTIFACT = join(ROOT, 'test-artifacts', 'admin-status.png');

const missing = [
  ['ip', '-V', 'iproute2'],
  ['udhcpc', '--help', 'udhcpc'],
].filter(([cmd, arg]) => !has(cmd!, arg!)).map(([cmd, , pkg]) => `${cmd} (Debian ${pkg})`);
if (chromiumPath() === null) missing.push('chromium (Debian chromium)');
const skip = process.getuid?.() !== 0 ? 'needs root for network namespaces' : missing.length > 0 ? `needs ${missing.join(', ')}; .ci/run installs them` : false;

const tag = `ab${process.pid}`;
const SRV = `${tag}s`;
const CLI = `${tag}c`;
const SRV_IF = `v${tag}s`;
const CLI_IF = `v${tag}c`;
const SERVER_IP = '172.16.0.253';
/** x1000c0s0b0n0 in examples/inventory.json: NID 1, 172.16.0.1. */
const KNOWN_MAC = '52:54:00:be:ef:01';
const KNOWN_XNAME = 'x1000c0s0b0n0';
const SMD_PORT = 27779;
const ADMIN = '127.0.0.1:9180';
const GENERATED = 10_000;
/** ROW_HEIGHT of src/app/admin/ui/app.js. */
const ROW = 28;

const hex = (n: number) => (n & 255).toString(16).padStart(2, '0');

/** Generated node i: an xname, MAC and IP no example node has, NID after the examples'. */
function generated(i: number): { xname: string; mac: string; ip: string; nid: number } {
  return {
    xname: `x${2000 + Math.floor(i / 256)}c0s${Math.floor((i % 256) / 4)}b0n${i % 4}`,
    mac: `02:10:00:${hex(i >> 16)}:${hex(i >> 8)}:${hex(i)}`,
    ip: `10.100.${(i >> 8) & 255}.${i & 255}`,
    nid: 1000 + i,
  };
}

/** examples/inventory.json with GENERATED more nodes, in SMD's shapes (for `coresmd smd-sim`). */
function largeInventory(): string {
  const doc = JSON.parse(readFileSync(join(ROOT, 'examples', 'inventory.json'), 'utf8')) as { EthernetInterfaces: unknown[]; Components: unknown[] };
  for (let i = 0; i < GENERATED; i++) {
    const g = generated(i);
    doc.EthernetInterfaces.push({ ID: g.mac.replaceAll(':', ''), Description: `Interface 0 for ${g.xname}`, MACAddress: g.mac, LastUpdate: '2025-03-04T18:22:41.513207Z', ComponentID: g.xname, Type: 'Node', IPAddresses: [{ IPAddress: g.ip, Network: 'management' }] });
    doc.Components.push({ ID: g.xname, Type: 'Node', State: 'Ready', Flag: 'OK', Enabled: true, Role: 'Compute', NID: g.nid });
  }
  return JSON.stringify(doc);
}

const coredhcpYaml = (leaseFile: string) => exampleCoredhcpYaml({ iface: SRV_IF, serverIp: SERVER_IP, smdUrl: `http://127.0.0.1:${SMD_PORT}`, cacheValid: '30s', tftpDir: '/nonexistent', bootloopLeaseFile: leaseFile });

/** Page expressions. */
const ROWS = `[...document.querySelectorAll('#inventory-body tr[data-index]')].map((tr) => ({ i: Number(tr.dataset.index), cells: [...tr.cells].map((c) => c.textContent) }))`;
const SHOWN = `document.getElementById('inventory-shown').textContent`;
const setSearch = (q: string) => `(() => { const s = document.getElementById('search'); s.value = ${JSON.stringify(q)}; s.dispatchEvent(new Event('input')); return document.getElementById('inventory-shown').textContent; })()`;

describe('the status page of a running appliance, in headless chromium', { skip, timeout: 180_000 }, () => {
  let work: string;
  const children: ChildProcess[] = [];
  const logs = new Map<string, () => string>();
  let browser: Browser | undefined;
  let page: Page;

  /** Starts `bin/coresmd ARGS` in the server namespace, its output kept for diagnostics. */
  function startInServerNs(name: string, args: readonly string[]): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', SRV, process.execPath, BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let log = '';
    const keep = (d: Buffer) => (log = (log + d.toString()).slice(-20_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    logs.set(name, () => log);
    return child;
  }
  const allLogs = (): string =>
    [...logs].map(([n, l]) => `--- ${n}:\n${l().slice(-3000)}`).join('\n') + (browser === undefined ? '' : `\n--- chromium:\n${browser.stderr().slice(-2000)}\npage errors: ${page?.errors.join('\n') ?? ''}`);

  before(async () => {
    work = mkdtempSync(join(tmpdir(), `${tag}-`));
    makeNetnsPair({ srvNs: SRV, cliNs: CLI, srvIf: SRV_IF, cliIf: CLI_IF, srvIp: SERVER_IP, cliMac: KNOWN_MAC });

    const inventory = join(work, 'inventory.json');
    writeFileSync(inventory, largeInventory());
    startInServerNs('smd-sim', ['smd-sim', '--inventory', inventory, '--listen', `127.0.0.1:${SMD_PORT}`, '--log-level', 'warn']);
    await until('smd-sim listening', 30_000, () => (/smd-sim listening/.test(logs.get('smd-sim')!()) ? true : undefined), allLogs);

    const config = join(work, 'coredhcp.yaml');
    writeFileSync(config, coredhcpYaml(join(work, 'bootloop.leases')));
    startInServerNs('serve', ['serve', '--dhcp', config, '--admin-listen', ADMIN, '--log-format', 'json']);
    await until('the appliance ready', 30_000, () => (/"msg":"ready"/.test(logs.get('serve')!()) ? true : undefined), allLogs);

    // chromium in the server namespace, where the admin server listens on loopback.
    browser = await launchChromium({ prefix: ['ip', 'netns', 'exec', SRV] });
    page = await browser.newPage(`http://${ADMIN}/`);
  });

  after(async () => {
    await browser?.close();
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const t = setTimeout(() => (c.kill('SIGKILL'), resolve()), 5000);
            c.once('exit', () => (clearTimeout(t), resolve()));
          }),
      ),
    );
    for (const ns of [CLI, SRV]) sh('ip', ['netns', 'del', ns]);
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  test('the page shows the inventory from SMD: 10,012 nodes, a few dozen rows in the DOM', async (t) => {
    const total = GENERATED + 12;
    await page.waitUntil('the inventory', `${SHOWN} === '${total} nodes'`, 20_000).catch((e: Error) => assert.fail(`${e.message}\n${allLogs()}`));
    const load = await page.evaluate<{ shownAt: number; fetchMs: number; bytes: number }>(
      `(() => { const f = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/api/v1/inventory')); return { shownAt: performance.getEntriesByName('coresmd:inventory')[0].startTime, fetchMs: f.duration, bytes: f.encodedBodySize }; })()`,
    );
    t.diagnostic(`inventory of ${total} nodes: ${(load.bytes / 1024).toFixed(0)} KiB fetched in ${load.fetchMs.toFixed(0)} ms; table shown ${load.shownAt.toFixed(0)} ms after navigation`);
    await page.waitUntil('the live feed connected', `document.getElementById('feed-state').dataset.state === 'live'`);
    assert.equal(await page.evaluate(`document.getElementById('smd-source').textContent`), `http://127.0.0.1:${SMD_PORT}`);
    assert.equal(await page.evaluate(`document.getElementById('count-nodes').textContent`), String(total));
    const rows = await page.evaluate<{ i: number; cells: string[] }[]>(ROWS);
    assert.ok(rows.length > 10 && rows.length < 100, `${rows.length} rows in the DOM for ${total} nodes`);
    assert.ok(
      rows.some((r) => r.cells[0] === KNOWN_XNAME && r.cells[3] === KNOWN_MAC && r.cells[2] === '1'),
      rows.map((r) => r.cells[0]).join(' '),
    );
  });

  test('scrolling shows the right rows and the search filters them, in the browser', async (t) => {
    // Which node each filtered position holds, as the page has it (the API's order).
    const order = await page.evaluate<string[]>(`fetch('api/v1/inventory').then((r) => r.json()).then((d) => d.nodes.map((n) => n.xname))`);
    assert.equal(order.length, GENERATED + 12);
    for (const target of [7000, 2500, order.length - 1]) {
      await page.evaluate(`document.getElementById('inventory-scroll').scrollTop = ${target * ROW}`);
      await page.waitUntil(`row ${target} rendered`, `${ROWS}.some((r) => r.i === ${target})`);
      const rows = await page.evaluate<{ i: number; cells: string[] }[]>(ROWS);
      assert.ok(rows.length < 100, `${rows.length} rows after scrolling to ${target}`);
      for (const r of rows) assert.equal(r.cells[0], order[r.i], `row ${r.i}`);
    }
    const g = generated(4321);
    const timings: string[] = [];
    for (const [q, want] of [
      [g.mac, [g.xname]],
      [g.ip, [g.xname]],
      [String(g.nid), [g.xname]],
      [KNOWN_MAC, [KNOWN_XNAME]],
    ] as const) {
      const r = await page.evaluate<{ ms: number; shown: string; rows: string[] }>(`(() => {
        const t0 = performance.now();
        const shown = ${setSearch(q)};
        void document.getElementById('inventory').offsetHeight;
        return { ms: performance.now() - t0, shown, rows: [...document.querySelectorAll('#inventory-body tr[data-index]')].map((tr) => tr.cells[0].textContent) };
      })()`);
      timings.push(`${q} ${r.ms.toFixed(1)} ms`);
      assert.equal(r.shown, `1 of ${GENERATED + 12} nodes`, q);
      assert.deepEqual(r.rows, want, q);
    }
    t.diagnostic(`search over ${GENERATED + 12} nodes (filter + render + layout): ${timings.join(', ')}`);
  });

  test('a DHCP exchange from the client namespace appears in the live feed and the node row', async () => {
    const record = join(work, 'udhcpc.rec');
    const r = sh('ip', ['netns', 'exec', CLI, 'env', `NETNS_RECORD=${record}`, 'udhcpc', '-f', '-q', '-n', '-t', '5', '-T', '1', '-i', CLI_IF, '-s', HOOK], { timeoutMs: 20_000 });
    assert.equal(r.status, 0, `udhcpc: ${r.out}\n${allLogs()}`);
    assert.match(readFileSync(record, 'utf8'), / event=bound .* ip=172\.16\.0\.1 /);

    const feed = await page.waitUntil<string[]>(
      'the ACK in the live feed',
      `(() => { const t = [...document.querySelectorAll('#feed-body tr[data-mac="${KNOWN_MAC}"]')].map((tr) => tr.cells[1].textContent + ' ' + tr.cells[2].textContent); return t.includes('dhcp4 ACK') && t; })()`,
      15_000,
    );
    // Newest on top: the ACK above the DISCOVER that started the exchange.
    assert.ok(feed.indexOf('dhcp4 ACK') < feed.lastIndexOf('dhcp4 DISCOVER'), feed.join(', '));
    const top = await page.evaluate<string[]>(`[...document.querySelector('#feed-body tr[data-mac="${KNOWN_MAC}"]').cells].map((c) => c.textContent)`);
    assert.equal(top[3], KNOWN_MAC);
    assert.equal(top[4], KNOWN_XNAME);

    assert.equal(await page.evaluate(setSearch(KNOWN_XNAME)), `1 of ${GENERATED + 12} nodes`);
    await page.waitUntil('the last stage in the inventory', `(() => { const r = ${ROWS}; return r.length === 1 && r[0].cells[5] === 'dhcp4 ACK'; })()`);
  });

  test("the node's row opens its timeline: DISCOVER, OFFER, REQUEST, ACK in order; a screenshot is kept", async (t) => {
    await page.click('#inventory-body tr[data-index="0"] td:nth-child(2)');
    const types = await page.waitUntil<string[]>(
      'the timeline',
      `(() => { const t = [...document.querySelectorAll('#timeline-events li')].map((li) => li.querySelector('.type').textContent); return t.includes('ACK') && t; })()`,
      10_000,
    );
    t.diagnostic(`timeline of ${KNOWN_XNAME}: ${types.join(' → ')}`);
    const stages = ['DISCOVER', 'OFFER', 'REQUEST', 'ACK'];
    let at = -1;
    for (const s of stages) {
      const next = types.indexOf(s, at + 1);
      assert.ok(next > at, `${s} after ${stages.slice(0, stages.indexOf(s)).join(', ') || 'the start'} in ${types.join(', ')}`);
      at = next;
    }
    assert.equal(types.at(-1), 'ACK', 'the exchange ended with the ACK');
    assert.deepEqual(
      await page.evaluate(`(() => { const li = document.querySelector('#timeline-events li.stopped'); return [li.querySelector('.type').textContent, li.querySelector('.badge').textContent, document.querySelectorAll('#timeline-events li.stopped').length]; })()`),
      ['ACK', 'stopped here', 1],
    );
    assert.match(await page.evaluate<string>(`document.getElementById('timeline-node').textContent`), new RegExp(`^${KNOWN_XNAME} \\(${KNOWN_MAC}`));
    assert.deepEqual(page.errors, [], 'no script errors');

    await page.evaluate('window.scrollTo(0, 0)');
    const png = await page.screenshot();
    assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    writeFileSync(ARTIFACT, png);
    t.diagnostic(`screenshot: ${ARTIFACT} (${png.length} bytes)`);
  });
});
