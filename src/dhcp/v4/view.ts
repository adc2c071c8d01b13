// A zero-copy view of a received DHCPv4 datagram (RFC 2131 §2, Figure 1):
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +---------------+---------------+---------------+---------------+
//    |     op (1)    |   htype (1)   |   hlen (1)    |   hops (1)    |
//    +---------------+---------------+---------------+---------------+
//    |                            xid (4)                            |
//    +-------------------------------+-------------------------------+
//    |           secs (2)            |           flags (2)           |
//    +-------------------------------+-------------------------------+
//    |                          ciaddr  (4)                          |
//    +---------------------------------------------------------------+
//    |                          yiaddr  (4)                          |
//    +---------------------------------------------------------------+
//    |                          siaddr  (4)                          |
//    +---------------------------------------------------------------+
//    |                          giaddr  (4)                          |
//    +---------------------------------------------------------------+
//    |                          chaddr  (16)                         |
//    +---------------------------------------------------------------+
//    |                          sname   (64)                         |
//    +---------------------------------------------------------------+
//    |                          file    (128)                        |
//    +---------------------------------------------------------------+
//    |                          options (variable)                   |
//    +---------------------------------------------------------------+
//
// The options field starts with the magic cookie 99.130.83.99 (RFC 2131 §3). `check()` validates
// the fixed part once; after that no getter can throw. Subarrays alias the datagram: copy what
// must outlive the handler call (house style §5.3).

import { WireError, WireErrorCode } from '../../wire/errors.ts';
import { formatMac } from '../../wire/addr.ts';
import { DHCP4_FLAG_BROADCAST, DHCP4_MAGIC_COOKIE, Dhcp4Op } from './constants.ts';

/** Byte offsets of the fixed header, mirroring the figure above (smoltcp's `field` module). */
export const Dhcp4Field = {
  OP: 0,
  HTYPE: 1,
  HLEN: 2,
  HOPS: 3,
  XID: 4,
  SECS: 8,
  FLAGS: 10,
  CIADDR: 12,
  YIADDR: 16,
  SIADDR: 20,
  GIADDR: 24,
  CHADDR: 28,
  SNAME: 44,
  FILE: 108,
  COOKIE: 236,
  OPTIONS: 240,
} as const;

export const DHCP4_CHADDR_LENGTH = 16;
export const DHCP4_SNAME_LENGTH = 64;
export const DHCP4_FILE_LENGTH = 128;
/** Fixed header plus magic cookie: the shortest datagram that can be DHCP (RFC 2131 §2, §3). */
export const DHCP4_MIN_LENGTH = Dhcp4Field.OPTIONS;

export class Dhcp4View {
  readonly #buf: Uint8Array;
  readonly #dv: DataView;

