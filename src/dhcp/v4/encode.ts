// Encodes a Dhcp4Message (normally a reply) into a caller-supplied Writer (house style §5.3):
//
//   +----------------------------------------------+
//   | op htype hlen hops xid secs flags            |  fixed header, RFC 2131 §2 (see view.ts)
//   | ciaddr yiaddr siaddr giaddr                  |
//   | chaddr (16)   sname (64)   file (128)        |  zero-filled, or options when overloaded
//   | magic cookie 99.130.83.99                    |  RFC 2131 §3
//   | 53, 54, the rest ascending, 82 | End | Pad…  |  at least 300 bytes in all
//   +----------------------------------------------+
//
// Every byte up to the returned length is written, so a dirty pooled slot leaks nothing.
// byteLength() runs the same layout plan, so it always equals the bytes encode writes.

import { EncodeError, EncodeErrorCode } from '../../wire/errors.ts';
import type { Writer } from '../../wire/writer.ts';
import { DHCP4_MAGIC_COOKIE, Dhcp4Opt } from './constants.ts';
import type { Dhcp4Message, Dhcp4Option } from './model.ts';
import { DHCP4_MIN_MAX_MESSAGE_SIZE, Dhcp4Overload } from './options.ts';
import { DHCP4_CHADDR_LENGTH, DHCP4_FILE_LENGTH, DHCP4_MIN_LENGTH, DHCP4_SNAME_LENGTH } from './view.ts';

/**
 * RFC 1542 §2.1: "The IP Total Length and UDP Length must be large enough to contain the minimal
 * BOOTP header of 300 octets (in the UDP data field)" (RFC 951 §3's 236-byte header plus its
 * 64-byte vendor area). insomniacslk/dhcp pads for the same reason: "Some DHCP servers and relay
 * agents care about this BOOTP legacy B.S.", and BusyBox udhcp notes devices that drop less.
 */
export const DHCP4_MIN_MESSAGE_LENGTH = 300;

/**
 * IPv4 (20, no options) plus UDP (8) headers. Option 57 counts the whole IP datagram: RFC 2131
 * §2 derives its 576 minimum as "the minimum IP datagram size" holding a 312-octet options
 * field, and ISC dhcpd's cons_options() sizes its buffer as `mms - DHCP_FIXED_LEN` (236 + 28).
 * Clients that mean the UDP payload instead (iPXE sends MTU − 28) only get a reply 28 bytes
 * smaller than they could take.
 */
export const DHCP4_IP_UDP_OVERHEAD = 28;

/** Option 255 and 0 are framing; 52 is decided by the encoder. */
const FRAMING = new Set<number>([Dhcp4Opt.Pad, Dhcp4Opt.OptionOverload, Dhcp4Opt.End]);

/**
 * Never dropped to make a reply fit: without them the reply means something else or nothing.
 * ISC dhcpd's cons_options() likewise puts 53, 54 and 51 at the head of its priority list.
 */
const PINNED = new Set<number>([Dhcp4Opt.MessageType, Dhcp4Opt.ServerIdentifier, Dhcp4Opt.IpAddressLeaseTime, Dhcp4Opt.RelayAgentInformation]);

/**
 * What a reply keeps longest when it does not fit, most important first; codes not listed rank
 * after these, lower codes first. Dropping starts from the end of this order.
 *   61  RFC 6842 §3: the server MUST echo the client identifier.
 *   1, 3, 121  addressing and routes: without them the lease is unusable.
 *   67, 66, 17  the boot chain (coresmd's iPXE script chains on root-path, spec §5.1 step 5).
 *   60, 43  UEFI HTTP boot needs 60 echoed; 43 carries PXE discovery control.
 *   6, 15, 12, 58, 59, 28, 119, 42, 175, 56  useful, but the client can boot without them.
 */
const KEEP_ORDER: readonly number[] = [61, 1, 3, 121, 67, 66, 17, 60, 43, 6, 15, 12, 58, 59, 28, 119, 42, 175, 56];
const KEEP_RANK: ReadonlyMap<number, number> = new Map(KEEP_ORDER.map((code, i) => [code, i]));

export interface Dhcp4EncodeLimits {
  /**
   * The client's maximum message size (option 57; Dhcp4Options.maxMessageSize()), optionally
   * lowered to the interface MTU by the caller. Counts IP and UDP headers (see
   * DHCP4_IP_UDP_OVERHEAD); values under 576 are raised to 576 (RFC 2132 §9.10). Default 576,
   * what every client must accept (RFC 2131 §2).
   */
  readonly maxSize?: number;
}

