// The DHCPv6 side of the relay-mode load generator (BENCHMARKS.md, "DHCPv6 load"); the socket,
// schedule and accounting are exchange-loadgen.ts, shared with DHCPv4.
//
// An exchange is a relayed SOLICIT, the ADVERTISE, a REQUEST for the advertised address with the
// ADVERTISE's Server Identifier (same transaction-id, as a client does after choosing a server,
// RFC 8415 §18.2.2), and the REPLY; every message travels in a RELAY-FORW / RELAY-REPL. The
// generator binds [::1] on an ephemeral port; the Relay Source Port option (RFC 8357) brings
// the RELAY-REPLs back to it.
import type { ExchangeCodec, Judgement } from './exchange-loadgen.ts';
import { buildRequest6, Dhcp6Type, readReply6, type Host6, type Reply6Fields, type Request6Template } from './dhcp6-workload.ts';

/** Both servers are configured with DUID-LL (dhcp6-servers.ts): the REQUEST template has a slot this long. */
const SERVER_ID_LENGTH = 10;

export class Dhcp6Codec implements ExchangeCodec {
  readonly socketType = 'udp6';
  /** transaction-id (RFC 8415 §8). */
  readonly idBits = 24;
  readonly hostCount: number;
  readonly #hosts: readonly Host6[];
  readonly #solicit: Request6Template[];
  readonly #request: Request6Template[];
  readonly #fields: Reply6Fields = { type: 0, xid: 0, serverIdAt: -1, serverIdLength: 0, addressAt: -1 };

  constructor(hosts: readonly Host6[]) {
    this.#hosts = hosts;
    this.hostCount = hosts.length;
    this.#solicit = hosts.map((h) => buildRequest6(h, Dhcp6Type.Solicit));
    this.#request = hosts.map((h) => buildRequest6(h, Dhcp6Type.Request));
  }

  first(h: number, id: number): Uint8Array {
    const t = this.#solicit[h]!;
    writeU24(t.bytes, t.xidAt, id);
    return t.bytes;
  }

  replyId(msg: Uint8Array): number {
    return readReply6(msg, this.#fields) ? this.#fields.xid : -1;
  }

  /** replyId() has just read `msg` into #fields. */
  judge(msg: Uint8Array, stage: 1 | 2, h: number): Judgement {
    const f = this.#fields;
    const expected = stage === 1 ? Dhcp6Type.Advertise : Dhcp6Type.Reply;
    // A NoAddrsAvail answer has no IAADDR: it counts as wrong, as an OFFER of another address.
    if (f.type !== expected || f.addressAt === -1 || f.serverIdLength !== SERVER_ID_LENGTH) return 'wrong';
    const want = this.#hosts[h]!.ip6;
    for (let k = 0; k < 16; k++) if (msg[f.addressAt + k] !== want[k]) return 'wrong';
    return 'ok';
  }

  second(h: number, id: number, msg: Uint8Array): Uint8Array {
    const f = this.#fields;
    const t = this.#request[h]!;
    const b = t.bytes;
    writeU24(b, t.xidAt, id);
    b.set(msg.subarray(f.serverIdAt, f.serverIdAt + SERVER_ID_LENGTH), t.serverIdAt);
    b.set(msg.subarray(f.addressAt, f.addressAt + 16), t.addressAt);
    return b;
  }
}

function writeU24(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 16) & 255;
  b[at + 1] = (v >>> 8) & 255;
  b[at + 2] = v & 255;
}
