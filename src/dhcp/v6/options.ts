// The options of a DHCPv6 message, relay layer or container option, indexed in one pass without
// copying (house style §5.2).
//
// RFC 8415 §21.1 option format:
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |          option-code          |           option-len          |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                          option-data                          |
//   |                      (option-len octets)                      |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// The walk records a [start, end) span per option in wire order. Unlike DHCPv4 there is no
// concatenation: a repeated code is several options (IA_NA per IAID, IAADDR per address, vendor
// class per enterprise), so `bytes()` gives the first and `all()` every one. Unknown codes are
// kept. Container options (IA_NA, IAADDR) get their own Dhcp6Options over their sub-range only
// when an accessor asks (lazy nested decode).
//
// Accessors decode on demand and throw WireError for a value of the wrong shape. That error
// belongs to the accessor: the rest of the message stays readable.

import { formatIPv6 } from '../../wire/addr.ts';
import { WireError, WireErrorCode } from '../../wire/errors.ts';
import { TlvCursor } from '../../wire/tlv.ts';
import { Dhcp6Opt } from './constants.ts';
import { decodeDnsNameList, readDnsName } from './dns-name.ts';
import { DUID_MAX_LENGTH, DUID_MIN_LENGTH, decodeDuid } from './duid.ts';
import type { Dhcp6Duid } from './duid.ts';
import {
  badLength,
  decodeArchList,
  decodeIPv6List,
  decodeLinkLayerAddress,
  decodeNii,
  decodeOpaqueList,
  decodeRemoteId,
  decodeStatusCode,
  decodeText,
  decodeU16,
  decodeU16List,
  decodeU8,
  decodeVendorClass,
  latin1,
  readU32,
  utf8,
} from './option-values.ts';
import type {
  Dhcp6LinkLayerAddress,
  Dhcp6Nii,
  Dhcp6RemoteId,
  Dhcp6StatusCode,
  Dhcp6ValueDecoder,
  Dhcp6VendorClass,
} from './option-values.ts';

/**
 * Most options in one option list (a message, a relay layer, an IA_NA or an IAADDR).
 *
 * Real clients send few (test/fixtures/dhcp6): dhclient 4.4.3 4–5, dhcpcd 9.4 6–7, OVMF 7,
 * and dhcrelay adds 2–3 per layer. Every option costs at least 4 bytes, so a 64 KiB datagram
 * could carry 16,000 empty ones; 256 bounds the span table and the work per list, and each
 * nested list counts on its own (relay depth is bounded by DHCP6_HOP_COUNT_LIMIT).
 */
export const MAX_DHCP6_OPTIONS = 256;

/** RFC 8415 §21.4: IAID, T1 and T2 precede IA_NA-options. */
export const IA_NA_FIXED_LENGTH = 12;
/** RFC 8415 §21.6: address (16), preferred and valid lifetimes precede IAaddr-options. */
export const IAADDR_FIXED_LENGTH = 24;

/** An IA_NA (RFC 8415 §21.4). */
export interface Dhcp6IaNa {
  /** Identity association identifier, chosen by the client. */
  readonly iaid: number;
  /** Seconds until the client should RENEW (T1); 0 leaves it to the client. */
  readonly t1: number;
  /** Seconds until the client should REBIND (T2). */
  readonly t2: number;
  /** IA_NA-options: IAADDR (`options.iaAddrs()`) and Status Code (`options.statusCode()`). */
  readonly options: Dhcp6Options;
  /** Absolute offset of the option's value, for error reports. */
  readonly offset: number;
}

/** An IAADDR (RFC 8415 §21.6), inside an IA_NA or IA_TA. */
export interface Dhcp6IaAddr {
  /** The 16 address bytes (zero-copy: aliases the datagram). */
  readonly address: Uint8Array;
  /** RFC 5952 text of `address`. */
  readonly addressText: string;
  readonly preferredLifetime: number;
  readonly validLifetime: number;
  /** IAaddr-options, normally at most a Status Code. */
  readonly options: Dhcp6Options;
  readonly offset: number;
}

/** The Client FQDN option (RFC 4704 §4). */
export interface Dhcp6Fqdn {
  /** S (0x01), O (0x02), N (0x04); RFC 4704 §4.1 bits that MUST be zero are kept as sent. */
  readonly flags: number;
  /** The name without its trailing dot; `` when the client left it empty (§4.2). */
  readonly name: string;
  /** False for a partial name: the client knows its host label, not its zone (§4.2). */
  readonly fullyQualified: boolean;
}

