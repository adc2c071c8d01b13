// Fixtures and helpers for the DNS service tests: the spec's inventories (coresmd-dns §2.1–2.4)
// as snapshots, queries as models and as wire bytes, and records in dig's presentation format so
// expectations read like `dig` output (CoreDNS `test.A("a.miek.nl. 1800 IN A …")` style).
import { formatIPv4, formatIPv6 } from '../../../src/wire/addr.ts';
import { Writer } from '../../../src/wire/writer.ts';
import { DnsClass, DnsRcode, DnsType, nameOf } from '../../../src/dns/constants.ts';
import { encodeDnsMessage, type DnsMessage, type DnsQuery } from '../../../src/dns/message.ts';
import { nameKey } from '../../../src/dns/name.ts';
import type { DnsRecord } from '../../../src/dns/record.ts';
import type { DnsEdns } from '../../../src/dns/edns.ts';
import { buildSnapshot, type Snapshot } from '../../../src/smd/snapshot.ts';
import type { RawInventory } from '../../../src/smd/types.ts';

export const FETCHED_AT = Date.UTC(2025, 2, 4, 18, 0, 0);

export interface IfaceRow {
  readonly mac: string;
  readonly id: string;
  readonly type: string;
  /** undefined: SMD sent no NID. */
  readonly nid: number | undefined;
  readonly ips: readonly string[];
}

/** A snapshot from rows of (MAC, component, type, NID, IPs); one component per distinct id. */
export function snapshotOf(rows: readonly IfaceRow[], extra: { components?: RawInventory['components'] } = {}): Snapshot {
  const components = new Map<string, RawInventory['components'][number]>();
  for (const r of rows) {
    if (r.id === '' || components.has(r.id)) continue;
    components.set(r.id, r.nid === undefined ? { ID: r.id, Type: r.type } : { ID: r.id, Type: r.type, NID: r.nid });
  }
  const raw: RawInventory = {
    interfaces: rows.map((r) => ({ MACAddress: r.mac, ComponentID: r.id, Type: r.type, IPAddresses: r.ips.map((ip) => ({ IPAddress: ip })) })),
    components: [...components.values(), ...(extra.components ?? [])],
  };
  return buildSnapshot(raw, { fetchedAt: FETCHED_AT, source: 'test' });
}

/** Spec §2.1, fixture F1. */
export const F1: readonly IfaceRow[] = [
  { mac: '00:11:22:33:44:55', id: 'node001', type: 'Node', nid: 1, ips: ['192.168.1.10'] },
  { mac: 'aa:bb:cc:dd:ee:ff', id: 'bmc001', type: 'NodeBMC', nid: 0, ips: ['192.168.1.100'] },
];

/** Spec §2.3, fixture F3. */
export const F3: readonly IfaceRow[] = [{ mac: '11:22:33:44:55:66', id: 'x3000c0s0b1', type: 'NodeBMC', nid: 2, ips: ['192.168.100.10'] }];

/** Spec §2.4, fixture F4. */
export const F4: readonly IfaceRow[] = [
  { mac: '00:11:22:33:44:55', id: 'node001', type: 'Node', nid: 1, ips: ['192.168.1.10', '2001:db8::10'] },
  { mac: 'aa:bb:cc:dd:ee:ff', id: 'bmc001', type: 'NodeBMC', nid: 1, ips: ['192.168.1.100', '2001:db8::100'] },
  { mac: '11:22:33:44:55:66', id: 'node002', type: 'Node', nid: 2, ips: ['2001:db8::20'] },
];

export interface QueryInit {
  readonly type?: number;
  readonly klass?: number;
  readonly id?: number;
  readonly rd?: boolean;
  readonly opcode?: number;
  readonly edns?: Partial<DnsEdns> | boolean;
}

function ednsOf(e: QueryInit['edns']): DnsEdns | undefined {
  if (e === undefined || e === false) return undefined;
  const base: DnsEdns = { udpPayloadSize: 1232, version: 0, dnssecOk: false, z: 0, options: [] };
  return e === true ? base : { ...base, ...e };
}

/** A decoded query model, as decodeDnsQuery would give it. */
export function query(name: string, init: QueryInit = {}): DnsQuery {
  const edns = ednsOf(init.edns);
  const q: DnsQuery = {
    header: { id: init.id ?? 0x1234, qr: false, opcode: init.opcode ?? 0, aa: false, tc: false, rd: init.rd ?? true, ra: false, z: false, ad: false, cd: false, rcode: 0 },
    question: { name, nameKey: nameKey(name), type: init.type ?? DnsType.A, class: init.klass ?? DnsClass.IN },
  };
  return edns === undefined ? q : { ...q, edns };
}

/** The same query as wire bytes. */
export function queryBytes(name: string, init: QueryInit = {}): Uint8Array {
  const q = query(name, init);
  const m: DnsMessage = { header: q.header, questions: [q.question], answers: [], authorities: [], additionals: [], ...(q.edns === undefined ? {} : { edns: q.edns }) };
  const w = new Writer(new Uint8Array(512));
  encodeDnsMessage(m, w, { maxSize: 512 });
  return Uint8Array.from(w.finish());
}

/** dig's presentation format: `owner TTL CLASS TYPE RDATA`. */
export function formatRecord(rr: DnsRecord): string {
  const d = rr.data;
  let rdata: string;
  switch (d.kind) {
    case 'a':
      rdata = formatIPv4(d.address);
      break;
    case 'aaaa':
      rdata = formatIPv6(d.address);
      break;
    case 'name':
      rdata = d.target;
      break;
    case 'soa':
      rdata = `${d.mname} ${d.rname} ${d.serial} ${d.refresh} ${d.retry} ${d.expire} ${d.minimum}`;
      break;
    default:
      rdata = `(${d.kind})`;
  }
  return `${rr.name} ${rr.ttl} ${nameOf(DnsClass, rr.class)} ${nameOf(DnsType, rr.type)} ${rdata}`;
}

/** What a test compares: rcode name, AA, and each section in presentation format. */
export interface Outcome {
  readonly rcode: string;
  readonly aa: boolean;
  readonly answer: readonly string[];
  readonly authority: readonly string[];
  readonly additional?: readonly string[];
}

export function outcomeOf(m: DnsMessage, withAdditional = false): Outcome {
  const o = {
    rcode: nameOf(DnsRcode, m.header.rcode),
    aa: m.header.aa,
    answer: m.answers.map(formatRecord),
    authority: m.authorities.map(formatRecord),
  };
  return withAdditional ? { ...o, additional: m.additionals.map(formatRecord) } : o;
}

/** The SOA every negative answer of `zone` carries (serial = FETCHED_AT in seconds). */
export function soaOf(zone: string, ttl = 60): string {
  return `${zone} ${ttl} IN SOA ns.dns.${zone} hostmaster.${zone} ${Math.floor(FETCHED_AT / 1000)} 7200 1800 86400 ${ttl}`;
}
