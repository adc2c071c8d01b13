// GET /api/v1/inventory[?mac=|xname=|ip=]: the snapshot being served (source, age, size), the
// SMD refresh history, and its nodes with their MACs, addresses and latest boot event.
import { parseIp, parseMac } from '../../wire/addr.ts';
import type { Inventory } from '../../smd/inventory.ts';
import type { ComponentRecord, Snapshot } from '../../smd/snapshot.ts';
import { normalizeXname } from '../../smd/xname.ts';
import { isoTime } from './boot-event.ts';
import type { BootEventStore } from './event-store.ts';
import { HttpError } from './http-util.ts';

/** The components a filter selects; all of them without one. */
function selectComponents(snapshot: Snapshot, query: URLSearchParams): readonly ComponentRecord[] {
  const mac = query.get('mac');
  const xname = query.get('xname');
  const ip = query.get('ip');
  if (mac !== null) {
    const m = parseMac(mac);
    if (m === undefined) throw new HttpError(400, `mac: not a MAC address: '${mac}'`);
    const c = snapshot.byMac(m)?.component;
    return c === undefined ? [] : [c];
  }
  if (xname !== null) {
    const c = snapshot.byXname(normalizeXname(xname));
    return c === undefined ? [] : [c];
  }
  if (ip !== null) {
    const a = parseIp(ip);
    if (a === undefined) throw new HttpError(400, `ip: not an IP address: '${ip}'`);
    const out: ComponentRecord[] = [];
    for (const rec of snapshot.byIp(a)) if (rec.component !== undefined && !out.includes(rec.component)) out.push(rec.component);
    return out;
  }
  return snapshot.components;
}

function nodeJson(c: ComponentRecord, store: BootEventStore): Record<string, unknown> {
  const macs = c.interfaces.map((i) => i.mac);
  const ips: string[] = [];
  for (const i of c.interfaces) for (const a of i.ips) if (!ips.includes(a.text)) ips.push(a.text);
  const last = store.lastOf(macs);
  return {
    xname: c.id,
    type: c.type,
    nid: c.nid ?? null,
    macs,
    ips,
    last: last === undefined ? null : { at: isoTime(last.at), service: last.service, type: last.type, summary: last.summary },
  };
}

export function inventoryReport(inventory: Inventory | undefined, store: BootEventStore, query: URLSearchParams, now: number): Record<string, unknown> {
  const snapshot = inventory?.current();
  const status = inventory?.status();
  const age = status?.ageMs(now);
  const lastError = status?.lastError;
  const nodes = snapshot === undefined ? [] : selectComponents(snapshot, query);
  return {
    source: snapshot?.source ?? null,
    snapshotAt: snapshot === undefined ? null : isoTime(snapshot.fetchedAt),
    ageSeconds: age === undefined ? null : age / 1000,
    count: nodes.length,
    refresh: {
      lastSuccess: status?.lastSuccessAt === undefined ? null : isoTime(status.lastSuccessAt),
      lastError: lastError === undefined ? null : { at: isoTime(status?.lastAttemptAt ?? now), message: `${lastError.message} (${lastError.code})` },
      lastDurationMs: status?.lastDurationMs ?? null,
      history: store.refreshHistory().map((h) => ({ at: isoTime(h.at), ok: h.ok, durationMs: h.durationMs, ...(h.error === undefined ? {} : { error: h.error }) })),
    },
    nodes: nodes.map((c) => nodeJson(c, store)),
  };
}
