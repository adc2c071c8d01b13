// A stand-in for Dhcp4Server in transport tests: it answers every BOOTREQUEST with an OFFER
// (an ACK to a REQUEST, so real clients complete) for 10.0.0.100/24, built from the ingress (option 54 = ingress.serverAddress, and the ingress interface name in
// site-specific option 224, RFC 3942), routed as RFC 2131 §4.1 says: giaddr → relay, ciaddr →
// unicast, otherwise broadcast on the ingress interface. The transport is what is under test.
import { Buffer } from 'node:buffer';
import type { Dhcp4Ingress } from '../../src/dhcp/service/chain.ts';
import type { Dhcp4Route } from '../../src/dhcp/service/route.ts';
import { Dhcp4MessageType, Dhcp4Opt } from '../../src/dhcp/v4/constants.ts';
import { decodeDhcp4 } from '../../src/dhcp/v4/decode.ts';
import { encodeDhcp4 } from '../../src/dhcp/v4/encode.ts';
import type { Dhcp4Message } from '../../src/dhcp/v4/model.ts';
import { ipv4, text, u32 } from '../../src/dhcp/v4/option-values.ts';
import { BufferPool } from '../../src/wire/pool.ts';
import { Writer } from '../../src/wire/writer.ts';
import type { Dhcp4TransportOutcome } from '../../src/net/dhcp4-transport.ts';

/** Site-specific option (RFC 3942 §4: 224–254) carrying the ingress interface name. */
export const OPT_INGRESS_IFNAME = 224;
const LEASE_SECONDS = 3600;
const SERVER_PORT = 67;
const CLIENT_PORT = 68;

export interface SeenRequest {
  readonly xid: number;
  readonly ingress: Dhcp4Ingress;
}

export class StubDhcp4Server {
  readonly pool = new BufferPool(1500, 16);
  readonly seen: SeenRequest[] = [];
  /** How many times release() was called for each reply; more than 1 is a bug. */
  readonly releases: number[] = [];
  /** Called for each request as it is decoded. */
  onRequest: ((r: SeenRequest) => void) | undefined;
  /** Replace to force a route (error paths). */
  routeOverride: ((ingress: Dhcp4Ingress) => Dhcp4Route) | undefined;

  async handle(buf: Uint8Array, ingress: Dhcp4Ingress): Promise<Dhcp4TransportOutcome> {
    const d = decodeDhcp4(buf);
    if (!d.ok || d.value.op !== 1) return { kind: 'drop' };
    const req = d.value;
    const type = req.options.find((o) => o.code === Dhcp4Opt.MessageType)?.data[0];
    const seen = { xid: req.xid, ingress };
    this.seen.push(seen);
    this.onRequest?.(seen);
    // Resolve later, as the real server does after its chain awaits the inventory.
    await new Promise((r) => setImmediate(r));
    const slot = this.pool.acquire();
    if (slot === undefined) return { kind: 'drop' };
    const reply: Dhcp4Message = {
      op: 2,
      htype: req.htype,
      xid: req.xid,
      flags: req.flags,
      ciaddr: 0,
      yiaddr: 0x0a000064,
      siaddr: ingress.serverAddress,
      giaddr: req.giaddr,
      chaddr: req.chaddr,
      options: [
        { code: Dhcp4Opt.MessageType, data: Uint8Array.of(type === Dhcp4MessageType.Request ? Dhcp4MessageType.Ack : Dhcp4MessageType.Offer) },
        { code: Dhcp4Opt.ServerIdentifier, data: ipv4(ingress.serverAddress) },
        { code: Dhcp4Opt.IpAddressLeaseTime, data: u32(LEASE_SECONDS) },
        { code: Dhcp4Opt.SubnetMask, data: ipv4(0xffffff00) },
        { code: OPT_INGRESS_IFNAME, data: text(ingress.ifname === '' ? '-' : ingress.ifname) },
      ],
    };
    const w = new Writer(slot);
    encodeDhcp4(reply, w);
    const index = this.releases.push(0) - 1;
    const route: Dhcp4Route =
      this.routeOverride?.(ingress) ??
      (req.giaddr !== 0
        ? { kind: 'relay', address: req.giaddr, port: SERVER_PORT }
        : req.ciaddr !== 0
          ? { kind: 'unicast', address: req.ciaddr, port: CLIENT_PORT }
          : { kind: 'broadcast', ifname: ingress.ifname, port: CLIENT_PORT });
    return {
      kind: 'reply',
      route,
      payload: w.finish(),
      release: () => {
        this.releases[index]!++;
        this.pool.release(slot);
      },
    };
  }
}

export interface RequestFields {
  readonly xid: number;
  readonly type?: number;
  readonly giaddr?: number;
  readonly ciaddr?: number;
  readonly flags?: number;
}

/** A BOOTREQUEST (DISCOVER unless `type` says otherwise), as a client or relay would send it. */
export function encodeRequest(f: RequestFields): Buffer {
  const buf = Buffer.alloc(600);
  const w = new Writer(buf);
  encodeDhcp4(
    {
      op: 1,
      htype: 1,
      hops: f.giaddr === undefined || f.giaddr === 0 ? 0 : 1,
      xid: f.xid,
      flags: f.flags ?? 0,
      ciaddr: f.ciaddr ?? 0,
      yiaddr: 0,
      siaddr: 0,
      giaddr: f.giaddr ?? 0,
      chaddr: Uint8Array.of(0x02, 0, 0, 0, (f.xid >>> 8) & 0xff, f.xid & 0xff),
      options: [{ code: Dhcp4Opt.MessageType, data: Uint8Array.of(f.type ?? Dhcp4MessageType.Discover) }],
    },
    w,
  );
  return buf.subarray(0, w.length);
}

export interface ReplySummary {
  readonly xid: number;
  readonly messageType: number | undefined;
  /** Option 54 as dotted quad. */
  readonly serverId: string | undefined;
  /** Option 224: the server's ingress interface. */
  readonly ingressIfname: string | undefined;
}

export function summarizeReply(buf: Uint8Array): ReplySummary | undefined {
  const d = decodeDhcp4(buf);
  if (!d.ok || d.value.op !== 2) return undefined;
  const opt = (code: number) => d.value.options.find((o) => o.code === code)?.data;
  const sid = opt(Dhcp4Opt.ServerIdentifier);
  const ifn = opt(OPT_INGRESS_IFNAME);
  return {
    xid: d.value.xid,
    messageType: opt(Dhcp4Opt.MessageType)?.[0],
    serverId: sid?.length === 4 ? `${sid[0]}.${sid[1]}.${sid[2]}.${sid[3]}` : undefined,
    ingressIfname: ifn === undefined ? undefined : Buffer.from(ifn).toString('latin1'),
  };
}
