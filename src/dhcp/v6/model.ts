// The plain-object model of a DHCPv6 message: what decodeDhcp6Model returns and encodeDhcp6
// writes (smoltcp's `Repr`). A decoded model holds every option as raw bytes, unknown codes
// included, so it re-encodes to the same bytes; a reply built by a handler may also use the
// structured options below, which the encoder writes straight into its buffer.

/** Any option as code and value bytes (RFC 8415 §21.1); option-len is data.length. */
export interface Dhcp6RawOption {
  readonly code: number;
  readonly data: Uint8Array;
}

/** IA_NA (RFC 8415 §21.4) with its IA_NA-options, typically IAADDR and Status Code. */
export interface Dhcp6IaNaOption {
  readonly code: 3;
  readonly iaid: number;
  /** T1 in seconds (RFC 8415 §21.4; 0xffffffff is infinity). */
  readonly t1: number;
  /** T2 in seconds. */
  readonly t2: number;
  readonly options: readonly Dhcp6Option[];
}

/** IAADDR (RFC 8415 §21.6). */
export interface Dhcp6IaAddrOption {
  readonly code: 5;
  /** 16 bytes (parseIPv6 from src/wire/addr.ts). */
  readonly address: Uint8Array;
  readonly preferredLifetime: number;
  readonly validLifetime: number;
  readonly options?: readonly Dhcp6Option[];
}

/** Status Code (RFC 8415 §21.13). */
export interface Dhcp6StatusCodeOption {
  readonly code: 13;
  readonly status: number;
  /** UTF-8 on the wire; empty when omitted. */
  readonly message?: string;
}

/**
 * Client FQDN (RFC 4704 §4): flags, then `name` as ONE fully qualified DNS name in wire form
 * (`07 nid0007 08 override 05 local 00`), not the original's one name per label (spec
 * coresmd-dhcp §6.4).
 */
export interface Dhcp6FqdnOption {
  readonly code: 39;
  /** S 0x01, O 0x02, N 0x04 (Dhcp6FqdnFlag); coresmd sends 0. */
  readonly flags: number;
  readonly name: string;
}

/** Relay Message (RFC 8415 §21.10) holding a structured message (wrapRelayReply builds these). */
export interface Dhcp6RelayMsgOption {
  readonly code: 9;
  readonly message: Dhcp6Packet;
}

export type Dhcp6Option = Dhcp6RawOption | Dhcp6IaNaOption | Dhcp6IaAddrOption | Dhcp6StatusCodeOption | Dhcp6FqdnOption | Dhcp6RelayMsgOption;

/** A client/server message (RFC 8415 §8). */
export interface Dhcp6Message {
  /** msg-type (Dhcp6MessageType); not 12 or 13. */
  readonly msgType: number;
  /** transaction-id, 24 bits. */
  readonly transactionId: number;
  /** Options in wire order; a code may repeat (several IA_NA, IAADDR, vendor classes). */
  readonly options: readonly Dhcp6Option[];
}

/** A RELAY-FORW or RELAY-REPL (RFC 8415 §9). */
export interface Dhcp6RelayMessage {
  readonly msgType: 12 | 13;
  readonly hopCount: number;
  /** 16 bytes. */
  readonly linkAddress: Uint8Array;
  /** 16 bytes. */
  readonly peerAddress: Uint8Array;
  readonly options: readonly Dhcp6Option[];
}

export type Dhcp6Packet = Dhcp6Message | Dhcp6RelayMessage;

export function isDhcp6RelayMessage(p: Dhcp6Packet): p is Dhcp6RelayMessage {
  return 'linkAddress' in p;
}
