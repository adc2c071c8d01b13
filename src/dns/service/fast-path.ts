// The common query answered straight from wire bytes: one question of type A, AAAA or PTR,
// class IN, a plain name (letters, digits, `-`, `_`), at most an OPT record. It is read without
// building a query model, looked up with one Map read, and answered by copying the question
// and the records of wire-answers.ts. The reply is byte for byte what answerQuery and the
// encoder produce (test/dns/service/fast-path.test.ts compares the two over every case); any
// query this file does not recognise returns NOT_HANDLED and takes that general path.
//
// The per-query cost fell from about 10 µs to under 1 µs (BENCHMARKS.md "DNS").

import { DnsClass, DnsRcode, DnsType } from '../constants.ts';
import { DNS_UDP_MAX_PAYLOAD, DNS_UDP_MIN_PAYLOAD } from '../edns.ts';
import { addressRecordLength, ptrRecordLength, QUESTION_OFFSET, writeAddressRecords, writePtrRecord, writeSoa } from './wire-answers.ts';
import type { DnsOwner, DnsZone, DnsZoneIndex } from './zone-index.ts';

/** fast-path's answer when the general path must run. */
export const NOT_HANDLED = -1;

const MAX_NAME_WIRE = 255; // RFC 1035 §3.1
const OPT_LENGTH = 11; // an OPT record without options (RFC 6891 §6.1.2)
const DOT = 0x2e;

/** What the handler needs to count and log a fast reply; one object per handler, reused. */
export class FastQuery {
  /** Lookup key of the question name (lowercase, trailing dot). */
  key = '';
  qtype = 0;
  /** Offset just past QTYPE/QCLASS. */
  questionEnd = 0;
  /** 0: no OPT; 1: OPT; 2: OPT with DO. */
  edns = 0;
  // Set by answer():
  rcode = 0;
  answers = 0;
  /** The coresmd `zone` label. */
  metricZone = '';
  /** What exists at the name (undefined for NXDOMAIN), for the boot timeline. */
  owner: DnsOwner | undefined = undefined;
}

const OK_CHAR = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) OK_CHAR[c] = c; // 0-9
for (let c = 0x61; c <= 0x7a; c++) OK_CHAR[c] = c; // a-z
for (let c = 0x41; c <= 0x5a; c++) OK_CHAR[c] = c + 0x20; // A-Z folded (RFC 4343 §3)
OK_CHAR[0x2d] = 0x2d; // -
OK_CHAR[0x5f] = 0x5f; // _

/** The component a question is about: the PTR's target for PTR, else the name's own. */
export function ownerXname(owner: DnsOwner, qtype: number): string | undefined {
  return qtype === DnsType.PTR ? (owner.ptr?.xname ?? owner.name?.xname) : (owner.name?.xname ?? owner.ptr?.xname);
}

export class FastPath {
  /** The lookup key is spelled here before it becomes a string. */
  readonly #scratch = Buffer.allocUnsafe(MAX_NAME_WIRE + 1);
  readonly query = new FastQuery();

  /**
   * Reads a query the fast path can answer into `this.query`; false for anything else (the
   * general decoder then decides between FORMERR, NOTIMP, REFUSED and the rest).
   */
  parse(req: Uint8Array): boolean {
    const n = req.length;
    // RFC 1035 §4.1.1: QR=0, OPCODE=QUERY; QDCOUNT=1, ANCOUNT=NSCOUNT=0, ARCOUNT 0 or 1.
    if (n < QUESTION_OFFSET + 5 || (req[2]! & 0xf8) !== 0) return false;
    if (req[4] !== 0 || req[5] !== 1 || req[6] !== 0 || req[7] !== 0 || req[8] !== 0 || req[9] !== 0 || req[10] !== 0) return false;
    const ar = req[11]!;
    if (ar > 1) return false;
    const scratch = this.#scratch;
    let i = QUESTION_OFFSET;
    let k = 0;
    for (let len = req[i]!; len !== 0; len = req[i]!) {
      // A pointer or an extended label type (len > 63) is for the general decoder.
      if (len > 63 || i + 1 + len >= n || i + 1 + len - QUESTION_OFFSET >= MAX_NAME_WIRE) return false;
      for (let j = i + 1, end = i + 1 + len; j < end; j++) {
        const c = OK_CHAR[req[j]!]!;
        if (c === 0) return false;
        scratch[k++] = c;
      }
      scratch[k++] = DOT;
      i += 1 + len;
    }
    if (k === 0) return false; // the root
    i++;
    if (i + 4 > n) return false;
    const qtype = (req[i]! << 8) | req[i + 1]!;
    if (req[i + 2] !== 0 || req[i + 3] !== DnsClass.IN) return false;
    const q = this.query;
    q.questionEnd = i + 4;
    q.qtype = qtype;
    if (qtype !== DnsType.A && qtype !== DnsType.AAAA && qtype !== DnsType.PTR) return false;
    if (ar === 0) {
      if (q.questionEnd !== n) return false;
      q.edns = 0;
    } else if (!this.#parseOpt(req, q.questionEnd)) {
      return false;
    }
    q.key = scratch.toString('latin1', 0, k);
    return true;
  }

