// TFTP packets: RFC 1350 §5, with the options and OACK of RFC 2347.
//
//           2 bytes     string    1 byte     string   1 byte
//           ------------------------------------------------
//          | Opcode |  Filename  |   0  |    Mode    |   0  |
//           ------------------------------------------------
//                      Figure 5-1: RRQ/WRQ packet
//
//       +-------+---~~---+---+---~~---+---+---~~---+---+---~~---+---+-->
//       |  opc  |filename| 0 |  mode  | 0 |  opt1  | 0 | value1 | 0 | <
//       +-------+---~~---+---+---~~---+---+---~~---+---+---~~---+---+-->
//        >-------+---+---~~---+---+
//       <  optN  | 0 | valueN | 0 |
//        >-------+---+---~~---+---+
//                      RFC 2347: options appended to RRQ/WRQ
//
//                    2 bytes     2 bytes      n bytes
//                    ----------------------------------
//                   | Opcode |   Block #  |   Data     |
//                    ----------------------------------
//                         Figure 5-2: DATA packet
//
//                          2 bytes     2 bytes
//                          ---------------------
//                         | Opcode |   Block #  |
//                          ---------------------
//                          Figure 5-3: ACK packet
//
//                2 bytes     2 bytes      string    1 byte
//                -----------------------------------------
//               | Opcode |  ErrorCode |   ErrMsg   |   0  |
//                -----------------------------------------
//                         Figure 5-4: ERROR packet
//
//       +-------+---~~---+---+---~~---+---+---~~---+---+---~~---+---+
//       |  opc  |  opt1  | 0 | value1 | 0 |  optN  | 0 | valueN | 0 |
//       +-------+---~~---+---+---~~---+---+---~~---+---+---~~---+---+
//                      RFC 2347: OACK packet
//
// `decodeTftp` returns a plain model per opcode. Views stay zero-copy where it matters: the
// DATA payload and the raw filename are subarrays of the datagram, so copy what must outlive
// the handler call (house style §5.3). Options are an ordered list of [name, value] pairs, names
// lowercased, so the OACK can echo the client's order (pin/tftp's map loses it).

import { EncodeError, EncodeErrorCode, WireError, WireErrorCode } from '../wire/errors.ts';
import { Reader } from '../wire/reader.ts';
import type { Writer } from '../wire/writer.ts';
import { BLKSIZE_MAX, TftpMode, TftpOpcode } from './constants.ts';

/** One option as sent: name lowercased (RFC 2347: "case-insensitive ASCII"), value verbatim. */
export type TftpOptionPair = readonly [name: string, value: string];
/** Options in the order the peer sent them; the order "is not significant" (RFC 2347) but we keep it. */
export type TftpOptionList = readonly TftpOptionPair[];

/** RRQ or WRQ (RFC 1350 §5, options per RFC 2347). */
export interface TftpRequest {
  readonly kind: 'rrq' | 'wrq';
  /**
   * The filename exactly as sent (without its NUL), a subarray of the datagram. Not checked for
   * ASCII: RFC 1350 says netascii, but clients send UTF-8 (tftp-hpa 5.2 passes the shell's
   * bytes through) and the file provider decides what it serves.
   */
  readonly filename: Uint8Array;
  /** `filename` decoded as UTF-8, with U+FFFD for invalid bytes: for logs and exact matches. */
  readonly filenameText: string;
  readonly mode: TftpMode;
  readonly options: TftpOptionList;
}

/** DATA (RFC 1350 §5). */
export interface TftpData {
  readonly kind: 'data';
  /** Block # (16 bits; wraps to 0 after 65535 in long transfers). */
  readonly block: number;
  /** The data, a subarray of the datagram: shorter than blksize on the last block. */
  readonly payload: Uint8Array;
}

/** ACK (RFC 1350 §5); block 0 acknowledges an OACK (RFC 2347). */
export interface TftpAck {
  readonly kind: 'ack';
  readonly block: number;
}

/** ERROR (RFC 1350 §5). */
export interface TftpError {
  readonly kind: 'error';
  /** ErrorCode: 0–8 are defined (TftpErrorCode); any other value is kept. */
  readonly code: number;
  /** ErrMsg, decoded as UTF-8 with U+FFFD for invalid bytes. */
  readonly message: string;
}

/** OACK (RFC 2347). */
export interface TftpOack {
  readonly kind: 'oack';
  readonly options: TftpOptionList;
}

export type TftpPacket = TftpRequest | TftpData | TftpAck | TftpError | TftpOack;

export type TftpDecodeResult = { readonly ok: true; readonly value: TftpPacket } | { readonly ok: false; readonly error: WireError };