  private constructor(buf: Uint8Array) {
    this.#buf = buf;
    this.#dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /**
   * Validates the fixed header: at least 240 bytes, op BOOTREQUEST or BOOTREPLY, hlen ≤ 16 and the
   * magic cookie. Throws WireError; afterwards every getter is safe.
   */
  static check(buf: Uint8Array): Dhcp4View {
    if (buf.length < DHCP4_MIN_LENGTH) {
      throw new WireError(WireErrorCode.Truncated, buf.length, 'header', `${buf.length} bytes, need ${DHCP4_MIN_LENGTH}`);
    }
    const view = new Dhcp4View(buf);
    const op = view.op;
    if (op !== Dhcp4Op.BootRequest && op !== Dhcp4Op.BootReply) {
      throw new WireError(WireErrorCode.Malformed, Dhcp4Field.OP, 'op', `op ${op}`);
    }
    // RFC 2131 §2: chaddr is 16 octets, so a longer hlen cannot be honoured.
    if (view.hlen > DHCP4_CHADDR_LENGTH) {
      throw new WireError(WireErrorCode.Malformed, Dhcp4Field.HLEN, 'hlen', `hlen ${view.hlen} > ${DHCP4_CHADDR_LENGTH}`);
    }
    // RFC 2131 §3: without the cookie this is plain BOOTP (RFC 951) or not ours at all.
    if (view.#dv.getUint32(Dhcp4Field.COOKIE) !== DHCP4_MAGIC_COOKIE) {
      throw new WireError(WireErrorCode.Malformed, Dhcp4Field.COOKIE, 'cookie', 'not 99.130.83.99');
    }
    return view;
  }

  /** The datagram this view reads; span offsets from Dhcp4Options index into it. */
  get buffer(): Uint8Array {
    return this.#buf;
  }

  /** Message op code: 1 BOOTREQUEST, 2 BOOTREPLY. */
  get op(): number {
    return this.#dv.getUint8(Dhcp4Field.OP);
  }

  /** Hardware address type (1 = Ethernet). */
  get htype(): number {
    return this.#dv.getUint8(Dhcp4Field.HTYPE);
  }

  /** Hardware address length; ≤ 16 after check(). */
  get hlen(): number {
    return this.#dv.getUint8(Dhcp4Field.HLEN);
  }

  /** Relay agent hop count. */
  get hops(): number {
    return this.#dv.getUint8(Dhcp4Field.HOPS);
  }

  /** Transaction ID chosen by the client. */
  get xid(): number {
    return this.#dv.getUint32(Dhcp4Field.XID);
  }

  /** Seconds since the client began acquisition or renewal. */
  get secs(): number {
    return this.#dv.getUint16(Dhcp4Field.SECS);
  }

  get flags(): number {
    return this.#dv.getUint16(Dhcp4Field.FLAGS);
  }

  /** The BROADCAST bit of `flags` (RFC 2131 §4.1). */
  get broadcast(): boolean {
    return (this.flags & DHCP4_FLAG_BROADCAST) !== 0;
  }

  /** Client IP address, as an unsigned 32-bit number. */
  get ciaddr(): number {
    return this.#dv.getUint32(Dhcp4Field.CIADDR);
  }

  /** "Your" (client) IP address. */
  get yiaddr(): number {
    return this.#dv.getUint32(Dhcp4Field.YIADDR);
  }

  /** Next server IP address. */
  get siaddr(): number {
    return this.#dv.getUint32(Dhcp4Field.SIADDR);
  }

  /** Relay agent IP address; 0 when the client is on our link. */
  get giaddr(): number {
    return this.#dv.getUint32(Dhcp4Field.GIADDR);
  }

  /** The `hlen` bytes of the client hardware address (zero-copy). */
  get chaddr(): Uint8Array {
    return this.#buf.subarray(Dhcp4Field.CHADDR, Dhcp4Field.CHADDR + this.hlen);
  }

  /** chaddr as lowercase `aa:bb:cc:dd:ee:ff` (the inventory key). */
  get chaddrText(): string {
    return formatMac(this.#buf, Dhcp4Field.CHADDR, this.hlen);
  }

  /**
   * Server host name up to its first NUL (zero-copy). When option 52 overloads `sname`, these
   * are option bytes, not a name: see Dhcp4Options.overload.
   */
  get sname(): Uint8Array {
    return trimNul(this.#buf, Dhcp4Field.SNAME, DHCP4_SNAME_LENGTH);
  }

  /** Boot file name up to its first NUL (zero-copy); option bytes when option 52 overloads it. */
  get file(): Uint8Array {
    return trimNul(this.#buf, Dhcp4Field.FILE, DHCP4_FILE_LENGTH);
  }
}

function trimNul(buf: Uint8Array, start: number, length: number): Uint8Array {
  const field = buf.subarray(start, start + length);
  const nul = field.indexOf(0);
  return nul === -1 ? field : field.subarray(0, nul);
}

/**
 * The cheap prefilter the server runs before anything else (miekg's MsgAcceptFunc): a
 * BOOTREQUEST of at least 240 bytes carrying the magic cookie. Never throws.
 */
export function peekDhcp4(buf: Uint8Array): boolean {
  return (
    buf.length >= DHCP4_MIN_LENGTH &&
    buf[Dhcp4Field.OP] === Dhcp4Op.BootRequest &&
    buf[Dhcp4Field.COOKIE] === 99 &&
    buf[Dhcp4Field.COOKIE + 1] === 130 &&
    buf[Dhcp4Field.COOKIE + 2] === 83 &&
    buf[Dhcp4Field.COOKIE + 3] === 99
  );
}
