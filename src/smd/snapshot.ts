// The immutable inventory index (design "The inventory"; spec coresmd-dhcp §4.2–4.3,
// coresmd-dns §1.4, §5). Built once per successful refresh, off the hot path, then only read.
//
// Differences from upstream, on purpose (house style §3.2, "coresmd cache weak spots"):
// - MAC keys are normalized to lowercase colon form, so SMD entries stored as `AA-BB-…`,
//   `aabb.ccdd.eeff` or bare hex still match a DHCP client (upstream keys by the exact string
//   and such entries never match, spec coresmd-dhcp §4.3, coresmd-dns §5.8).
// - Duplicate MACs: the first entry in SMD order wins, deterministically, and the rest are
//   counted (upstream: the last one wins). Duplicate component IDs likewise.
// - IP strings are parsed with Go's rules (src/wire/addr.ts); garbage is skipped and counted,
//   never a failed refresh (coresmd-dns §5.9). IPv4 is keyed by value, IPv6 by canonical text.
// - Choices among several candidates follow SMD array order, never map order (coresmd-dns §5.5).

import { formatMac, parseIp, parseMac } from '../wire/addr.ts';
import type { IpAddress } from '../wire/addr.ts';
import { MacTable, macKeyFromText } from './mac-table.ts';
import type { MacKey } from './mac-table.ts';
import type { RawComponent, RawInventory } from './types.ts';

export interface ComponentRecord {
  /** Normalized xname as SMD returns it, e.g. `x1000c0s0b0n0`. */
  readonly id: string;
  /** HMS type: `Node`, `NodeBMC`, … (exact case; spec coresmd-dns §5.4). */
  readonly type: string;
  /** Only a NID SMD actually sent; absent is undefined, never 0 (coresmd-dns §5.6). */
  readonly nid: number | undefined;
  /** `On`, `Off`, `Ready`, …, or '' when SMD sent none. */
  readonly state: string;
  readonly enabled: boolean | undefined;
  /** `Compute`, `Service`, `Management`, …, or ''. */
  readonly role: string;
  /** Interfaces whose ComponentID is this component, in SMD order. */
  readonly interfaces: readonly InterfaceRecord[];
}

export interface InterfaceRecord {
  /** Lowercase colon form. */
  readonly mac: string;
  /** As SMD sent it; '' when the interface is not associated yet. */
  readonly componentId: string;
  /** The component's type, else the interface's own Type, else ''. */
  readonly componentType: string;
  /** The component's NID when SMD sent one. */
  readonly nid: number | undefined;
  /** Valid addresses of both families, SMD order, duplicates removed. */
  readonly ips: readonly IpAddress[];
  /** Network name for each entry of `ips` (same index), '' when SMD sent none. */
  readonly networks: readonly string[];
  readonly description: string;
  /** Undefined when ComponentID is '' or names no known component. */
  readonly component: ComponentRecord | undefined;
}

export interface SnapshotStats {
  /** Interface records indexed (unique, valid MACs). */
  readonly interfaces: number;
  /** Component records indexed (unique IDs). */
  readonly components: number;
  readonly rawInterfaces: number;
  readonly rawComponents: number;
  /** Entries dropped because an earlier entry had the same (normalized) MAC. */
  readonly duplicateMacs: number;
  /** Entries dropped because their MACAddress does not parse. */
  readonly invalidMacs: number;
  /** IP strings skipped because they do not parse (Go rules). */
  readonly invalidIps: number;
  readonly duplicateComponents: number;
  /** Indexed interfaces with no component (ComponentID '' or unknown). */
  readonly unlinkedInterfaces: number;
  readonly ipv4: number;
  readonly ipv6: number;
}

export interface SnapshotMeta {
  /** Epoch ms when the data was fetched (for a cache file: when it was originally fetched). */
  readonly fetchedAt: number;
  /** Where it came from, e.g. the SMD URL or `file:///…`. */
  readonly source: string;
}

