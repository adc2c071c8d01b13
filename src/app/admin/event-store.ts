// The boot-event store behind the admin API (docs/admin-api.md): it implements the BootEvents
// seam, so every service reports straight into it, and keeps
//   - a global ring of the last `globalEvents` events (SSE replay by Last-Event-ID, /metrics),
//   - one ring of `eventsPerNode` events per MAC (or per xname, for DNS lookups), in a map of at
//     most `nodes` keys and `nodeEvents` events in all, evicting the node touched least recently,
//   - the MACs SMD does not know that asked for DHCP (bounded, least recent evicted),
//   - the last SMD-backed assignment per MAC, the address → MAC pairs DHCP handed out (so TFTP
//     and HTTP events, which know only the client's address, land on the right node), and the
//     SMD refresh history.
// Memory is bounded by the limits whatever the traffic: a flood of events from new MACs only
// evicts older nodes. Listeners (metrics, SSE) run synchronously on each event.
import type { BootEventInput, BootEvents, BootService } from '../../seams/boot-events.ts';
import type { Clock } from '../../seams/clock.ts';
import type { BootEvent } from './boot-event.ts';
import { LruMap } from './lru-map.ts';
import { emptyDirectory, type NodeDirectory } from './node-directory.ts';
import { Ring } from './ring.ts';

export interface EventStoreLimits {
  readonly globalEvents: number;
  readonly eventsPerNode: number;
  readonly nodes: number;
  /** Events held in all node rings together. */
  readonly nodeEvents: number;
  readonly unknownMacs: number;
  readonly refreshHistory: number;
}

export const DEFAULT_EVENT_LIMITS: EventStoreLimits = Object.freeze({
  globalEvents: 10_000,
  eventsPerNode: 64,
  nodes: 10_000,
  nodeEvents: 100_000,
  unknownMacs: 4_096,
  refreshHistory: 50,
});

export interface UnknownMac {
  readonly mac: string;
  readonly firstSeen: number;
  lastSeen: number;
  count: number;
  via: string;
}

export interface Assignment {
  readonly mac: string;
  readonly ip: string;
  readonly xname: string | undefined;
  readonly at: number;
  readonly service: BootService;
}

export interface RefreshRecord {
  readonly at: number;
  readonly ok: boolean;
  readonly durationMs: number;
  readonly error?: string;
}

export type BootEventListener = (e: BootEvent) => void;

/** Client messages (DHCPv4 and DHCPv6): what counts as "a MAC asked". */
const REQUEST_TYPES: ReadonlySet<string> = new Set(['DISCOVER', 'REQUEST', 'INFORM', 'DECLINE', 'RELEASE', 'SOLICIT', 'CONFIRM', 'RENEW', 'REBIND', 'INFORMATION-REQUEST']);
/** Replies that hand out an address. */
const ADDRESS_REPLIES: ReadonlySet<string> = new Set(['OFFER', 'ACK', 'ADVERTISE', 'REPLY']);
/** Replies that bind it (what the leases endpoint calls an assignment). */
const BINDING_REPLIES: ReadonlySet<string> = new Set(['ACK', 'REPLY']);

interface NodeRing {
  readonly ring: Ring<BootEvent>;
}

const xnameKey = (xname: string): string => `@${xname}`;

export class BootEventStore implements BootEvents {
  readonly enabled = true;
  readonly limits: EventStoreLimits;
  readonly #clock: Pick<Clock, 'now'>;
  readonly #directory: NodeDirectory;
  readonly #global: Ring<BootEvent>;
  readonly #nodes: LruMap<string, NodeRing>;
  #nodeEvents = 0;
  readonly #unknown: LruMap<string, UnknownMac>;
  readonly #assigned: LruMap<string, Assignment>;
  readonly #macOfIp: LruMap<string, string>;
  readonly #refreshes: Ring<RefreshRecord>;
  readonly #listeners = new Set<BootEventListener>();
  #seq = 0;

