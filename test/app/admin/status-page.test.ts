// The status page (src/app/admin/ui) in headless chromium, against a stand-in of the admin API
// (status-page-fixture.ts) with a 10,000-node inventory: the virtualised table keeps a few dozen
// rows in the DOM and shows the right ones wherever it is scrolled, the search filters in well under
// 50 ms, boot events pushed on the SSE stream appear in the live feed (newest on top, capped) and
// in the inventory, a row opens the node's timeline with its stages in order, text from the network
// stays text, the keyboard reaches the rows, and quarantine sends the token.
//
// Needs Debian's chromium (.ci/run installs it); skips, saying so, without it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumPath, launchChromium, type Browser, type Page } from '../../support/cdp.ts';
import { generatedNode, StatusPageFixture } from './status-page-fixture.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const ARTIFACTS = join(ROOT, 'test-artifacts');
const NODES = 10_000;
/** ROW_HEIGHT of app.js. */
const ROW = 28;
const UI = join(ROOT, 'src', 'app', 'admin', 'ui');
const skip = chromiumPath() === null ? 'needs chromium (Debian package chromium; .ci/run installs it)' : false;

/** The inventory rows in the DOM: their index in the filtered list and their cells' text. */
const ROWS = `[...document.querySelectorAll('#inventory-body tr[data-index]')].map((tr) => ({ i: Number(tr.dataset.index), cells: [...tr.cells].map((c) => c.textContent) }))`;
/** The xname of the row drawn just below the sticky header (what the user sees first). */
const TOP_ROW_XNAME = `(() => { const s = document.getElementById('inventory-scroll'); const r = s.getBoundingClientRect(); const head = document.querySelector('#inventory thead').offsetHeight; const e = document.elementFromPoint(r.left + 20, r.top + head + 2); const tr = e && e.closest('tr[data-index]'); return tr ? tr.cells[0].textContent : null; })()`;
const FEED_TYPES = `[...document.querySelectorAll('#feed-body tr')].map((tr) => tr.cells[2].textContent)`;
const TIMELINE_TYPES = `[...document.querySelectorAll('#timeline-events li')].map((li) => li.querySelector('.type').textContent)`;

