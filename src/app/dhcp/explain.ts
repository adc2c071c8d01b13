// Building blocks of `coresmd explain`: a synthetic client request and a readable description
// of the server's outcome (the reply's fields and options by name, the route, the decisions),
// for DHCPv4 and, with `--v6`, for DHCPv6.
import { Writer } from '../../wire/writer.ts';
import { formatIPv4, ipv4FromBytes, macToBytes } from '../../wire/addr.ts';
import { Dhcp4Opt, messageTypeName, nameOf } from '../../dhcp/v4/constants.ts';
import { decodeDhcp4 } from '../../dhcp/v4/decode.ts';
import { encodeDhcp4 } from '../../dhcp/v4/encode.ts';
import type { Dhcp4Option } from '../../dhcp/v4/model.ts';
import type { Dhcp4Outcome } from '../../dhcp/service/server4.ts';
import type { Dhcp4Route } from '../../dhcp/service/route.ts';
import { Dhcp6MessageType, Dhcp6Opt, messageTypeName as messageTypeName6, nameOf as nameOf6, statusName } from '../../dhcp/v6/constants.ts';
import { decodeDhcp6 } from '../../dhcp/v6/decode.ts';
import { formatDuid } from '../../dhcp/v6/duid.ts';
import { byteLength as byteLength6, encodeDhcp6 } from '../../dhcp/v6/encode.ts';
import type { Dhcp6Option, Dhcp6Packet } from '../../dhcp/v6/model.ts';
import { opaqueList, u16List, vendorClass } from '../../dhcp/v6/option-values.ts';
import type { Dhcp6Outcome } from '../../dhcp/service/v6/server6.ts';

export interface SyntheticRequest {
  readonly type: number;
  readonly mac: string;
  readonly giaddr: number;
  readonly requestedIp: number;
  readonly arch?: number;
  readonly userClass?: string;
  readonly vendorClass?: string;
}

const enc = new TextEncoder();

export function syntheticRequest(r: SyntheticRequest): Uint8Array {
  const options: Dhcp4Option[] = [{ code: Dhcp4Opt.MessageType, data: Uint8Array.of(r.type) }];
  if (r.requestedIp !== 0) options.push({ code: Dhcp4Opt.RequestedIpAddress, data: Uint8Array.of(r.requestedIp >>> 24, (r.requestedIp >>> 16) & 255, (r.requestedIp >>> 8) & 255, r.requestedIp & 255) });
  if (r.vendorClass !== undefined) options.push({ code: Dhcp4Opt.VendorClassIdentifier, data: enc.encode(r.vendorClass) });
  // iPXE sends its user class as a plain string (spec coresmd-dhcp §5.1 step 6).
  if (r.userClass !== undefined) options.push({ code: Dhcp4Opt.UserClass, data: enc.encode(r.userClass) });
  if (r.arch !== undefined) options.push({ code: Dhcp4Opt.ClientArch, data: Uint8Array.of(r.arch >> 8, r.arch & 255) });
  const buf = new Uint8Array(1024);
  const w = new Writer(buf);
  encodeDhcp4(
    { op: 1, htype: 1, hops: r.giaddr === 0 ? 0 : 1, xid: 0x45585031, flags: 0, ciaddr: 0, yiaddr: 0, siaddr: 0, giaddr: r.giaddr, chaddr: macToBytes(r.mac)!, options },
    w,
    { maxSize: 1024 },
  );
  return Uint8Array.from(w.finish());
}

const IP_OPTIONS = new Set<number>([Dhcp4Opt.SubnetMask, Dhcp4Opt.ServerIdentifier, Dhcp4Opt.RequestedIpAddress]);
const IP_LIST_OPTIONS = new Set<number>([Dhcp4Opt.Router, Dhcp4Opt.DomainNameServer, Dhcp4Opt.NtpServers]);
const TEXT_OPTIONS = new Set<number>([Dhcp4Opt.HostName, Dhcp4Opt.DomainName, Dhcp4Opt.RootPath, Dhcp4Opt.BootfileName, Dhcp4Opt.VendorClassIdentifier, Dhcp4Opt.Message, Dhcp4Opt.TftpServerName]);