export interface Dhcp4EncodeResult {
  /** Bytes written, equal to byteLength(msg, limits). */
  readonly length: number;
  /** RFC 2132 §9.3 value written in option 52: 0 none, 1 file, 2 sname, 3 both. */
  readonly overload: number;
  /** Codes left out because the message did not fit, in the order they were dropped. */
  readonly dropped: readonly number[];
}

interface Plan {
  readonly main: readonly Dhcp4Option[];
  readonly file: readonly Dhcp4Option[];
  readonly sname: readonly Dhcp4Option[];
  readonly overload: number;
  readonly dropped: readonly number[];
  /** Bytes of the options field: cookie, options (52 included), End and the padding to 300. */
  readonly length: number;
}

/** Size of `msg` encoded under `limits`; encodeDhcp4 writes exactly this many bytes. */
export function byteLength(msg: Dhcp4Message, limits: Dhcp4EncodeLimits = {}): number {
  return plan(msg, limits).length;
}

/**
 * Writes `msg` at the writer's position. Options that do not fit the client's maximum size go
 * into `file` and then `sname` when those are empty (option 52), and otherwise are dropped from
 * the end of KEEP_ORDER; 53, 54, 51 and 82 are never dropped. Throws EncodeError for a model the
 * wire cannot carry, or ERR_ENCODE_OVERFLOW when the writer is smaller than the message.
 */
export function encodeDhcp4(msg: Dhcp4Message, w: Writer, limits: Dhcp4EncodeLimits = {}): Dhcp4EncodeResult {
  const p = plan(msg, limits);
  const start = w.offset;
  const chaddr = msg.chaddr;
  w.u8(msg.op, 'op');
  w.u8(msg.htype, 'htype');
  w.u8(chaddr.length, 'hlen');
  w.u8(msg.hops ?? 0, 'hops');
  w.u32(msg.xid, 'xid');
  w.u16(msg.secs ?? 0, 'secs');
  w.u16(msg.flags, 'flags');
  w.u32(msg.ciaddr, 'ciaddr');
  w.u32(msg.yiaddr, 'yiaddr');
  w.u32(msg.siaddr, 'siaddr');
  w.u32(msg.giaddr, 'giaddr');
  w.bytes(chaddr, 'chaddr');
  w.zeros(DHCP4_CHADDR_LENGTH - chaddr.length, 'chaddr');
  writeField(w, p.overload & Dhcp4Overload.Sname ? p.sname : msg.sname, p.overload & Dhcp4Overload.Sname, DHCP4_SNAME_LENGTH, 'sname');
  writeField(w, p.overload & Dhcp4Overload.File ? p.file : msg.file, p.overload & Dhcp4Overload.File, DHCP4_FILE_LENGTH, 'file');
  w.u32(DHCP4_MAGIC_COOKIE, 'cookie');
  for (const o of p.main) writeOption(w, o.code, o.data);
  w.u8(Dhcp4Opt.End, 'options.end');
  // RFC 1542 §2.1: Pad (0) options up to the 300-byte BOOTP minimum; RFC 2132 §3.1 makes
  // zeros after End valid padding.
  const written = w.offset - start;
  if (written < DHCP4_MIN_MESSAGE_LENGTH) w.zeros(DHCP4_MIN_MESSAGE_LENGTH - written, 'options.pad');
  return { length: w.offset - start, overload: p.overload, dropped: p.dropped };
}

// sname and file hold either their NUL-padded text or, when overloaded, options that "MUST be
// terminated by an END option, and MUST be followed by pad options to fill the remainder of
// the field" (RFC 2131 §4.1).
function writeField(w: Writer, content: Uint8Array | readonly Dhcp4Option[] | undefined, asOptions: number, size: number, field: string): void {
  const before = w.offset;
  if (asOptions) {
    for (const o of content as readonly Dhcp4Option[]) writeOption(w, o.code, o.data);
    w.u8(Dhcp4Opt.End, `${field}.end`);
  } else if (content !== undefined) {
    w.bytes(content as Uint8Array, field);
  }
  w.zeros(size - (w.offset - before), field);
}