export interface Snapshot extends SnapshotMeta {
  readonly stats: SnapshotStats;
  /** Every indexed interface, SMD order. */
  readonly interfaces: readonly InterfaceRecord[];
  /** Every component, SMD order. */
  readonly components: readonly ComponentRecord[];
  /** The inventory this was built from (persisted to cache_file). */
  readonly raw: RawInventory;
  /** By MAC in any form parseMac accepts; the lowercase colon form is the fast path. */
  byMac(mac: string): InterfaceRecord | undefined;
  /** By MAC bytes (e.g. chaddr); allocation-free for 6-byte MACs. */
  byMacBytes(bytes: Uint8Array, offset: number, len: number): InterfaceRecord | undefined;
  /** Interfaces carrying this address (text in any valid form, or a parsed address). */
  byIp(ip: string | IpAddress): readonly InterfaceRecord[];
  /** By exact xname. */
  byXname(id: string): ComponentRecord | undefined;
  /** Components with this NID; several when SMD holds duplicates (coresmd-dns §5.6). */
  byNid(nid: number): readonly ComponentRecord[];
}

const NONE: readonly never[] = Object.freeze([]);

/** A component while its interface list is still being collected; frozen once complete. */
interface PendingComponent {
  readonly id: string;
  readonly type: string;
  readonly nid: number | undefined;
  readonly state: string;
  readonly enabled: boolean | undefined;
  readonly role: string;
  interfaces: readonly InterfaceRecord[];
}

function componentRecord(c: RawComponent): PendingComponent {
  return { id: c.ID, type: c.Type, nid: c.NID, state: c.State ?? '', enabled: c.Enabled, role: c.Role ?? '', interfaces: NONE };
}

// Memory notes (100,000 interfaces is the sizing target): an array grown by push() from []
// reserves 17 slots, about 150 bytes for one element, three times per interface. Lists here
// are therefore built at their exact length, and the one-network lists that almost every
// interface has are shared.

class InventorySnapshot implements Snapshot {
  readonly fetchedAt: number;
  readonly source: string;
  readonly stats: SnapshotStats;
  readonly interfaces: readonly InterfaceRecord[];
  readonly components: readonly ComponentRecord[];
  readonly raw: RawInventory;
  /** 6-byte MACs by their 48-bit value: no string hashing, no allocation per lookup. */
  readonly #byMac48: MacTable<InterfaceRecord>;
  /** 8- and 20-octet hardware addresses (EUI-64, InfiniBand) by text. */
  readonly #byMacOther: ReadonlyMap<string, InterfaceRecord>;
  /** IPv4 by value as int32 (a small integer key: cheap to hash, never boxed). */
  readonly #byIpV4: ReadonlyMap<number, readonly InterfaceRecord[]>;
  readonly #byIpV6: ReadonlyMap<string, readonly InterfaceRecord[]>;
  /** Scratch for byMac(text); lookups are synchronous, so one per snapshot is enough. */
  readonly #key: MacKey = { hi: 0, lo: 0 };
  readonly #byXname: ReadonlyMap<string, ComponentRecord>;
  readonly #byNid: ReadonlyMap<number, readonly ComponentRecord[]>;

