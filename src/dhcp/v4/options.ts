// The options of a received DHCPv4 message, indexed in one pass without copying (house style §5.2).
//
// RFC 2132 §2 option format (Pad 0 and End 255 are a single octet):
//
//    Code   Len   Data
//   +-----+-----+-----+-----+---
//   |  c  |  n  |  d1 |  d2 | ...
//   +-----+-----+-----+-----+---
//
// The walk records a [start, end) span per option, per code in wire order, over the aggregate
// option buffer of RFC 3396 §5: the options field, then `file`, then `sname` when option 52 says
// they are overloaded (RFC 2132 §9.3). A code seen more than once is one option whose value is the
// concatenation of its instances (RFC 3396 §7); that concatenation is the only copy this class
// makes, and only when an accessor asks for it.
//
// Accessors decode on demand and throw WireError for a value of the wrong shape. That error
// belongs to the accessor: the rest of the message stays readable, so a server can still drop a
// client with a broken option 93 instead of crashing on it (the Go original panics: spec
// coresmd-dhcp §10 item 7).

import { WireError, WireErrorCode } from '../../wire/errors.ts';
import { TlvCursor } from '../../wire/tlv.ts';
import { Dhcp4Opt } from './constants.ts';
import { decodeIpxeOptions } from './ipxe.ts';
import type { Dhcp4IpxeOptions } from './ipxe.ts';
import { decodeRelayAgentInfo } from './relay-agent.ts';
import type { Dhcp4RelayAgentInfo } from './relay-agent.ts';
import { decodeUserClass } from './user-class.ts';
import type { Dhcp4UserClass } from './user-class.ts';
import { decodeText, decodeU16, decodeU16List, decodeU32, decodeU8 } from './option-values.ts';
import type { Dhcp4ValueDecoder } from './option-values.ts';
import { DHCP4_FILE_LENGTH, DHCP4_SNAME_LENGTH, Dhcp4Field } from './view.ts';
import type { Dhcp4View } from './view.ts';

/**
 * Most options (Pad and End not counted) read from one message, over all three areas.
 *
 * Real clients send few (test/fixtures/dhcp4): dhclient 4.4.3 3–5, udhcpc 1.35 5–7, iPXE 10–12,
 * OVMF's UEFI PXE 7.
 * A reply that splits a long value (RFC 3396) adds one instance per 255 bytes, so even a
 * 4 KiB classless-route option is 17. Without a cap, a 1472-byte payload could carry over 700
 * empty options and a 64 KiB one 30,000; at 256 a hostile message costs at most 256 spans,
 * which bounds both time and the span table, and still leaves one per possible code.
 */
export const MAX_DHCP4_OPTIONS = 256;

/** RFC 2132 §9.3 option overload values: which header fields also carry options. */
export const Dhcp4Overload = {
  None: 0,
  File: 1,
  Sname: 2,
  Both: 3,
} as const;

/** RFC 2132 §9.10: "The minimum legal value is 576 octets." */
export const DHCP4_MIN_MAX_MESSAGE_SIZE = 576;

// Per span: code, start, end. Lookups scan the list: a real request has 5–15 options, so a
// scan is cheaper than any per-packet index (a typed-array table costs ~0.5 µs to allocate, the
// whole decode of a 10-option DISCOVER well under that), and MAX_DHCP4_OPTIONS bounds it.
const SPAN_STRIDE = 3;

export class Dhcp4Options {
  readonly #buf: Uint8Array;
  readonly #spans: number[] = [];
  #order: number[] | undefined;
  #overload = 0;
  #joined: Map<number, Uint8Array> | undefined;

  private constructor(buf: Uint8Array) {
    this.#buf = buf;
  }

