// DNS messages (RFC 1035 §4.1):
//
//     +---------------------+
//     |        Header       |
//     +---------------------+
//     |       Question      | the question for the name server
//     +---------------------+
//     |        Answer       | RRs answering the question
//     +---------------------+
//     |      Authority      | RRs pointing toward an authority
//     +---------------------+
//     |      Additional     | RRs holding additional information
//     +---------------------+
//
// Two decoders: `decodeDnsQuery`, the server's hot path, which decodes the first question and
// only the OPT record of the additional section; and `decodeDnsMessage`, which decodes every
// record (tests, the forward plugin). Bytes after the last record are ignored, as miekg/dns
// does. Record counts need no separate limit: each record takes at least 11 octets (a question
// 5), so the loops end with the datagram.
//
// One encoder, into the caller's Writer. It stops at `maxSize`: RRsets that do not fit are
// rolled back whole (RFC 2181 §9, "a partial RRSet ... is not to be sent") and TC is set when
// that happens in the answer or authority section (RFC 1035 §4.2.1). A record dropped from the
// additional section does not set TC (RFC 2181 §9: "the TC bit should not be set merely because
// some extra information could have been included"). When the message has EDNS, the OPT record's
// space is reserved first, so it is always sent. Names are compressed (RFC 1035 §4.1.4) unless
// told otherwise.
//
// Why encode-into-a-buffer and not byteLength-then-encode: with compression and truncation the
// exact size is only known by writing, and writing into a pooled slot of the UDP limit costs
// nothing extra. `dnsMessageByteLength` gives the uncompressed size, an upper bound on what the
// encoder writes, for sizing TCP buffers.

import { EncodeError, EncodeErrorCode, WireError, WireErrorCode } from '../wire/errors.ts';
import { Reader } from '../wire/reader.ts';
import type { Writer } from '../wire/writer.ts';
import { DnsCompressor } from './compression.ts';
import { DNS_HEADER_RCODE_MAX, DnsFlag, DnsType } from './constants.ts';
import { decodeEdns, encodeOpt, fullRcode, optByteLength, type DnsEdns } from './edns.ts';
import {
  DNS_HEADER_LENGTH,
  DnsHeaderView,
  decodeHeader,
  encodeHeader,
  headerFlags,
  patchHeaderCounts,
  patchHeaderFlags,
  type DnsHeader,
} from './header.ts';
import { decodeName, nameKey, skipName } from './name.ts';
import {
  decodeQuestion,
  decodeRecordAfterName,
  encodeQuestion,
  encodeRecord,
  questionByteLength,
  recordByteLength,
  skipRecord,
  type DnsQuestion,
  type DnsRecord,
} from './record.ts';

/** RFC 1035 §4.2.2: a TCP message has a 16-bit length, so no message is longer. */
export const DNS_MAX_MESSAGE_LENGTH = 0xffff;

//------------ Models -----------------------------------------------------------

export interface DnsMessage {
  /** `rcode` is the full 12-bit value; with EDNS its upper 8 bits travel in the OPT record. */
  readonly header: DnsHeader;
  readonly questions: readonly DnsQuestion[];
  readonly answers: readonly DnsRecord[];
  readonly authorities: readonly DnsRecord[];
  /** The additional section without its OPT record, which is `edns`. */
  readonly additionals: readonly DnsRecord[];
  readonly edns?: DnsEdns;
}

/** A question as decoded from a query, with its lookup key. */
export interface DnsQueryQuestion extends DnsQuestion {
  /** `name` with ASCII letters lowercased (RFC 4343 §3), for map lookups. */
  readonly nameKey: string;
}

/** What a server needs from a query: the header, the one question and EDNS. */
export interface DnsQuery {
  readonly header: DnsHeader;
  readonly question: DnsQueryQuestion;
  readonly edns?: DnsEdns;
}

/**
 * Why decodeDnsQuery failed, which decides the reply (house style §5.4):
 * - `header`: fewer than 12 octets; there is nothing to answer, stay silent;
 * - `qdcount`: QDCOUNT is not 1; answer FORMERR, as miekg/dns does before any plugin runs;
 * - `body`: the header parsed but the rest did not; answer FORMERR.
 */