function optionValue(code: number, data: Uint8Array): string | number {
  if (code === Dhcp4Opt.MessageType) return messageTypeName(data[0] ?? 0);
  if (IP_OPTIONS.has(code) && data.length === 4) return formatIPv4(ipv4FromBytes(data));
  if (IP_LIST_OPTIONS.has(code) && data.length % 4 === 0) {
    return Array.from({ length: data.length / 4 }, (_, i) => formatIPv4(ipv4FromBytes(data, i * 4))).join(' ');
  }
  if (TEXT_OPTIONS.has(code)) return new TextDecoder('latin1').decode(data);
  if (code === Dhcp4Opt.IpAddressLeaseTime && data.length === 4) return ipv4FromBytes(data);
  return Buffer.from(data).toString('hex');
}

function routeText(r: Dhcp4Route): string {
  return r.kind === 'broadcast' ? `broadcast 255.255.255.255:${r.port} on ${r.ifname || 'the default interface'}` : `${r.kind} ${formatIPv4(r.address)}:${r.port}`;
}

export function describeReply(outcome: Dhcp4Outcome): Record<string, unknown> {
  const decidedBy = outcome.decisions?.map((d) => ({ plugin: d.plugin, ...(d.rule === undefined ? {} : { rule: d.rule }), reason: d.reason })) ?? [];
  if (outcome.kind === 'drop') return { outcome: 'drop', reason: outcome.reason, decisions: decidedBy };
  const decoded = decodeDhcp4(outcome.payload);
  if (!decoded.ok) return { outcome: 'reply', error: decoded.error.message, decisions: decidedBy };
  const m = decoded.value;
  const text = (b: Uint8Array | undefined) => (b === undefined || b.length === 0 ? '' : new TextDecoder('latin1').decode(b));
  return {
    outcome: 'reply',
    route: routeText(outcome.route),
    reply: {
      type: messageTypeName(outcome.replyType),
      yiaddr: formatIPv4(m.yiaddr),
      siaddr: formatIPv4(m.siaddr),
      file: text(m.file),
      options: Object.fromEntries(m.options.map((o) => [`${o.code} ${nameOf(o.code)}`, optionValue(o.code, o.data)])),
    },
    decisions: decidedBy,
  };
}

//------------ DHCPv6 (`coresmd explain --v6`) ----------------------------------------------

export interface SyntheticRequest6 {
  /** SOLICIT, REQUEST, … (Dhcp6MessageType). */
  readonly type: number;
  /** DUID bytes of the client; absent only for an anonymous INFORMATION-REQUEST. */
  readonly duid: Uint8Array | undefined;
  /** Our DUID, for the types that must name the server (RFC 8415 §16). */
  readonly serverDuid: Uint8Array;
  /** An address the client holds (REQUEST, RENEW, REBIND, CONFIRM, RELEASE, DECLINE). */
  readonly address?: Uint8Array;
  readonly arch?: number;
  readonly userClass?: string;
  readonly vendorClass?: string;
  readonly rapidCommit?: boolean;
  /** Wrap in one RELAY-FORW with this link-address; the client is `peer` on that link. */
  readonly relay?: { readonly linkAddress: Uint8Array; readonly peerAddress: Uint8Array };
}

const WITH_SERVER_ID: ReadonlySet<number> = new Set([Dhcp6MessageType.Request, Dhcp6MessageType.Renew, Dhcp6MessageType.Release, Dhcp6MessageType.Decline]);