/** Opcode field (RFC 1350 §5). */
const OPCODE_LENGTH = 2;

/**
 * Longest filename we decode. RFC 2347 caps a whole request at 512 octets; we allow twice that
 * so an oversize but honest request still reaches the file provider and gets "file not found",
 * and no more, so a hostile 64 KiB datagram is refused before any text is built.
 */
export const FILENAME_MAX_LENGTH = 1024;
/** Longest mode, option name or option value we decode; registered names and values are < 32. */
export const OPTION_STRING_MAX_LENGTH = 255;
/**
 * Most options per request or OACK. About ten are registered (IANA "TFTP Parameters"), so 32 is
 * generous; past it a request is ERR_WIRE_LIMIT instead of a large array built from one datagram.
 */
export const OPTIONS_MAX = 32;
/**
 * Longest ErrMsg we encode, in characters: opcode, code, message and NUL then fit in 516 octets,
 * the largest RFC 1350 packet and so the smallest send buffer a transfer has. Longer messages
 * (a Go-style error quoting a long path) are cut, never refused: an ERROR must always go out.
 */
export const ERROR_MESSAGE_MAX_LENGTH = 511;

// RFC 1350 §5: the mode is "netascii", "octet" or "mail" "or any combination of upper and lower
// case"; keyed by the lowercased text.
const MODES: ReadonlyMap<string, TftpMode> = new Map(Object.values(TftpMode).map((m) => [m, m]));

// Both are stateless when used without `{ stream: true }`, so sharing them holds no state.
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });
const utf8Encoder = new TextEncoder();

const QUESTION_MARK = 0x3f;

/** The opcode of a datagram without decoding it, or undefined when it has fewer than 2 bytes. */
export function peekTftpOpcode(buf: Uint8Array): number | undefined {
  return buf.length < OPCODE_LENGTH ? undefined : (buf[0]! << 8) | buf[1]!;
}

/** Decodes one datagram. Never throws for bad input: a WireError comes back as `{ ok: false }`. */
export function decodeTftp(buf: Uint8Array): TftpDecodeResult {
  try {
    return { ok: true, value: decodePacket(new Reader(buf)) };
  } catch (e) {
    if (e instanceof WireError) return { ok: false, error: e };
    throw e; // a bug in this file, not hostile input: let it surface
  }
}

function decodePacket(r: Reader): TftpPacket {
  const opcode = r.u16('opcode');
  switch (opcode) {
    case TftpOpcode.RRQ:
      return decodeRequest(r, 'rrq');
    case TftpOpcode.WRQ:
      return decodeRequest(r, 'wrq');
    case TftpOpcode.DATA: {
      const block = r.u16('block');
      // RFC 2348: no negotiated block can exceed 65464 octets; the transfer checks its own size.
      if (r.remaining > BLKSIZE_MAX) throw new WireError(WireErrorCode.Limit, r.offset, 'payload', `over ${BLKSIZE_MAX}`);
      return { kind: 'data', block, payload: r.bytes(r.remaining, 'payload') };
    }
    case TftpOpcode.ACK:
      // Bytes after Block # are ignored, as tftpd-hpa (reads th_opcode and th_block) and pin/tftp
      // (checks only the minimum length) do: they carry nothing and an ACK must not be lost.
      return { kind: 'ack', block: r.u16('block') };
    case TftpOpcode.ERROR:
      return decodeError(r);
    case TftpOpcode.OACK:
      return { kind: 'oack', options: decodeOptions(r) };
    default:
      throw new WireError(WireErrorCode.Malformed, 0, 'opcode', `unknown opcode ${opcode}`);
  }
}

function decodeRequest(r: Reader, kind: 'rrq' | 'wrq'): TftpRequest {
  // RFC 1350 §5 and RFC 2347: every field, the last option value included, ends with a NUL. An
  // unterminated string is ERR_WIRE_TRUNCATED from the Reader; tftpd-hpa refuses the same
  // request with "Request not null-terminated".
  const filenameAt = r.offset;
  const filename = r.cstringBytes('filename', FILENAME_MAX_LENGTH);
  if (filename.length === 0) {
    // Nothing names a file; the error says so here rather than as "file not found" later.
    throw new WireError(WireErrorCode.Malformed, filenameAt, 'filename', 'empty');
  }
  const modeAt = r.offset;
  const modeText = r.cstring('mode', OPTION_STRING_MAX_LENGTH).toLowerCase();
  const mode = MODES.get(modeText);
  if (mode === undefined) throw new WireError(WireErrorCode.Malformed, modeAt, 'mode', 'not netascii, octet or mail');
  return { kind, filename, filenameText: utf8Decoder.decode(filename), mode, options: decodeOptions(r) };
}

