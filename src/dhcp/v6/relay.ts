// A zero-copy view of one relay agent layer (RFC 8415 §9, Figure 3):
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |    msg-type   |   hop-count   |                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
//   |                                                               |
//   |                         link-address                          |
//   |                                                               |
//   |                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                               |                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
//   |                                                               |
//   |                         peer-address                          |
//   |                                                               |
//   |                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                               |                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
//   .                                                               .
//   .            options (variable number and length)   ....        .
//   |                                                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// RELAY-FORW (12) goes from relay to server, RELAY-REPL (13) back. A RELAY-FORW's options hold
// exactly one Relay Message option (§21.10) with the message it relays: the client's, or the
// RELAY-FORW of the relay before it. Relays also add Interface-Id (§21.18, echoed by the server,
// §19.3), Remote-ID (RFC 4649) and Client Link-Layer Address (RFC 6939, first relay only).

import { formatIPv6 } from '../../wire/addr.ts';
import { WireError, WireErrorCode } from '../../wire/errors.ts';
import { isRelayMessageType } from './constants.ts';
import { Dhcp6Options } from './options.ts';
import type { Dhcp6LinkLayerAddress, Dhcp6RemoteId } from './option-values.ts';

/** msg-type, hop-count, link-address and peer-address. */
export const DHCP6_RELAY_HEADER_LENGTH = 34;

const HOP_COUNT = 1;
const LINK_ADDRESS = 2;
const PEER_ADDRESS = 18;

export class Dhcp6RelayView {
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
   * Checks buf[start..end) as RELAY-FORW or RELAY-REPL and indexes its options. `depth` is the
   * layer's place counting from the outside, for error paths (`relay[1].options`). Throws
   * WireError.
   */
  static check(buf: Uint8Array, start = 0, end = buf.length, depth = 0): Dhcp6RelayView {
    if (end - start < DHCP6_RELAY_HEADER_LENGTH) {
      throw new WireError(WireErrorCode.Truncated, end, `relay[${depth}].header`, `${end - start} bytes, need ${DHCP6_RELAY_HEADER_LENGTH}`);
    }
    if (!isRelayMessageType(buf[start]!)) {
      throw new WireError(WireErrorCode.Malformed, start, `relay[${depth}].msg-type`, `msg-type ${buf[start]} is not a relay message`);
    }
    const options = Dhcp6Options.decode(buf, start + DHCP6_RELAY_HEADER_LENGTH, end, `relay[${depth}].options`);
    return new Dhcp6RelayView(buf, start, end, options);
  }

  get buffer(): Uint8Array {
    return this.#buf;
  }

  get start(): number {
    return this.#start;
  }

  get end(): number {
    return this.#end;
  }

  /** 12 RELAY-FORW or 13 RELAY-REPL. */
  get msgType(): number {
    return this.#buf[this.#start]!;
  }

  /** Relay agents this message passed before this one (0 for the first, §19.1.1). */
  get hopCount(): number {
    return this.#buf[this.#start + HOP_COUNT]!;
  }

  /**
   * A global or ULA address on the client's link, or `::` when the relay has none there
   * (§19.1.1); the server picks the client's subnet from it. 16 bytes, zero-copy.
   */
  get linkAddress(): Uint8Array {
    return this.#buf.subarray(this.#start + LINK_ADDRESS, this.#start + LINK_ADDRESS + 16);
  }

  /** The address the relay received the message from: the client's, or the previous relay's. */
  get peerAddress(): Uint8Array {
    return this.#buf.subarray(this.#start + PEER_ADDRESS, this.#start + PEER_ADDRESS + 16);
  }

  get linkAddressText(): string {
    return formatIPv6(this.linkAddress);
  }

  get peerAddressText(): string {
    return formatIPv6(this.peerAddress);
  }

  get options(): Dhcp6Options {
    return this.#options;
  }

  /** Interface-Id (§21.18), zero-copy; echoed in the RELAY-REPL. */
  get interfaceId(): Uint8Array | undefined {
    return this.#options.interfaceId();
  }

  /** Remote-ID (RFC 4649); throws WireError when malformed. */
  remoteId(): Dhcp6RemoteId | undefined {
    return this.#options.remoteId();
  }

  /** Client Link-Layer Address (RFC 6939); throws WireError when malformed. */
  clientLinkLayerAddress(): Dhcp6LinkLayerAddress | undefined {
    return this.#options.clientLinkLayerAddress();
  }
}
