// The coresmd answer logic: a decoded query and the current zone index in, a reply model (or
// "not ours") out. Pure: no clock, no I/O, no state.
//
// Inside a configured zone we are the authority (AA=1) and answer every question ourselves:
// - the name has records of the asked type: NOERROR with the whole RRset, in SMD order;
// - the name exists (a node, a BMC, the apex, the name server, an empty non-terminal) without
//   that type: NODATA, i.e. NOERROR with no answer and the zone's SOA in the authority section;
// - the name does not exist: NXDOMAIN with the SOA (RFC 2308 §2.1, §3: the SOA lets resolvers
//   cache the negative answer for MINIMUM seconds);
// - SOA and NS at the apex are answered (RFC 1035 §6.1); AXFR/IXFR are refused (RFC 5936 §2.2.1
//   allows a server to refuse transfers; there is nothing to transfer that SMD does not hold);
// - no inventory yet: SERVFAIL, because an NXDOMAIN would be cached as a fact.
// Upstream passes every one of these misses down the plugin chain (spec §1.5.6), which gives
// SERVFAIL without a `forward` and an upstream resolver's idea of our zone with one.
//
// Outside our zones the verdict is `next`: the caller forwards when a `forward` covers the name,
// else answers REFUSED. PTR records for inventory addresses are answered wherever the reverse
// name falls (upstream does not restrict PTR to the zones either, §1.5.4); a reverse name we have
// no record for is `next` unless a configured zone (say `16.172.in-addr.arpa`) covers it.

import { DnsClass, DnsRcode, DnsType } from '../constants.ts';
import type { DnsMessage, DnsQuery } from '../message.ts';
import { nameKey } from '../name.ts';
import type { DnsRdata } from '../rdata.ts';
import type { DnsRecord } from '../record.ts';
import { refusedReply, replyTo, servfailReply } from './reply.ts';
import { reverseTreeOf } from './reverse-name.ts';
import type { DnsZone, DnsZoneIndex } from './zone-index.ts';

export interface DnsAnswerOptions {
  /** TTL of answers (spec §1.5.5: 60). */
  readonly ttl: number;
}

/** What the coresmd metrics need to know about a query (spec §1.8, with correct counting). */
export interface DnsAnswerFacts {
  /** `zone` label: the zone's apex key, the reverse tree for reverse names, else `unknown`. */
  readonly zone: string;
  /**
   * For A, AAAA and PTR questions the inventory was asked: true when it had the records, false
   * when it did not (a cache miss). Undefined for other types and for names that are not ours.
   */
  readonly hit: boolean | undefined;
}

export type DnsAnswer =
  | { readonly kind: 'reply'; readonly message: DnsMessage; readonly facts: DnsAnswerFacts }
  /** Not in our zones: forward it, or REFUSED. */
  | { readonly kind: 'next'; readonly facts: DnsAnswerFacts };

export const UNKNOWN_ZONE = 'unknown';

function records(owner: string, type: number, ttl: number, data: readonly DnsRdata[], out: DnsRecord[]): void {
  for (const d of data) out.push({ name: owner, type, class: DnsClass.IN, ttl, data: d });
}

function isAddressOrPtr(type: number): boolean {
  return type === DnsType.A || type === DnsType.AAAA || type === DnsType.PTR;
}

