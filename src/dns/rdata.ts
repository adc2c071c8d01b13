// RDATA of the record types we model, and RFC 3597 raw bytes for every other type.
//
//   A (RFC 1035 §3.4.1)         AAAA (RFC 3596 §2.2)       NS/CNAME/PTR (§3.3.11, §3.3.1, §3.3.12)
//   +--+--+--+--+--+--+--+--+   +--+--+--+--+--+--+--+--+   +--+--+--+--+--+--+--+--+
//   |        ADDRESS        |   |    ADDRESS (16 oct)   |   /  NSDNAME / CNAME /    /
//   +--+--+--+--+--+--+--+--+   +--+--+--+--+--+--+--+--+   /  PTRDNAME             /
//                                                           +--+--+--+--+--+--+--+--+
//   SOA (RFC 1035 §3.3.13)
//   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//   /                     MNAME                     /
//   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//   /                     RNAME                     /
//   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//   |          SERIAL, REFRESH, RETRY, EXPIRE,      |   five unsigned 32-bit fields
//   |          MINIMUM                              |
//   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//
//   MX (§3.3.9): PREFERENCE (16) EXCHANGE (name)
//   SRV (RFC 2782): PRIORITY (16) WEIGHT (16) PORT (16) TARGET (name)
//   TXT (§3.3.14): one or more <character-string>s, each a length octet and that many octets
//
// Compression inside RDATA (RFC 3597 §4): receivers "MUST decompress domain names in RDATA of
// well-known type, and SHOULD decompress [those] of type RP, AFSDB, RT, SIG, PX, NXT, NAPTR,
// and SRV"; senders "MUST NOT compress domain names embedded in the RDATA of types that are
// class-specific or not well-known", well-known meaning defined in RFC 1035. So we decode
// pointers in every name we model, but write pointers only for the RFC 1035 types. Types we do
// not model stay raw bytes and are written back verbatim; they must not contain pointers.
//
// Models own their bytes: AAAA addresses, TXT strings and raw RDATA are copies, never views of
// the datagram, so a decoded message may outlive its receive buffer.

import { EncodeError, EncodeErrorCode } from '../wire/errors.ts';
import type { Reader } from '../wire/reader.ts';
import type { Writer } from '../wire/writer.ts';
import type { DnsCompressor } from './compression.ts';
import { DnsClass, DnsType } from './constants.ts';
import { decodeName, encodeName, nameByteLength } from './name.ts';

export type DnsRdata =
  /** A: an IPv4 address as an unsigned 32-bit number (see wire/addr.ts parseIPv4). */
  | { readonly kind: 'a'; readonly address: number }
  /** AAAA: 16 octets (see wire/addr.ts parseIPv6). */
  | { readonly kind: 'aaaa'; readonly address: Uint8Array }
  /** One domain name: NSDNAME, CNAME, PTRDNAME (and the obsolete MB, MD, MF, MG, MR). */
  | { readonly kind: 'name'; readonly target: string }
  | {
      readonly kind: 'soa';
      readonly mname: string;
      readonly rname: string;
      readonly serial: number;
      readonly refresh: number;
      readonly retry: number;
      readonly expire: number;
      readonly minimum: number;
    }
  | { readonly kind: 'mx'; readonly preference: number; readonly exchange: string }
  | { readonly kind: 'srv'; readonly priority: number; readonly weight: number; readonly port: number; readonly target: string }
  /** TXT: the character-strings as bytes (TXT is not text in any particular encoding). */
  | { readonly kind: 'txt'; readonly strings: readonly Uint8Array[] }
  /** RFC 3597: any other type (or an A/AAAA outside class IN), kept verbatim. */
  | { readonly kind: 'unknown'; readonly data: Uint8Array };

export type DnsRdataKind = DnsRdata['kind'];

const IPV6_OCTETS = 16; // RFC 3596 §2.2
const CHARACTER_STRING_MAX = 255; // RFC 1035 §3.3: one length octet

interface RdataCodec {
  readonly name: string;
  readonly rfc: string;
  readonly kind: Exclude<DnsRdataKind, 'unknown'>;
  /** RFC 3597 §4: defined in RFC 1035, so names inside may be written as pointers. */
  readonly compress: boolean;
  /** Only meaningful in class IN (A and AAAA are addresses of the Internet class). */
  readonly classIn: boolean;
  decode(r: Reader): DnsRdata;
}