  /** RFC 6891 §6.1.2: root owner, TYPE 41, version 0, options well formed, nothing after. */
  #parseOpt(req: Uint8Array, at: number): boolean {
    const n = req.length;
    if (at + OPT_LENGTH > n || req[at] !== 0 || req[at + 1] !== 0 || req[at + 2] !== DnsType.OPT || req[at + 6] !== 0) return false;
    const end = at + OPT_LENGTH + ((req[at + 9]! << 8) | req[at + 10]!);
    if (end !== n) return false;
    let j = at + OPT_LENGTH;
    while (j < end) {
      if (j + 4 > end) return false;
      j += 4 + ((req[j + 2]! << 8) | req[j + 3]!);
    }
    if (j !== end) return false;
    const q = this.query;
    q.edns = (req[at + 7]! & 0x80) !== 0 ? 2 : 1;
    // The reply's room (RFC 6891 §6.2.5), remembered for answer().
    this.#udpLimit = Math.max(DNS_UDP_MIN_PAYLOAD, Math.min((req[at + 3]! << 8) | req[at + 4]!, DNS_UDP_MAX_PAYLOAD));
    return true;
  }

  #udpLimit = DNS_UDP_MIN_PAYLOAD;

  /**
   * Answers the parsed query from `index` into `out`; returns the reply's length or NOT_HANDLED.
   * `tcp` lifts the UDP size limit (RFC 7766 §6.2: up to 65,535 octets).
   */
  answer(req: Uint8Array, index: DnsZoneIndex, out: Uint8Array, tcp: boolean): number {
    const q = this.query;
    const key = q.key;
    const owner = index.owner(key);
    let zone: DnsZone | undefined;
    let records = 0;
    let recordBytes = 0;
    let ptrWire: Uint8Array | undefined;
    if (owner === undefined) {
      zone = index.findZone(key);
      // Not ours (a reverse name we have no record for, or outside every zone), or no data yet.
      if (zone === undefined || !index.hasInventory || key === zone.key) return NOT_HANDLED;
      q.rcode = DnsRcode.NXDOMAIN;
      q.metricZone = zone.key;
      q.owner = undefined;
    } else {
      zone = owner.zone;
      q.rcode = DnsRcode.NOERROR;
      q.metricZone = owner.metricZone;
      const name = owner.name;
      if (q.qtype === DnsType.PTR) {
        const ptr = owner.ptr;
        if (ptr !== undefined) {
          if (ptr.wire === undefined) return NOT_HANDLED;
          ptrWire = ptr.wire;
          records = 1;
          recordBytes = ptrRecordLength(ptrWire);
        }
      } else {
        if (name !== undefined) {
          const set = q.qtype === DnsType.A ? name.a : name.aaaa;
          records = set.length;
          recordBytes = records * addressRecordLength(q.qtype === DnsType.A ? 'a' : 'aaaa');
        }
      }
      q.owner = owner;
      // A reverse name outside every zone without a PTR: forwarded or refused (answer.ts).
      if (zone === undefined && records === 0) return NOT_HANDLED;
    }
    if (zone !== undefined && !index.hasInventory) return NOT_HANDLED;
    const soa = records === 0 ? zone!.soaWire : undefined;
    if (records === 0) {
      if (soa === undefined || key.endsWith(soa.longerSuffixes[0]) || key.endsWith(soa.longerSuffixes[1])) return NOT_HANDLED;
      recordBytes = soa.bytes.length;
    }
    const qEnd = q.questionEnd;
    const optBytes = q.edns === 0 ? 0 : OPT_LENGTH;
    const length = qEnd + recordBytes + optBytes;
    const limit = tcp ? Math.min(out.length, 65535) : Math.min(out.length, q.edns === 0 ? DNS_UDP_MIN_PAYLOAD : this.#udpLimit);
    // Too big for the client: the encoder drops whole RRsets and sets TC.
    if (length > limit) return NOT_HANDLED;

    // Header (RFC 1035 §4.1.1): ID; QR, AA, RD copied; CD copied; RA, Z, AD clear.
    out[0] = req[0]!;
    out[1] = req[1]!;
    out[2] = 0x84 | (req[2]! & 0x01);
    out[3] = (req[3]! & 0x10) | q.rcode;
    out[4] = 0;
    out[5] = 1;
    out[6] = 0;
    out[7] = records;
    out[8] = 0;
    out[9] = records === 0 ? 1 : 0;
    out[10] = 0;
    out[11] = optBytes === 0 ? 0 : 1;
    out.set(req.subarray(QUESTION_OFFSET, qEnd), QUESTION_OFFSET);
    let at = qEnd;
    if (records === 0) {
      // The SOA owner is the apex, the question name's suffix (RFC 2308 §3).
      at = writeSoa(soa!, out, at, qEnd - 4 - soa!.apexWireLength);
    } else if (ptrWire !== undefined) {
      at = writePtrRecord(out, at, ptrWire, index.ttl);
    } else {
      at = writeAddressRecords(out, at, q.qtype, q.qtype === DnsType.A ? owner!.name!.a : owner!.name!.aaaa, index.ttl);
    }
    if (optBytes !== 0) {
      // RFC 6891 §6.1.2: our UDP size, extended RCODE 0, version 0, DO echoed (RFC 3225 §3).
      out[at] = 0;
      out[at + 1] = 0;
      out[at + 2] = DnsType.OPT;
      out[at + 3] = DNS_UDP_MAX_PAYLOAD >>> 8;
      out[at + 4] = DNS_UDP_MAX_PAYLOAD & 0xff;
      out[at + 5] = 0;
      out[at + 6] = 0;
      out[at + 7] = q.edns === 2 ? 0x80 : 0;
      out[at + 8] = 0;
      out[at + 9] = 0;
      out[at + 10] = 0;
      at += OPT_LENGTH;
    }
    q.answers = records;
    return at;
  }
}