// RFC 3396 (encoding agent behavior): a value over 255 bytes goes out as consecutive instances
// of the same code, which the decoder joins again (§7).
function writeOption(w: Writer, code: number, data: Uint8Array): void {
  if (data.length === 0) {
    w.u8(code, 'options.code');
    w.u8(0, 'options.length');
    return;
  }
  for (let o = 0; o < data.length; o += 255) {
    const n = Math.min(255, data.length - o);
    w.u8(code, 'options.code');
    w.u8(n, 'options.length');
    w.bytes(n === data.length ? data : data.subarray(o, o + n), 'options.value');
  }
}

/** On-the-wire size of one option with its RFC 3396 split. */
function wireSize(o: Dhcp4Option): number {
  const n = o.data.length;
  return n === 0 ? 2 : n + 2 * Math.ceil(n / 255);
}

// Wire order: 53 first and 54 second (our defensive choice for PXE ROMs that read the first
// options only, house style §5.2), the rest ascending, and 82 last: insomniacslk/dhcp's
// "RFC 3046 section 2.1 states that option 82 SHALL come last", with the value echoed as
// received (RFC 3046 §2.2: servers "SHALL echo the entire contents").
function wireRank(code: number): number {
  if (code === Dhcp4Opt.MessageType) return -2;
  if (code === Dhcp4Opt.ServerIdentifier) return -1;
  if (code === Dhcp4Opt.RelayAgentInformation) return 256;
  return code;
}

function keepRank(code: number): number {
  return KEEP_RANK.get(code) ?? KEEP_ORDER.length + code;
}

const NO_OPTIONS: readonly Dhcp4Option[] = Object.freeze([]);

function validateHeader(msg: Dhcp4Message): void {
  if (msg.chaddr.length > DHCP4_CHADDR_LENGTH) throw new EncodeError(EncodeErrorCode.Value, 'chaddr', `${msg.chaddr.length} bytes > 16`);
  if ((msg.sname?.length ?? 0) > DHCP4_SNAME_LENGTH) throw new EncodeError(EncodeErrorCode.Value, 'sname', 'longer than 64 bytes');
  if ((msg.file?.length ?? 0) > DHCP4_FILE_LENGTH) throw new EncodeError(EncodeErrorCode.Value, 'file', 'longer than 128 bytes');
}

/** A copy of the options in wire order, checked: codes a message may carry, each at most once. */
function inWireOrder(options: readonly Dhcp4Option[]): Dhcp4Option[] {
  // Insertion sort: replies carry about ten options, where it beats Array#sort and allocates
  // nothing beyond the copy.
  const out = options.slice();
  for (let i = 1; i < out.length; i++) {
    const o = out[i]!;
    const r = wireRank(o.code);
    let j = i - 1;
    while (j >= 0 && wireRank(out[j]!.code) > r) {
      out[j + 1] = out[j]!;
      j--;
    }
    out[j + 1] = o;
  }
  for (let i = 0; i < out.length; i++) {
    const code = out[i]!.code;
    if (!Number.isInteger(code) || code < 0 || code > 255 || FRAMING.has(code)) {
      throw new EncodeError(EncodeErrorCode.Value, `options[${code}]`, 'not an option code a message may carry (0, 52 and 255 are framing)');
    }
    // Sorted, so a repeated code sits next to itself.
    if (i > 0 && out[i - 1]!.code === code) {
      throw new EncodeError(EncodeErrorCode.Value, `options[${code}]`, 'duplicate code: give one entry, the encoder splits long values');
    }
  }
  return out;
}