const decodeSingleName = (r: Reader): DnsRdata => ({ kind: 'name', target: decodeName(r, 'rdata.target') });

// The literal codec table (house style §5.5): type → name, RFC, model kind, decode.
const CODECS: ReadonlyMap<number, RdataCodec> = new Map<number, RdataCodec>([
  [DnsType.A, { name: 'A', rfc: 'RFC 1035 §3.4.1', kind: 'a', compress: false, classIn: true, decode: (r) => ({ kind: 'a', address: r.u32('rdata.address') }) }],
  [DnsType.NS, { name: 'NS', rfc: 'RFC 1035 §3.3.11', kind: 'name', compress: true, classIn: false, decode: decodeSingleName }],
  [3, { name: 'MD', rfc: 'RFC 1035 §3.3.4', kind: 'name', compress: true, classIn: false, decode: decodeSingleName }],
  [4, { name: 'MF', rfc: 'RFC 1035 §3.3.5', kind: 'name', compress: true, classIn: false, decode: decodeSingleName }],
  [DnsType.CNAME, { name: 'CNAME', rfc: 'RFC 1035 §3.3.1', kind: 'name', compress: true, classIn: false, decode: decodeSingleName }],
  [DnsType.SOA, { name: 'SOA', rfc: 'RFC 1035 §3.3.13', kind: 'soa', compress: true, classIn: false, decode: decodeSoa }],
  [7, { name: 'MB', rfc: 'RFC 1035 §3.3.3', kind: 'name', compress: true, classIn: false, decode: decodeSingleName }],
  [8, { name: 'MG', rfc: 'RFC 1035 §3.3.6', kind: 'name', compress: true, classIn: false, decode: decodeSingleName }],
  [9, { name: 'MR', rfc: 'RFC 1035 §3.3.8', kind: 'name', compress: true, classIn: false, decode: decodeSingleName }],
  [DnsType.PTR, { name: 'PTR', rfc: 'RFC 1035 §3.3.12', kind: 'name', compress: true, classIn: false, decode: decodeSingleName }],
  [DnsType.MX, { name: 'MX', rfc: 'RFC 1035 §3.3.9', kind: 'mx', compress: true, classIn: false, decode: decodeMx }],
  [DnsType.TXT, { name: 'TXT', rfc: 'RFC 1035 §3.3.14', kind: 'txt', compress: false, classIn: false, decode: decodeTxt }],
  [DnsType.AAAA, { name: 'AAAA', rfc: 'RFC 3596 §2.2', kind: 'aaaa', compress: false, classIn: true, decode: (r) => ({ kind: 'aaaa', address: new Uint8Array(r.bytes(IPV6_OCTETS, 'rdata.address')) }) }],
  // RFC 2782 forbids compression when writing; RFC 3597 §4 says to accept it when reading.
  [DnsType.SRV, { name: 'SRV', rfc: 'RFC 2782', kind: 'srv', compress: false, classIn: false, decode: decodeSrv }],
]);

function decodeSoa(r: Reader): DnsRdata {
  return {
    kind: 'soa',
    mname: decodeName(r, 'rdata.mname'),
    rname: decodeName(r, 'rdata.rname'),
    serial: r.u32('rdata.serial'),
    refresh: r.u32('rdata.refresh'),
    retry: r.u32('rdata.retry'),
    expire: r.u32('rdata.expire'),
    minimum: r.u32('rdata.minimum'),
  };
}

function decodeMx(r: Reader): DnsRdata {
  const preference = r.u16('rdata.preference');
  return { kind: 'mx', preference, exchange: decodeName(r, 'rdata.exchange') };
}

function decodeSrv(r: Reader): DnsRdata {
  const priority = r.u16('rdata.priority');
  const weight = r.u16('rdata.weight');
  const port = r.u16('rdata.port');
  return { kind: 'srv', priority, weight, port, target: decodeName(r, 'rdata.target') };
}

function decodeTxt(r: Reader): DnsRdata {
  const strings: Uint8Array[] = [];
  // Bounded by RDLENGTH: every string takes at least its length octet.
  while (!r.atEnd) strings.push(new Uint8Array(r.bytes(r.u8('rdata.length'), 'rdata.string')));
  return { kind: 'txt', strings };
}

