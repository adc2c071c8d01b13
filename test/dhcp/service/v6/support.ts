// Builders shared by the DHCPv6 service tests: client messages and RELAY-FORW layers encoded by
// our codec, an in-memory ingress, reply decoding, and an SMD snapshot with IPv6 addresses.
import { Writer } from '../../../../src/wire/writer.ts';
import { formatIPv6, parseIPv6 } from '../../../../src/wire/addr.ts';
import { Dhcp6MessageType, Dhcp6Opt } from '../../../../src/dhcp/v6/constants.ts';
import { decodeDhcp6 } from '../../../../src/dhcp/v6/decode.ts';
import { parseDuid } from '../../../../src/dhcp/v6/duid.ts';
import { byteLength, encodeDhcp6 } from '../../../../src/dhcp/v6/encode.ts';
import type { Dhcp6Option } from '../../../../src/dhcp/v6/model.ts';
import { linkLayerAddress, opaqueList, u16List, vendorClass } from '../../../../src/dhcp/v6/option-values.ts';
import type { Dhcp6Ingress, Dhcp6LinkAddress } from '../../../../src/dhcp/service/v6/chain.ts';
import { classifyClient6, type Dhcp6ClientInfo } from '../../../../src/dhcp/service/v6/client-info.ts';
import { macToBytes } from '../../../../src/wire/addr.ts';

export { fixture } from '../../v6/support.ts';
export { exampleSnapshot, node } from '../handlers/support.ts';

export const T = Dhcp6MessageType;

export function v6(text: string): Uint8Array {
  const b = parseIPv6(text);
  if (b === undefined) throw new Error(`bad IPv6 ${text}`);
  return b;
}

export function duid(text: string): Uint8Array {
  const d = parseDuid(text);
  if (d === undefined) throw new Error(`bad DUID ${text}`);
  return d;
}

export const SERVER_DUID = duid('LL 02:00:00:00:00:fe');
export const KNOWN_MAC = '52:54:00:d6:00:01';

export function encode(p: Parameters<typeof encodeDhcp6>[0]): Uint8Array {
  const buf = new Uint8Array(byteLength(p));
  encodeDhcp6(p, new Writer(buf));
  return buf;
}

export interface ClientSpec {
  /** Client DUID text; `LLT <KNOWN_MAC>` by default; null for none. */
  duid?: string | null;
  /** Server DUID bytes to include (REQUEST, RENEW, …); SERVER_DUID by default for those types. */
  serverId?: Uint8Array | null;
  /** IA_NA IAIDs with addresses; one IAID 1 without address by default; [] for none. */
  iaNa?: { iaid: number; addresses?: string[] }[];
  iaTa?: number[];
  iaPd?: number[];
  oro?: number[];
  rapidCommit?: boolean;
  arch?: number;
  userClass?: string;
  vendorClass?: string;
  fqdn?: boolean;
  xid?: number;
  extra?: Dhcp6Option[];
}

const NEEDS_SERVER_ID: ReadonlySet<number> = new Set([T.Request, T.Renew, T.Release, T.Decline]);

/** A client message of `type`, encoded as the client would send it. */
export function clientMessage(type: number, spec: ClientSpec = {}): Uint8Array {
  const options: Dhcp6Option[] = [];
  const d = spec.duid === undefined ? `LLT ${KNOWN_MAC} time=849016061` : spec.duid;
  if (d !== null) options.push({ code: Dhcp6Opt.ClientId, data: duid(d) });
  const sid = spec.serverId === undefined ? (NEEDS_SERVER_ID.has(type) ? SERVER_DUID : null) : spec.serverId;
  if (sid !== null) options.push({ code: Dhcp6Opt.ServerId, data: sid });
  if (spec.rapidCommit === true) options.push({ code: Dhcp6Opt.RapidCommit, data: new Uint8Array(0) });
  options.push({ code: Dhcp6Opt.Oro, data: u16List(spec.oro ?? [23, 24]) });
  options.push({ code: Dhcp6Opt.ElapsedTime, data: Uint8Array.of(0, 0) });
  const iaNa = spec.iaNa ?? (type === T.InformationRequest ? [] : [{ iaid: 1 }]);
  for (const ia of iaNa) {
    options.push({
      code: Dhcp6Opt.IaNa,
      iaid: ia.iaid,
      t1: 0,
      t2: 0,
      options: (ia.addresses ?? []).map((a) => ({ code: Dhcp6Opt.IaAddr, address: v6(a), preferredLifetime: 0, validLifetime: 0 })),
    });
  }
  for (const iaid of spec.iaTa ?? []) options.push({ code: Dhcp6Opt.IaTa, data: Uint8Array.of(0, 0, 0, iaid) });
  for (const iaid of spec.iaPd ?? []) options.push({ code: Dhcp6Opt.IaPd, data: Uint8Array.of(0, 0, 0, iaid, 0, 0, 0, 0, 0, 0, 0, 0) });
  if (spec.arch !== undefined) options.push({ code: Dhcp6Opt.ClientArchType, data: u16List([spec.arch]) });
  if (spec.userClass !== undefined) options.push({ code: Dhcp6Opt.UserClass, data: opaqueList([spec.userClass]) });
  if (spec.vendorClass !== undefined) options.push({ code: Dhcp6Opt.VendorClass, data: vendorClass(343, [spec.vendorClass]) });
  if (spec.fqdn === true) options.push({ code: Dhcp6Opt.ClientFqdn, flags: 0, name: 'client.example' });
  options.push(...(spec.extra ?? []));
  return encode({ msgType: type, transactionId: spec.xid ?? 0x123456, options });
}

