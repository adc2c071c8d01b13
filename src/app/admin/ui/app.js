// The status page (index.html): inventory, boot timelines, bootloop leases, unknown MACs, SMD
// health and the live event feed, from the admin JSON API (docs/admin-api.md). Plain browser
// JavaScript, no framework and no build step.
//
// Everything shown comes from the network (xnames, MACs and summaries are what clients and SMD
// sent), so text only ever goes into the page through textContent and attributes, never as markup.
//
// The inventory table is virtualised: however many nodes there are, only the rows in view (plus a
// few either side) exist in the DOM, and spacer rows above and below give the scroll bar its
// length. Rows have a fixed height (ROW_HEIGHT, the same as `.vscroll tbody tr` in app.css).
'use strict';

(() => {
  const API = 'api/v1/';
  /** Pixel height of an inventory row; app.css sets the same. */
  const ROW_HEIGHT = 28;
  /** Rows rendered beyond each edge of the visible window. */
  const OVERSCAN = 10;
  /** Live feed rows kept in the DOM; older ones are removed. */
  const FEED_CAP = 500;
  /** Events kept in an open timeline (the server keeps fewer per MAC). */
  const TIMELINE_CAP = 500;
  const INVENTORY_POLL_MS = 30_000;
  const TABLES_POLL_MS = 10_000;
  /** Relative times ("12 s ago") are refreshed this often. */
  const TICK_MS = 1_000;
  const RECONNECT_MS = 5_000;

  /** Event types that mean a boot went wrong or was refused. */
  const BAD_TYPES = new Set(['NAK', 'DECLINE', 'ignored', 'quarantined', 'unknown-mac', 'transfer-error', 'refresh-failed']);
  /** Event types that complete a stage: a lease handed out, a file delivered. */
  const DONE_TYPES = new Set(['ACK', 'REPLY', 'transfer-done', 'file', 'refresh-ok']);

  const $ = (id) => {
    const found = document.getElementById(id);
    if (found === null) throw new Error(`index.html lacks #${id}`);
    return found;
  };

  /** A new element with properties/attributes and text or element children (text as text nodes). */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props ?? {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else if (k in node && typeof v !== 'string') node[k] = v;
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children) if (c !== undefined && c !== null) node.append(c);
    return node;
  }

  /** Replaces the text of `node` only when it changed (cheap re-renders). */
  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  // ---- time formatting --------------------------------------------------------------------------

  const pad = (n, w = 2) => String(n).padStart(w, '0');

  /** HH:MM:SS.mmm in local time. */
  function clock(iso) {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return '?';
    return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  }

  function duration(seconds) {
    const s = Math.max(0, Math.round(seconds));
    if (s < 60) return `${s} s`;
    if (s < 3600) return `${Math.floor(s / 60)} min ${pad(s % 60)} s`;
    if (s < 86400) return `${Math.floor(s / 3600)} h ${pad(Math.floor((s % 3600) / 60))} min`;
    return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
  }

  /** "12 s ago", or "in 3 min" for a time ahead. */
  function relative(iso) {
    const t = Date.parse(iso);
    if (Number.isNaN(t)) return '';
    const delta = (Date.now() - t) / 1000;
    return delta >= -1 ? `${duration(delta)} ago` : `in ${duration(-delta)}`;
  }

  function stageClass(type) {
    return BAD_TYPES.has(type) ? 'bad' : DONE_TYPES.has(type) ? 'ok' : 'step';
  }

  // ---- API access -------------------------------------------------------------------------------

  const apiStatus = $('api-status');
  const failures = new Map();

  /** Shows (or clears) a failed request in the header's alert line. */
  function reportFailure(what, message) {
    if (message === undefined) failures.delete(what);
    else failures.set(what, message);
    apiStatus.hidden = failures.size === 0;
    setText(apiStatus, [...failures].map(([w, m]) => `${w}: ${m}`).join(' · '));
  }

  /** GETs api/v1/<path> as JSON; null on 404; throws with the server's message otherwise. */
  async function getJson(path) {
    const res = await fetch(API + path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(await errorText(res));
    return res.json();
  }

  async function errorText(res) {
    try {
      const body = await res.json();
      if (body !== null && typeof body.error === 'string') return `${res.status} ${body.error}`;
    } catch {
      // not JSON
    }
    return `${res.status} ${res.statusText}`;
  }

  /** Runs a loader, reporting its failure under `what` and clearing it on success. */
  async function load(what, loader) {
    try {
      await loader();
      reportFailure(what, undefined);
    } catch (e) {
      reportFailure(what, e instanceof Error ? e.message : String(e));
    }
  }

  /** A function that runs `fn` at most once per `ms`, trailing calls folded into one. */
  function throttled(fn, ms) {
    let timer = null;
    let last = 0;
    return () => {
      if (timer !== null) return;
      const wait = Math.max(0, last + ms - Date.now());
      timer = setTimeout(() => {
        timer = null;
        last = Date.now();
        fn();
      }, wait);
    };
  }

  // ---- SMD health (header) ----------------------------------------------------------------------

  const health = { source: '', snapshotAt: null, ageSeconds: null, fetchedAt: 0, refresh: null };

  function updateHealth(inv) {
    health.source = inv.source ?? '';
    health.snapshotAt = inv.snapshotAt ?? null;
    health.ageSeconds = typeof inv.ageSeconds === 'number' ? inv.ageSeconds : null;
    health.fetchedAt = Date.now();
    health.refresh = inv.refresh ?? null;
    renderHealth();
  }

  function renderHealth() {
    setText($('smd-source'), health.source || 'unknown');
    const ageCell = $('smd-age');
    if (health.ageSeconds === null) setText(ageCell, 'none yet');
    else setText(ageCell, `${duration(health.ageSeconds + (Date.now() - health.fetchedAt) / 1000)} old`);
    if (health.snapshotAt !== null) ageCell.title = health.snapshotAt;
    const r = health.refresh ?? {};
    const ok = typeof r.lastSuccess === 'string' ? r.lastSuccess : null;
    setText($('smd-refresh'), ok === null ? 'never' : `${relative(ok)}${typeof r.lastDurationMs === 'number' ? ` (${r.lastDurationMs} ms)` : ''}`);
    const err = r.lastError ?? null;
    const errCell = $('smd-error');
    setText(errCell, err === null ? 'none' : `${relative(err.at)}: ${err.message}`);
    // Failing now: the newest attempt was an error.
    const failing = err !== null && (ok === null || Date.parse(err.at) > Date.parse(ok));
    errCell.classList.toggle('bad', failing);
    ageCell.classList.toggle('bad', failing);
  }

  /** An smd event moves the header along without waiting for the next inventory fetch. */
  function healthFromEvent(e) {
    const r = health.refresh ?? (health.refresh = { lastSuccess: null, lastError: null, lastDurationMs: null });
    if (e.type === 'refresh-ok') r.lastSuccess = e.at;
    else if (e.type === 'refresh-failed') r.lastError = { at: e.at, message: e.summary };
    renderHealth();
  }

  // ---- inventory (virtualised table) ------------------------------------------------------------

  const inv = {
    nodes: [],
    byMac: new Map(),
    byXname: new Map(),
    shown: [],
    query: '',
    /** Index in `shown` of the row that holds keyboard focus. */
    cursor: 0,
    /** The node whose timeline is open. */
    selected: null,
  };

  const scroller = $('inventory-scroll');
  const body = $('inventory-body');
  const table = $('inventory');
  const search = $('search');
  const COLUMNS = 7;
  const topSpacer = spacerRow();
  const bottomSpacer = spacerRow();
  /** The rendered rows, reused as the window moves: rowPool[j] shows shown[first + j]. */
  const rowPool = [];
  let first = 0;
  body.append(topSpacer, bottomSpacer);

  function spacerRow() {
    const tr = el('tr', { class: 'spacer', 'aria-hidden': 'true' }, el('td', { colspan: COLUMNS }));
    tr.hidden = true;
    return tr;
  }

  function dataRow() {
    const tr = el('tr', { tabindex: '-1' });
    for (let i = 0; i < COLUMNS; i++) tr.append(el('td'));
    return tr;
  }

  /** Lower-case text the search box matches against: xname, MACs (with and without colons), IPs, NID. */
  function searchKey(n) {
    return [n.xname, ...n.macs, ...n.macs.map((m) => m.replaceAll(':', '')), ...n.ips, n.nid === null ? '' : String(n.nid)].join('\n').toLowerCase();
  }

  function normaliseNode(raw) {
    const n = {
      xname: typeof raw.xname === 'string' ? raw.xname : '',
      type: typeof raw.type === 'string' ? raw.type : '',
      nid: typeof raw.nid === 'number' ? raw.nid : null,
      macs: Array.isArray(raw.macs) ? raw.macs.filter((m) => typeof m === 'string').map((m) => m.toLowerCase()) : [],
      ips: Array.isArray(raw.ips) ? raw.ips.filter((i) => typeof i === 'string') : [],
      last: raw.last !== null && typeof raw.last === 'object' ? raw.last : null,
    };
    n.key = searchKey(n);
    return n;
  }

  function setInventory(data) {
    const nodes = Array.isArray(data.nodes) ? data.nodes.map(normaliseNode) : [];
    const byMac = new Map();
    const byXname = new Map();
    for (const n of nodes) {
      for (const m of n.macs) byMac.set(m, n);
      if (n.xname !== '') byXname.set(n.xname, n);
    }
    // Events that arrived after the server built this list are newer than its `last`.
    for (const old of inv.nodes) {
      const now = byXname.get(old.xname);
      if (now !== undefined && old.last !== null && (now.last === null || Date.parse(old.last.at) > Date.parse(now.last.at))) now.last = old.last;
    }
    inv.nodes = nodes;
    inv.byMac = byMac;
    inv.byXname = byXname;
    if (inv.selected !== null) inv.selected = byXname.get(inv.selected.xname) ?? inv.selected;
    setText($('count-nodes'), String(nodes.length));
    applyFilter(false);
  }

  /** What the search box means: lower case; a MAC written with dashes matches the colon form. */
  function normaliseQuery(q) {
    const t = q.trim().toLowerCase();
    return /^[0-9a-f]{1,2}(-[0-9a-f]{1,2})+-?$/.test(t) ? t.replaceAll('-', ':') : t;
  }

  function applyFilter(fromInput) {
    const q = normaliseQuery(search.value);
    inv.query = q;
    inv.shown = q === '' ? inv.nodes : inv.nodes.filter((n) => n.key.includes(q));
    table.setAttribute('aria-rowcount', String(inv.shown.length + 1));
    if (fromInput) {
      scroller.scrollTop = 0;
      inv.cursor = 0;
    }
    inv.cursor = Math.min(inv.cursor, Math.max(0, inv.shown.length - 1));
    setText($('inventory-shown'), q === '' ? `${inv.nodes.length} nodes` : `${inv.shown.length} of ${inv.nodes.length} nodes`);
    renderRows();
  }

  /** The header row's height: rows start below it in the scroller's content. */
  function headHeight() {
    return table.tHead === null ? 0 : table.tHead.offsetHeight;
  }

  /** Renders the window of `shown` that is in view, reusing the pooled rows. */
  function renderRows() {
    const total = inv.shown.length;
    const view = Math.max(ROW_HEIGHT, scroller.clientHeight - headHeight());
    const top = Math.max(0, scroller.scrollTop);
    const firstVisible = Math.floor(top / ROW_HEIGHT);
    const lastVisible = Math.ceil((top + view) / ROW_HEIGHT);
    first = Math.min(Math.max(0, firstVisible - OVERSCAN), total);
    const end = Math.min(total, lastVisible + OVERSCAN);
    const count = end - first;

    while (rowPool.length < count) {
      const tr = dataRow();
      body.insertBefore(tr, bottomSpacer);
      rowPool.push(tr);
    }
    while (rowPool.length > count) rowPool.pop().remove();

    topSpacer.hidden = first === 0;
    topSpacer.style.height = `${first * ROW_HEIGHT}px`;
    bottomSpacer.hidden = end === total;
    bottomSpacer.style.height = `${(total - end) * ROW_HEIGHT}px`;

    const focusIndex = inv.cursor >= first && inv.cursor < end ? inv.cursor : first;
    for (let j = 0; j < count; j++) fillRow(rowPool[j], first + j, first + j === focusIndex);
  }

  function fillRow(tr, index, focusable) {
    const n = inv.shown[index];
    tr.dataset.index = String(index);
    tr.setAttribute('aria-rowindex', String(index + 2));
    tr.tabIndex = focusable ? 0 : -1;
    tr.classList.toggle('odd', index % 2 === 1);
    tr.classList.toggle('selected', inv.selected === n);
    if (inv.selected === n) tr.setAttribute('aria-current', 'true');
    else tr.removeAttribute('aria-current');
    const c = tr.cells;
    setText(c[0], n.xname);
    setText(c[1], n.type);
    setText(c[2], n.nid === null ? '' : String(n.nid));
    const macs = n.macs.join(', ');
    setText(c[3], macs);
    c[3].title = macs;
    const ips = n.ips.join(', ');
    setText(c[4], ips);
    c[4].title = ips;
    const last = n.last;
    setText(c[5], last === null ? '—' : `${last.service} ${last.type}`);
    c[5].className = last === null ? 'muted' : stageClass(last.type);
    c[5].title = last === null ? '' : last.summary ?? '';
    setText(c[6], last === null ? '' : relative(last.at));
    c[6].title = last === null ? '' : last.at;
  }

  /** Scrolls so that row `index` of `shown` is inside the view. */
  function scrollToRow(index) {
    const view = scroller.clientHeight - headHeight();
    const rowTop = index * ROW_HEIGHT;
    if (rowTop < scroller.scrollTop) scroller.scrollTop = rowTop;
    else if (rowTop + ROW_HEIGHT > scroller.scrollTop + view) scroller.scrollTop = rowTop + ROW_HEIGHT - view;
  }

  function focusRow(index) {
    if (inv.shown.length === 0) return;
    inv.cursor = Math.max(0, Math.min(index, inv.shown.length - 1));
    scrollToRow(inv.cursor);
    renderRows();
    rowPool[inv.cursor - first]?.focus({ preventScroll: true });
  }

  function rowIndexOf(target) {
    const tr = target instanceof Element ? target.closest('tr[data-index]') : null;
    return tr === null || !body.contains(tr) ? -1 : Number(tr.dataset.index);
  }

  scroller.addEventListener('scroll', renderRows, { passive: true });
  window.addEventListener('resize', renderRows);
  search.addEventListener('input', () => applyFilter(true));
  search.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      focusRow(0);
    } else if (e.key === 'Enter' && inv.shown.length > 0) {
      openTimeline(inv.shown[0]);
    }
  });
  body.addEventListener('click', (e) => {
    const i = rowIndexOf(e.target);
    if (i < 0) return;
    inv.cursor = i;
    openTimeline(inv.shown[i]);
  });
  body.addEventListener('keydown', (e) => {
    const i = rowIndexOf(e.target);
    if (i < 0) return;
    const page = Math.max(1, Math.floor((scroller.clientHeight - headHeight()) / ROW_HEIGHT) - 1);
    const moves = { ArrowDown: i + 1, ArrowUp: i - 1, PageDown: i + page, PageUp: i - page, Home: 0, End: inv.shown.length - 1 };
    if (e.key in moves) {
      e.preventDefault();
      focusRow(moves[e.key]);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      openTimeline(inv.shown[i]);
    }
  });

  async function loadInventory() {
    const data = await getJson('inventory');
    if (data === null) throw new Error('404');
    updateHealth(data);
    setInventory(data);
    // For measurements (the browser test reads it): when the inventory last became visible.
    performance.clearMarks('coresmd:inventory');
    performance.mark('coresmd:inventory');
  }

  // ---- timeline ---------------------------------------------------------------------------------

  const tl = {
    panel: $('timeline'),
    close: $('timeline-close'),
    list: $('timeline-events'),
    status: $('timeline-status'),
    /** What is shown: the node (or a lone MAC) and its events, oldest first. */
    subject: null,
    events: [],
    request: 0,
    /** Live events were added since the last render. */
    dirty: false,
  };

  /** Opens the timeline of a node of the inventory or of any MAC (an unknown one, from the feed). */
  async function openTimeline(target) {
    const node = typeof target === 'string' ? (inv.byMac.get(target) ?? inv.byXname.get(target) ?? null) : target;
    const subject = node !== null ? { xname: node.xname, macs: node.macs } : { xname: null, macs: [target] };
    const id = subject.macs[0] ?? subject.xname;
    if (id === undefined || id === null || id === '') return;
    inv.selected = node;
    renderRows();
    tl.subject = subject;
    tl.events = [];
    tl.panel.dataset.open = 'true';
    tl.close.hidden = false;
    setText($('timeline-node'), subject.xname !== null && subject.xname !== '' ? `${subject.xname} (${subject.macs.join(', ')})` : subject.macs.join(', '));
    setText(tl.status, 'loading…');
    tl.list.replaceChildren();
    const request = ++tl.request;
    try {
      const data = await getJson(`nodes/${encodeURIComponent(id)}/timeline`);
      if (request !== tl.request) return;
      if (data !== null && data.node !== null && typeof data.node === 'object' && Array.isArray(data.node.macs)) {
        subject.macs = [...new Set([...subject.macs, ...data.node.macs.map((m) => String(m).toLowerCase())])];
      }
      // Events that arrived on the live feed while the request ran are merged by seq.
      const fetched = data === null || !Array.isArray(data.events) ? [] : data.events;
      const seen = new Set(fetched.map((e) => e.seq));
      tl.events = [...fetched, ...tl.events.filter((e) => !seen.has(e.seq))].slice(-TIMELINE_CAP);
      renderTimeline();
    } catch (e) {
      if (request === tl.request) setText(tl.status, `timeline failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  function timelineWants(e) {
    const s = tl.subject;
    if (s === null) return false;
    return (typeof e.mac === 'string' && s.macs.includes(e.mac.toLowerCase())) || (typeof e.xname === 'string' && s.xname !== null && e.xname === s.xname);
  }

  function detailText(detail) {
    if (detail === null || typeof detail !== 'object') return '';
    return Object.entries(detail)
      .filter(([, v]) => v !== undefined && v !== null && v !== '')
      .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join('  ');
  }

  function renderTimeline() {
    const events = tl.events;
    const last = events[events.length - 1];
    setText(tl.status, last === undefined ? 'no boot events recorded for this node yet' : `${events.length} events; stopped at ${last.service} ${last.type}, ${relative(last.at)}`);
    const items = events.map((e, i) => {
      const isLast = i === events.length - 1;
      return el(
        'li',
        { class: `stage ${stageClass(e.type)}${isLast ? ' stopped' : ''}`, 'data-type': e.type, 'aria-current': isLast ? 'step' : undefined },
        el('time', { datetime: e.at, title: e.at, text: clock(e.at) }),
        el('span', { class: 'svc', text: e.service }),
        el('strong', { class: 'type', text: e.type }),
        el('span', { class: 'summary', text: e.summary ?? '' }),
        isLast ? el('span', { class: 'badge', text: 'stopped here' }) : null,
        e.detail === undefined ? null : el('span', { class: 'detail', text: detailText(e.detail) }),
      );
    });
    tl.list.replaceChildren(...items);
    // The newest stage in view (the list scrolls, not the page).
    tl.list.scrollTop = tl.list.scrollHeight;
  }

  const TIMELINE_HINT = $('timeline-status').textContent;
  tl.close.addEventListener('click', () => {
    delete tl.panel.dataset.open;
    tl.close.hidden = true;
    tl.subject = null;
    tl.events = [];
    tl.request++;
    tl.list.replaceChildren();
    setText($('timeline-node'), '');
    setText(tl.status, TIMELINE_HINT);
    inv.selected = null;
    renderRows();
    rowPool[inv.cursor - first]?.focus({ preventScroll: true });
  });

  // ---- live feed (SSE) --------------------------------------------------------------------------

  const feedBody = $('feed-body');
  const feedState = $('feed-state');
  /** Events received but not yet in the DOM: bursts are added in one go. */
  let pending = [];
  let flushTimer = null;
  let eventCount = 0;
  let rowsDirty = false;
  setText($('feed-cap'), String(FEED_CAP));

  function setFeedState(text) {
    setText(feedState, text);
    feedState.dataset.state = text;
  }

  function validEvent(e) {
    return e !== null && typeof e === 'object' && typeof e.at === 'string' && typeof e.service === 'string' && typeof e.type === 'string';
  }

  function onEvent(e) {
    eventCount++;
    const mac = typeof e.mac === 'string' ? e.mac.toLowerCase() : undefined;
    const node = (mac === undefined ? undefined : inv.byMac.get(mac)) ?? (typeof e.xname === 'string' ? inv.byXname.get(e.xname) : undefined);
    if (node !== undefined && (node.last === null || Date.parse(e.at) >= Date.parse(node.last.at))) {
      node.last = { at: e.at, service: e.service, type: e.type, summary: e.summary ?? '' };
      rowsDirty = true;
    }
    if (timelineWants(e)) {
      tl.events.push(e);
      if (tl.events.length > TIMELINE_CAP) tl.events.shift();
      tl.dirty = true;
    }
    if (e.service === 'smd') {
      healthFromEvent(e);
      if (e.type === 'refresh-ok') reloadInventorySoon();
    } else if (e.service === 'admin') {
      reloadQuarantineSoon();
    } else if (e.service === 'dhcp4' || e.service === 'dhcp6') {
      reloadTablesSoon();
    }
    pending.push(e);
    if (pending.length > FEED_CAP) pending = pending.slice(-FEED_CAP);
    if (flushTimer === null) flushTimer = setTimeout(flushFeed, 50);
  }

  function feedRow(e) {
    const mac = typeof e.mac === 'string' ? e.mac : '';
    return el(
      'tr',
      // A click opens the MAC's timeline; keyboard users reach the same from the inventory and the
      // unknown-MAC table (500 extra tab stops here would trap them).
      { class: stageClass(e.type), 'data-mac': mac || undefined },
      el('td', { class: 'mono', title: e.at }, el('time', { datetime: e.at, text: clock(e.at) })),
      el('td', { text: e.service }),
      el('td', { class: 'type', text: e.type }),
      el('td', { class: 'mono', text: mac }),
      el('td', { text: typeof e.xname === 'string' ? e.xname : '' }),
      el('td', { class: 'mono', text: typeof e.ip === 'string' ? e.ip : '' }),
      el('td', { class: 'summary', text: e.summary ?? '', title: detailText(e.detail) || undefined }),
    );
  }

  function flushFeed() {
    flushTimer = null;
    const batch = pending;
    pending = [];
    const fragment = document.createDocumentFragment();
    for (let i = batch.length - 1; i >= 0; i--) fragment.append(feedRow(batch[i]));
    feedBody.prepend(fragment);
    while (feedBody.rows.length > FEED_CAP) feedBody.lastElementChild.remove();
    setText($('count-events'), String(eventCount));
    if (rowsDirty) {
      rowsDirty = false;
      renderRows();
    }
    if (tl.dirty) {
      tl.dirty = false;
      renderTimeline();
    }
  }

  function openFromFeed(target) {
    const tr = target instanceof Element ? target.closest('tr[data-mac]') : null;
    if (tr !== null) openTimeline(tr.dataset.mac);
  }
  feedBody.addEventListener('click', (e) => openFromFeed(e.target));

  function connectFeed() {
    const source = new EventSource(API + 'events');
    source.addEventListener('open', () => setFeedState('live'));
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) {
        // Closed for good (the server refused the stream): start over later.
        setFeedState('disconnected');
        setTimeout(connectFeed, RECONNECT_MS);
      } else {
        setFeedState('reconnecting');
      }
    });
    source.addEventListener('boot', (m) => {
      let e;
      try {
        e = JSON.parse(m.data);
      } catch {
        return;
      }
      if (validEvent(e)) onEvent(e);
    });
  }

  // ---- bootloop leases and unknown MACs ---------------------------------------------------------

  function macCell(mac) {
    return el('td', { class: 'mono' }, el('button', { type: 'button', class: 'link', 'data-mac': mac, text: mac, title: 'open the timeline' }));
  }

  async function loadLeases() {
    const data = await getJson('leases');
    const rows = data === null || !Array.isArray(data.bootloop) ? [] : data.bootloop;
    $('bootloop-body').replaceChildren(
      ...rows.map((l) => el('tr', {}, macCell(String(l.mac)), el('td', { class: 'mono', text: String(l.ip ?? '') }), el('td', { title: String(l.expiresAt ?? ''), text: l.expiresAt ? relative(l.expiresAt) : '' }))),
    );
    setText($('count-bootloop'), String(rows.length));
  }

  async function loadUnknown() {
    const data = await getJson('unknown');
    const rows = data === null || !Array.isArray(data.macs) ? [] : data.macs;
    $('unknown-body').replaceChildren(
      ...rows.map((u) =>
        el(
          'tr',
          {},
          macCell(String(u.mac)),
          el('td', { title: String(u.firstSeen ?? ''), text: u.firstSeen ? relative(u.firstSeen) : '' }),
          el('td', { title: String(u.lastSeen ?? ''), text: u.lastSeen ? relative(u.lastSeen) : '' }),
          el('td', { class: 'num', text: String(u.count ?? '') }),
          el('td', { text: String(u.via ?? '') }),
        ),
      ),
    );
    setText($('count-unknown'), String(rows.length));
  }

  for (const id of ['bootloop-body', 'unknown-body']) {
    $(id).addEventListener('click', (e) => {
      const b = e.target instanceof Element ? e.target.closest('button[data-mac]') : null;
      if (b !== null) openTimeline(b.dataset.mac);
    });
  }

  // ---- quarantine (needs the admin token) -------------------------------------------------------

  const token = $('token');
  const qStatus = $('quarantine-status');
  const qSubmit = $('quarantine-form').querySelector('button[type="submit"]');

  function authHeaders() {
    return { Authorization: `Bearer ${token.value.trim()}` };
  }

  function tokenChanged() {
    const none = token.value.trim() === '';
    qSubmit.disabled = none;
    for (const b of $('quarantine-body').querySelectorAll('button')) b.disabled = none;
  }

  async function loadQuarantine() {
    const data = await getJson('quarantine');
    const rows = data === null || !Array.isArray(data.entries) ? [] : data.entries;
    $('quarantine-body').replaceChildren(
      ...rows.map((q) =>
        el(
          'tr',
          {},
          el('td', { class: 'mono', text: String(q.mac) }),
          el('td', { title: String(q.until ?? ''), text: q.until ? relative(q.until) : '' }),
          el('td', { text: String(q.reason ?? '') }),
          el('td', {}, el('button', { type: 'button', 'data-release': String(q.mac), text: 'release' })),
        ),
      ),
    );
    tokenChanged();
  }

  async function mutate(method, path, body) {
    const init = { method, headers: { ...authHeaders(), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) } };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await fetch(API + path, init);
    if (!res.ok) throw new Error(await errorText(res));
  }

  $('quarantine-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const mac = $('q-mac').value.trim().toLowerCase();
    const seconds = Number($('q-seconds').value);
    const reason = $('q-reason').value.trim();
    try {
      await mutate('POST', 'quarantine', { mac, seconds, ...(reason === '' ? {} : { reason }) });
      setText(qStatus, `${mac} quarantined for ${duration(seconds)}`);
    } catch (err) {
      setText(qStatus, `quarantine failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    await load('quarantine', loadQuarantine);
  });

  $('quarantine-body').addEventListener('click', async (e) => {
    const b = e.target instanceof Element ? e.target.closest('button[data-release]') : null;
    if (b === null) return;
    const mac = b.dataset.release;
    try {
      await mutate('DELETE', `quarantine/${encodeURIComponent(mac)}`);
      setText(qStatus, `${mac} released`);
    } catch (err) {
      setText(qStatus, `release failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    await load('quarantine', loadQuarantine);
  });
  token.addEventListener('input', tokenChanged);

  // ---- start --------------------------------------------------------------------------------------

  const reloadInventorySoon = throttled(() => load('inventory', loadInventory), 10_000);
  const reloadTablesSoon = throttled(() => {
    load('leases', loadLeases);
    load('unknown MACs', loadUnknown);
  }, 2_000);
  const reloadQuarantineSoon = throttled(() => load('quarantine', loadQuarantine), 1_000);

  tokenChanged();
  load('inventory', loadInventory);
  load('leases', loadLeases);
  load('unknown MACs', loadUnknown);
  load('quarantine', loadQuarantine);
  connectFeed();
  setInterval(() => load('inventory', loadInventory), INVENTORY_POLL_MS);
  setInterval(() => {
    load('leases', loadLeases);
    load('unknown MACs', loadUnknown);
    load('quarantine', loadQuarantine);
  }, TABLES_POLL_MS);
  setInterval(() => {
    renderHealth();
    renderRows();
  }, TICK_MS);
})();
