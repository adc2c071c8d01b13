// Builders for DHCPv4 requests and a tiny in-memory ingress, shared by the service tests.
import { Writer } from '../../../src/wire/writer.ts';
import { macToBytes, parseIPv4 } from '../../../src/wire/addr.ts';
import { encodeDhcp4 } from '../../../src/dhcp/v4/encode.ts';
import { decodeDhcp4 } from '../../../src/dhcp/v4/decode.ts';
import type { Dhcp4Message, Dhcp4Option } from '../../../src/dhcp/v4/model.ts';
import { Dhcp4Opt } from '../../../src/dhcp/v4/constants.ts';
import type { Dhcp4Ingress } from '../../../src/dhcp/service/chain.ts';

export const ip = (s: string): number => {
  const v = parseIPv4(s);
  if (v === undefined) throw new Error(`bad IPv4 ${s}`);
  return v;
};

export interface RequestSpec {
  type: number;
  mac?: string;
  xid?: number;
  ciaddr?: string;
  giaddr?: string;
  flags?: number;
  requestedIp?: string;
  serverId?: string;
  options?: Dhcp4Option[];
}

/** Encodes a BOOTREQUEST the way a client would send it. */
export function request(spec: RequestSpec): Uint8Array {
  const options: Dhcp4Option[] = [{ code: Dhcp4Opt.MessageType, data: Uint8Array.of(spec.type) }];
  if (spec.requestedIp !== undefined) options.push({ code: Dhcp4Opt.RequestedIpAddress, data: ipBytes(spec.requestedIp) });
  if (spec.serverId !== undefined) options.push({ code: Dhcp4Opt.ServerIdentifier, data: ipBytes(spec.serverId) });
  options.push(...(spec.options ?? []));
  const msg: Dhcp4Message = {
    op: 1,
    htype: 1,
    xid: spec.xid ?? 0x1234abcd,
    flags: spec.flags ?? 0,
    ciaddr: spec.ciaddr === undefined ? 0 : ip(spec.ciaddr),
    yiaddr: 0,
    siaddr: 0,
    giaddr: spec.giaddr === undefined ? 0 : ip(spec.giaddr),
    chaddr: macToBytes(spec.mac ?? '52:54:00:be:ef:01')!,
    options,
  };
  const buf = new Uint8Array(1500);
  const w = new Writer(buf);
  encodeDhcp4(msg, w, { maxSize: 1500 });
  return Uint8Array.from(w.finish());
}

export function ipBytes(s: string): Uint8Array {
  const v = ip(s);
  return Uint8Array.of(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
}

export function ingress(over: Partial<Dhcp4Ingress> = {}): Dhcp4Ingress {
  return { ifname: 'eth1', serverAddress: ip('172.16.0.253'), serverPrefix: 24, srcAddress: 0, srcPort: 68, broadcast: true, ...over };
}

/** Decodes a reply payload into a model with an option lookup. */
export function reply(payload: Uint8Array) {
  const r = decodeDhcp4(payload);
  if (!r.ok) throw r.error;
  const m = r.value;
  return Object.assign(m, {
    opt: (code: number) => m.options.find((o) => o.code === code)?.data,
  });
}