describe('status page in headless chromium (fixture API, 10,000 nodes)', { skip, timeout: 180_000 }, () => {
  const fixture = new StatusPageFixture(NODES);
  let browser: Browser | undefined;
  let page: Page;

  const search = async (q: string): Promise<void> => {
    await page.evaluate(`(() => { const s = document.getElementById('search'); s.value = ${JSON.stringify(q)}; s.dispatchEvent(new Event('input')); })()`);
  };

  before(async () => {
    fixture.bootloop.push({ mac: '02:00:00:ff:00:01', ip: '172.16.0.150', expiresAt: new Date(Date.now() + 60_000).toISOString() });
    fixture.unknown.push({ mac: '02:00:00:ff:00:02', firstSeen: new Date(Date.now() - 90_000).toISOString(), lastSeen: new Date().toISOString(), count: 3, via: 'veth0' });
    await fixture.start();
    browser = await launchChromium();
    page = await browser.newPage(fixture.url);
    await page.waitUntil('the inventory loaded', `document.getElementById('inventory-shown').textContent === '${NODES} nodes'`);
    await page.waitUntil('the live feed connected', `document.getElementById('feed-state').dataset.state === 'live'`);
  });

  after(async () => {
    await browser?.close();
    await fixture.close();
  });

  test('the header shows SMD health and the counters', async () => {
    const header = await page.evaluate<Record<string, string>>(
      `Object.fromEntries(['smd-source', 'smd-age', 'smd-refresh', 'smd-error', 'count-nodes', 'count-bootloop', 'count-unknown'].map((id) => [id, document.getElementById(id).textContent]))`,
    );
    assert.equal(header['smd-source'], 'http://smd.fixture:27779');
    assert.match(header['smd-age']!, /^\d+ s old$/);
    assert.match(header['smd-refresh']!, /^\d+ s ago \(12 ms\)$/);
    assert.equal(header['smd-error'], 'none');
    assert.equal(header['count-nodes'], String(NODES));
    assert.equal(header['count-bootloop'], '1');
    assert.equal(header['count-unknown'], '1');
    const tables = await page.evaluate<string[]>(`[...document.querySelectorAll('#bootloop-body td, #unknown-body td')].map((td) => td.textContent)`);
    assert.ok(tables.includes('02:00:00:ff:00:01') && tables.includes('172.16.0.150'), tables.join('|'));
    assert.ok(tables.includes('02:00:00:ff:00:02') && tables.includes('veth0') && tables.includes('3'), tables.join('|'));
  });

  test('an SMD refresh failure on the stream turns the header red without a reload', async () => {
    fixture.emit({ service: 'smd', type: 'refresh-failed', summary: 'GET /hsm/v2/State/Components: 503' });
    const text = await page.waitUntil<string>('the error in the header', `(() => { const e = document.getElementById('smd-error'); return e.classList.contains('bad') && e.textContent; })()`);
    assert.match(text, /^\d+ s ago: GET \/hsm\/v2\/State\/Components: 503$/);
    fixture.emit({ service: 'smd', type: 'refresh-ok', summary: '10000 nodes' });
    await page.waitUntil('the header recovered', `!document.getElementById('smd-error').classList.contains('bad')`);
  });

  test('10,000 nodes: a few dozen rows in the DOM, and the right ones wherever it scrolls', async (t) => {
    const atTop = await page.evaluate<{ i: number; cells: string[] }[]>(ROWS);
    assert.ok(atTop.length > 10 && atTop.length < 100, `${atTop.length} rows in the DOM for ${NODES} nodes`);
    assert.deepEqual(atTop[0]!.cells.slice(0, 5), [generatedNode(0).xname, 'Node', '1', generatedNode(0).macs[0], generatedNode(0).ips[0]]);
    assert.equal(await page.evaluate(`document.getElementById('inventory-scroll').scrollHeight > ${NODES * ROW}`), true, 'the scroll bar spans every node');

    for (const target of [5000, 123, 9990, 0]) {
      await page.evaluate(`document.getElementById('inventory-scroll').scrollTop = ${target * ROW}`);
      const want = generatedNode(Math.min(target, NODES - 1)).xname;
      // Scrolled to the end, the top row is the first of the last screenful.
      if (target === 9990) {
        await page.waitUntil(`row ${NODES - 1} rendered`, `${ROWS}.some((r) => r.i === ${NODES - 1} && r.cells[0] === ${JSON.stringify(generatedNode(NODES - 1).xname)})`);
      } else {
        await page.waitUntil(`node ${target} at the top`, `${TOP_ROW_XNAME} === ${JSON.stringify(want)}`);
      }
      const rows = await page.evaluate<{ i: number; cells: string[] }[]>(ROWS);
      assert.ok(rows.length < 100, `${rows.length} rows after scrolling to ${target}`);
      for (const r of rows) assert.equal(r.cells[0], generatedNode(r.i).xname, `row ${r.i} shows its own node`);
    }

    // The cost of one scroll step: the scroll handler re-fills the pooled rows, then layout. Each
    // jump lands on unrelated rows, so every cell changes (a small scroll changes no more).
    const cost = await page.evaluate<{ median: number; p90: number; max: number; wrong: number }>(`(() => {
      const s = document.getElementById('inventory-scroll');
      const table = document.getElementById('inventory');
      const times = [];
      let wrong = 0;
      let seed = 7;
      for (let k = 0; k < 200; k++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const row = seed % ${NODES - 40};
        const t0 = performance.now();
        s.scrollTop = row * ${ROW};
        s.dispatchEvent(new Event('scroll'));
        void table.offsetHeight;
        times.push(performance.now() - t0);
        if (${TOP_ROW_XNAME} !== document.querySelector('#inventory-body tr[data-index="' + row + '"]').cells[0].textContent) wrong++;
      }
      times.sort((a, b) => a - b);
      return { median: times[100], p90: times[180], max: times[199], wrong };
    })()`);
    t.diagnostic(`scroll step (render + layout), 200 random jumps over ${NODES} rows: median ${cost.median.toFixed(2)} ms, p90 ${cost.p90.toFixed(2)} ms, max ${cost.max.toFixed(2)} ms`);
    assert.equal(cost.wrong, 0, 'every jump shows the row it scrolled to');
    // Timings are reported, not asserted (performance belongs to benchmarks, not tests).
  });

  test('the search box filters 10,000 nodes by xname, MAC, IP and NID (time reported)', async (t) => {
    const n = generatedNode(7777);
    const cases: [string, number][] = [
      [n.macs[0]!, 1],
      [n.macs[0]!.replaceAll(':', '-').toUpperCase(), 1],
      [n.macs[0]!.replaceAll(':', ''), 1],
      [n.xname, 1],
      ['x3010', 256],
      [n.ips[0]!, 1],
      ['10.0.30.', 256],
      [String(n.nid), 1],
      ['no-such-node', 0],
      ['', NODES],
    ];
    const timings: string[] = [];
    for (const [q, count] of cases) {
      // The median of five runs from the full list (one run can meet a GC pause on a busy machine).
      const r = await page.evaluate<{ ms: number; shown: string; rows: string[] }>(`(() => {
        const s = document.getElementById('search');
        const table = document.getElementById('inventory');
        const runs = [];
        for (let k = 0; k < 5; k++) {
          s.value = '';
          s.dispatchEvent(new Event('input'));
          void table.offsetHeight;
          const t0 = performance.now();
          s.value = ${JSON.stringify(q)};
          s.dispatchEvent(new Event('input'));
          void table.offsetHeight;
          runs.push(performance.now() - t0);
        }
        runs.sort((a, b) => a - b);
        return { ms: runs[2], shown: document.getElementById('inventory-shown').textContent, rows: [...document.querySelectorAll('#inventory-body tr[data-index]')].map((tr) => tr.cells[0].textContent) };
      })()`);
      timings.push(`${JSON.stringify(q)} ${r.ms.toFixed(1)} ms`);
      assert.equal(r.shown, q === '' ? `${NODES} nodes` : `${count} of ${NODES} nodes`, `query ${q}`);
      if (count === 1) assert.deepEqual(r.rows, [n.xname], `query ${q}`);
      if (count === 0) assert.deepEqual(r.rows, []);
    }
    t.diagnostic(`filter + render + layout, median of 5: ${timings.join(', ')}`);

    // Typed for real: the input event of the keyboard path filters too.
    await page.click('#search');
    await page.type(n.xname);
    await page.waitUntil('typed search applied', `document.getElementById('inventory-shown').textContent === '1 of ${NODES} nodes'`);
    await search('');
  });

  test('boot events on the stream appear in the live feed, newest first, and update the node in the inventory', async () => {
    const node = generatedNode(42);
    const mac = node.macs[0]!;
    for (const [type, summary] of [
      ['DISCOVER', 'DISCOVER from 02:00:00:00:00:2a arch 7'],
      ['OFFER', `OFFER ${node.ips[0]} ipxe-x86_64.efi`],
      ['REQUEST', `REQUEST ${node.ips[0]}`],
      ['ACK', `ACK ${node.ips[0]} rule nodes`],
    ] as const) {
      fixture.emit({ service: 'dhcp4', type, mac, xname: node.xname, ip: node.ips[0]!, summary, detail: { rule: 'nodes', arch: 7 } });
    }
    const types = await page.waitUntil<string[]>('four feed rows', `(() => { const t = ${FEED_TYPES}; return t.length >= 4 && t; })()`);
    assert.deepEqual(types.slice(0, 4), ['ACK', 'REQUEST', 'OFFER', 'DISCOVER']);
    const top = await page.evaluate<string[]>(`[...document.querySelector('#feed-body tr').cells].map((c) => c.textContent)`);
    assert.deepEqual(top.slice(1), ['dhcp4', 'ACK', mac, node.xname, node.ips[0], `ACK ${node.ips[0]} rule nodes`]);
    assert.match(top[0]!, /^\d\d:\d\d:\d\d\.\d{3}$/);
    assert.ok(Number(await page.evaluate(`document.getElementById('count-events').textContent`)) >= 4);

    await search(node.xname);
    const rows = await page.waitUntil<{ cells: string[] }[]>('the node row', `(() => { const r = ${ROWS}; return r.length === 1 && r[0].cells[5] === 'dhcp4 ACK' && r; })()`);
    assert.match(rows[0]!.cells[6]!, /^\d+ s ago$/);
  });

  test("clicking a node's row opens its timeline: the stages in order, the last one marked", async () => {
    const node = generatedNode(42);
    await page.click('#inventory-body tr[data-index="0"] td:nth-child(2)');
    await page.waitUntil('the timeline', `document.getElementById('timeline').dataset.open === 'true' && document.querySelectorAll('#timeline-events li').length === 4`);
    assert.deepEqual(await page.evaluate(TIMELINE_TYPES), ['DISCOVER', 'OFFER', 'REQUEST', 'ACK']);
    assert.equal(await page.evaluate(`document.getElementById('timeline-node').textContent`), `${node.xname} (${node.macs[0]})`);
    const last = await page.evaluate<{ stopped: boolean; badge: string; current: string | null; detail: string }>(
      `(() => { const li = document.querySelector('#timeline-events li:last-child'); return { stopped: li.classList.contains('stopped'), badge: li.querySelector('.badge').textContent, current: li.getAttribute('aria-current'), detail: li.querySelector('.detail').textContent }; })()`,
    );
    assert.deepEqual(last, { stopped: true, badge: 'stopped here', current: 'step', detail: 'rule=nodes  arch=7' });
    assert.equal(await page.evaluate(`document.querySelectorAll('#timeline-events .stopped').length`), 1);
    assert.equal(await page.evaluate(`document.querySelector('#inventory-body tr[data-index="0"]').getAttribute('aria-current')`), 'true');

    // A later stage arrives live and becomes the one it stopped at.
    fixture.emit({ service: 'tftp', type: 'transfer-error', mac: node.macs[0]!, summary: 'ipxe-x86_64.efi: timeout after 1024 blocks', detail: { file: 'ipxe-x86_64.efi', code: 0 } });
    await page.waitUntil('the live stage in the timeline', `document.querySelectorAll('#timeline-events li').length === 5`);
    assert.deepEqual(await page.evaluate(TIMELINE_TYPES), ['DISCOVER', 'OFFER', 'REQUEST', 'ACK', 'transfer-error']);
    assert.equal(await page.evaluate(`document.querySelector('#timeline-events li.stopped').className`), 'stage bad stopped');
    assert.match(await page.evaluate<string>(`document.getElementById('timeline-status').textContent`), /^5 events; stopped at tftp transfer-error, \d+ s ago$/);
  });

  test('text from the network stays text: markup in events is shown, never run', async () => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    fixture.emit({ service: 'dhcp4', type: 'unknown-mac', mac: '02:00:00:ff:00:66', xname: '<b>bold</b>', summary: evil, detail: { via: '<script>window.__pwned=2</script>' } });
    await page.waitUntil('the hostile event in the feed', `document.querySelector('#feed-body tr').cells[6].textContent === ${JSON.stringify(evil)}`);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await page.evaluate(`document.querySelector('#feed-body tr').cells[4].textContent`), '<b>bold</b>');
    assert.equal(await page.evaluate(`document.querySelectorAll('#feed img, #feed b, #feed script').length`), 0);
    assert.equal(await page.evaluate(`typeof window.__pwned`), 'undefined');
    // An unknown MAC opens its own timeline from the feed.
    await page.click('#feed-body tr[data-mac="02:00:00:ff:00:66"] td:nth-child(4)');
    await page.waitUntil('the unknown MAC timeline', `document.getElementById('timeline-node').textContent === '02:00:00:ff:00:66' && document.querySelectorAll('#timeline-events li').length === 1`);
    assert.equal(await page.evaluate(`document.querySelector('#timeline-events .summary').textContent`), evil);
    assert.equal(await page.evaluate(`document.querySelectorAll('#timeline img').length`), 0);
  });

  test('the live feed keeps the newest 500 rows under a burst', async () => {
    const before = Number(await page.evaluate(`document.getElementById('count-events').textContent`));
    for (let i = 0; i < 700; i++) fixture.emit({ service: 'dns', type: 'lookup', xname: generatedNode(i).xname, summary: `burst ${i}` });
    await page.waitUntil('the burst counted', `document.getElementById('count-events').textContent === '${before + 700}'`);
    const feed = await page.evaluate<{ rows: number; first: string; last: string }>(
      `(() => { const rows = document.querySelectorAll('#feed-body tr'); return { rows: rows.length, first: rows[0].cells[6].textContent, last: rows[rows.length - 1].cells[6].textContent }; })()`,
    );
    assert.deepEqual(feed, { rows: 500, first: 'burst 699', last: 'burst 200' });
  });

  test('the stream reconnects after the server drops it', async () => {
    const dropped = fixture.streams;
    assert.equal(dropped, 1);
    await fixture.close();
    await page.waitUntil('the page noticed', `document.getElementById('feed-state').dataset.state !== 'live'`);
    // The page reconnects to its own origin: the server comes back on the same port.
    await fixture.start(Number(new URL(fixture.url).port));
    await page.waitUntil('live again', `document.getElementById('feed-state').dataset.state === 'live'`, 15_000);
    fixture.emit({ service: 'dns', type: 'lookup', summary: 'after the reconnect' });
    await page.waitUntil('an event after the reconnect', `document.querySelector('#feed-body tr').cells[6].textContent === 'after the reconnect'`);
  });

  test('keyboard: arrow keys move along the rows (scrolling the window), Enter opens the timeline', async () => {
    await page.click('#timeline-close');
    assert.deepEqual(
      await page.evaluate(`[document.getElementById('timeline').dataset.open ?? null, document.querySelectorAll('#timeline-events li').length, document.getElementById('timeline-status').textContent.startsWith('Select a node')]`),
      [null, 0, true],
    );
    await search('');
    await page.click('#search');
    await page.press('ArrowDown');
    assert.equal(await page.evaluate(`document.activeElement.dataset.index`), '0');
    await page.press('ArrowDown');
    await page.press('ArrowDown');
    assert.equal(await page.evaluate(`document.activeElement.dataset.index`), '2');
    await page.press('Enter');
    await page.waitUntil('the timeline of node 2', `document.getElementById('timeline-node').textContent.startsWith(${JSON.stringify(generatedNode(2).xname)})`);
    await page.waitUntil('its (empty) timeline', `document.getElementById('timeline-status').textContent === 'no boot events recorded for this node yet'`);
    await page.click('#inventory-body tr[data-index="2"] td');
    await page.press('End');
    assert.equal(await page.evaluate(`document.activeElement.dataset.index`), String(NODES - 1));
    assert.equal(await page.evaluate(`document.activeElement.cells[0].textContent`), generatedNode(NODES - 1).xname);
    await page.press('ArrowUp');
    assert.equal(await page.evaluate(`document.activeElement.dataset.index`), String(NODES - 2));
    assert.ok((await page.evaluate<unknown[]>(ROWS)).length < 100);
  });

  test('quarantine: disabled without a token; with one, POST and DELETE carry it', async () => {
    assert.equal(await page.evaluate(`document.querySelector('#quarantine-form button[type=submit]').disabled`), true);
    await page.click('#token');
    await page.type('wrong');
    await page.click('#q-mac');
    await page.type('02:00:00:00:00:2A');
    await page.click('#quarantine-form button[type=submit]');
    await page.waitUntil('the refusal shown', `document.getElementById('quarantine-status').textContent === 'quarantine failed: 403 wrong token'`);
    assert.equal(fixture.quarantine.size, 0);

    await page.evaluate(`document.getElementById('token').value = ''`);
    await page.click('#token');
    await page.type('sesame');
    await page.click('#q-reason');
    await page.type('flapping NIC');
    await page.click('#quarantine-form button[type=submit]');
    await page.waitUntil('the entry listed', `document.querySelector('#quarantine-body td') !== null && document.querySelector('#quarantine-body td').textContent === '02:00:00:00:00:2a'`);
    const post = fixture.requests.filter((r) => r.method === 'POST').at(-1)!;
    assert.equal(post.url, '/api/v1/quarantine');
    assert.equal(post.authorization, 'Bearer sesame');
    assert.deepEqual(JSON.parse(post.body), { mac: '02:00:00:00:00:2a', seconds: 600, reason: 'flapping NIC' });

    await page.click('#quarantine-body button[data-release]');
    await page.waitUntil('the entry gone', `document.querySelectorAll('#quarantine-body tr').length === 0`);
    const del = fixture.requests.filter((r) => r.method === 'DELETE').at(-1)!;
    assert.equal(del.url, '/api/v1/quarantine/02%3A00%3A00%3A00%3A00%3A2a');
    assert.equal(del.authorization, 'Bearer sesame');
    // The read-only requests never carry the token.
    assert.ok(fixture.requests.filter((r) => r.method === 'GET').every((r) => r.authorization === undefined));
  });

  test('no script errors; a screenshot of the page is kept', async () => {
    assert.deepEqual(page.errors, []);
    mkdirSync(ARTIFACTS, { recursive: true });
    await search(generatedNode(42).xname);
    await page.click('#inventory-body tr[data-index="0"] td');
    await page.waitUntil('the timeline', `document.querySelectorAll('#timeline-events li').length === 5`);
    await search('');
    await page.evaluate('window.scrollTo(0, 0)');
    const png = await page.screenshot();
    assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    writeFileSync(join(ARTIFACTS, 'status-page-fixture.png'), png);
  });
});

