// classifyClient6: the facts about one DHCPv6 request that handlers need, computed once from the
// zero-copy views (the DHCPv4 classifyClient's counterpart). Everything is copied out of the
// datagram, so a ClientInfo may outlive it; handlers never see byte offsets.
//
// The client's MAC, which SMD is keyed by, has no field of its own in DHCPv6. The candidates, in
// the order they are tried (coresmd's ExtractMAC looks at the relay first too, spec
// coresmd-dhcp §6.2):
//   1. option 79, Client Link-Layer Address (RFC 6939), of the innermost relay: the relay saw
//      the frame, so it is the interface's own address;
//   2. the modified EUI-64 interface identifier (RFC 4291 Appendix A) of the client's source
//      address: the innermost relay's peer-address, or the link-local source of a direct
//      client. UEFI firmware sends a DUID-UUID, and this is where its MAC is;
//   3. the DUID, when it is DUID-LL or DUID-LLT with an Ethernet address (RFC 8415 §11.2, §11.4).
//      It names one interface of the host, not necessarily the one asking.
// The original takes the DUID only for a direct client, and for a relayed one 79, then the
// peer-address, then the DUID.
import { formatIPv6, parseIPv6 } from '../../../wire/addr.ts';
import { WireError } from '../../../wire/errors.ts';
import { Dhcp6Opt } from '../../v6/constants.ts';
import type { Dhcp6Decoded } from '../../v6/decode.ts';
import { formatDuid, macFromDuid } from '../../v6/duid.ts';
import { macFromEui64, macFromLinkLayerAddress } from '../../v6/link-layer.ts';
import type { Dhcp6Options } from '../../v6/options.ts';
import { readU32 } from '../../v6/option-values.ts';
import type { Dhcp6RelayView } from '../../v6/relay.ts';

export type Dhcp6MacSource = 'relay-option-79' | 'eui-64' | 'duid';

export interface Dhcp6MacCandidate {
  /** Lowercase colon form. */
  readonly mac: string;
  readonly source: Dhcp6MacSource;
}

export interface Dhcp6IaAddress {
  /** 16 bytes. */
  readonly address: Uint8Array;
  readonly text: string;
}

/** An IA_NA as the client sent it: its IAID and the addresses it holds or hints at. */
export interface Dhcp6IaRequest {
  readonly iaid: number;
  readonly addresses: readonly Dhcp6IaAddress[];
}

/** One RELAY-FORW layer, copied: what the RELAY-REPL echoes (RFC 8415 §19.3). */
export interface Dhcp6RelayLayer {
  readonly hopCount: number;
  readonly linkAddress: Uint8Array;
  readonly peerAddress: Uint8Array;
  readonly interfaceId: Uint8Array | undefined;
  /** RFC 8357 Relay Source Port option: the relay wants the reply on the port it sent from. */
  readonly sourcePort: boolean;
}

export interface Dhcp6ClientInfo {
  readonly messageType: number;
  readonly transactionId: number;
  /** Client Identifier DUID bytes; undefined when absent or malformed. */
  readonly clientId: Uint8Array | undefined;
  /** formatDuid of clientId, '' when none. */
  readonly duidText: string;
  /** Server Identifier DUID bytes as sent. */
  readonly serverId: Uint8Array | undefined;
  /** True when option 2 was present, even malformed. */
  readonly hasServerId: boolean;
  /** The first candidate MAC, or undefined when there is none. */
  readonly mac: string | undefined;
  readonly macSource: Dhcp6MacSource | undefined;
  /** Every distinct candidate, in the order they are tried (see the header). */
  readonly macCandidates: readonly Dhcp6MacCandidate[];
  readonly iaNa: readonly Dhcp6IaRequest[];
  /** IAIDs of IA_TA and IA_PD options, which this server does not assign. */
  readonly iaTa: readonly number[];
  readonly iaPd: readonly number[];
  /** Option Request (§21.7); undefined when the client sent none. */
  readonly oro: readonly number[] | undefined;
  readonly rapidCommit: boolean;
  /** Option 61, first entry (RFC 5970 §3.3). */
  readonly arch: number | undefined;
  readonly archList: readonly number[];
  /** User Class items (§21.15), latin1. */
  readonly userClasses: readonly string[];
  /** iPXE sends user class `iPXE` (spec coresmd-dhcp §6.5). */
  readonly isIpxe: boolean;
  /** Vendor Class items (§21.16) of every enterprise, latin1. */
  readonly vendorClasses: readonly string[];
  /** UEFI HTTP boot clients send vendor class `HTTPClient:Arch:…`. */
  readonly isHttpClient: boolean;
  /** Option 39 as sent. */
  readonly fqdn: { readonly flags: number; readonly name: string } | undefined;
  /** RELAY-FORW layers, outermost first (decodeDhcp6 order); empty for a direct client. */
  readonly relays: readonly Dhcp6RelayLayer[];
  /** The innermost relay's link-address when it is not `::`: an address on the client's link. */
  readonly linkAddress: Uint8Array | undefined;
  /** The client's own source address: the innermost peer-address, or the datagram's source. */
  readonly clientAddress: string;
  /** Options whose value could not be read; the request is still served. */
  readonly badOptions: readonly string[];
}

function tryRead<T>(bad: string[], name: string, read: () => T): T | undefined {
  try {
    return read();
  } catch (e) {
    if (e instanceof WireError) {
      bad.push(`${name}: ${e.code} (${e.field})`);
      return undefined;
    }
    throw e;
  }
}

function copyRelay(r: Dhcp6RelayView): Dhcp6RelayLayer {
  const id = r.interfaceId;
  return Object.freeze({
    hopCount: r.hopCount,
    linkAddress: Uint8Array.from(r.linkAddress),
    peerAddress: Uint8Array.from(r.peerAddress),
    interfaceId: id === undefined ? undefined : Uint8Array.from(id),
    sourcePort: r.options.has(Dhcp6Opt.RelaySourcePort),
  });
}

