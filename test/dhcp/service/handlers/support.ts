// Shared by the handler tests: client facts from captured packets, SMD snapshots, one-handler runs.
import { readFileSync } from 'node:fs';
import { macToBytes } from '../../../../src/wire/addr.ts';
import { decodeDhcp4Request } from '../../../../src/dhcp/v4/decode.ts';
import { classifyClient, type Dhcp4ClientInfo } from '../../../../src/dhcp/service/client-info.ts';
import type { Dhcp4Handler, Dhcp4Ingress, Dhcp4Request, Dhcp4Verdict } from '../../../../src/dhcp/service/chain.ts';
import { newDraft, stubReplyType, type Dhcp4Draft } from '../../../../src/dhcp/service/draft.ts';
import { parseInventoryDocument } from '../../../../src/smd/inventory-document.ts';
import { buildSnapshot, type Snapshot } from '../../../../src/smd/snapshot.ts';
import { fixture } from '../../v4/support.ts';
import { ingress, ip, request, type RequestSpec } from '../support.ts';

export { ingress, ip, request };

/** ClientInfo for a datagram, as the server core computes it. */
export function infoOf(datagram: Uint8Array): Dhcp4ClientInfo {
  const d = decodeDhcp4Request(datagram);
  if (!d.ok) throw d.error;
  const info = classifyClient(d.value.view, d.value.options, false);
  if (info === undefined) throw new Error('not a DHCP request');
  return info;
}

/** A client's request built from fields (test/dhcp/service/support.ts request()). */
export function infoFor(spec: RequestSpec): Dhcp4ClientInfo {
  return infoOf(request(spec));
}

/** A captured request with its chaddr (and giaddr) rewritten, so it hits a known SMD entry. */
export function fixtureAs(name: string, mac: string, giaddr?: string): Uint8Array {
  const bytes = Uint8Array.from(fixture(name));
  bytes.set(macToBytes(mac)!, 28); // chaddr, RFC 2131 §2
  if (giaddr !== undefined) {
    const g = ip(giaddr);
    bytes.set([g >>> 24, (g >>> 16) & 255, (g >>> 8) & 255, g & 255], 24);
  }
  return bytes;
}

export function fixtureInfo(name: string, mac: string, giaddr?: string): Dhcp4ClientInfo {
  return infoOf(fixtureAs(name, mac, giaddr));
}

const EXAMPLE = new URL('../../../../examples/inventory.json', import.meta.url);

interface InventoryJson {
  EthernetInterfaces: unknown[];
  Components: unknown[];
}

/** examples/inventory.json plus extra interfaces and components (SMD JSON shapes). */
export function exampleSnapshot(extra: { interfaces?: unknown[]; components?: unknown[] } = {}): Snapshot {
  const doc = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as InventoryJson;
  doc.EthernetInterfaces.push(...(extra.interfaces ?? []));
  doc.Components.push(...(extra.components ?? []));
  return buildSnapshot(parseInventoryDocument(JSON.stringify(doc), 'inventory.json'), { fetchedAt: 0, source: 'test' });
}

/** One SMD node: an interface (IPs in the given order) and its component. */
export function node(mac: string, id: string, ips: string[], nid?: number, type = 'Node'): { iface: unknown; comp: unknown } {
  return {
    iface: { ID: mac.replaceAll(':', ''), MACAddress: mac, ComponentID: id, Type: type, IPAddresses: ips.map((a) => ({ IPAddress: a })) },
    comp: nid === undefined ? { ID: id, Type: type } : { ID: id, Type: type, NID: nid },
  };
}

export function requestOf(info: Dhcp4ClientInfo, over: Partial<Dhcp4Ingress> = {}): Dhcp4Request {
  return { info, ingress: ingress(over), receivedAt: 0 };
}

/** The draft the server core hands the chain: our address pre-filled, type from the request. */
export function draftFor(info: Dhcp4ClientInfo, serverAddress = ip('172.16.0.253')): Dhcp4Draft {
  return newDraft(stubReplyType(info.messageType) ?? 0, serverAddress);
}

/** Runs one handler on one request; the handler must answer synchronously. */
export function runOne(h: Dhcp4Handler, info: Dhcp4ClientInfo, over: Partial<Dhcp4Ingress> = {}): { verdict: Dhcp4Verdict; draft: Dhcp4Draft } {
  const draft = draftFor(info, over.serverAddress ?? ip('172.16.0.253'));
  const v = h.handle(requestOf(info, over), draft);
  if (typeof v !== 'string') throw new Error(`${h.name} answered asynchronously`);
  return { verdict: v, draft };
}

export function textOf(bytes: Uint8Array | undefined): string | undefined {
  return bytes === undefined ? undefined : Buffer.from(bytes).toString('latin1');
}

export function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}