// The option list of a request or an OACK (RFC 2347), up to the end of the datagram.
function decodeOptions(r: Reader): TftpOptionList {
  const options: TftpOptionPair[] = [];
  while (!r.atEnd) {
    const nameAt = r.offset;
    const name = r.cstring('option.name', OPTION_STRING_MAX_LENGTH).toLowerCase();
    if (name.length === 0) {
      // An empty name can only be NUL padding after the last pair. tftpd-hpa likewise ends the
      // request at the first empty string; unlike it we refuse anything but NULs after it.
      skipPadding(r);
      break;
    }
    if (r.atEnd) {
      // A name with no value at all (the datagram ends after its NUL). RFC 2347 only defines
      // name/value pairs, so this is not an option: it is dropped, as tftpd-hpa drops it, and
      // so left out of the OACK like any option we do not take. (pin/tftp's split on NUL keeps
      // it with an empty value, and would answer a dangling "tsize".)
      break;
    }
    // Names are compared lowercased (RFC 2347: case-insensitive), so "blksize" and "BLKSIZE"
    // are the same option. A repeated option is refused: RFC 2347 gives no rule for which copy
    // counts, and peers disagree (tftpd-hpa acknowledges every copy in its OACK, pin/tftp keeps
    // the last in a map), so any choice would answer a different question than the client asked.
    for (const [seen] of options) {
      if (seen === name) throw new WireError(WireErrorCode.Malformed, nameAt, 'option.name', `duplicate option ${name}`);
    }
    if (options.length === OPTIONS_MAX) throw new WireError(WireErrorCode.Limit, nameAt, 'options', `more than ${OPTIONS_MAX}`);
    const value = r.cstring('option.value', OPTION_STRING_MAX_LENGTH);
    options.push([name, value]);
  }
  return options;
}

function skipPadding(r: Reader): void {
  while (!r.atEnd) {
    const at = r.offset;
    if (r.u8('padding') !== 0) throw new WireError(WireErrorCode.Trailing, at, 'padding', 'bytes after the option list');
  }
}

function decodeError(r: Reader): TftpError {
  const code = r.u16('code');
  // RFC 1350 §5 ends ErrMsg with a NUL, but a missing one is tolerated and anything after it is
  // ignored: an ERROR ends the transfer whatever its text, and refusing it would leave us
  // retransmitting to a client that already gave up (the UEFI tsize probe ends with ERROR 8,
  // pin/tftp#125). The datagram bounds the length.
  const buf = r.buffer;
  const start = r.offset;
  let stop = start;
  while (stop < r.end && buf[stop] !== 0) stop++;
  r.skip(r.remaining, 'message');
  return { kind: 'error', code, message: utf8Decoder.decode(buf.subarray(start, stop)) };
}

// ---------------------------------------------------------------------------------------------
// Encoders. Each writes one whole packet into the caller's Writer (house style §5.3) and throws
// EncodeError for values the decoder would refuse: they are our own mistakes, not client input.

/** RRQ (RFC 1350 §5, options per RFC 2347); a string filename is sent as UTF-8. For tests and a client helper. */
export function encodeRrq(w: Writer, filename: string | Uint8Array, mode: TftpMode, options: TftpOptionList = []): void {
  encodeRequest(w, TftpOpcode.RRQ, filenameBytes(filename), mode, options);
}

/** WRQ (RFC 1350 §5); see encodeRrq. */
export function encodeWrq(w: Writer, filename: string | Uint8Array, mode: TftpMode, options: TftpOptionList = []): void {
  encodeRequest(w, TftpOpcode.WRQ, filenameBytes(filename), mode, options);
}

/** DATA (RFC 1350 §5): `payload` is copied after the 4-byte header. */
export function encodeData(w: Writer, block: number, payload: Uint8Array): void {
  if (payload.length > BLKSIZE_MAX) throw new EncodeError(EncodeErrorCode.Value, 'payload', `${payload.length} > ${BLKSIZE_MAX}`);
  w.u16(TftpOpcode.DATA, 'opcode');
  w.u16(block, 'block');
  w.bytes(payload, 'payload');
}

/** ACK (RFC 1350 §5). */
export function encodeAck(w: Writer, block: number): void {
  w.u16(TftpOpcode.ACK, 'opcode');
  w.u16(block, 'block');
}

/**
 * ERROR (RFC 1350 §5). ErrMsg is netascii: NUL and characters above 0x7f (a client's UTF-8
 * filename quoted in the message) become `?`, and the message is cut at ERROR_MESSAGE_MAX_LENGTH.
 */
