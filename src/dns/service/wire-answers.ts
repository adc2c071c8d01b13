// Answers encoded once, when the zone index is built, so that the common query (A, AAAA or PTR
// of one name, answered or denied) is a copy and not an encode (fast-path.ts; BENCHMARKS.md
// "DNS": building and compressing a reply model cost more than half of the DNS work).
//
// Every owner name in these bytes is a compression pointer into the reply's question, which the
// fast path copies from the query as it came (RFC 1035 §4.1.4), so answers echo the client's
// case (RFC 4343 §4.1) exactly as the encoder's compression would have written them:
// - answer owners are the whole question name: `C0 0C` (the question starts at offset 12);
// - the SOA of negative answers is owned by the zone apex, a suffix of the question name; its
//   MNAME `ns.dns.<apex>` and RNAME `hostmaster.<apex>` end in a pointer to the same suffix.
//   Those three pointers depend on the question's length and are patched per reply.

import { Writer } from '../../wire/writer.ts';
import { DnsClass, DnsType } from '../constants.ts';
import { encodeName } from '../name.ts';
import type { DnsRdata } from '../rdata.ts';

/** Offset of the question name in every DNS message (RFC 1035 §4.1.1: a 12-octet header). */
export const QUESTION_OFFSET = 12;
const POINTER = 0xc000;
const FIXED = 10; // TYPE, CLASS, TTL, RDLENGTH (RFC 1035 §4.1.3)

/** Octets of an A (16) or AAAA (28) record with a pointer owner. */
export function addressRecordLength(family: 'a' | 'aaaa'): number {
  return 2 + FIXED + (family === 'a' ? 4 : 16);
}

function writeHeader(out: Uint8Array, at: number, type: number, ttl: number, rdlength: number): number {
  out[at] = (POINTER | QUESTION_OFFSET) >>> 8;
  out[at + 1] = QUESTION_OFFSET;
  out[at + 2] = type >>> 8;
  out[at + 3] = type & 0xff;
  out[at + 4] = 0;
  out[at + 5] = DnsClass.IN;
  out[at + 6] = ttl >>> 24;
  out[at + 7] = (ttl >>> 16) & 0xff;
  out[at + 8] = (ttl >>> 8) & 0xff;
  out[at + 9] = ttl & 0xff;
  out[at + 10] = rdlength >>> 8;
  out[at + 11] = rdlength & 0xff;
  return at + 12;
}

/**
 * Writes the A or AAAA RRset `rdata` (all of one kind) owned by the question name; returns the
 * new end. The caller has checked the room: rdata.length × addressRecordLength.
 */
export function writeAddressRecords(out: Uint8Array, at: number, type: number, rdata: readonly DnsRdata[], ttl: number): number {
  for (let i = 0; i < rdata.length; i++) {
    const d = rdata[i]!;
    if (d.kind === 'a') {
      at = writeHeader(out, at, type, ttl, 4);
      const v = d.address;
      out[at] = v >>> 24;
      out[at + 1] = (v >>> 16) & 0xff;
      out[at + 2] = (v >>> 8) & 0xff;
      out[at + 3] = v & 0xff;
      at += 4;
    } else if (d.kind === 'aaaa') {
      at = writeHeader(out, at, type, ttl, 16);
      out.set(d.address, at);
      at += 16;
    }
  }
  return at;
}

/** Writes a PTR record owned by the question name with the target `wire`; returns the new end. */
export function writePtrRecord(out: Uint8Array, at: number, wire: Uint8Array, ttl: number): number {
  at = writeHeader(out, at, DnsType.PTR, ttl, wire.length);
  out.set(wire, at);
  return at + wire.length;
}

/** Octets of writePtrRecord's record for `wire`. */
export function ptrRecordLength(wire: Uint8Array): number {
  return 2 + FIXED + wire.length;
}

/**
 * A PTR target in wire form, written whole: it shares no suffix with an `.arpa` question, so the
 * encoder would not have compressed it either. Undefined when the target ends in `arpa.` (the
 * encoder might point into the question) or is not a plain name.
 */
export function ptrTargetWire(target: string): Uint8Array | undefined {
  if (!PLAIN_ABSOLUTE.test(target) || /(^|\.)arpa\.$/i.test(target)) return undefined;
  const w = new Writer(new Uint8Array(256));
  encodeName(w, target);
  return w.buffer.slice(0, w.offset);
}

/** Letters, digits, `-` and `_` in labels, with the trailing dot: wire length = text length + 1. */
const PLAIN_ABSOLUTE = /^([A-Za-z0-9_-]{1,63}\.)+$/;

/** The apex SOA of negative answers, with the places of its three pointers. */
export interface SoaTemplate {
  readonly bytes: Uint8Array;
  /** Offsets inside `bytes` of the owner, MNAME-suffix and RNAME-suffix pointers. */
  readonly pointers: readonly [number, number, number];
  /** Octets of the apex name in wire form, root included. */
  readonly apexWireLength: number;
  /**
   * Question names ending in one of these (`dns.<apex>`, `hostmaster.<apex>`) would give MNAME or
   * RNAME a longer pointer than the template's: the fast path leaves them to the encoder.
   */
  readonly longerSuffixes: readonly [string, string];
}

/**
 * The SOA for a zone whose MNAME is `ns.dns.<apex>` and RNAME `hostmaster.<apex>` (zone-index.ts
 * makeZone). Undefined for the root zone: the encoder never points at a one-octet root.
 */
export function soaTemplate(apexKey: string, ttl: number, serial: number, timers: { refresh: number; retry: number; expire: number; minimum: number }): SoaTemplate | undefined {
  if (!PLAIN_ABSOLUTE.test(apexKey)) return undefined; // the root, or a name with escapes
  const buf = new Uint8Array(64);
  const w = new Writer(buf);
  const owner = w.offset;
  w.u16(POINTER, 'owner');
  w.u16(DnsType.SOA, 'type');
  w.u16(DnsClass.IN, 'class');
  w.u32(ttl, 'ttl');
  const rdlength = w.reserveU16('rdlength');
  label(w, 'ns');
  label(w, 'dns');
  const mname = w.offset;
  w.u16(POINTER, 'mname');
  label(w, 'hostmaster');
  const rname = w.offset;
  w.u16(POINTER, 'rname');
  w.u32(serial, 'serial');
  w.u32(timers.refresh, 'refresh');
  w.u32(timers.retry, 'retry');
  w.u32(timers.expire, 'expire');
  w.u32(timers.minimum, 'minimum');
  w.patchLength(rdlength, 'rdlength');
  return Object.freeze({
    bytes: buf.slice(0, w.offset),
    pointers: [owner, mname, rname] as const,
    apexWireLength: apexKey.length + 1,
    longerSuffixes: [`dns.${apexKey}`, `hostmaster.${apexKey}`] as const,
  });
}

function label(w: Writer, text: string): void {
  w.u8(text.length, 'label');
  for (let i = 0; i < text.length; i++) w.u8(text.charCodeAt(i), 'label');
}

/** Copies `t` to `out` at `at` with its pointers aimed at `apexOffset`; returns the new end. */
export function writeSoa(t: SoaTemplate, out: Uint8Array, at: number, apexOffset: number): number {
  out.set(t.bytes, at);
  const hi = (POINTER | apexOffset) >>> 8;
  const lo = apexOffset & 0xff;
  for (const p of t.pointers) {
    out[at + p] = hi;
    out[at + p + 1] = lo;
  }
  return at + t.bytes.length;
}
