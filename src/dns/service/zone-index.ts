// The DNS view of one inventory snapshot: every name the coresmd zones publish, with its A and
// AAAA RRsets, and every PTR record. Built once per snapshot, off the query path (design.md
// "The inventory"), then only read; a query is one Map read on its lookup key, which finds
// everything that exists at that name (an owner): its RRsets, its PTR target, its zone.
//
// What is published (spec coresmd-dns §1.5.2–1.5.4), with the deliberate differences of
// docs/differences.md "DNS":
// - In every zone, in Corefile order: `<xname>.<zone>` for each component of type `Node` or
//   `NodeBMC` (exact case), and `<pattern>.<zone>` for each `Node` when the zone has a pattern.
//   A Node without a NID gets no pattern name when the pattern renders the NID (upstream gives
//   all of them `nid0000`); when two components would get the same name, the first in SMD order
//   keeps it and the collision is counted.
// - A name's RRset is every address of the component, over all its interfaces, in SMD order,
//   duplicates removed (upstream answers one address, chosen by Go map order). IPv4-mapped IPv6
//   text is IPv4 (Go's To4 rule, wire/addr.ts parseIp).
// - Keys are lookup keys: ASCII-lowercased presentation text with the trailing dot (RFC 4343
//   §3), so `NID0001.Cluster.Local.` finds `nid0001.cluster.local.`, and a zone written with or
//   without a trailing dot is the same zone.
// - PTR: for each address, the first interface in SMD order whose component qualifies gives the
//   target `<xname>.<zone>.`: a Node under the first zone that has a pattern, a NodeBMC under the
//   first zone (§1.5.4, made deterministic). Never more than one PTR per address.
// - Each zone has a synthesized apex: an SOA (RFC 1035 §3.3.13) for negative answers (RFC 2308
//   §3) and one NS, `ns.dns.<zone>.`, whose addresses are the server's `bind` addresses when
//   they are specific (the CoreDNS kubernetes plugin's shape). Names between an owner and its
//   zone apex are empty non-terminals: they exist, with no data (RFC 8020 §2).

import type { IpAddress } from '../../wire/addr.ts';
import { DnsClass, DnsType } from '../constants.ts';
import { nameKey } from '../name.ts';
import type { DnsRdata } from '../rdata.ts';
import type { DnsRecord } from '../record.ts';
import type { ComponentRecord, Snapshot } from '../../smd/snapshot.ts';
import { expandNodePattern, patternUsesNid } from './node-pattern.ts';
import { formatReverseName, reverseTreeOf } from './reverse-name.ts';
import { ptrTargetWire, soaTemplate, type SoaTemplate } from './wire-answers.ts';

/** A coresmd `zone NAME { nodes PATTERN }` entry. */
export interface DnsZoneSpec {
  /** As written in the Corefile; with or without the trailing dot. */
  readonly name: string;
  /** Node-name pattern such as `nid{04d}`; undefined for a zone without `nodes`. */
  readonly pattern: string | undefined;
}

export interface DnsZoneIndexOptions {
  /** TTL of every record, SOA included (spec §1.5.5: 60). */
  readonly ttl: number;
  /** Addresses of the zone's name server `ns.dns.<zone>.`; empty means it has none. */
  readonly nsAddresses: readonly IpAddress[];
}

export interface DnsZone {
  /** Lookup key of the apex: `cluster.local.`. */
  readonly key: string;
  /** The apex as written, with a trailing dot: `Cluster.local.`. */
  readonly origin: string;
  readonly pattern: string | undefined;
  /** The SOA record, owner = origin; also the authority of negative answers (RFC 2308 §3). */
  readonly soa: DnsRecord;
  /** The apex NS record, owner = origin. */
  readonly ns: DnsRecord;
  /** The SOA pre-encoded for negative answers (wire-answers.ts); undefined for the root zone. */
  readonly soaWire: SoaTemplate | undefined;
}

/** What exists at one name: its zone and its address RRsets (either may be empty). */
export interface DnsNameEntry {
  readonly zone: DnsZone;
  readonly a: readonly DnsRdata[];
  readonly aaaa: readonly DnsRdata[];
  /** The component the name belongs to; undefined for the name server's name. */
  readonly xname: string | undefined;
}

