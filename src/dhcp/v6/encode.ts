// Encodes a DHCPv6 message or relay message into a caller-supplied Writer (house style §5.3):
//
//   client/server message (RFC 8415 §8)      relay message (RFC 8415 §9)
//   +----------+------------------+          +----------+-----------+----------------------+
//   | msg-type | transaction-id   |          | msg-type | hop-count | link-address (16)    |
//   +----------+------------------+          +----------+-----------+ peer-address (16)    |
//   | options, in the model's order          | options: Interface-Id, Relay Message(…)     |
//   +-------------------------------+        +---------------------------------------------+
//
// Each option is code, a reserved length, its value, and the length patched once the value is
// written, so nested options (IA_NA ⊃ IAADDR ⊃ Status Code, RELAY-REPL ⊃ RELAY-REPL ⊃ REPLY)
// need no sizing pass. Every byte up to the returned length is written, so a dirty pooled slot
// leaks nothing. byteLength() walks the same model and always equals what encode writes.

import { Buffer } from 'node:buffer';
import { EncodeError, EncodeErrorCode } from '../../wire/errors.ts';
import type { Writer } from '../../wire/writer.ts';
import { Dhcp6FqdnFlag, Dhcp6MessageType, Dhcp6Opt, isRelayMessageType } from './constants.ts';
import { dnsNameByteLength, writeDnsName } from './dns-name.ts';
import { isDhcp6RelayMessage } from './model.ts';
import type { Dhcp6Message, Dhcp6Option, Dhcp6Packet, Dhcp6RelayMessage } from './model.ts';
import { DHCP6_HEADER_LENGTH } from './message.ts';
import { DHCP6_RELAY_HEADER_LENGTH } from './relay.ts';

/** RFC 4704 §4.1: flag bits other than S, O and N "MUST be zero". */
const FQDN_FLAGS = Dhcp6FqdnFlag.S | Dhcp6FqdnFlag.O | Dhcp6FqdnFlag.N;
const OPTION_HEADER = 4;
const MAX_OPTION_LENGTH = 0xffff;

function bad(field: string, detail: string): EncodeError {
  return new EncodeError(EncodeErrorCode.Value, field, detail);
}

/** Size of `p` encoded; encodeDhcp6 writes exactly this many bytes. Throws EncodeError like it. */
export function byteLength(p: Dhcp6Packet): number {
  return (isDhcp6RelayMessage(p) ? DHCP6_RELAY_HEADER_LENGTH : DHCP6_HEADER_LENGTH) + optionsLength(p.options, 'options');
}

/**
 * Writes `p` at the writer's position and returns the bytes written. Options go out in the
 * model's order (RFC 8415 imposes none). Throws EncodeError for a model the wire cannot carry
 * (a relay msg-type without the relay fields, a value over 65535 bytes, a bad FQDN name) or
 * ERR_ENCODE_OVERFLOW when the writer is too small.
 */
export function encodeDhcp6(p: Dhcp6Packet, w: Writer): number {
  const start = w.offset;
  if (isDhcp6RelayMessage(p)) writeRelayHeader(p, w);
  else writeHeader(p, w);
  writeOptions(p.options, w, 'options');
  return w.offset - start;
}

function writeHeader(m: Dhcp6Message, w: Writer): void {
  if (isRelayMessageType(m.msgType)) throw bad('msg-type', `${m.msgType} needs the relay fields (hopCount, linkAddress, peerAddress)`);
  if (!(Number.isInteger(m.transactionId) && m.transactionId >= 0 && m.transactionId <= 0xffffff)) {
    throw bad('transaction-id', `${m.transactionId} is not 24 bits`);
  }
  w.u8(m.msgType, 'msg-type');
  w.u8(m.transactionId >>> 16, 'transaction-id');
  w.u16(m.transactionId & 0xffff, 'transaction-id');
}

function writeRelayHeader(r: Dhcp6RelayMessage, w: Writer): void {
  if (!isRelayMessageType(r.msgType)) throw bad('msg-type', `${r.msgType} is not RELAY-FORW or RELAY-REPL`);
  if (r.linkAddress.length !== 16) throw bad('link-address', `${r.linkAddress.length} bytes, want 16`);
  if (r.peerAddress.length !== 16) throw bad('peer-address', `${r.peerAddress.length} bytes, want 16`);
  w.u8(r.msgType, 'msg-type');
  w.u8(r.hopCount, 'hop-count');
  w.bytes(r.linkAddress, 'link-address');
  w.bytes(r.peerAddress, 'peer-address');
}

function optionsLength(options: readonly Dhcp6Option[], field: string): number {
  let n = 0;
  for (const o of options) n += OPTION_HEADER + valueLength(o, field);
  return n;
}