describe('status page sources (no browser needed)', () => {
  const html = readFileSync(join(UI, 'index.html'), 'utf8');
  const js = readFileSync(join(UI, 'app.js'), 'utf8');
  const css = readFileSync(join(UI, 'app.css'), 'utf8');

  test('strict mode, and no way to turn network text into markup or code', () => {
    assert.match(js, /^'use strict';$/m);
    for (const sink of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(', 'new Function', 'setAttribute(\'on']) {
      assert.ok(!js.includes(sink), `app.js uses ${sink}`);
    }
  });

  test('no CDN or other origin: every URL is relative to the page', () => {
    for (const [name, text] of [['index.html', html], ['app.js', js], ['app.css', css]] as const) {
      assert.deepEqual(text.match(/\b(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/gi) ?? [], [], `${name} names another origin`);
    }
    assert.match(html, /<script src="ui\/app\.js" defer><\/script>/);
    assert.match(html, /<link rel="stylesheet" href="ui\/app\.css">/);
    assert.match(html, /Content-Security-Policy" content="default-src 'self'; script-src 'self'; style-src 'self'/);
  });

  test('every element app.js looks up by id exists in index.html, once', () => {
    const ids = [...js.matchAll(/\$\('([a-z0-9-]+)'\)/g)].map((m) => m[1]!);
    assert.ok(ids.length > 20);
    for (const id of new Set(ids)) assert.equal(html.split(`id="${id}"`).length - 1, 1, `#${id}`);
  });

  test('the row height of app.js and app.css agree (the virtual table depends on it)', () => {
    assert.equal(/const ROW_HEIGHT = (\d+);/.exec(js)?.[1], String(ROW));
    assert.equal(/--row: (\d+)px;/.exec(css)?.[1], String(ROW));
  });
});