// Per span: code, start, end.
const SPAN_STRIDE = 3;

export class Dhcp6Options {
  readonly #buf: Uint8Array;
  readonly #start: number;
  readonly #end: number;
  readonly #field: string;
  readonly #spans: number[] = [];

  private constructor(buf: Uint8Array, start: number, end: number, field: string) {
    this.#buf = buf;
    this.#start = start;
    this.#end = end;
    this.#field = field;
  }

  /**
   * Indexes the options in buf[start..end). `field` is the error path of the list (`options`,
   * `relay[1].options`, `options[3]`). Throws WireError for a truncated option or more than
   * MAX_DHCP6_OPTIONS.
   */
  static decode(buf: Uint8Array, start: number, end: number, field = 'options'): Dhcp6Options {
    const opts = new Dhcp6Options(buf, start, end, field);
    const c = new TlvCursor(buf, start, end, { codeBytes: 2, lenBytes: 2, maxCount: MAX_DHCP6_OPTIONS, field });
    while (c.next()) opts.#spans.push(c.code, c.valueStart, c.valueEnd);
    return opts;
  }

  #find(code: number, from = 0): number {
    const s = this.#spans;
    for (let i = from; i < s.length; i += SPAN_STRIDE) if (s[i] === code) return i;
    return -1;
  }

  //------------ Generic access ----------------------------------------------------------

  /** The buffer the spans index (the whole datagram). */
  get buffer(): Uint8Array {
    return this.#buf;
  }

  /** Absolute offset of the first option of this list. */
  get start(): number {
    return this.#start;
  }

  /** Absolute offset one past the last option of this list. */
  get end(): number {
    return this.#end;
  }

  /** The error path of this list, e.g. `relay[0].options`. */
  get field(): string {
    return this.#field;
  }

  /** Options in the list, repeated codes counted each time. */
  get count(): number {
    return this.#spans.length / SPAN_STRIDE;
  }

  has(code: number): boolean {
    return this.#find(code) !== -1;
  }

  /** Distinct codes in first-seen order, unknown codes included. */
  codes(): number[] {
    const seen = new Set<number>();
    const s = this.#spans;
    for (let i = 0; i < s.length; i += SPAN_STRIDE) seen.add(s[i]!);
    return [...seen];
  }

  /** Instances of `code` (0 when absent). */
  instancesOf(code: number): number {
    let n = 0;
    for (let i = this.#find(code); i !== -1; i = this.#find(code, i + SPAN_STRIDE)) n++;
    return n;
  }

  /** Absolute offset of the first instance's value; -1 when absent. */
  offsetOf(code: number): number {
    const i = this.#find(code);
    return i === -1 ? -1 : this.#spans[i + 1]!;
  }

  /** The value of the first instance of `code`, zero-copy; undefined when absent. */
  bytes(code: number): Uint8Array | undefined {
    const i = this.#find(code);
    return i === -1 ? undefined : this.#buf.subarray(this.#spans[i + 1]!, this.#spans[i + 2]!);
  }

  /** Values of every instance of `code` in wire order, zero-copy. */
  all(code: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    const s = this.#spans;
    for (let i = this.#find(code); i !== -1; i = this.#find(code, i + SPAN_STRIDE)) out.push(this.#buf.subarray(s[i + 1]!, s[i + 2]!));
    return out;
  }

  /** Calls `visit` for every option in wire order with its value (zero-copy) and its offset. */
  forEach(visit: (code: number, data: Uint8Array, offset: number) => void): void {
    const s = this.#spans;
    for (let i = 0; i < s.length; i += SPAN_STRIDE) visit(s[i]!, this.#buf.subarray(s[i + 1]!, s[i + 2]!), s[i + 1]!);
  }

  /** Decodes the first instance of `code` with a value decoder; undefined when absent. */
  get<T>(code: number, decode: Dhcp6ValueDecoder<T>): T | undefined {
    const i = this.#find(code);
    if (i === -1) return undefined;
    const start = this.#spans[i + 1]!;
    return decode(this.#buf.subarray(start, this.#spans[i + 2]!), this.#field, code, start);
  }

  /** Decodes every instance of `code`, in wire order. */
  getAll<T>(code: number, decode: Dhcp6ValueDecoder<T>): T[] {
    const out: T[] = [];
    const s = this.#spans;
    for (let i = this.#find(code); i !== -1; i = this.#find(code, i + SPAN_STRIDE)) {
      out.push(decode(this.#buf.subarray(s[i + 1]!, s[i + 2]!), this.#field, code, s[i + 1]!));
    }
    return out;
  }

  //------------ Identifiers (RFC 8415 §21.2, §21.3) ---------------------------------------

  /** Client Identifier: the DUID bytes (3–130 of them, §11.1), zero-copy. */
  clientId(): Uint8Array | undefined {
    return this.get(Dhcp6Opt.ClientId, decodeDuidBytes);
  }

  /** Server Identifier: the DUID bytes, zero-copy. */
  serverId(): Uint8Array | undefined {
    return this.get(Dhcp6Opt.ServerId, decodeDuidBytes);
  }

  /** Client Identifier split into its DUID fields (decodeDuid). */
  clientDuid(): Dhcp6Duid | undefined {
    return this.get(Dhcp6Opt.ClientId, decodeDuidFields);
  }

  /** Server Identifier split into its DUID fields. */
  serverDuid(): Dhcp6Duid | undefined {
    return this.get(Dhcp6Opt.ServerId, decodeDuidFields);
  }

  //------------ Identity associations (RFC 8415 §21.4, §21.6) ------------------------------

  /** Every IA_NA, in wire order (a client may send one per interface or per IAID). */
  iaNa(): Dhcp6IaNa[] {
    return this.getAll(Dhcp6Opt.IaNa, (data, prefix, code, offset) => {
      if (data.length < IA_NA_FIXED_LENGTH) throw badLength(prefix, code, offset, data.length, `at least ${IA_NA_FIXED_LENGTH}`);
      return {
        iaid: readU32(data, 0),
        t1: readU32(data, 4),
        t2: readU32(data, 8),
        options: Dhcp6Options.decode(this.#buf, offset + IA_NA_FIXED_LENGTH, offset + data.length, `${prefix}[${code}]`),
        offset,
      };
    });
  }

  /** Every IAADDR of this list: call it on an IA_NA's `options`. */
  iaAddrs(): Dhcp6IaAddr[] {
    return this.getAll(Dhcp6Opt.IaAddr, (data, prefix, code, offset) => {
      if (data.length < IAADDR_FIXED_LENGTH) throw badLength(prefix, code, offset, data.length, `at least ${IAADDR_FIXED_LENGTH}`);
      const address = data.subarray(0, 16);
      return {
        address,
        addressText: formatIPv6(address),
        preferredLifetime: readU32(data, 16),
        validLifetime: readU32(data, 20),
        options: Dhcp6Options.decode(this.#buf, offset + IAADDR_FIXED_LENGTH, offset + data.length, `${prefix}[${code}]`),
        offset,
      };
    });
  }

  //------------ Client-side options ---------------------------------------------------------

  /** Option Request (§21.7): the codes the client asks for, in its order. */
  oro(): number[] | undefined {
    return this.get(Dhcp6Opt.Oro, decodeU16List);
  }

  /** Elapsed Time (§21.9), in hundredths of a second; 0xffff means "more than 655.34 s". */
  elapsedTime(): number | undefined {
    return this.get(Dhcp6Opt.ElapsedTime, decodeU16);
  }

  /** Rapid Commit (§21.14): present or not; it has no value. */
  rapidCommit(): boolean {
    return this.get(Dhcp6Opt.RapidCommit, decodeEmpty) ?? false;
  }

  /** Reconfigure Accept (§21.20): present or not. */
  reconfigureAccept(): boolean {
    return this.get(Dhcp6Opt.ReconfAccept, decodeEmpty) ?? false;
  }

  /**
   * User Class (§21.15) items as latin1 text, over every instance in wire order. iPXE sends
   * `00 04 iPXE`; coresmd looks for an item equal to `iPXE` (spec coresmd-dhcp §6.5).
   */
  userClass(): string[] | undefined {
    if (!this.has(Dhcp6Opt.UserClass)) return undefined;
    return this.getAll(Dhcp6Opt.UserClass, decodeOpaqueList).flat().map(latin1);
  }

  /** Vendor Class (§21.16): one entry per instance (one per enterprise number). */
  vendorClass(): Dhcp6VendorClass[] {
    return this.getAll(Dhcp6Opt.VendorClass, decodeVendorClass);
  }

  /** Client System Architecture Type (RFC 5970 §3.3), in the client's order of preference. */
  clientArch(): number[] | undefined {
    return this.get(Dhcp6Opt.ClientArchType, decodeArchList);
  }

  /** Client Network Interface Identifier (RFC 5970 §3.4). */
  nii(): Dhcp6Nii | undefined {
    return this.get(Dhcp6Opt.Nii, decodeNii);
  }

  /** Client FQDN (RFC 4704 §4): flags and one name in DNS wire form, possibly partial. */
  fqdn(): Dhcp6Fqdn | undefined {
    return this.get(Dhcp6Opt.ClientFqdn, (data, prefix, code, offset) => {
      if (data.length < 1) throw badLength(prefix, code, offset, 0, 'at least 1');
      const flags = data[0]!;
      if (data.length === 1) return { flags, name: '', fullyQualified: false };
      const r = readDnsName(this.#buf, offset + 1, offset + data.length, `${prefix}[${code}].name`, true);
      if (r.next !== offset + data.length) {
        throw new WireError(WireErrorCode.Trailing, r.next, `${prefix}[${code}].name`, 'bytes after the name');
      }
      return { flags, name: r.name.name, fullyQualified: r.name.fullyQualified };
    });
  }

  //------------ Server-side options ----------------------------------------------------------

  /** Preference (§21.8): 0–255, 255 meaning "take this one now" (§18.2.1). */
  preference(): number | undefined {
    return this.get(Dhcp6Opt.Preference, decodeU8);
  }

  /** Status Code (§21.13): the code and its UTF-8 message. */
  statusCode(): Dhcp6StatusCode | undefined {
    return this.get(Dhcp6Opt.StatusCode, decodeStatusCode);
  }

  /** DNS Recursive Name Server (RFC 3646 §3) addresses as RFC 5952 text. */
  dnsServers(): string[] | undefined {
    return this.get(Dhcp6Opt.DnsServers, decodeIPv6List);
  }

  /** Domain Search List (RFC 3646 §4), names without the trailing dot. */
  domainList(): string[] | undefined {
    return this.get(Dhcp6Opt.DomainList, (data, prefix, code, offset) => decodeDnsNameList(this.#buf, offset, offset + data.length, `${prefix}[${code}]`));
  }

  /** Boot File URL (RFC 5970 §3.1). */
  bootFileUrl(): string | undefined {
    return this.get(Dhcp6Opt.BootfileUrl, decodeText);
  }

  /** Boot File Parameters (RFC 5970 §3.2), each a UTF-8 string. */
  bootFileParams(): string[] | undefined {
    return this.get(Dhcp6Opt.BootfileParam, (data, prefix, code, offset) => decodeOpaqueList(data, prefix, code, offset).map(utf8));
  }

  //------------ Relay options ------------------------------------------------------------------

  /** Relay Message (§21.10): the encapsulated message's bytes, zero-copy. */
  relayMessage(): Uint8Array | undefined {
    return this.bytes(Dhcp6Opt.RelayMsg);
  }

  /** Interface-Id (§21.18): opaque, echoed in the RELAY-REPL (§19.3). */
  interfaceId(): Uint8Array | undefined {
    return this.bytes(Dhcp6Opt.InterfaceId);
  }

  /** Remote-ID (RFC 4649 §3). */
  remoteId(): Dhcp6RemoteId | undefined {
    return this.get(Dhcp6Opt.RemoteId, decodeRemoteId);
  }

  /** Client Link-Layer Address (RFC 6939 §4), added by the first relay. */
  clientLinkLayerAddress(): Dhcp6LinkLayerAddress | undefined {
    return this.get(Dhcp6Opt.ClientLinkLayerAddr, decodeLinkLayerAddress);
  }
}

const decodeDuidBytes: Dhcp6ValueDecoder<Uint8Array> = (data, prefix, code, offset) => {
  if (data.length < DUID_MIN_LENGTH || data.length > DUID_MAX_LENGTH) {
    throw badLength(prefix, code, offset, data.length, `${DUID_MIN_LENGTH}–${DUID_MAX_LENGTH}`);
  }
  return data;
};

const decodeDuidFields: Dhcp6ValueDecoder<Dhcp6Duid> = (data, prefix, code, offset) => decodeDuid(data, `${prefix}[${code}]`, offset);

const decodeEmpty: Dhcp6ValueDecoder<true> = (data, prefix, code, offset) => {
  if (data.length !== 0) throw badLength(prefix, code, offset, data.length, '0');
  return true;
};