export type DnsQueryResult =
  | { readonly ok: true; readonly value: DnsQuery }
  | { readonly ok: false; readonly reason: 'header'; readonly headerParsed: false; readonly error: WireError }
  | {
      readonly ok: false;
      readonly reason: 'qdcount' | 'body';
      readonly headerParsed: true;
      readonly error: WireError;
      /** The received header (4-bit RCODE), to address the FORMERR reply. */
      readonly header: DnsHeader;
    };

export type DnsMessageResult = { readonly ok: true; readonly value: DnsMessage } | { readonly ok: false; readonly error: WireError };

//------------ Decoding ---------------------------------------------------------

// Puts the section and index in front of an error's field: `name` → `answer[2].name`.
function inSection(e: unknown, section: string, index: number): unknown {
  if (!(e instanceof WireError)) return e;
  const head = `${e.code} at ${e.offset} (${e.field})`;
  const detail = e.message.length > head.length + 2 ? e.message.slice(head.length + 2) : undefined;
  return new WireError(e.code, e.offset, `${section}[${index}].${e.field}`, detail);
}

// RFC 6891 §6.1.1: the OPT NAME "MUST be 0 (root domain)"; we accept only the literal root
// octet, not a pointer to one.
function checkOptName(buf: Uint8Array, at: number): void {
  if (buf[at] !== 0) throw new WireError(WireErrorCode.Malformed, at, 'name', 'OPT owner is not the root');
}

/**
 * Decodes what a server needs from a query. Never throws: only WireError is caught, and any
 * other exception would be a bug in this file.
 */
export function decodeDnsQuery(buf: Uint8Array): DnsQueryResult {
  if (buf.length < DNS_HEADER_LENGTH) {
    return { ok: false, reason: 'header', headerParsed: false, error: new WireError(WireErrorCode.Truncated, buf.length, 'header') };
  }
  const view = new DnsHeaderView(buf);
  const header = decodeHeader(view);
  if (view.qdcount !== 1) {
    const error = new WireError(WireErrorCode.Malformed, 4, 'header.qdcount', `${view.qdcount} questions`);
    return { ok: false, reason: 'qdcount', headerParsed: true, error, header };
  }
  try {
    const r = new Reader(buf, DNS_HEADER_LENGTH);
    let q: DnsQuestion;
    try {
      q = decodeQuestion(r);
    } catch (e) {
      throw inSection(e, 'question', 0);
    }
    skipRecords(r, view.ancount, 'answer');
    skipRecords(r, view.nscount, 'authority');
    let edns: DnsEdns | undefined;
    let optTtl = 0;
    for (let i = 0; i < view.arcount; i++) {
      try {
        const at = r.offset;
        skipName(r, 'name');
        if (r.u16('type') !== DnsType.OPT) {
          r.skip(6, 'class'); // CLASS, TTL
          r.skip(r.u16('rdlength'), 'rdata');
          continue;
        }
        checkOptName(buf, at);
        // RFC 6891 §6.1.1: "more than one OPT RR ... FORMERR".
        if (edns !== undefined) throw new WireError(WireErrorCode.Malformed, at, 'name', 'second OPT record');
        const klass = r.u16('class');
        optTtl = r.u32('ttl');
        edns = decodeEdns(r.sub(r.u16('rdlength'), 'rdata'), klass, optTtl);
      } catch (e) {
        throw inSection(e, 'additional', i);
      }
    }
    const question: DnsQueryQuestion = { name: q.name, nameKey: nameKey(q.name), type: q.type, class: q.class };
    if (edns === undefined) return { ok: true, value: { header, question } };
    const full = fullRcode(header.rcode, optTtl);
    return { ok: true, value: { header: full === header.rcode ? header : { ...header, rcode: full }, question, edns } };
  } catch (e) {
    if (e instanceof WireError) return { ok: false, reason: 'body', headerParsed: true, error: e, header };
    throw e;
  }
}

