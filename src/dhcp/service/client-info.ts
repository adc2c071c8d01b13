// classifyClient: the facts about one DHCPv4 request that handlers need, computed once from the
// zero-copy view (smee's `Info`, CoreDNS's `request.Request`). Handlers never see byte offsets.
// Everything here is copied out of the received buffer, so a ClientInfo may outlive the packet.
import { formatMac } from '../../wire/addr.ts';
import { WireError } from '../../wire/errors.ts';
import { Dhcp4MessageType } from '../v4/constants.ts';
import type { Dhcp4Options } from '../v4/options.ts';
import type { Dhcp4View } from '../v4/view.ts';

/** RFC 8357 §5: relay agent sub-option "Relay Agent Source Port" asks for replies to its port. */
const RELAY_SOURCE_PORT_SUBOPT = 19;

/** RFC 2131 §4.3.2: which state a REQUEST comes from decides how it is answered. */
export type Dhcp4RequestState = 'selecting' | 'init-reboot' | 'renewing' | 'rebinding' | 'none';

export interface Dhcp4ClientInfo {
  readonly messageType: number;
  readonly xid: number;
  /** chaddr in lowercase colon form (hlen bytes). */
  readonly mac: string;
  readonly chaddr: Uint8Array;
  readonly htype: number;
  readonly flags: number;
  readonly ciaddr: number;
  readonly giaddr: number;
  readonly hops: number;
  readonly secs: number;
  /** Option 50. */
  readonly requestedIp: number | undefined;
  /** Option 54 as sent by the client. */
  readonly serverId: number | undefined;
  readonly state: Dhcp4RequestState;
  /** Option 93, first entry (RFC 4578 §2.1; lists beyond the first are rare and ignored as upstream). */
  readonly arch: number | undefined;
  readonly archList: readonly number[];
  /** Option 60. */
  readonly vendorClass: string | undefined;
  /** Option 77 class names, either form. */
  readonly userClasses: readonly string[];
  /** iPXE identifies itself with user class `iPXE` (plain string) or in an RFC 3004 list. */
  readonly isIpxe: boolean;
  /** UEFI HTTP boot clients send vendor class `HTTPClient:Arch:…` (UEFI 2.5 §24.7). */
  readonly isHttpClient: boolean;
  /** Option 55, or undefined when the client sent none. */
  readonly parameterRequestList: Uint8Array | undefined;
  /** Option 57, at least 576. */
  readonly maxMessageSize: number | undefined;
  /** Option 61 bytes. */
  readonly clientId: Uint8Array | undefined;
  /** Option 12 as sent by the client. */
  readonly hostname: string | undefined;
  /** Option 82 bytes, echoed last in the reply (RFC 3046 §2.2). */
  readonly relayAgentInfo: Uint8Array | undefined;
  /** RFC 8357: the relay wants the reply on the UDP port it sent from. */
  readonly relayWantsSourcePort: boolean;
  /** RFC 3527 link selection: the subnet to allocate from instead of giaddr's. */
  readonly linkSelection: number | undefined;
  /** Options whose value could not be read (e.g. a one-byte option 93); the packet is still served. */
  readonly badOptions: readonly string[];
}

function requestState(type: number, serverId: number | undefined, requestedIp: number | undefined, ciaddr: number, giaddr: number, broadcastDst: boolean): Dhcp4RequestState {
  if (type !== Dhcp4MessageType.Request) return 'none';
  // RFC 2131 §4.3.2 (and Table 4 of §4.4.1): the presence of 54, 50 and ciaddr tells them apart.
  if (serverId !== undefined) return 'selecting';
  if (requestedIp !== undefined && ciaddr === 0) return 'init-reboot';
  // A renewal is unicast to us, "so no relay agents will be involved" (§4.3.2): a relayed
  // request with ciaddr is a client rebinding by broadcast.
  if (ciaddr !== 0) return broadcastDst || giaddr !== 0 ? 'rebinding' : 'renewing';
  return 'init-reboot';
}

/** Reads one accessor; a malformed value is recorded instead of failing the whole request. */
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

/**
 * `broadcastDst`: the request arrived on the broadcast address (REBINDING) rather than unicast
 * to us (RENEWING); false when the transport cannot tell.
 */
export function classifyClient(view: Dhcp4View, opts: Dhcp4Options, broadcastDst: boolean): Dhcp4ClientInfo | undefined {
  const bad: string[] = [];
  const messageType = tryRead(bad, 'message type', () => opts.messageType());
  // Without option 53 it is BOOTP; coresmd serves DHCP only (spec coresmd-dhcp §1.2 step 3).
  if (messageType === undefined) return undefined;
  const requestedIp = tryRead(bad, 'requested ip', () => opts.requestedIp());
  const serverId = tryRead(bad, 'server id', () => opts.serverId());
  const archList = tryRead(bad, 'client arch', () => opts.clientArch()) ?? [];
  const userClass = tryRead(bad, 'user class', () => opts.userClass());
  const relay = tryRead(bad, 'relay agent info', () => opts.relayAgentInfo());
  const vendorClass = opts.vendorClass();
  const classes = userClass?.classes ?? [];
  const prl = opts.parameterRequestList();
  const clientId = tryRead(bad, 'client id', () => opts.clientId());
  return Object.freeze({
    messageType,
    xid: view.xid,
    mac: formatMac(view.chaddr),
    chaddr: Uint8Array.from(view.chaddr),
    htype: view.htype,
    flags: view.flags,
    ciaddr: view.ciaddr,
    giaddr: view.giaddr,
    hops: view.hops,
    secs: view.secs,
    requestedIp,
    serverId,
    state: requestState(messageType, serverId, requestedIp, view.ciaddr, view.giaddr, broadcastDst),
    arch: archList[0],
    archList,
    vendorClass,
    userClasses: classes,
    isIpxe: classes.includes('iPXE'),
    isHttpClient: vendorClass?.startsWith('HTTPClient') === true,
    parameterRequestList: prl === undefined ? undefined : Uint8Array.from(prl),
    maxMessageSize: tryRead(bad, 'max message size', () => opts.maxMessageSize()),
    clientId: clientId === undefined ? undefined : Uint8Array.from(clientId),
    hostname: opts.hostname(),
    relayAgentInfo: relay === undefined ? undefined : Uint8Array.from(relay.raw),
    relayWantsSourcePort: relay?.subOptions.some((s) => s.code === RELAY_SOURCE_PORT_SUBOPT) === true,
    linkSelection: relay?.linkSelection,
    badOptions: bad,
  });
}

/** True when the client listed `code` in option 55, or sent no list at all (then it gets everything). */
export function clientWants(info: Dhcp4ClientInfo, code: number): boolean {
  const prl = info.parameterRequestList;
  return prl === undefined || prl.includes(code);
}