  /**
   * Indexes the options of a checked message: the options field up to End (or the end of the
   * datagram: a missing End is tolerated), then `file` and `sname` if option 52 says so. Throws
   * WireError for a truncated option, a bad option 52 or more than MAX_DHCP4_OPTIONS options.
   */
  static decode(view: Dhcp4View): Dhcp4Options {
    const buf = view.buffer;
    const opts = new Dhcp4Options(buf);
    opts.#walk(Dhcp4Field.OPTIONS, buf.length, 'options', true);
    opts.#overload = opts.#readOverload();
    // RFC 3396 §5: the aggregate buffer is options, then file, then sname.
    if (opts.#overload & Dhcp4Overload.File) {
      opts.#walk(Dhcp4Field.FILE, Dhcp4Field.FILE + DHCP4_FILE_LENGTH, 'file', false);
    }
    if (opts.#overload & Dhcp4Overload.Sname) {
      opts.#walk(Dhcp4Field.SNAME, Dhcp4Field.SNAME + DHCP4_SNAME_LENGTH, 'sname', false);
    }
    return opts;
  }

  #walk(start: number, end: number, field: string, mainArea: boolean): void {
    // The budget is shared by the three areas and counted in instances, not distinct codes.
    const maxCount = MAX_DHCP4_OPTIONS - this.#spans.length / SPAN_STRIDE;
    const c = new TlvCursor(this.#buf, start, end, { codeBytes: 1, lenBytes: 1, pad: Dhcp4Opt.Pad, end: Dhcp4Opt.End, maxCount, field });
    while (c.next()) {
      // RFC 2132 §9.3: option 52 is only meaningful in the options field; inside file or sname
      // it would ask to overload the field it sits in, so it is ignored there.
      if (!mainArea && c.code === Dhcp4Opt.OptionOverload) continue;
      this.#spans.push(c.code, c.valueStart, c.valueEnd);
    }
  }

