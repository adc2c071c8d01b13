// The DHCPv4 side of the relay-mode load generator (BENCHMARKS.md, "DHCPv4 load"); the socket,
// schedule and accounting are exchange-loadgen.ts, shared with DHCPv6.
//
// An exchange is a DORA: a relayed DISCOVER, the OFFER, a REQUEST (option 50 = yiaddr, 54 = the
// offer's server id, same xid, as a client in SELECTING does) and the ACK. The generator binds
// giaddr (127.20.0.1) on the server's port. Replies come back to it either because the server
// honours RFC 8357 (reply to the request's source port, which is this one) or because it answers
// to giaddr on its own server port (dnsmasq), which is also this one.

import { buildRequest, DhcpType, readReply, readU32, XID_OFFSET, type Host, type ReplyFields, type RequestTemplate } from './dhcp4-workload.ts';
import type { ExchangeCodec, Judgement } from './exchange-loadgen.ts';

export { cpuIdleMs, LoadGen, percentiles, processCpuMs, sleep, type Discipline, type LatencyStats, type PhaseOptions, type PhaseResult } from './exchange-loadgen.ts';

export class Dhcp4Codec implements ExchangeCodec {
  readonly socketType = 'udp4';
  readonly idBits = 32;
  readonly hostCount: number;
  readonly #hosts: readonly Host[];
  readonly #checkAddress: boolean;
  readonly #discover: RequestTemplate[];
  readonly #request: RequestTemplate[];
  readonly #fields: ReplyFields = { type: 0, serverId: 0 };

  /** `checkAddress`: every OFFER/ACK must carry the host's reserved address (off for the bare responder). */
  constructor(hosts: readonly Host[], checkAddress: boolean) {
    this.#hosts = hosts;
    this.hostCount = hosts.length;
    this.#checkAddress = checkAddress;
    this.#discover = hosts.map((h) => buildRequest(h, DhcpType.Discover));
    this.#request = hosts.map((h) => buildRequest(h, DhcpType.Request));
  }

  first(h: number, id: number): Uint8Array {
    const b = this.#discover[h]!.bytes;
    writeU32(b, XID_OFFSET, id);
    return b;
  }

  replyId(msg: Uint8Array): number {
    return msg.length < 240 ? -1 : readU32(msg, XID_OFFSET);
  }

  judge(msg: Uint8Array, stage: 1 | 2, h: number): Judgement {
    const f = this.#fields;
    if (!readReply(msg, f)) return 'stray';
    if (f.type === DhcpType.Nak) return 'nak';
    const expected = stage === 1 ? DhcpType.Offer : DhcpType.Ack;
    if (f.type !== expected || (this.#checkAddress && readU32(msg, 16) !== this.#hosts[h]!.ip)) return 'wrong';
    return 'ok';
  }

  second(h: number, id: number, msg: Uint8Array): Uint8Array {
    // judge() just read this OFFER into #fields.
    const t = this.#request[h]!;
    const b = t.bytes;
    writeU32(b, XID_OFFSET, id);
    writeU32(b, t.requestedIpAt, readU32(msg, 16));
    writeU32(b, t.serverIdAt, this.#fields.serverId);
    return b;
  }
}

function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 24) & 255;
  b[at + 1] = (v >>> 16) & 255;
  b[at + 2] = (v >>> 8) & 255;
  b[at + 3] = v & 255;
}
