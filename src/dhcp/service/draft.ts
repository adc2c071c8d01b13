// The reply a handler chain fills in (coredhcp's `resp`), before it is encoded. Handlers set
// fields and options; the server loop owns encoding and sending (CoreDNS's "who wrote the reply"
// contract: exactly one place sends).
import { Dhcp4MessageType } from '../v4/constants.ts';

/** Who decided the reply, for logs, metrics and `coresmd explain`. */
export interface Dhcp4Decision {
  readonly plugin: string;
  readonly rule?: string;
  readonly reason: string;
}

export interface Dhcp4Draft {
  /** OFFER, ACK or NAK (option 53); the server loop sets it from the request and RFC 2131 §4.3. */
  messageType: number;
  /** `yiaddr`: the address given to the client; 0 while no handler claimed it. */
  yiaddr: number;
  /** `siaddr`: next server for the boot file; starts as our address on the ingress interface. */
  siaddr: number;
  /** Our server identifier (option 54); starts as our address on the ingress interface. */
  serverId: number;
  /** BOOTP `sname` and `file` header fields (legacy PXE ROMs read `file`, RFC 2131 §2). */
  sname: string;
  file: string;
  /** Options by code; the encoder orders them (53, 54, ascending, 82 last). */
  readonly options: Map<number, Uint8Array>;
  /** Lease time in seconds (option 51), when a handler leased an address. */
  leaseSeconds: number | undefined;
  /** The decisions, in the order handlers made them; the last one names the owner of the reply. */
  readonly decisions: Dhcp4Decision[];
}

export function newDraft(messageType: number, serverAddress: number): Dhcp4Draft {
  return {
    messageType,
    yiaddr: 0,
    siaddr: serverAddress,
    serverId: serverAddress,
    sname: '',
    file: '',
    options: new Map(),
    leaseSeconds: undefined,
    decisions: [],
  };
}

/** The reply type for a request type before any handler runs (RFC 2131 §4.3; coredhcp handle.go). */
export function stubReplyType(requestType: number): number | undefined {
  switch (requestType) {
    case Dhcp4MessageType.Discover:
      return Dhcp4MessageType.Offer;
    case Dhcp4MessageType.Request:
    case Dhcp4MessageType.Inform:
      return Dhcp4MessageType.Ack;
    default:
      return undefined;
  }
}