export interface RelaySpec {
  link?: string;
  peer?: string;
  hopCount?: number;
  interfaceId?: string;
  /** Option 79 MAC. */
  clientMac?: string;
  /** RFC 8357 Relay Source Port option. */
  sourcePort?: number;
}

/** Wraps `inner` (a client message or RELAY-FORW) in one RELAY-FORW layer. */
export function relayForw(inner: Uint8Array, spec: RelaySpec = {}): Uint8Array {
  const options: Dhcp6Option[] = [];
  if (spec.interfaceId !== undefined) options.push({ code: Dhcp6Opt.InterfaceId, data: new TextEncoder().encode(spec.interfaceId) });
  if (spec.clientMac !== undefined) options.push({ code: Dhcp6Opt.ClientLinkLayerAddr, data: linkLayerAddress(1, macToBytes(spec.clientMac)!) });
  if (spec.sourcePort !== undefined) options.push({ code: Dhcp6Opt.RelaySourcePort, data: Uint8Array.of(spec.sourcePort >> 8, spec.sourcePort & 0xff) });
  options.push({ code: Dhcp6Opt.RelayMsg, data: inner });
  return encode({
    msgType: T.RelayForw,
    hopCount: spec.hopCount ?? 0,
    linkAddress: v6(spec.link ?? '2001:db8:2::1'),
    peerAddress: v6(spec.peer ?? 'fe80::5054:ff:fed6:1'),
    options,
  });
}

function linkAddress(text: string, prefix: number): Dhcp6LinkAddress {
  const address = v6(text);
  return { address, prefix, text: formatIPv6(address), linkLocal: address[0] === 0xfe && (address[1]! & 0xc0) === 0x80 };
}

export const LAN_ADDRESSES: readonly Dhcp6LinkAddress[] = [linkAddress('2001:db8:1::1', 64), linkAddress('fe80::1', 64)];

/** A direct client on eth1 (link-local source with its zone), or a relay's source when relayed. */
export function ingress(over: Partial<Dhcp6Ingress> = {}): Dhcp6Ingress {
  return { ifname: 'eth1', srcAddress: 'fe80::5054:ff:fed6:1%eth1', srcPort: 546, serverAddresses: LAN_ADDRESSES, ...over };
}

/** Ingress of a RELAY-FORW from 2001:db8:ff::2 on the uplink. */
export function relayIngress(over: Partial<Dhcp6Ingress> = {}): Dhcp6Ingress {
  return { ifname: 'up0', srcAddress: '2001:db8:ff::2', srcPort: 547, serverAddresses: [linkAddress('2001:db8:ff::1', 64)], ...over };
}

export function infoOf(datagram: Uint8Array, srcAddress = 'fe80::5054:ff:fed6:1%eth1'): Dhcp6ClientInfo {
  const d = decodeDhcp6(datagram);
  if (!d.ok) throw d.error;
  return classifyClient6(d.value, srcAddress);
}

/** A decoded reply: the relay layers and the inner message with an option lookup. */
export function decodeReply(payload: Uint8Array) {
  const r = decodeDhcp6(Uint8Array.from(payload));
  if (!r.ok) throw r.error;
  const { relays, message } = r.value;
  const o = message.options;
  const iaNa = o.iaNa().map((ia) => ({
    iaid: ia.iaid,
    t1: ia.t1,
    t2: ia.t2,
    addresses: ia.options.iaAddrs().map((a) => ({ address: a.addressText, preferred: a.preferredLifetime, valid: a.validLifetime })),
    status: ia.options.statusCode(),
  }));
  return { relays, type: message.msgType, xid: message.transactionId, options: o, iaNa, status: o.statusCode(), codes: o.codes() };
}