function skipRecords(r: Reader, count: number, section: string): void {
  for (let i = 0; i < count; i++) {
    try {
      skipRecord(r);
    } catch (e) {
      throw inSection(e, section, i);
    }
  }
}

/** Decodes a whole message: every question and record, OPT pulled out as `edns`. */
export function decodeDnsMessage(buf: Uint8Array): DnsMessageResult {
  try {
    const view = new DnsHeaderView(buf);
    const r = new Reader(buf, DNS_HEADER_LENGTH);
    const questions: DnsQuestion[] = [];
    for (let i = 0; i < view.qdcount; i++) {
      try {
        questions.push(decodeQuestion(r));
      } catch (e) {
        throw inSection(e, 'question', i);
      }
    }
    const answers = decodeRecords(r, view.ancount, 'answer');
    const authorities = decodeRecords(r, view.nscount, 'authority');
    const additionals: DnsRecord[] = [];
    let edns: DnsEdns | undefined;
    let optTtl = 0;
    for (let i = 0; i < view.arcount; i++) {
      try {
        const at = r.offset;
        const name = decodeName(r, 'name');
        const type = r.u16('type');
        if (type !== DnsType.OPT) {
          additionals.push(decodeRecordAfterName(r, name, type));
          continue;
        }
        checkOptName(buf, at);
        if (edns !== undefined) throw new WireError(WireErrorCode.Malformed, at, 'name', 'second OPT record');
        const klass = r.u16('class');
        optTtl = r.u32('ttl');
        edns = decodeEdns(r.sub(r.u16('rdlength'), 'rdata'), klass, optTtl);
      } catch (e) {
        throw inSection(e, 'additional', i);
      }
    }
    const h = decodeHeader(view);
    const header = edns === undefined ? h : { ...h, rcode: fullRcode(h.rcode, optTtl) };
    const value: DnsMessage =
      edns === undefined ? { header, questions, answers, authorities, additionals } : { header, questions, answers, authorities, additionals, edns };
    return { ok: true, value };
  } catch (e) {
    if (e instanceof WireError) return { ok: false, error: e };
    throw e;
  }
}

function decodeRecords(r: Reader, count: number, section: string): DnsRecord[] {
  const out: DnsRecord[] = [];
  for (let i = 0; i < count; i++) {
    try {
      const at = r.offset;
      const name = decodeName(r, 'name');
      const type = r.u16('type');
      // RFC 6891 §6.1.1: OPT belongs in the additional section only.
      if (type === DnsType.OPT) throw new WireError(WireErrorCode.Malformed, at, 'type', `OPT in the ${section} section`);
      out.push(decodeRecordAfterName(r, name, type));
    } catch (e) {
      throw inSection(e, section, i);
    }
  }
  return out;
}

//------------ Encoding ---------------------------------------------------------

export interface DnsEncodeOptions {
  /**
   * Most octets the message may take: `udpResponseLimit(query.edns)` for UDP (512 without
   * EDNS), up to 65535 for TCP. The writer's own capacity limits it further.
   */
  readonly maxSize: number;
  /** Name compression (RFC 1035 §4.1.4); on unless false. */
  readonly compress?: boolean;
}

export interface DnsEncodeResult {
  /** Octets written. */
  readonly length: number;
  /** TC was set because an answer or authority RRset did not fit. */
  readonly truncated: boolean;
  /** Records written per section; `additionals` does not count OPT. */
  readonly answers: number;
  readonly authorities: number;
  readonly additionals: number;
}

/** Encodes any message (queries too: the forward plugin, tests). See the file comment. */
export function encodeDnsMessage(message: DnsMessage, w: Writer, options: DnsEncodeOptions): DnsEncodeResult {
  return encode(message, w, options, false);
}

/** Encodes a reply: as encodeDnsMessage, with QR set whatever the model says. */
export function encodeDnsResponse(response: DnsMessage, w: Writer, options: DnsEncodeOptions): DnsEncodeResult {
  return encode(response, w, options, true);
}