  constructor(o: { clock: Pick<Clock, 'now'>; directory?: NodeDirectory; limits?: Partial<EventStoreLimits> }) {
    this.#clock = o.clock;
    this.#directory = o.directory ?? emptyDirectory;
    const l = { ...DEFAULT_EVENT_LIMITS, ...o.limits };
    this.limits = Object.freeze(l);
    this.#global = new Ring(l.globalEvents);
    this.#nodes = new LruMap(l.nodes, (_k, n) => {
      this.#nodeEvents -= n.ring.size;
    });
    this.#unknown = new LruMap(l.unknownMacs);
    this.#assigned = new LruMap(l.nodes);
    this.#macOfIp = new LruMap(l.nodes);
    this.#refreshes = new Ring(l.refreshHistory);
  }

  /** The sequence number of the newest event (0 before the first). */
  get lastSeq(): number {
    return this.#seq;
  }

  emit(input: BootEventInput): void {
    let { mac, xname } = input;
    const ip = input.ip;
    const dir = this.#directory;
    if (mac === undefined && ip !== undefined) mac = this.#macOfIp.peek(ip) ?? dir.macOfIp(ip);
    if (xname === undefined && mac !== undefined) xname = dir.xnameOfMac(mac);
    const e: BootEvent = {
      seq: ++this.#seq,
      at: this.#clock.now(),
      service: input.service,
      type: input.type,
      mac,
      xname,
      ip,
      summary: input.summary,
      detail: input.detail,
    };
    this.#global.push(e);
    const key = mac ?? (xname === undefined ? undefined : xnameKey(xname));
    if (key !== undefined) this.#record(key, e);
    const derived = e.service === 'dhcp4' || e.service === 'dhcp6' ? this.#dhcp(e) : undefined;
    if (e.service === 'smd') this.#refresh(e);
    for (const l of this.#listeners) l(e);
    // After the listeners, so the stream sees the request before what it revealed.
    if (derived !== undefined) this.emit(derived);
  }

  #record(key: string, e: BootEvent): void {
    let n = this.#nodes.get(key);
    if (n === undefined) {
      n = { ring: new Ring(this.limits.eventsPerNode) };
      this.#nodes.set(key, n);
    }
    if (!n.ring.push(e)) this.#nodeEvents++;
    // The global cap over all node rings: forget whole nodes, least recently active first.
    while (this.#nodeEvents > this.limits.nodeEvents && this.#nodes.evictOldest());
  }

  /** Bookkeeping of a DHCP event; returns the `unknown-mac` event it reveals, if any. */
  #dhcp(e: BootEvent): BootEventInput | undefined {
    const mac = e.mac;
    if (mac === undefined) return undefined;
    if (REQUEST_TYPES.has(e.type)) return this.#seen(mac, e);
    if (!ADDRESS_REPLIES.has(e.type) || e.ip === undefined) return undefined;
    this.#macOfIp.set(e.ip, mac);
    if (BINDING_REPLIES.has(e.type) && e.detail?.['source'] === 'smd') {
      this.#assigned.set(mac, { mac, ip: e.ip, xname: e.xname, at: e.at, service: e.service });
    }
    return undefined;
  }

  /** A client asked: count it in the unknown-MAC table when SMD does not know it. */
  #seen(mac: string, e: BootEvent): BootEventInput | undefined {
    if (e.xname !== undefined || !this.#directory.hasInventory()) {
      this.#unknown.delete(mac);
      return undefined;
    }
    const via = viaOf(e);
    const u = this.#unknown.get(mac);
    if (u !== undefined) {
      u.lastSeen = e.at;
      u.count++;
      u.via = via;
      return undefined;
    }
    this.#unknown.set(mac, { mac, firstSeen: e.at, lastSeen: e.at, count: 1, via });
    return { service: e.service, type: 'unknown-mac', mac, summary: `MAC not in SMD (${via})`, detail: { via, request: e.type } };
  }

  #refresh(e: BootEvent): void {
    const ok = e.type === 'refresh-ok';
    if (!ok && e.type !== 'refresh-failed') return;
    const d = e.detail;
    const durationMs = typeof d?.['durationMs'] === 'number' ? d['durationMs'] : 0;
    const error = typeof d?.['error'] === 'string' ? d['error'] : undefined;
    this.#refreshes.push({ at: e.at, ok, durationMs, ...(ok || error === undefined ? {} : { error }) });
  }

  /** Calls `listener` for every event from now on; returns the unsubscribe function. */
  subscribe(listener: BootEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Events of the global ring newer than `seq`, oldest first (SSE Last-Event-ID). */
  since(seq: number): BootEvent[] {
    const out: BootEvent[] = [];
    for (const e of this.#global) if (e.seq > seq) out.push(e);
    return out;
  }

  /** Whether any event is held for this MAC or xname. */
  knows(id: { readonly macs: readonly string[]; readonly xname: string | undefined }): boolean {
    if (id.xname !== undefined && this.#nodes.has(xnameKey(id.xname))) return true;
    return id.macs.some((m) => this.#nodes.has(m));
  }

  /** The events of these MACs and of this xname, oldest first. */
  timeline(id: { readonly macs: readonly string[]; readonly xname: string | undefined }): BootEvent[] {
    const keys = [...id.macs, ...(id.xname === undefined ? [] : [xnameKey(id.xname)])];
    const seen = new Set<number>();
    const out: BootEvent[] = [];
    for (const k of keys) {
      const n = this.#nodes.peek(k);
      if (n === undefined) continue;
      for (const e of n.ring) {
        if (seen.has(e.seq)) continue;
        seen.add(e.seq);
        out.push(e);
      }
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  /** The newest event of any of these MACs. */
  lastOf(macs: readonly string[]): BootEvent | undefined {
    let best: BootEvent | undefined;
    for (const m of macs) {
      const e = this.#nodes.peek(m)?.ring.last();
      if (e !== undefined && (best === undefined || e.seq > best.seq)) best = e;
    }
    return best;
  }

  /** MACs SMD does not know that asked for DHCP, most recent first; those SMD learned since are left out. */
  unknownMacs(): UnknownMac[] {
    const out: UnknownMac[] = [];
    for (const u of this.#unknown.values()) if (this.#directory.xnameOfMac(u.mac) === undefined) out.push(u);
    return out.reverse();
  }

  /** The last SMD-backed binding per MAC, most recent first. */
  assignments(): Assignment[] {
    return [...this.#assigned.values()].reverse();
  }

  /** SMD refreshes, oldest first. */
  refreshHistory(): RefreshRecord[] {
    return this.#refreshes.toArray();
  }

  /** What is held, against the limits (tests, /metrics). */
  sizes(): { readonly events: number; readonly nodes: number; readonly nodeEvents: number; readonly unknownMacs: number; readonly assignments: number; readonly addresses: number } {
    return {
      events: this.#global.size,
      nodes: this.#nodes.size,
      nodeEvents: this.#nodeEvents,
      unknownMacs: this.#unknown.size,
      assignments: this.#assigned.size,
      addresses: this.#macOfIp.size,
    };
  }
}

/** `dhcp4`, `dhcp4 relay 10.1.0.1`, `dhcp4 on eth1`, `dhcp6 relay 2001:db8::1`. */
function viaOf(e: BootEvent): string {
  const d = e.detail;
  const relay = d?.['giaddr'] ?? d?.['relay'];
  if (typeof relay === 'string') return `${e.service} relay ${relay}`;
  const iface = d?.['interface'];
  return typeof iface === 'string' ? `${e.service} on ${iface}` : e.service;
}
