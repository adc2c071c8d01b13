// Building blocks of `coresmd explain`: a synthetic client request and a readable description
// of the server's outcome (the reply's fields and options by name, the route, the decisions).
import { Writer } from '../../wire/writer.ts';
import { formatIPv4, ipv4FromBytes, macToBytes } from '../../wire/addr.ts';
import { Dhcp4Opt, messageTypeName, nameOf } from '../../dhcp/v4/constants.ts';
import { decodeDhcp4 } from '../../dhcp/v4/decode.ts';
import { encodeDhcp4 } from '../../dhcp/v4/encode.ts';
import type { Dhcp4Option } from '../../dhcp/v4/model.ts';
import type { Dhcp4Outcome } from '../../dhcp/service/server4.ts';
import type { Dhcp4Route } from '../../dhcp/service/route.ts';

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