function encode(m: DnsMessage, w: Writer, options: DnsEncodeOptions, response: boolean): DnsEncodeResult {
  const { maxSize } = options;
  if (!Number.isInteger(maxSize) || maxSize < DNS_HEADER_LENGTH || maxSize > DNS_MAX_MESSAGE_LENGTH) {
    throw new EncodeError(EncodeErrorCode.Value, 'maxSize', `${maxSize} is not ${DNS_HEADER_LENGTH}..${DNS_MAX_MESSAGE_LENGTH}`);
  }
  const { rcode } = m.header;
  if (rcode > DNS_HEADER_RCODE_MAX && m.edns === undefined) {
    throw new EncodeError(EncodeErrorCode.Value, 'header.rcode', `RCODE ${rcode} needs EDNS (RFC 6891 §6.1.3)`);
  }
  const start = w.offset;
  const startMark = w.mark();
  const end = start + Math.min(maxSize, w.available);
  // RFC 6891 §7: a reply to an EDNS query carries OPT, so its room is set aside before records.
  const recordsEnd = end - (m.edns === undefined ? 0 : optByteLength(m.edns));
  const compressor = options.compress === false ? undefined : new DnsCompressor(start);

  let flags = headerFlags(m.header) | (response ? DnsFlag.QR : 0);
  const at = encodeHeader(w, m.header, flags);
  for (const q of m.questions) encodeQuestion(w, q, compressor);
  if (w.offset > recordsEnd) {
    w.rollback(startMark);
    throw new EncodeError(EncodeErrorCode.Overflow, 'question', `header, question and OPT need more than ${end - start} octets`);
  }

  let an = writeRecords(w, m.answers, compressor, recordsEnd);
  let ns = 0;
  let ar = 0;
  let truncated = an < m.answers.length;
  if (!truncated) {
    ns = writeRecords(w, m.authorities, compressor, recordsEnd);
    truncated = ns < m.authorities.length;
  }
  if (!truncated) ar = writeRecords(w, m.additionals, compressor, recordsEnd);
  if (m.edns !== undefined) encodeOpt(w, m.edns, rcode);

  if (truncated) flags |= DnsFlag.TC;
  patchHeaderFlags(w, at, flags);
  patchHeaderCounts(w, at, m.questions.length, an, ns, ar + (m.edns === undefined ? 0 : 1));
  return { length: w.offset - start, truncated, answers: an, authorities: ns, additionals: ar };
}

/**
 * Writes whole RRsets while they end by `end`; returns how many records were written. An RRset
 * here is a run of consecutive records with the same owner (case-insensitively), type and class
 * (RFC 2181 §5); records of one RRset that are not adjacent are treated as separate sets.
 */
function writeRecords(w: Writer, records: readonly DnsRecord[], compressor: DnsCompressor | undefined, end: number): number {
  let i = 0;
  while (i < records.length) {
    const first = records[i]!;
    let j = i + 1;
    while (j < records.length && sameRRset(first, records[j]!)) j++;
    const mark = w.mark();
    let fits = true;
    try {
      for (let k = i; k < j; k++) encodeRecord(w, records[k]!, compressor);
      fits = w.offset <= end;
    } catch (e) {
      if (!(e instanceof EncodeError && e.code === EncodeErrorCode.Overflow)) throw e;
      fits = false;
    }
    if (!fits) {
      w.rollback(mark);
      compressor?.rollback(mark);
      return i;
    }
    i = j;
  }
  return i;
}

function sameRRset(a: DnsRecord, b: DnsRecord): boolean {
  return a.type === b.type && a.class === b.class && (a.name === b.name || nameKey(a.name) === nameKey(b.name));
}

/** Octets of `message` without compression or truncation: an upper bound for the encoder. */
export function dnsMessageByteLength(message: DnsMessage): number {
  let n = DNS_HEADER_LENGTH;
  for (const q of message.questions) n += questionByteLength(q);
  for (const rr of message.answers) n += recordByteLength(rr);
  for (const rr of message.authorities) n += recordByteLength(rr);
  for (const rr of message.additionals) n += recordByteLength(rr);
  if (message.edns !== undefined) n += optByteLength(message.edns);
  return n;
}