export function answerQuery(query: DnsQuery, index: DnsZoneIndex, options: DnsAnswerOptions): DnsAnswer {
  const q = query.question;
  const key = q.nameKey;
  const zone = index.findZone(key);
  if (zone === undefined) return answerOutside(query, index, options);

  const facts = (hit: boolean | undefined): DnsAnswerFacts => ({ zone: zone.key, hit: isAddressOrPtr(q.type) ? hit : undefined });
  // We hold Internet-class data only; QCLASS * (ANY) matches it (RFC 1035 §3.2.5).
  if (q.class !== DnsClass.IN && q.class !== DnsClass.ANY) return { kind: 'reply', message: refusedReply(query), facts: facts(undefined) };
  if (!index.hasInventory) return { kind: 'reply', message: servfailReply(query), facts: facts(false) };
  if (q.type === DnsType.AXFR || q.type === DnsType.IXFR) return { kind: 'reply', message: refusedReply(query), facts: facts(undefined) };

  const owner = q.name;
  const ttl = options.ttl;
  const apex = key === zone.key;
  const entry = index.name(key);
  const ptr = index.ptr(key);
  const answers: DnsRecord[] = [];
  const additionals: DnsRecord[] = [];
  switch (q.type) {
    case DnsType.A:
      if (entry !== undefined) records(owner, DnsType.A, ttl, entry.a, answers);
      break;
    case DnsType.AAAA:
      if (entry !== undefined) records(owner, DnsType.AAAA, ttl, entry.aaaa, answers);
      break;
    case DnsType.PTR:
      if (ptr !== undefined) answers.push({ name: owner, type: DnsType.PTR, class: DnsClass.IN, ttl, data: { kind: 'name', target: ptr } });
      break;
    case DnsType.SOA:
      if (apex) answers.push({ ...zone.soa, name: owner });
      break;
    case DnsType.NS:
      if (apex) {
        answers.push({ ...zone.ns, name: owner });
        glue(zone, index, ttl, additionals);
      }
      break;
    case DnsType.ANY:
      // RFC 8482 would allow one RRset; we hold few, so all of them are cheaper than a second query.
      if (apex) answers.push({ ...zone.soa, name: owner }, { ...zone.ns, name: owner });
      if (entry !== undefined) {
        records(owner, DnsType.A, ttl, entry.a, answers);
        records(owner, DnsType.AAAA, ttl, entry.aaaa, answers);
      }
      if (ptr !== undefined) answers.push({ name: owner, type: DnsType.PTR, class: DnsClass.IN, ttl, data: { kind: 'name', target: ptr } });
      break;
    default:
      break;
  }
  if (answers.length > 0) {
    return { kind: 'reply', message: replyTo(query, DnsRcode.NOERROR, { aa: true, answers, additionals }), facts: facts(true) };
  }
  const exists = apex || entry !== undefined || ptr !== undefined || index.isEmptyNonTerminal(key);
  // RFC 2308 §3: the SOA goes in the authority section of NXDOMAIN and NODATA alike.
  const authorities = [zone.soa];
  const rcode = exists ? DnsRcode.NOERROR : DnsRcode.NXDOMAIN;
  return { kind: 'reply', message: replyTo(query, rcode, { aa: true, authorities }), facts: facts(false) };
}

/** Addresses of the zone's name server in the additional section (RFC 1035 §4.1, "glue"). */
function glue(zone: DnsZone, index: DnsZoneIndex, ttl: number, out: DnsRecord[]): void {
  const host = zone.ns.data.kind === 'name' ? zone.ns.data.target : undefined;
  if (host === undefined) return;
  const ns = index.name(nameKey(host));
  if (ns === undefined) return;
  records(host, DnsType.A, ttl, ns.a, out);
  records(host, DnsType.AAAA, ttl, ns.aaaa, out);
}

function answerOutside(query: DnsQuery, index: DnsZoneIndex, options: DnsAnswerOptions): DnsAnswer {
  const q = query.question;
  const tree = reverseTreeOf(q.nameKey);
  if (tree === undefined) return { kind: 'next', facts: { zone: UNKNOWN_ZONE, hit: undefined } };
  const asksPtr = q.type === DnsType.PTR || q.type === DnsType.ANY;
  const classOk = q.class === DnsClass.IN || q.class === DnsClass.ANY;
  const target = asksPtr && classOk ? index.ptr(q.nameKey) : undefined;
  const hit = q.type === DnsType.PTR ? target !== undefined : undefined;
  if (target === undefined) return { kind: 'next', facts: { zone: tree, hit } };
  const answers: DnsRecord[] = [{ name: q.name, type: DnsType.PTR, class: DnsClass.IN, ttl: options.ttl, data: { kind: 'name', target } }];
  return { kind: 'reply', message: replyTo(query, DnsRcode.NOERROR, { aa: true, answers }), facts: { zone: tree, hit } };
}