  #readOverload(): number {
    const at = this.offsetOf(Dhcp4Opt.OptionOverload);
    if (at === -1) return Dhcp4Overload.None;
    const value = decodeU8(this.bytes(Dhcp4Opt.OptionOverload)!, Dhcp4Opt.OptionOverload, at);
    if (value < Dhcp4Overload.File || value > Dhcp4Overload.Both) {
      throw new WireError(WireErrorCode.Malformed, at, 'options[52]', `overload value ${value}`);
    }
    return value;
  }

  /** Index in #spans of the first instance of `code` at or after `from`, or -1. */
  #find(code: number, from = 0): number {
    const s = this.#spans;
    for (let i = from; i < s.length; i += SPAN_STRIDE) if (s[i] === code) return i;
    return -1;
  }

  //------------ Generic access ----------------------------------------------------

  /** The datagram the spans index. */
  get buffer(): Uint8Array {
    return this.#buf;
  }

  /** RFC 2132 §9.3 overload in effect: 0 none, 1 file, 2 sname, 3 both. */
  get overload(): number {
    return this.#overload;
  }

  /** Distinct option codes present. */
  get size(): number {
    return this.codes().length;
  }

  /** Option instances recorded (a code split per RFC 3396 counts once per instance). */
  get instanceCount(): number {
    return this.#spans.length / SPAN_STRIDE;
  }

  has(code: number): boolean {
    return this.#find(code) !== -1;
  }

  /** Codes present in first-seen order, unknown codes and option 52 included. */
  codes(): readonly number[] {
    if (this.#order === undefined) {
      const seen = new Set<number>();
      const s = this.#spans;
      for (let i = 0; i < s.length; i += SPAN_STRIDE) seen.add(s[i]!);
      this.#order = [...seen];
    }
    return this.#order;
  }

  /** Absolute offset of the first instance's value (for error reports); -1 when absent. */
  offsetOf(code: number): number {
    const i = this.#find(code);
    return i === -1 ? -1 : this.#spans[i + 1]!;
  }

  /** Instances of `code` recorded (0 when absent). */
  instancesOf(code: number): number {
    let n = 0;
    for (let i = this.#find(code); i !== -1; i = this.#find(code, i + SPAN_STRIDE)) n++;
    return n;
  }

  /**
   * The value of `code`: a zero-copy subarray of the datagram when it came in one instance, the
   * RFC 3396 concatenation (a copy, cached) when it came in several; undefined when absent.
   */
  bytes(code: number): Uint8Array | undefined {
    const first = this.#find(code);
    if (first === -1) return undefined;
    const s = this.#spans;
    const second = this.#find(code, first + SPAN_STRIDE);
    if (second === -1) return this.#buf.subarray(s[first + 1]!, s[first + 2]!);
    const cached = this.#joined?.get(code);
    if (cached !== undefined) return cached;
    let total = 0;
    for (let i = first; i !== -1; i = this.#find(code, i + SPAN_STRIDE)) total += s[i + 2]! - s[i + 1]!;
    const out = new Uint8Array(total);
    let o = 0;
    for (let i = first; i !== -1; i = this.#find(code, i + SPAN_STRIDE)) {
      out.set(this.#buf.subarray(s[i + 1]!, s[i + 2]!), o);
      o += s[i + 2]! - s[i + 1]!;
    }
    (this.#joined ??= new Map()).set(code, out);
    return out;
  }

  /** Calls `visit` for every option in first-seen order with its (possibly joined) value. */
  forEach(visit: (code: number, data: Uint8Array) => void): void {
    for (const code of this.codes()) visit(code, this.bytes(code)!);
  }

  /** Decodes `code` with a value decoder (`opts.get(93, decodeU16List)`); undefined when absent. */
  get<T>(code: number, decode: Dhcp4ValueDecoder<T>): T | undefined {
    const data = this.bytes(code);
    return data === undefined ? undefined : decode(data, code, this.offsetOf(code));
  }

  /** The value as latin1 text (RFC 2132 NVT ASCII); undefined when absent. */
  text(code: number): string | undefined {
    return this.get(code, decodeText);
  }

  // Fixed-width numbers read straight from the datagram, without a subarray, when the option
  // came in one instance (always, in practice); a split one goes through bytes().
  #uint(code: number, width: 1 | 2 | 4): number | undefined {
    const first = this.#find(code);
    if (first === -1) return undefined;
    const s = this.#spans;
    if (this.#find(code, first + SPAN_STRIDE) !== -1) return this.get(code, width === 1 ? decodeU8 : width === 2 ? decodeU16 : decodeU32);
    const start = s[first + 1]!;
    const len = s[first + 2]! - start;
    if (len !== width) throw new WireError(WireErrorCode.Malformed, start, `options[${code}].length`, `${len} bytes, want ${width}`);
    const b = this.#buf;
    if (width === 1) return b[start]!;
    if (width === 2) return (b[start]! << 8) | b[start + 1]!;
    return ((b[start]! << 24) | (b[start + 1]! << 16) | (b[start + 2]! << 8) | b[start + 3]!) >>> 0;
  }

  //------------ Typed accessors -------------------------------------------------------

  /** Option 53 (RFC 2132 §9.6); length must be 1. */
  messageType(): number | undefined {
    return this.#uint(Dhcp4Opt.MessageType, 1);
  }

  /** Option 50 (RFC 2132 §9.1), as a u32 address. */
  requestedIp(): number | undefined {
    return this.#uint(Dhcp4Opt.RequestedIpAddress, 4);
  }

  /** Option 54 (RFC 2132 §9.7), as a u32 address. */
  serverId(): number | undefined {
    return this.#uint(Dhcp4Opt.ServerIdentifier, 4);
  }

  /** Option 51 (RFC 2132 §9.2), seconds. */
  leaseTime(): number | undefined {
    return this.#uint(Dhcp4Opt.IpAddressLeaseTime, 4);
  }

  /**
   * Option 57 (RFC 2132 §9.10), raised to 576 when smaller: "The minimum legal value is 576
   * octets", and every client must accept that much (RFC 2131 §2).
   */
  maxMessageSize(): number | undefined {
    const v = this.#uint(Dhcp4Opt.MaximumMessageSize, 2);
    return v === undefined ? undefined : Math.max(v, DHCP4_MIN_MAX_MESSAGE_SIZE);
  }

  /** Option 61 (RFC 2132 §9.14): type octet plus identifier, "minimum length is 2". Zero-copy. */
  clientId(): Uint8Array | undefined {
    const data = this.bytes(Dhcp4Opt.ClientIdentifier);
    if (data !== undefined && data.length < 2) {
      throw new WireError(WireErrorCode.Malformed, this.offsetOf(Dhcp4Opt.ClientIdentifier), 'options[61].length', `${data.length} bytes, want at least 2`);
    }
    return data;
  }

  /** Option 55 (RFC 2132 §9.8): requested codes in the client's order of preference. Zero-copy. */
  parameterRequestList(): Uint8Array | undefined {
    return this.bytes(Dhcp4Opt.ParameterRequestList);
  }

  /** Option 60 (RFC 2132 §9.13) as text: `PXEClient:Arch:00007:UNDI:003016`, `HTTPClient…`. */
  vendorClass(): string | undefined {
    return this.text(Dhcp4Opt.VendorClassIdentifier);
  }

  /** Option 12 (RFC 2132 §3.14) as text. */
  hostname(): string | undefined {
    return this.text(Dhcp4Opt.HostName);
  }

  /** Option 77 bytes as sent (coresmd compares them with `iPXE`, spec coresmd-dhcp §5.1). */
  userClassRaw(): Uint8Array | undefined {
    return this.bytes(Dhcp4Opt.UserClass);
  }

  /** Option 77 decoded as an RFC 3004 list or iPXE's plain string, whichever it is. */
  userClass(): Dhcp4UserClass | undefined {
    const raw = this.bytes(Dhcp4Opt.UserClass);
    return raw === undefined ? undefined : decodeUserClass(raw);
  }

  /**
   * Option 93 (RFC 4578 §2.1): architecture types in the client's order. A value shorter than 2
   * bytes or of odd length is a WireError (`options[93].length`) from this accessor only.
   */
  clientArch(): number[] | undefined {
    return this.get(Dhcp4Opt.ClientArch, decodeU16List);
  }

  /** Option 94 (RFC 4578 §2.2): type (1 = UNDI), major and minor version; length must be 3. */
  clientNdi(): { readonly type: number; readonly major: number; readonly minor: number } | undefined {
    const data = this.bytes(Dhcp4Opt.ClientNdi);
    if (data === undefined) return undefined;
    if (data.length !== 3) {
      throw new WireError(WireErrorCode.Malformed, this.offsetOf(Dhcp4Opt.ClientNdi), 'options[94].length', `${data.length} bytes, want 3`);
    }
    return { type: data[0]!, major: data[1]!, minor: data[2]! };
  }

  /**
   * Option 97 (RFC 4578 §2.3): type (0 = GUID) and 16 bytes, zero-copy. The GUID's first three
   * fields are little-endian on the wire per the EFI spec (iPXE `uuid_mangle` comment).
   */
  uuid(): { readonly type: number; readonly guid: Uint8Array } | undefined {
    const data = this.bytes(Dhcp4Opt.ClientUuid);
    if (data === undefined) return undefined;
    if (data.length !== 17) {
      throw new WireError(WireErrorCode.Malformed, this.offsetOf(Dhcp4Opt.ClientUuid), 'options[97].length', `${data.length} bytes, want 17`);
    }
    return { type: data[0]!, guid: data.subarray(1) };
  }

  /** Option 82 (RFC 3046): the raw value for the echo plus its sub-options. */
  relayAgentInfo(): Dhcp4RelayAgentInfo | undefined {
    return this.#sub(Dhcp4Opt.RelayAgentInformation, decodeRelayAgentInfo);
  }

  /** Option 175, iPXE's encapsulated options (features, bus id, version). */
  ipxe(): Dhcp4IpxeOptions | undefined {
    return this.#sub(Dhcp4Opt.Ipxe, decodeIpxeOptions);
  }

  // Sub-option spaces are walked over the datagram itself when the option came in one piece, so
  // error offsets point into the datagram; a joined value is walked from its own offset 0.
  #sub<T>(code: number, decode: (bytes: Uint8Array, start: number, end: number) => T): T | undefined {
    const first = this.#find(code);
    if (first === -1) return undefined;
    const s = this.#spans;
    if (this.#find(code, first + SPAN_STRIDE) === -1) return decode(this.#buf, s[first + 1]!, s[first + 2]!);
    const joined = this.bytes(code)!;
    return decode(joined, 0, joined.length);
  }
}