const isUnspecified = (a: Uint8Array) => a.every((b) => b === 0);
const isLinkLocal = (a: Uint8Array) => a[0] === 0xfe && ((a[1] ?? 0) & 0xc0) === 0x80;

/** Text address without its zone; the 16 bytes, or undefined. */
export function addressBytes(text: string): Uint8Array | undefined {
  const pct = text.indexOf('%');
  return parseIPv6(pct === -1 ? text : text.slice(0, pct));
}

function iaNaOf(opts: Dhcp6Options, bad: string[]): Dhcp6IaRequest[] {
  const out: Dhcp6IaRequest[] = [];
  for (const ia of tryRead(bad, 'IA_NA', () => opts.iaNa()) ?? []) {
    const addrs = tryRead(bad, `IA_NA ${ia.iaid} IAADDR`, () => ia.options.iaAddrs()) ?? [];
    out.push(Object.freeze({ iaid: ia.iaid, addresses: addrs.map((a) => Object.freeze({ address: Uint8Array.from(a.address), text: a.addressText })) }));
  }
  return out;
}

/** IAIDs of IA_TA (iaid + options) or IA_PD (iaid, T1, T2 + options); short ones are skipped. */
function iaidsOf(opts: Dhcp6Options, code: number, minLength: number, bad: string[]): number[] {
  const out: number[] = [];
  for (const data of opts.all(code)) {
    if (data.length < minLength) bad.push(`option ${code}: ${data.length} bytes, want at least ${minLength}`);
    else out.push(readU32(data, 0));
  }
  return out;
}

function macCandidates(relays: readonly Dhcp6RelayView[], src: Uint8Array | undefined, clientId: Uint8Array | undefined, bad: string[]): Dhcp6MacCandidate[] {
  const out: Dhcp6MacCandidate[] = [];
  const add = (mac: string | undefined, source: Dhcp6MacSource) => {
    if (mac !== undefined && !out.some((c) => c.mac === mac)) out.push({ mac, source });
  };
  const inner = relays[relays.length - 1];
  if (inner !== undefined) {
    const lla = tryRead(bad, 'relay client link-layer address', () => inner.clientLinkLayerAddress());
    add(lla === undefined ? undefined : macFromLinkLayerAddress(lla), 'relay-option-79');
    add(macFromEui64(inner.peerAddress), 'eui-64');
  } else if (src !== undefined && isLinkLocal(src)) {
    add(macFromEui64(src), 'eui-64');
  }
  add(clientId === undefined ? undefined : macFromDuid(clientId), 'duid');
  return out;
}

/**
 * `srcAddress`: the datagram's source as the transport gives it (a zone is allowed). Never
 * throws for a bad option value: it is recorded in badOptions and left out.
 */
export function classifyClient6(decoded: Dhcp6Decoded, srcAddress: string): Dhcp6ClientInfo {
  const bad: string[] = [];
  const { relays, message } = decoded;
  const opts = message.options;
  const cid = tryRead(bad, 'client id', () => opts.clientId());
  const clientId = cid === undefined ? undefined : Uint8Array.from(cid);
  const sid = tryRead(bad, 'server id', () => opts.serverId());
  const archList = tryRead(bad, 'client arch', () => opts.clientArch()) ?? [];
  const userClasses = tryRead(bad, 'user class', () => opts.userClass()) ?? [];
  const vendorClasses = (tryRead(bad, 'vendor class', () => opts.vendorClass()) ?? []).flatMap((v) => v.classes);
  const fqdn = tryRead(bad, 'client fqdn', () => opts.fqdn());
  const oro = tryRead(bad, 'option request', () => opts.oro());
  const rapidCommit = tryRead(bad, 'rapid commit', () => opts.rapidCommit()) ?? false;
  const inner = relays[relays.length - 1];
  // The source address only names the client when it sent directly (a relay's is its own).
  const src = inner === undefined ? addressBytes(srcAddress) : undefined;
  const candidates = macCandidates(relays, src, clientId, bad);
  const link = inner === undefined || isUnspecified(inner.linkAddress) ? undefined : Uint8Array.from(inner.linkAddress);
  return Object.freeze({
    messageType: message.msgType,
    transactionId: message.transactionId,
    clientId,
    duidText: clientId === undefined ? '' : formatDuid(clientId),
    serverId: sid === undefined ? undefined : Uint8Array.from(sid),
    hasServerId: opts.has(Dhcp6Opt.ServerId),
    mac: candidates[0]?.mac,
    macSource: candidates[0]?.source,
    macCandidates: candidates,
    iaNa: iaNaOf(opts, bad),
    iaTa: iaidsOf(opts, Dhcp6Opt.IaTa, 4, bad),
    iaPd: iaidsOf(opts, Dhcp6Opt.IaPd, 12, bad),
    oro,
    rapidCommit,
    arch: archList[0],
    archList,
    userClasses,
    isIpxe: userClasses.includes('iPXE'),
    vendorClasses,
    isHttpClient: vendorClasses.some((c) => c.startsWith('HTTPClient')),
    fqdn: fqdn === undefined ? undefined : { flags: fqdn.flags, name: fqdn.name },
    relays: relays.map(copyRelay),
    linkAddress: link,
    clientAddress: inner === undefined ? srcAddress : formatIPv6(inner.peerAddress),
    badOptions: bad,
  });
}

/** True when the client listed `code` in its Option Request option (RFC 8415 §21.7). */
export function clientRequested(info: Dhcp6ClientInfo, code: number): boolean {
  return info.oro?.includes(code) === true;
}