/** The PTR record of one reverse name. */
export interface DnsPtrEntry {
  /** Absolute target, `<xname>.<zone origin>`. */
  readonly target: string;
  /** The target in wire form, for the fast path; undefined when it cannot be copied (wire-answers.ts). */
  readonly wire: Uint8Array | undefined;
  readonly xname: string;
}

/** Everything that exists at one lookup key. An empty non-terminal has neither `name` nor `ptr`. */
export interface DnsOwner {
  readonly name: DnsNameEntry | undefined;
  readonly ptr: DnsPtrEntry | undefined;
  /** findZone(key): the most specific configured zone holding this name, if any. */
  readonly zone: DnsZone | undefined;
  /** The coresmd metrics' `zone` label: the zone apex, else the reverse tree (answer.ts facts). */
  readonly metricZone: string;
}

export interface DnsZoneIndexStats {
  /** Names with an entry (node, BMC and name-server names over all zones). */
  readonly names: number;
  readonly ptrs: number;
  /** Names not published because an earlier component in SMD order already had them. */
  readonly collisions: number;
  /** Node pattern names skipped because the node has no NID. */
  readonly nodesWithoutNid: number;
}

export interface DnsZoneIndex {
  /** Configured zones, longest first (the order findZone tries them). */
  readonly zones: readonly DnsZone[];
  /** False until an inventory snapshot exists: the zones' contents are unknown, not empty. */
  readonly hasInventory: boolean;
  readonly stats: DnsZoneIndexStats;
  /** The zone a lookup key falls in: the longest configured apex it equals or ends with. */
  findZone(key: string): DnsZone | undefined;
  /** Everything at `key` in one read; undefined for a name that does not exist. */
  owner(key: string): DnsOwner | undefined;
  name(key: string): DnsNameEntry | undefined;
  /** True for a name that exists only because names below it do (RFC 8020 §2). */
  isEmptyNonTerminal(key: string): boolean;
  /** The PTR target (absolute, trailing dot) for a reverse name's lookup key. */
  ptr(key: string): string | undefined;
  /** The TTL every record of the index carries. */
  readonly ttl: number;
}

// SOA timers: the values the CoreDNS kubernetes plugin synthesizes. REFRESH/RETRY/EXPIRE only
// matter to secondaries, which we do not serve; MINIMUM is the TTL (RFC 2308 §4).
const SOA_REFRESH = 7200;
const SOA_RETRY = 1800;
const SOA_EXPIRE = 86400;

const NONE: readonly never[] = Object.freeze([]);

/** `cluster.local` / `cluster.local.` → `cluster.local.`; the root stays `.`. */
export function absoluteName(text: string): string {
  return text.endsWith('.') ? text : `${text}.`;
}

function makeZone(spec: DnsZoneSpec, serial: number, options: DnsZoneIndexOptions): DnsZone {
  const origin = absoluteName(spec.name);
  const nsHost = `ns.dns.${origin}`;
  const soa: DnsRecord = Object.freeze({
    name: origin,
    type: DnsType.SOA,
    class: DnsClass.IN,
    ttl: options.ttl,
    data: Object.freeze({
      kind: 'soa',
      mname: nsHost,
      rname: `hostmaster.${origin}`,
      serial,
      refresh: SOA_REFRESH,
      retry: SOA_RETRY,
      expire: SOA_EXPIRE,
      minimum: options.ttl,
    }),
  });
  const ns: DnsRecord = Object.freeze({
    name: origin,
    type: DnsType.NS,
    class: DnsClass.IN,
    ttl: options.ttl,
    data: Object.freeze({ kind: 'name', target: nsHost }),
  });
  const key = nameKey(origin);
  const timers = { refresh: SOA_REFRESH, retry: SOA_RETRY, expire: SOA_EXPIRE, minimum: options.ttl };
  return Object.freeze({ key, origin, pattern: spec.pattern, soa, ns, soaWire: soaTemplate(key, options.ttl, serial, timers) });
}

function rdataOf(ip: IpAddress): DnsRdata {
  return ip.family === 4 ? Object.freeze({ kind: 'a', address: ip.v4 }) : Object.freeze({ kind: 'aaaa', address: ip.bytes });
}