export function encodeError(w: Writer, code: number, message: string): void {
  w.u16(TftpOpcode.ERROR, 'opcode');
  w.u16(code, 'code');
  const n = Math.min(message.length, ERROR_MESSAGE_MAX_LENGTH);
  for (let i = 0; i < n; i++) {
    const c = message.charCodeAt(i);
    w.u8(c === 0 || c > 0x7f ? QUESTION_MARK : c, 'message');
  }
  w.u8(0, 'message');
}

/** OACK (RFC 2347), options written in the order given (the client's, from negotiateOptions). */
export function encodeOack(w: Writer, options: TftpOptionList): void {
  w.u16(TftpOpcode.OACK, 'opcode');
  encodeOptions(w, options);
}

/** Any packet model, as decodeTftp returns it: decodeTftp(encodeTftp(x)) equals x. */
export function encodeTftp(w: Writer, packet: TftpPacket): void {
  switch (packet.kind) {
    case 'rrq':
      return encodeRequest(w, TftpOpcode.RRQ, packet.filename, packet.mode, packet.options);
    case 'wrq':
      return encodeRequest(w, TftpOpcode.WRQ, packet.filename, packet.mode, packet.options);
    case 'data':
      return encodeData(w, packet.block, packet.payload);
    case 'ack':
      return encodeAck(w, packet.block);
    case 'error':
      return encodeError(w, packet.code, packet.message);
    case 'oack':
      return encodeOack(w, packet.options);
  }
}

/** Octets encodeTftp writes for `packet` (house style §5.3). */
export function byteLength(packet: TftpPacket): number {
  switch (packet.kind) {
    case 'rrq':
    case 'wrq':
      return OPCODE_LENGTH + packet.filename.length + 1 + packet.mode.length + 1 + optionsLength(packet.options);
    case 'data':
      return OPCODE_LENGTH + 2 + packet.payload.length;
    case 'ack':
      return OPCODE_LENGTH + 2;
    case 'error':
      return OPCODE_LENGTH + 2 + Math.min(packet.message.length, ERROR_MESSAGE_MAX_LENGTH) + 1;
    case 'oack':
      return OPCODE_LENGTH + optionsLength(packet.options);
  }
}

function optionsLength(options: TftpOptionList): number {
  let n = 0;
  for (const [name, value] of options) n += name.length + 1 + value.length + 1;
  return n;
}

function filenameBytes(filename: string | Uint8Array): Uint8Array {
  return typeof filename === 'string' ? utf8Encoder.encode(filename) : filename;
}

function encodeRequest(w: Writer, opcode: number, filename: Uint8Array, mode: TftpMode, options: TftpOptionList): void {
  if (filename.length === 0) throw new EncodeError(EncodeErrorCode.Value, 'filename', 'empty');
  if (filename.length > FILENAME_MAX_LENGTH) throw new EncodeError(EncodeErrorCode.Value, 'filename', `longer than ${FILENAME_MAX_LENGTH}`);
  if (filename.includes(0)) throw new EncodeError(EncodeErrorCode.Value, 'filename', 'contains NUL');
  if (!MODES.has(mode)) throw new EncodeError(EncodeErrorCode.Value, 'mode', `unknown mode ${mode}`);
  w.u16(opcode, 'opcode');
  w.bytes(filename, 'filename');
  w.u8(0, 'filename');
  writeCString(w, mode, 'mode');
  encodeOptions(w, options);
}

function encodeOptions(w: Writer, options: TftpOptionList): void {
  if (options.length > OPTIONS_MAX) throw new EncodeError(EncodeErrorCode.Value, 'options', `more than ${OPTIONS_MAX}`);
  for (let i = 0; i < options.length; i++) {
    const [name, value] = options[i]!;
    // An empty name reads back as padding, and a repeat as a duplicate (see decodeOptions).
    if (name.length === 0) throw new EncodeError(EncodeErrorCode.Value, 'option.name', 'empty');
    for (let j = 0; j < i; j++) {
      if (options[j]![0].toLowerCase() === name.toLowerCase()) {
        throw new EncodeError(EncodeErrorCode.Value, 'option.name', `duplicate option ${name}`);
      }
    }
    writeCString(w, name, 'option.name');
    writeCString(w, value, 'option.value');
  }
}

function writeCString(w: Writer, text: string, field: string): void {
  if (text.length > OPTION_STRING_MAX_LENGTH) throw new EncodeError(EncodeErrorCode.Value, field, `longer than ${OPTION_STRING_MAX_LENGTH}`);
  if (text.includes('\0')) throw new EncodeError(EncodeErrorCode.Value, field, 'contains NUL');
  w.ascii(text, field);
  w.u8(0, field);
}
