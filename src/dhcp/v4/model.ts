// The plain-object model of a DHCPv4 message: what decodeDhcp4 returns and encodeDhcp4 writes
// (smoltcp's `Repr`, without throwing anything away: every option the client sent is here).
// Field names are readable; the RFC 2131 §2 mnemonic is in each doc comment.

/** One option: its code and its whole value (RFC 3396: one entry per code, any length). */
export interface Dhcp4Option {
  readonly code: number;
  readonly data: Uint8Array;
}

export interface Dhcp4Message {
  /** `op`: 1 BOOTREQUEST, 2 BOOTREPLY. */
  readonly op: number;
  /** `htype`: hardware address type, 1 for Ethernet. */
  readonly htype: number;
  /** `hops`: relay hop count; 0 when omitted (a server's reply). */
  readonly hops?: number;
  /** `xid`: transaction ID, copied from the request into the reply. */
  readonly xid: number;
  /** `secs`: 0 when omitted (a server's reply, RFC 2131 §4.3.1 Table 3). */
  readonly secs?: number;
  /** `flags`: bit 0x8000 is BROADCAST. */
  readonly flags: number;
  /** `ciaddr`, as an unsigned 32-bit number. */
  readonly ciaddr: number;
  /** `yiaddr`: the address offered or assigned. */
  readonly yiaddr: number;
  /** `siaddr`: next server (TFTP) address. */
  readonly siaddr: number;
  /** `giaddr`: relay agent address. */
  readonly giaddr: number;
  /** `chaddr` as `hlen` bytes (at most 16); `hlen` is its length. */
  readonly chaddr: Uint8Array;
  /** `sname` without its NUL padding (at most 64 bytes); empty when omitted or overloaded. */
  readonly sname?: Uint8Array;
  /** `file` without its NUL padding (at most 128 bytes); empty when omitted or overloaded. */
  readonly file?: Uint8Array;
  /**
   * Options in order, one entry per code. Pad, End and Option Overload (52) are framing, owned
   * by the codec: decode leaves them out and encode rejects them.
   */
  readonly options: readonly Dhcp4Option[];
}

/** A reply is a message with op BOOTREPLY. */
export type Dhcp4Reply = Dhcp4Message & { readonly op: 2 };