/**
 * Decodes RDATA of `type` from a reader over exactly RDLENGTH octets, which must all be
 * consumed (ERR_WIRE_TRAILING otherwise). Names may point anywhere earlier in `r.buffer`.
 */
export function decodeRdata(r: Reader, type: number, klass: number): DnsRdata {
  const codec = CODECS.get(type);
  const data =
    codec === undefined || (codec.classIn && klass !== DnsClass.IN)
      ? { kind: 'unknown' as const, data: new Uint8Array(r.bytes(r.remaining, 'rdata')) }
      : codec.decode(r);
  r.expectEnd('rdata');
  return data;
}

/** The model kind `type` decodes to in class IN (`unknown` for types we keep raw). */
export function rdataKindOf(type: number): DnsRdataKind {
  return CODECS.get(type)?.kind ?? 'unknown';
}

/** True when names in RDATA of `type` may be compressed on output (RFC 3597 §4). */
export function rdataMayCompress(type: number): boolean {
  return CODECS.get(type)?.compress ?? false;
}

/** `A`, `AAAA`, … for the types this file models; otherwise `TYPEnnn` (RFC 3597 §5). */
export function rdataTypeName(type: number): string {
  return CODECS.get(type)?.name ?? `TYPE${type}`;
}

/**
 * Writes the RDATA (not RDLENGTH). `compressor` is used only where RFC 3597 §4 allows it. A
 * model whose kind does not belong to `type` is ERR_ENCODE_VALUE, except `unknown`, which may
 * carry any type verbatim.
 */
export function encodeRdata(w: Writer, type: number, data: DnsRdata, compressor?: DnsCompressor): void {
  const codec = CODECS.get(type);
  if (data.kind !== 'unknown' && codec?.kind !== data.kind) {
    throw new EncodeError(EncodeErrorCode.Value, 'rdata', `${data.kind} data for type ${rdataTypeName(type)}`);
  }
  const c = codec?.compress === true ? compressor : undefined;
  switch (data.kind) {
    case 'a':
      w.u32(data.address, 'rdata.address');
      return;
    case 'aaaa':
      if (data.address.length !== IPV6_OCTETS) {
        throw new EncodeError(EncodeErrorCode.Value, 'rdata.address', `${data.address.length} octets, AAAA needs 16`);
      }
      w.bytes(data.address, 'rdata.address');
      return;
    case 'name':
      encodeName(w, data.target, c, 'rdata.target');
      return;
    case 'soa':
      encodeName(w, data.mname, c, 'rdata.mname');
      encodeName(w, data.rname, c, 'rdata.rname');
      w.u32(data.serial, 'rdata.serial');
      w.u32(data.refresh, 'rdata.refresh');
      w.u32(data.retry, 'rdata.retry');
      w.u32(data.expire, 'rdata.expire');
      w.u32(data.minimum, 'rdata.minimum');
      return;
    case 'mx':
      w.u16(data.preference, 'rdata.preference');
      encodeName(w, data.exchange, c, 'rdata.exchange');
      return;
    case 'srv':
      w.u16(data.priority, 'rdata.priority');
      w.u16(data.weight, 'rdata.weight');
      w.u16(data.port, 'rdata.port');
      encodeName(w, data.target, undefined, 'rdata.target');
      return;
    case 'txt':
      for (const s of data.strings) {
        if (s.length > CHARACTER_STRING_MAX) {
          throw new EncodeError(EncodeErrorCode.Value, 'rdata.string', `${s.length} octets, at most ${CHARACTER_STRING_MAX}`);
        }
        w.u8(s.length, 'rdata.length');
        w.bytes(s, 'rdata.string');
      }
      return;
    case 'unknown':
      w.bytes(data.data, 'rdata');
      return;
  }
}

/** Octets the RDATA takes without compression. */
export function rdataByteLength(data: DnsRdata): number {
  switch (data.kind) {
    case 'a':
      return 4;
    case 'aaaa':
      return IPV6_OCTETS;
    case 'name':
      return nameByteLength(data.target);
    case 'soa':
      return nameByteLength(data.mname) + nameByteLength(data.rname) + 20;
    case 'mx':
      return 2 + nameByteLength(data.exchange);
    case 'srv':
      return 6 + nameByteLength(data.target);
    case 'txt':
      return data.strings.reduce((n, s) => n + 1 + s.length, 0);
    case 'unknown':
      return data.data.length;
  }
}