/** A and AAAA RRsets of a component: every address of every interface, SMD order, deduplicated. */
function addressSets(c: ComponentRecord, cache: Map<string, DnsRdata>): { a: readonly DnsRdata[]; aaaa: readonly DnsRdata[] } {
  let a: DnsRdata[] | undefined;
  let aaaa: DnsRdata[] | undefined;
  const seen = c.interfaces.length > 1 ? new Set<string>() : undefined;
  for (const iface of c.interfaces) {
    for (const ip of iface.ips) {
      if (seen !== undefined) {
        if (seen.has(ip.text)) continue;
        seen.add(ip.text);
      }
      let rd = cache.get(ip.text);
      if (rd === undefined) {
        rd = rdataOf(ip);
        cache.set(ip.text, rd);
      }
      if (ip.family === 4) (a ??= []).push(rd);
      else (aaaa ??= []).push(rd);
    }
  }
  return { a: a === undefined ? NONE : Object.freeze(a), aaaa: aaaa === undefined ? NONE : Object.freeze(aaaa) };
}

class ZoneIndex implements DnsZoneIndex {
  readonly zones: readonly DnsZone[];
  readonly hasInventory: boolean;
  /** Set once, at the end of buildZoneIndex. */
  stats: DnsZoneIndexStats;
  readonly ttl: number;
  readonly #owners = new Map<string, DnsOwner>();
  /** `.` + apex key per zone, longest first, for the suffix test. */
  readonly #suffixes: readonly string[];

  constructor(zones: readonly DnsZone[], hasInventory: boolean, stats: DnsZoneIndexStats, ttl: number) {
    this.zones = zones;
    this.hasInventory = hasInventory;
    this.stats = stats;
    this.ttl = ttl;
    this.#suffixes = zones.map((z) => `.${z.key}`);
  }

