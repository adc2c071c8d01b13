// Entry points that catch once (house style §5.4): inside the codec everything throws
// WireError; here it becomes a result the server can count and drop. Anything else thrown is
// a bug in this codec and is rethrown, never reported as a bad packet.
//
// A relayed message is unwrapped here (RFC 8415 §9, §19): RELAY-FORW layers, outermost first,
// each holding exactly one Relay Message option, down to the client's message.

import { WireError, WireErrorCode } from '../../wire/errors.ts';
import { DHCP6_HOP_COUNT_LIMIT, Dhcp6Opt, isRelayMessageType } from './constants.ts';
import { Dhcp6MessageView } from './message.ts';
import type { Dhcp6Options } from './options.ts';
import { Dhcp6RelayView } from './relay.ts';
import type { Dhcp6Packet, Dhcp6RawOption } from './model.ts';

export type Dhcp6Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WireError };

/** A datagram as the server works with it; every view aliases the datagram (house style §5.3). */
export interface Dhcp6Decoded {
  /**
   * Relay layers, outermost first: `relays[0]` is the RELAY-FORW the server received and the
   * last one was added by the relay on the client's link. Empty when the client sent directly.
   */
  readonly relays: readonly Dhcp6RelayView[];
  /** The client (or server) message, unwrapped from every relay layer. */
  readonly message: Dhcp6MessageView;
}

function wrap<T>(fn: () => T): Dhcp6Result<T> {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (e instanceof WireError) return { ok: false, error: e };
    throw e;
  }
}

/**
 * Decodes a datagram, unwrapping relay layers: the server's hot path, copying nothing. Options
 * are indexed, not decoded; their accessors may still throw WireError for a bad value.
 */
export function decodeDhcp6(buf: Uint8Array): Dhcp6Result<Dhcp6Decoded> {
  return wrap(() => unwrapDhcp6(buf));
}

/** As decodeDhcp6, but the datagram must be a relay message (a server's relay-facing socket). */
export function decodeDhcp6Relay(buf: Uint8Array): Dhcp6Result<Dhcp6Decoded> {
  return wrap(() => {
    if (buf.length > 0 && !isRelayMessageType(buf[0]!)) {
      throw new WireError(WireErrorCode.Malformed, 0, 'relay[0].msg-type', `msg-type ${buf[0]} is not a relay message`);
    }
    return unwrapDhcp6(buf);
  });
}

/**
 * Walks the relay layers of buf[start..end) (throws WireError). Limits and rules:
 * - at most DHCP6_HOP_COUNT_LIMIT (8) layers: a relay agent drops a message whose hop-count has
 *   reached it (RFC 8415 §19.1.1), so a ninth layer cannot come from well-behaved relays
 *   (ERR_WIRE_LIMIT at `relay[8]`);
 * - each layer carries exactly one Relay Message option (§9, §21.10: "MUST include");
 * - every layer has the outer layer's type: RELAY-FORW holds RELAY-FORW or a client message,
 *   RELAY-REPL holds RELAY-REPL or a server message.
 */
export function unwrapDhcp6(buf: Uint8Array, start = 0, end = buf.length): Dhcp6Decoded {
  const relays: Dhcp6RelayView[] = [];
  let s = start;
  let e = end;
  while (e - s >= 1 && isRelayMessageType(buf[s]!)) {
    const depth = relays.length;
    if (depth >= DHCP6_HOP_COUNT_LIMIT) {
      throw new WireError(WireErrorCode.Limit, s, `relay[${depth}]`, `more than ${DHCP6_HOP_COUNT_LIMIT} relay layers (RFC 8415 §7.6 HOP_COUNT_LIMIT)`);
    }
    const relay = Dhcp6RelayView.check(buf, s, e, depth);
    if (depth > 0 && relay.msgType !== relays[0]!.msgType) {
      throw new WireError(WireErrorCode.Malformed, s, `relay[${depth}].msg-type`, 'RELAY-FORW and RELAY-REPL mixed');
    }
    relays.push(relay);
    [s, e] = relayMessageSpan(relay.options, depth);
  }
  return { relays, message: Dhcp6MessageView.check(buf, s, e) };
}

function relayMessageSpan(options: Dhcp6Options, depth: number): [number, number] {
  const n = options.instancesOf(Dhcp6Opt.RelayMsg);
  if (n !== 1) {
    const at = n === 0 ? options.start : options.offsetOf(Dhcp6Opt.RelayMsg);
    throw new WireError(WireErrorCode.Malformed, at, `relay[${depth}].options[9]`, n === 0 ? 'no Relay Message option' : `${n} Relay Message options`);
  }
  const at = options.offsetOf(Dhcp6Opt.RelayMsg);
  return [at, at + options.relayMessage()!.length];
}

/**
 * Decodes a datagram into a self-contained model (bytes copied, so it outlives the datagram):
 * the outermost message with every option raw, in wire order, unknown codes included. A relay
 * message's Relay Message option stays raw too; the whole nesting is still checked, so this
 * accepts exactly what decodeDhcp6 accepts.
 */
export function decodeDhcp6Model(buf: Uint8Array): Dhcp6Result<Dhcp6Packet> {
  return wrap(() => {
    const d = unwrapDhcp6(buf);
    const top = d.relays[0];
    if (top === undefined) {
      const m = d.message;
      return { msgType: m.msgType, transactionId: m.transactionId, options: rawOptions(m.options) };
    }
    return {
      msgType: top.msgType as 12 | 13,
      hopCount: top.hopCount,
      linkAddress: Uint8Array.from(top.linkAddress),
      peerAddress: Uint8Array.from(top.peerAddress),
      options: rawOptions(top.options),
    };
  });
}

/** Copies of every option of a list, in wire order. */
export function rawOptions(options: Dhcp6Options): Dhcp6RawOption[] {
  const out: Dhcp6RawOption[] = [];
  options.forEach((code, data) => out.push({ code, data: Uint8Array.from(data) }));
  return out;
}
