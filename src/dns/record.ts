// Question entries and resource records (RFC 1035 §4.1.2, §4.1.3).
//
// Question (§4.1.2):
//                                     1  1  1  1  1  1
//       0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
//     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//     |                                               |
//     /                     QNAME                     /
//     /                                               /
//     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//     |                     QTYPE                     |
//     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//     |                     QCLASS                    |
//     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//
// Resource record (§4.1.3):
//                                     1  1  1  1  1  1
//       0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
//     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//     |                                               |
//     /                                               /
//     /                      NAME                     /
//     |                                               |
//     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//     |                      TYPE                     |
//     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//     |                     CLASS                     |
//     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//     |                      TTL                      |
//     |                                               |
//     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//     |                   RDLENGTH                    |
//     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--|
//     /                     RDATA                     /
//     /                                               /
//     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//
// Error fields here are relative (`name`, `rdata.target`); the message codec prefixes the
// section and index (`answer[2].rdata.target`).

import type { Reader } from '../wire/reader.ts';
import type { Writer } from '../wire/writer.ts';
import type { DnsCompressor } from './compression.ts';
import { decodeName, encodeName, nameByteLength, skipName } from './name.ts';
import { decodeRdata, encodeRdata, rdataByteLength, type DnsRdata } from './rdata.ts';

export interface DnsQuestion {
  /** QNAME as presentation text, in the case it was sent (see name.ts). */
  readonly name: string;
  /** QTYPE. */
  readonly type: number;
  /** QCLASS. */
  readonly class: number;
}

export interface DnsRecord {
  /** Owner NAME as presentation text. */
  readonly name: string;
  readonly type: number;
  readonly class: number;
  /** Seconds, as sent (RFC 2181 §8 reads values with the top bit set as zero; we keep them). */
  readonly ttl: number;
  readonly data: DnsRdata;
}

/** TYPE, CLASS, TTL, RDLENGTH. */
export const RECORD_FIXED_LENGTH = 10;
/** QTYPE, QCLASS. */
export const QUESTION_FIXED_LENGTH = 4;

export function decodeQuestion(r: Reader): DnsQuestion {
  const name = decodeName(r, 'name');
  const type = r.u16('type');
  return { name, type, class: r.u16('class') };
}

/**
 * A record whose NAME is already read; reads TYPE up to the end of RDATA. Used by the message
 * codec, which looks at TYPE itself to pull out OPT.
 */
export function decodeRecordAfterName(r: Reader, name: string, type: number): DnsRecord {
  const klass = r.u16('class');
  const ttl = r.u32('ttl');
  const rdlength = r.u16('rdlength');
  const data = decodeRdata(r.sub(rdlength, 'rdata'), type, klass);
  return { name, type, class: klass, ttl, data };
}

export function decodeRecord(r: Reader): DnsRecord {
  const name = decodeName(r, 'name');
  return decodeRecordAfterName(r, name, r.u16('type'));
}

/** Moves past a record without decoding its NAME or RDATA. */
export function skipRecord(r: Reader): void {
  skipName(r, 'name');
  r.skip(8, 'type'); // TYPE, CLASS, TTL
  r.skip(r.u16('rdlength'), 'rdata');
}

export function encodeQuestion(w: Writer, q: DnsQuestion, compressor?: DnsCompressor): void {
  encodeName(w, q.name, compressor, 'question.name');
  w.u16(q.type, 'question.type');
  w.u16(q.class, 'question.class');
}

export function encodeRecord(w: Writer, rr: DnsRecord, compressor?: DnsCompressor): void {
  encodeName(w, rr.name, compressor, 'record.name');
  w.u16(rr.type, 'record.type');
  w.u16(rr.class, 'record.class');
  w.u32(rr.ttl, 'record.ttl');
  const len = w.reserveU16('record.rdlength');
  encodeRdata(w, rr.type, rr.data, compressor);
  w.patchLength(len, 'record.rdlength');
}

export function questionByteLength(q: DnsQuestion): number {
  return nameByteLength(q.name) + QUESTION_FIXED_LENGTH;
}

/** Octets of the record without compression. */
export function recordByteLength(rr: DnsRecord): number {
  return nameByteLength(rr.name) + RECORD_FIXED_LENGTH + rdataByteLength(rr.data);
}
