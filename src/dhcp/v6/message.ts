// A zero-copy view of a DHCPv6 client/server message (RFC 8415 §8, Figure 2):
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |    msg-type   |               transaction-id                  |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                                                               |
//   .                            options                            .
//   .                 (variable number and length)                  .
//   |                                                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Every type except RELAY-FORW and RELAY-REPL (those have §9's header: relay.ts). The view may
// sit inside a larger buffer (the value of a Relay Message option); offsets stay absolute so
// errors point at the byte in the datagram as received.

import { WireError, WireErrorCode } from '../../wire/errors.ts';
import { Dhcp6MessageType, isRelayMessageType } from './constants.ts';
import { Dhcp6Options } from './options.ts';

/** msg-type (1) and transaction-id (3). */
export const DHCP6_HEADER_LENGTH = 4;

export class Dhcp6MessageView {
  readonly #buf: Uint8Array;
  readonly #start: number;
  readonly #end: number;
  readonly #options: Dhcp6Options;

  private constructor(buf: Uint8Array, start: number, end: number, options: Dhcp6Options) {
    this.#buf = buf;
    this.#start = start;
    this.#end = end;
    this.#options = options;
  }

  /**
   * Checks buf[start..end) as a client/server message and indexes its options. Throws
   * WireError: ERR_WIRE_TRUNCATED under 4 bytes, ERR_WIRE_MALFORMED for a relay msg-type.
   */
  static check(buf: Uint8Array, start = 0, end = buf.length, field = 'options'): Dhcp6MessageView {
    if (end - start < DHCP6_HEADER_LENGTH) {
      throw new WireError(WireErrorCode.Truncated, end, 'header', `${end - start} bytes, need ${DHCP6_HEADER_LENGTH}`);
    }
    if (isRelayMessageType(buf[start]!)) {
      throw new WireError(WireErrorCode.Malformed, start, 'msg-type', 'a relay message has the RFC 8415 §9 header');
    }
    return new Dhcp6MessageView(buf, start, end, Dhcp6Options.decode(buf, start + DHCP6_HEADER_LENGTH, end, field));
  }

  /** The whole datagram. */
  get buffer(): Uint8Array {
    return this.#buf;
  }

  /** Absolute offset of msg-type. */
  get start(): number {
    return this.#start;
  }

  get end(): number {
    return this.#end;
  }

  /** The message's own bytes (zero-copy). */
  get bytes(): Uint8Array {
    return this.#buf.subarray(this.#start, this.#end);
  }

  /** msg-type (RFC 8415 §7.3). */
  get msgType(): number {
    return this.#buf[this.#start]!;
  }

  /** transaction-id: 24 bits chosen by the client, copied into the reply (§16.1). */
  get transactionId(): number {
    const b = this.#buf;
    const p = this.#start;
    return (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
  }

  get options(): Dhcp6Options {
    return this.#options;
  }
}

/** Client → server message types a server answers or records (RFC 8415 §7.3). */
const CLIENT_TYPES: ReadonlySet<number> = new Set([
  Dhcp6MessageType.Solicit,
  Dhcp6MessageType.Request,
  Dhcp6MessageType.Confirm,
  Dhcp6MessageType.Renew,
  Dhcp6MessageType.Rebind,
  Dhcp6MessageType.Release,
  Dhcp6MessageType.Decline,
  Dhcp6MessageType.InformationRequest,
  Dhcp6MessageType.RelayForw,
]);

/**
 * The cheap prefilter a server runs first (miekg's MsgAcceptFunc): at least a header, and a
 * msg-type a client or relay agent sends to a server. Never throws.
 */
export function peekDhcp6(buf: Uint8Array): boolean {
  if (buf.length < DHCP6_HEADER_LENGTH) return false;
  return CLIENT_TYPES.has(buf[0]!);
}