function plan(msg: Dhcp4Message, limits: Dhcp4EncodeLimits): Plan {
  validateHeader(msg);
  const maxSize = Math.max(limits.maxSize ?? DHCP4_MIN_MAX_MESSAGE_SIZE, DHCP4_MIN_MAX_MESSAGE_SIZE);
  // Room for the options field: everything after the cookie, End included.
  const mainCap = maxSize - DHCP4_IP_UDP_OVERHEAD - DHCP4_MIN_LENGTH;
  const fileFree = (msg.file?.length ?? 0) === 0;
  const snameFree = (msg.sname?.length ?? 0) === 0;
  let options = inWireOrder(msg.options);
  let placed = layout(options, mainCap, fileFree, snameFree);
  if (placed === undefined) {
    // Drop from the end of KEEP_ORDER until the rest fits…
    const dropped: Dhcp4Option[] = [];
    while (placed === undefined) {
      let victim = -1;
      for (let i = 0; i < options.length; i++) {
        const code = options[i]!.code;
        if (PINNED.has(code)) continue;
        if (victim === -1 || keepRank(code) > keepRank(options[victim]!.code)) victim = i;
      }
      if (victim === -1) {
        throw new EncodeError(EncodeErrorCode.Overflow, 'options', `options 53, 54, 51 and 82 alone exceed the maximum message size ${maxSize}`);
      }
      dropped.push(options[victim]!);
      options = options.filter((_, i) => i !== victim);
      placed = layout(options, mainCap, fileFree, snameFree);
    }
    // …then take back, most important first, whatever fits now: a big option dropped late may
    // have freed room for small ones dropped before it.
    const stillDropped: number[] = [];
    for (let i = dropped.length - 1; i >= 0; i--) {
      const again = inWireOrder([...options, dropped[i]!]);
      const retry = layout(again, mainCap, fileFree, snameFree);
      if (retry === undefined) {
        stillDropped.unshift(dropped[i]!.code);
      } else {
        options = again;
        placed = retry;
      }
    }
    return finish(placed, stillDropped);
  }
  return finish(placed, []);
}

function finish(placed: Layout, dropped: readonly number[]): Plan {
  const used = DHCP4_MIN_LENGTH + placed.mainBytes + 1;
  return { main: placed.main, file: placed.file, sname: placed.sname, overload: placed.overload, dropped, length: Math.max(used, DHCP4_MIN_MESSAGE_LENGTH) };
}

interface Layout {
  readonly main: readonly Dhcp4Option[];
  readonly file: readonly Dhcp4Option[];
  readonly sname: readonly Dhcp4Option[];
  readonly overload: number;
  /** Bytes of options in the options field, option 52 included, End excluded. */
  readonly mainBytes: number;
}

// Places options in wire order. Everything in the options field when it fits; otherwise 53, 54
// and 82 stay there (with 52) and the others fill the options field, then `file`, then `sname`
// (RFC 3396 §5 reading order), never going back to an earlier area so the order is kept.
function layout(options: readonly Dhcp4Option[], mainCap: number, fileFree: boolean, snameFree: boolean): Layout | undefined {
  let total = 0;
  for (const o of options) total += wireSize(o);
  if (total + 1 <= mainCap) return { main: options, file: NO_OPTIONS, sname: NO_OPTIONS, overload: 0, mainBytes: total };
  if (!fileFree && !snameFree) return undefined;

  const overloadOption = 3; // code, length 1, value
  const left = [mainCap - 1 - overloadOption, fileFree ? DHCP4_FILE_LENGTH - 1 : 0, snameFree ? DHCP4_SNAME_LENGTH - 1 : 0];
  const areas: Dhcp4Option[][] = [[], [], []];
  for (const o of options) {
    if (wireRank(o.code) < 0 || o.code === Dhcp4Opt.RelayAgentInformation) left[0]! -= wireSize(o);
  }
  if (left[0]! < 0) return undefined;
  let area = 0;
  for (const o of options) {
    if (wireRank(o.code) < 0 || o.code === Dhcp4Opt.RelayAgentInformation) continue;
    const size = wireSize(o);
    while (area < 3 && size > left[area]!) area++;
    if (area === 3) return undefined;
    areas[area]!.push(o);
    left[area]! -= size;
  }
  const overload = (areas[1]!.length > 0 ? Dhcp4Overload.File : 0) | (areas[2]!.length > 0 ? Dhcp4Overload.Sname : 0);
  const main: Dhcp4Option[] = [];
  let mainBytes = 0;
  const push = (o: Dhcp4Option): void => {
    main.push(o);
    mainBytes += wireSize(o);
  };
  for (const o of options) if (wireRank(o.code) < 0) push(o);
  // Option 52 in its ascending place among the rest (after 53 and 54, which lead).
  let overloadPlaced = overload === 0;
  for (const o of areas[0]!) {
    if (!overloadPlaced && o.code > Dhcp4Opt.OptionOverload) {
      push({ code: Dhcp4Opt.OptionOverload, data: Uint8Array.of(overload) });
      overloadPlaced = true;
    }
    push(o);
  }
  if (!overloadPlaced) push({ code: Dhcp4Opt.OptionOverload, data: Uint8Array.of(overload) });
  for (const o of options) if (o.code === Dhcp4Opt.RelayAgentInformation) push(o);
  return { main, file: areas[1]!, sname: areas[2]!, overload, mainBytes };
}