function valueLength(o: Dhcp6Option, field: string): number {
  let n: number;
  const path = `${field}[${o.code}]`;
  if ('data' in o) n = o.data.length;
  else {
    switch (o.code) {
      case Dhcp6Opt.IaNa:
        n = 12 + optionsLength(o.options, path);
        break;
      case Dhcp6Opt.IaAddr:
        n = 24 + optionsLength(o.options ?? [], path);
        break;
      case Dhcp6Opt.StatusCode:
        n = 2 + Buffer.byteLength(o.message ?? '', 'utf8');
        break;
      case Dhcp6Opt.ClientFqdn:
        n = 1 + dnsNameByteLength(o.name, path);
        break;
      case Dhcp6Opt.RelayMsg:
        n = byteLength(o.message);
        break;
    }
  }
  if (n > MAX_OPTION_LENGTH) throw bad(path, `value of ${n} bytes (option-len is 16 bits)`);
  return n;
}

function writeOptions(options: readonly Dhcp6Option[], w: Writer, field: string): void {
  for (const o of options) writeOption(o, w, field);
}

function writeOption(o: Dhcp6Option, w: Writer, field: string): void {
  const path = `${field}[${o.code}]`;
  w.u16(o.code, `${path}.code`);
  const len = w.reserveU16(`${path}.length`);
  if ('data' in o) {
    w.bytes(o.data, path);
  } else {
    switch (o.code) {
      case Dhcp6Opt.IaNa:
        // RFC 8415 §21.4: IAID, T1, T2, then IA_NA-options.
        w.u32(o.iaid, `${path}.iaid`);
        w.u32(o.t1, `${path}.t1`);
        w.u32(o.t2, `${path}.t2`);
        writeOptions(o.options, w, path);
        break;
      case Dhcp6Opt.IaAddr:
        // RFC 8415 §21.6: address, preferred-lifetime, valid-lifetime, IAaddr-options.
        if (o.address.length !== 16) throw bad(`${path}.address`, `${o.address.length} bytes, want 16`);
        // §21.6: "The client MUST discard any addresses for which the preferred lifetime is
        // greater than the valid lifetime", so a server must never send one.
        if (o.preferredLifetime > o.validLifetime) throw bad(`${path}.preferred-lifetime`, 'greater than the valid lifetime');
        w.bytes(o.address, `${path}.address`);
        w.u32(o.preferredLifetime, `${path}.preferred-lifetime`);
        w.u32(o.validLifetime, `${path}.valid-lifetime`);
        writeOptions(o.options ?? [], w, path);
        break;
      case Dhcp6Opt.StatusCode:
        // RFC 8415 §21.13: status-code, then a UTF-8 message, not NUL-terminated.
        w.u16(o.status, `${path}.status-code`);
        if (o.message !== undefined && o.message.length > 0) w.bytes(Buffer.from(o.message, 'utf8'), `${path}.status-message`);
        break;
      case Dhcp6Opt.ClientFqdn:
        // RFC 4704 §4: flags, then the name in RFC 1035 wire form: one name, one final zero.
        if ((o.flags & ~FQDN_FLAGS) !== 0 || o.flags < 0) throw bad(`${path}.flags`, `0x${o.flags.toString(16)} sets bits that MUST be zero`);
        w.u8(o.flags, `${path}.flags`);
        writeDnsName(w, o.name, `${path}.name`);
        break;
      case Dhcp6Opt.RelayMsg:
        encodeDhcp6(o.message, w);
        break;
    }
  }
  w.patchLength(len, `${path}.length`);
}

/** What a RELAY-REPL layer copies from its RELAY-FORW; a Dhcp6RelayView fits as it is. */
export interface Dhcp6RelayReplyLayer {
  readonly hopCount: number;
  readonly linkAddress: Uint8Array;
  readonly peerAddress: Uint8Array;
  readonly interfaceId?: Uint8Array | undefined;
}

/**
 * Wraps `reply` in one RELAY-REPL per relay layer of the request (`relays` outermost first, as
 * decodeDhcp6 returns them), innermost layer first, so the outermost RELAY-REPL goes back to
 * the relay the request came from. RFC 8415 §19.3: each layer copies hop-count, link-address
 * and peer-address from its RELAY-FORW, echoes its Interface-Id when there was one, and carries
 * the next message in a Relay Message option. The result aliases the layers' bytes: encode it
 * before the request's datagram is reused.
 */
export function wrapRelayReply(relays: readonly Dhcp6RelayReplyLayer[], reply: Dhcp6Packet): Dhcp6Packet {
  let inner = reply;
  for (let i = relays.length - 1; i >= 0; i--) {
    const r = relays[i]!;
    const options: Dhcp6Option[] = [];
    if (r.interfaceId !== undefined) options.push({ code: Dhcp6Opt.InterfaceId, data: r.interfaceId });
    options.push({ code: Dhcp6Opt.RelayMsg, message: inner });
    inner = { msgType: Dhcp6MessageType.RelayRepl, hopCount: r.hopCount, linkAddress: r.linkAddress, peerAddress: r.peerAddress, options };
  }
  return inner;
}
