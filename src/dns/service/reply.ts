// Reply models built from a query (RFC 1035 §4.1.1): same ID and opcode, QR set, RD and CD
// copied, RA clear (we never recurse), the question echoed exactly as it was asked (so the
// owner names of answers keep the query's case, RFC 4343 §4.1).
//
// EDNS (RFC 6891 §7): a reply to a query with an OPT record carries one, advertising our UDP
// limit and echoing DO (RFC 3225 §3); options the client sent (a cookie, padding) are not echoed,
// which is what a server without those features does (RFC 7873 §5.2.1 for cookies).

import { DnsRcode } from '../constants.ts';
import { DNS_UDP_MAX_PAYLOAD, type DnsEdns } from '../edns.ts';
import type { DnsHeader } from '../header.ts';
import type { DnsMessage, DnsQuery } from '../message.ts';
import type { DnsQuestion, DnsRecord } from '../record.ts';

const NO_RECORDS: readonly DnsRecord[] = Object.freeze([]);
const NO_QUESTIONS: readonly DnsQuestion[] = Object.freeze([]);

function replyEdns(dnssecOk: boolean): DnsEdns {
  return Object.freeze({ udpPayloadSize: DNS_UDP_MAX_PAYLOAD, version: 0, dnssecOk, z: 0, options: Object.freeze([]) });
}
const EDNS_PLAIN = replyEdns(false);
const EDNS_DO = replyEdns(true);

function replyHeader(h: DnsHeader, rcode: number, aa: boolean): DnsHeader {
  return { id: h.id, qr: true, opcode: h.opcode, aa, tc: false, rd: h.rd, ra: false, z: false, ad: false, cd: h.cd, rcode };
}

export interface ReplySections {
  /** AA: set for everything we answer from our own zones, negative answers included. */
  readonly aa: boolean;
  readonly answers?: readonly DnsRecord[];
  readonly authorities?: readonly DnsRecord[];
  readonly additionals?: readonly DnsRecord[];
}

/** A reply to a decoded query. */
export function replyTo(query: DnsQuery, rcode: number, sections: ReplySections): DnsMessage {
  const header = replyHeader(query.header, rcode, sections.aa);
  const questions = [query.question];
  const answers = sections.answers ?? NO_RECORDS;
  const authorities = sections.authorities ?? NO_RECORDS;
  const additionals = sections.additionals ?? NO_RECORDS;
  // Two literal shapes rather than a spread: this runs once per reply.
  if (query.edns === undefined) return { header, questions, answers, authorities, additionals };
  return { header, questions, answers, authorities, additionals, edns: query.edns.dnssecOk ? EDNS_DO : EDNS_PLAIN };
}

/** REFUSED, not authoritative: a name outside our zones with nowhere to forward it. */
export function refusedReply(query: DnsQuery): DnsMessage {
  return replyTo(query, DnsRcode.REFUSED, { aa: false });
}

/** SERVFAIL: we should know the answer and cannot give it (no inventory yet, upstream down). */
export function servfailReply(query: DnsQuery): DnsMessage {
  return replyTo(query, DnsRcode.SERVFAIL, { aa: false });
}

/**
 * A header-only reply (FORMERR, NOTIMP) to a message whose body we did not decode: no question
 * section, since we cannot echo what we could not read (miekg/dns does the same).
 */
export function headerOnlyReply(header: DnsHeader, rcode: number): DnsMessage {
  return { header: replyHeader(header, rcode, false), questions: NO_QUESTIONS, answers: NO_RECORDS, authorities: NO_RECORDS, additionals: NO_RECORDS };
}