  constructor(raw: RawInventory, meta: SnapshotMeta) {
    this.fetchedAt = meta.fetchedAt;
    this.source = meta.source;
    this.raw = raw;

    const byXname = new Map<string, PendingComponent>();
    const byNid = new Map<number, ComponentRecord[]>();
    const components: PendingComponent[] = [];
    // Interfaces of each component while collecting: one record, or an array once there are more.
    const members = new Map<PendingComponent, InterfaceRecord | InterfaceRecord[]>();
    let duplicateComponents = 0;
    for (const c of raw.components) {
      if (byXname.has(c.ID)) {
        duplicateComponents++;
        continue;
      }
      const rec = componentRecord(c);
      byXname.set(rec.id, rec);
      components.push(rec);
      if (rec.nid !== undefined) {
        const same = byNid.get(rec.nid);
        if (same === undefined) byNid.set(rec.nid, [rec]);
        else same.push(rec);
      }
    }

    const byMac48 = new MacTable<InterfaceRecord>(raw.interfaces.length);
    const byMacOther = new Map<string, InterfaceRecord>();
    const byIpV4 = new Map<number, InterfaceRecord[]>();
    const byIpV6 = new Map<string, InterfaceRecord[]>();
    const interfaces: InterfaceRecord[] = [];
    const key: MacKey = { hi: 0, lo: 0 };
    const ipScratch: IpAddress[] = [];
    const netScratch: string[] = [];
    const netCache = new Map<string, readonly string[]>();
    let duplicateMacs = 0;
    let invalidMacs = 0;
    let invalidIps = 0;
    let unlinked = 0;
    let ipv4 = 0;
    let ipv6 = 0;

    for (const e of raw.interfaces) {
      // SMD's POST API stores the canonical form, so try it before the general parser.
      let mac: string | undefined = e.MACAddress;
      let is48 = macKeyFromText(mac, key);
      if (!is48) {
        mac = parseMac(mac);
        if (mac === undefined) {
          invalidMacs++;
          continue;
        }
        is48 = macKeyFromText(mac, key);
      }
      if (is48 ? byMac48.get(key.hi, key.lo) !== undefined : byMacOther.has(mac)) {
        duplicateMacs++;
        continue;
      }

      let n = 0;
      for (const m of e.IPAddresses) {
        const ip = parseIpFast(m.IPAddress);
        if (ip === undefined) {
          invalidIps++;
          continue;
        }
        if (containsIp(ipScratch, n, ip.text)) continue;
        ipScratch[n] = ip;
        netScratch[n] = m.Network ?? '';
        n++;
        if (ip.family === 4) ipv4++;
        else ipv6++;
      }
      const ips: readonly IpAddress[] = n === 0 ? NONE : Object.freeze(ipScratch.slice(0, n));
      const networks = n === 1 ? sharedNetworks(netCache, netScratch[0]!) : n === 0 ? NONE : Object.freeze(netScratch.slice(0, n));

      const component = e.ComponentID === '' ? undefined : byXname.get(e.ComponentID);
      if (component === undefined) unlinked++;
      const rec: InterfaceRecord = Object.freeze({
        mac,
        componentId: e.ComponentID,
        componentType: component?.type ?? e.Type ?? '',
        nid: component?.nid,
        ips,
        networks,
        description: e.Description ?? '',
        component,
      });
      if (is48) byMac48.add(key.hi, key.lo, rec);
      else byMacOther.set(mac, rec);
      interfaces.push(rec);
      if (component !== undefined) {
        const had = members.get(component);
        if (had === undefined) members.set(component, rec);
        else if (Array.isArray(had)) had.push(rec);
        else members.set(component, [had, rec]);
      }
      for (const ip of ips) {
        if (ip.family === 4) appendTo(byIpV4, ip.v4 | 0, rec);
        else appendTo(byIpV6, ip.text, rec);
      }
    }

    for (const c of components) {
      const m = members.get(c);
      if (m !== undefined) c.interfaces = Object.freeze(Array.isArray(m) ? m.slice() : [m]);
      Object.freeze(c);
    }
    for (const list of byIpV4.values()) Object.freeze(list);
    for (const list of byIpV6.values()) Object.freeze(list);
    for (const list of byNid.values()) Object.freeze(list);

    this.interfaces = Object.freeze(interfaces);
    this.components = Object.freeze(components);
    this.#byMac48 = byMac48;
    this.#byMacOther = byMacOther;
    this.#byIpV4 = byIpV4;
    this.#byIpV6 = byIpV6;
    this.#byXname = byXname;
    this.#byNid = byNid;
    this.stats = Object.freeze({
      interfaces: interfaces.length,
      components: components.length,
      rawInterfaces: raw.interfaces.length,
      rawComponents: raw.components.length,
      duplicateMacs,
      invalidMacs,
      invalidIps,
      duplicateComponents,
      unlinkedInterfaces: unlinked,
      ipv4,
      ipv6,
    });
    Object.freeze(this);
  }