/** A client message (in a RELAY-FORW when `relay` is set), asking for DNS, search list, FQDN and boot URL. */
export function syntheticRequest6(r: SyntheticRequest6): Uint8Array {
  const options: Dhcp6Option[] = [];
  if (r.duid !== undefined) options.push({ code: Dhcp6Opt.ClientId, data: r.duid });
  if (WITH_SERVER_ID.has(r.type)) options.push({ code: Dhcp6Opt.ServerId, data: r.serverDuid });
  if (r.rapidCommit === true && r.type === Dhcp6MessageType.Solicit) options.push({ code: Dhcp6Opt.RapidCommit, data: new Uint8Array(0) });
  options.push({ code: Dhcp6Opt.Oro, data: u16List([Dhcp6Opt.DnsServers, Dhcp6Opt.DomainList, Dhcp6Opt.ClientFqdn, Dhcp6Opt.BootfileUrl]) });
  options.push({ code: Dhcp6Opt.ElapsedTime, data: Uint8Array.of(0, 0) });
  if (r.type !== Dhcp6MessageType.InformationRequest) {
    const held = r.address === undefined || r.type === Dhcp6MessageType.Solicit ? [] : [{ code: Dhcp6Opt.IaAddr, address: r.address, preferredLifetime: 0, validLifetime: 0 } as const];
    options.push({ code: Dhcp6Opt.IaNa, iaid: 1, t1: 0, t2: 0, options: held });
  }
  if (r.arch !== undefined) options.push({ code: Dhcp6Opt.ClientArchType, data: u16List([r.arch]) });
  if (r.userClass !== undefined) options.push({ code: Dhcp6Opt.UserClass, data: opaqueList([r.userClass]) });
  // UEFI sends its vendor class under Intel's enterprise number (343).
  if (r.vendorClass !== undefined) options.push({ code: Dhcp6Opt.VendorClass, data: vendorClass(343, [r.vendorClass]) });
  const message: Dhcp6Packet = { msgType: r.type, transactionId: 0x455850, options };
  const packet: Dhcp6Packet =
    r.relay === undefined
      ? message
      : { msgType: Dhcp6MessageType.RelayForw, hopCount: 0, linkAddress: r.relay.linkAddress, peerAddress: r.relay.peerAddress, options: [{ code: Dhcp6Opt.RelayMsg, message }] };
  const buf = new Uint8Array(byteLength6(packet));
  encodeDhcp6(packet, new Writer(buf));
  return buf;
}

function status6(s: { status: number; message: string } | undefined): string | undefined {
  return s === undefined ? undefined : `${statusName(s.status)}${s.message === '' ? '' : `: ${s.message}`}`;
}

/** The v6 outcome: reply type, route, relay layers, IAs and options by name, decisions. */
export function describeReply6(outcome: Dhcp6Outcome): Record<string, unknown> {
  const decisions = outcome.decisions?.map((d) => ({ plugin: d.plugin, ...(d.rule === undefined ? {} : { rule: d.rule }), reason: d.reason })) ?? [];
  if (outcome.kind === 'drop') return { outcome: 'drop', reason: outcome.reason, decisions };
  const decoded = decodeDhcp6(Uint8Array.from(outcome.payload));
  if (!decoded.ok) return { outcome: 'reply', error: decoded.error.message, decisions };
  const { relays, message } = decoded.value;
  const o = message.options;
  const options: Record<string, unknown> = {};
  for (const code of o.codes()) {
    const key = `${code} ${nameOf6(code)}`;
    switch (code) {
      case Dhcp6Opt.ClientId:
      case Dhcp6Opt.ServerId:
        options[key] = formatDuid(o.bytes(code)!);
        break;
      case Dhcp6Opt.IaNa:
        options[key] = o.iaNa().map((ia) => ({
          iaid: ia.iaid,
          t1: ia.t1,
          t2: ia.t2,
          addresses: ia.options.iaAddrs().map((a) => ({ address: a.addressText, preferred: a.preferredLifetime, valid: a.validLifetime })),
          ...(ia.options.statusCode() === undefined ? {} : { status: status6(ia.options.statusCode()) }),
        }));
        break;
      case Dhcp6Opt.StatusCode:
        options[key] = status6(o.statusCode());
        break;
      case Dhcp6Opt.RapidCommit:
        options[key] = true;
        break;
      case Dhcp6Opt.DnsServers:
        options[key] = o.dnsServers()?.join(' ');
        break;
      case Dhcp6Opt.DomainList:
        options[key] = o.domainList()?.join(' ');
        break;
      case Dhcp6Opt.ClientFqdn:
        options[key] = o.fqdn()?.name;
        break;
      case Dhcp6Opt.BootfileUrl:
        options[key] = o.bootFileUrl();
        break;
      case Dhcp6Opt.VendorClass:
        options[key] = o.vendorClass().map((v) => `${v.enterpriseNumber}: ${v.classes.join(',')}`).join('; ');
        break;
      default:
        options[key] = Buffer.from(o.bytes(code)!).toString('hex');
    }
  }
  return {
    outcome: 'reply',
    route: `${outcome.route.kind} [${outcome.route.address}]:${outcome.route.port}`,
    ...(relays.length === 0 ? {} : { relayLayers: relays.map((r) => ({ linkAddress: r.linkAddressText, peerAddress: r.peerAddressText })) }),
    reply: { type: messageTypeName6(message.msgType), options },
    decisions,
  };
}