  /** Adds what exists at `key` (building only: the index is immutable once returned). */
  set(key: string, name: DnsNameEntry | undefined, ptr: DnsPtrEntry | undefined): void {
    const old = this.#owners.get(key);
    const zone = old?.zone ?? this.findZone(key);
    this.#owners.set(
      key,
      Object.freeze({
        name: name ?? old?.name,
        ptr: ptr ?? old?.ptr,
        zone,
        metricZone: old?.metricZone ?? zone?.key ?? reverseTreeOf(key) ?? 'unknown',
      }),
    );
  }

  has(key: string): boolean {
    return this.#owners.has(key);
  }

  findZone(key: string): DnsZone | undefined {
    const zones = this.zones;
    for (let i = 0; i < zones.length; i++) {
      const z = zones[i]!;
      if (key === z.key || key.endsWith(this.#suffixes[i]!)) return z;
    }
    return undefined;
  }

  owner(key: string): DnsOwner | undefined {
    return this.#owners.get(key);
  }

  name(key: string): DnsNameEntry | undefined {
    return this.#owners.get(key)?.name;
  }

  isEmptyNonTerminal(key: string): boolean {
    const o = this.#owners.get(key);
    return o !== undefined && o.name === undefined && o.ptr === undefined;
  }

  ptr(key: string): string | undefined {
    return this.#owners.get(key)?.ptr?.target;
  }
}

/**
 * Builds the index for `snapshot` (undefined: no inventory yet) and the configured zones, in
 * Corefile order. Zones with the same apex are merged: the first one's pattern wins.
 */
export function buildZoneIndex(snapshot: Snapshot | undefined, specs: readonly DnsZoneSpec[], options: DnsZoneIndexOptions): DnsZoneIndex {
  // RFC 1982 serial: the snapshot's fetch time in seconds, so secondaries and humans see it move.
  const serial = snapshot === undefined ? 0 : Math.floor(snapshot.fetchedAt / 1000) >>> 0;
  const inOrder: DnsZone[] = [];
  const byKey = new Map<string, DnsZone>();
  for (const spec of specs) {
    const zone = makeZone(spec, serial, options);
    if (byKey.has(zone.key)) continue;
    byKey.set(zone.key, zone);
    inOrder.push(zone);
  }
  const longestFirst = Object.freeze([...inOrder].sort((x, y) => y.key.length - x.key.length));

  let names = 0;
  let collisions = 0;
  let nodesWithoutNid = 0;
  const ents: string[] = [];
  const index = new ZoneIndex(longestFirst, snapshot !== undefined, EMPTY_STATS, options.ttl);
  const add = (key: string, entry: DnsNameEntry): void => {
    if (index.name(key) !== undefined) {
      collisions++;
      return;
    }
    index.set(key, entry, undefined);
    names++;
    // Every name between this one and the apex exists too (RFC 8020 §2).
    for (let dot = key.indexOf('.'); dot !== -1 && dot + 1 < key.length; dot = key.indexOf('.', dot + 1)) {
      const parent = key.slice(dot + 1);
      if (parent.length <= entry.zone.key.length) break;
      ents.push(parent);
    }
  };

  const nsRdata = Object.freeze(options.nsAddresses.filter((ip) => ip.family === 4).map(rdataOf));
  const nsRdata6 = Object.freeze(options.nsAddresses.filter((ip) => ip.family === 6).map(rdataOf));
  for (const zone of inOrder) add(nameKey(`ns.dns.${zone.key}`), Object.freeze({ zone, a: nsRdata, aaaa: nsRdata6, xname: undefined }));

  let ptrs = 0;
  if (snapshot !== undefined) {
    const nodes = snapshot.components.filter((c) => c.type === 'Node');
    const bmcs = snapshot.components.filter((c) => c.type === 'NodeBMC');
    const rdataCache = new Map<string, DnsRdata>();
    const sets = new Map<ComponentRecord, { a: readonly DnsRdata[]; aaaa: readonly DnsRdata[] }>();
    const setsOf = (c: ComponentRecord) => {
      let s = sets.get(c);
      if (s === undefined) {
        s = addressSets(c, rdataCache);
        sets.set(c, s);
      }
      return s;
    };
    // Search order of §1.5.3: per zone, Node names (xname and pattern) before BMC names.
    for (const zone of inOrder) {
      const usesNid = zone.pattern !== undefined && patternUsesNid(zone.pattern);
      for (const c of nodes) {
        const s = setsOf(c);
        const entry: DnsNameEntry = Object.freeze({ zone, a: s.a, aaaa: s.aaaa, xname: c.id });
        add(nameKey(`${c.id}.${zone.key}`), entry);
        if (zone.pattern === undefined) continue;
        if (usesNid && c.nid === undefined) {
          nodesWithoutNid++;
          continue;
        }
        add(nameKey(`${expandNodePattern(zone.pattern, c.nid ?? 0, c.id)}.${zone.key}`), entry);
      }
      for (const c of bmcs) {
        const s = setsOf(c);
        add(nameKey(`${c.id}.${zone.key}`), Object.freeze({ zone, a: s.a, aaaa: s.aaaa, xname: c.id }));
      }
    }

    const nodeZone = inOrder.find((z) => z.pattern !== undefined && z.pattern !== '');
    const bmcZone = inOrder[0];
    const targets = new Map<string, DnsPtrEntry>();
    for (const iface of snapshot.interfaces) {
      const c = iface.component;
      if (c === undefined || iface.ips.length === 0) continue;
      const zone = c.type === 'Node' ? nodeZone : c.type === 'NodeBMC' ? bmcZone : undefined;
      if (zone === undefined) continue;
      const target = `${c.id}.${zone.origin}`;
      let entry = targets.get(target);
      if (entry === undefined) {
        entry = Object.freeze({ target, wire: ptrTargetWire(target), xname: c.id });
        targets.set(target, entry);
      }
      for (const ip of iface.ips) {
        const key = formatReverseName(ip);
        if (index.ptr(key) !== undefined) continue;
        index.set(key, undefined, entry);
        ptrs++;
        // A zone such as `16.172.in-addr.arpa` holds PTR names: their parents are non-terminals too.
        const zoneOfPtr = index.owner(key)!.zone;
        if (zoneOfPtr === undefined) continue;
        for (let dot = key.indexOf('.'); dot !== -1; dot = key.indexOf('.', dot + 1)) {
          const parent = key.slice(dot + 1);
          if (parent.length <= zoneOfPtr.key.length) break;
          ents.push(parent);
        }
      }
    }
  }
  for (const key of ents) if (!index.has(key)) index.set(key, undefined, undefined);
  index.stats = Object.freeze({ names, ptrs, collisions, nodesWithoutNid });
  return index;
}

const EMPTY_STATS: DnsZoneIndexStats = Object.freeze({ names: 0, ptrs: 0, collisions: 0, nodesWithoutNid: 0 });