  byMac(mac: string): InterfaceRecord | undefined {
    const key = this.#key;
    if (macKeyFromText(mac, key)) return this.#byMac48.get(key.hi, key.lo);
    const norm = parseMac(mac);
    if (norm === undefined) return undefined;
    return macKeyFromText(norm, key) ? this.#byMac48.get(key.hi, key.lo) : this.#byMacOther.get(norm);
  }

  byMacBytes(bytes: Uint8Array, offset: number, len: number): InterfaceRecord | undefined {
    if (len <= 0 || offset < 0 || offset + len > bytes.length) return undefined;
    if (len !== 6) return this.#byMacOther.get(formatMac(bytes, offset, len));
    const hi = (bytes[offset]! << 8) | bytes[offset + 1]!;
    const lo = (bytes[offset + 2]! << 24) | (bytes[offset + 3]! << 16) | (bytes[offset + 4]! << 8) | bytes[offset + 5]!;
    return this.#byMac48.get(hi, lo);
  }

  byIp(ip: string | IpAddress): readonly InterfaceRecord[] {
    if (typeof ip === 'string') {
      // Canonical dotted quads (the common query) need no parsing into an object.
      const v4 = canonicalIPv4(ip);
      if (v4 !== undefined) return this.#byIpV4.get(v4 | 0) ?? NONE;
      const parsed = parseIp(ip);
      if (parsed === undefined) return NONE;
      ip = parsed;
    }
    return (ip.family === 4 ? this.#byIpV4.get(ip.v4 | 0) : this.#byIpV6.get(ip.text)) ?? NONE;
  }

  byXname(id: string): ComponentRecord | undefined {
    return this.#byXname.get(id);
  }

  byNid(nid: number): readonly ComponentRecord[] {
    return this.#byNid.get(nid) ?? NONE;
  }
}

/**
 * parseIp with a fast path for canonical dotted quads (what SMD holds almost always): one scan of
 * char codes, and the input string reused as the canonical text instead of formatting a new one.
 * Anything else (leading zeros, IPv6, garbage) goes through parseIp and its Go rules.
 */
function parseIpFast(text: string): IpAddress | undefined {
  const v4 = canonicalIPv4(text);
  if (v4 !== undefined) return Object.freeze({ family: 4, v4, text });
  const ip = parseIp(text);
  return ip === undefined ? undefined : Object.freeze(ip);
}

/** Value of a canonical dotted quad (decimal octets 0-255, no leading zeros), else undefined. */
function canonicalIPv4(s: string): number | undefined {
  const len = s.length;
  if (len < 7 || len > 15) return undefined;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && octet === 0) return undefined; // leading zero: Go rejects it
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return undefined;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || digits === 0) return undefined;
  return value * 256 + octet;
}

function containsIp(ips: readonly IpAddress[], n: number, text: string): boolean {
  for (let i = 0; i < n; i++) if (ips[i]!.text === text) return true;
  return false;
}

/** One frozen `[name]` per distinct network name, shared by every interface that has only it. */
function sharedNetworks(cache: Map<string, readonly string[]>, name: string): readonly string[] {
  let list = cache.get(name);
  if (list === undefined) {
    list = Object.freeze([name]);
    cache.set(name, list);
  }
  return list;
}

function appendTo<K>(index: Map<K, InterfaceRecord[]>, key: K, rec: InterfaceRecord): void {
  const list = index.get(key);
  if (list === undefined) index.set(key, [rec]);
  else list.push(rec);
}

/** Builds the index. Never throws for data problems: they are skipped and counted in `stats`. */
export function buildSnapshot(raw: RawInventory, meta: SnapshotMeta): Snapshot {
  return new InventorySnapshot(raw, meta);
}
