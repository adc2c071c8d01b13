// DHCPv6 codes and names: message types, option codes, status codes, DUID types and the
// protocol constants a codec needs. Values stay plain `number`s so a code nobody knows still
// round-trips (smoltcp's `Unknown(u8)`); names come from the literal tables below, with
// `unknown(N)` as the fallback (house style §5.2).

//------------ Transport (RFC 8415 §7.1, §7.2) --------------------------------------------

/** RFC 8415 §7.2: clients listen on UDP 546, servers and relay agents on UDP 547. */
export const DHCP6_CLIENT_PORT = 546;
export const DHCP6_SERVER_PORT = 547;

/** RFC 8415 §7.1: All_DHCP_Relay_Agents_and_Servers, the link-scoped group clients send to. */
export const DHCP6_ALL_RELAY_AGENTS_AND_SERVERS = 'ff02::1:2';

/**
 * RFC 8415 §7.6 HOP_COUNT_LIMIT: a relay agent discards a message whose hop-count is already
 * this high (§19.1.1), so a well-formed message carries at most this many RELAY-FORW layers.
 */
export const DHCP6_HOP_COUNT_LIMIT = 8;

//------------ Message types (RFC 8415 §7.3) ----------------------------------------------

export const Dhcp6MessageType = {
  Solicit: 1,
  Advertise: 2,
  Request: 3,
  Confirm: 4,
  Renew: 5,
  Rebind: 6,
  Reply: 7,
  Release: 8,
  Decline: 9,
  Reconfigure: 10,
  InformationRequest: 11,
  RelayForw: 12,
  RelayRepl: 13,
} as const;

const MESSAGE_TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [1, 'SOLICIT'],
  [2, 'ADVERTISE'],
  [3, 'REQUEST'],
  [4, 'CONFIRM'],
  [5, 'RENEW'],
  [6, 'REBIND'],
  [7, 'REPLY'],
  [8, 'RELEASE'],
  [9, 'DECLINE'],
  [10, 'RECONFIGURE'],
  [11, 'INFORMATION-REQUEST'],
  [12, 'RELAY-FORW'],
  [13, 'RELAY-REPL'],
]);

/** `SOLICIT`, `RELAY-FORW`, … or `unknown(N)`. */
export function messageTypeName(type: number): string {
  return MESSAGE_TYPE_NAMES.get(type) ?? `unknown(${type})`;
}

/** RELAY-FORW and RELAY-REPL have the relay header (RFC 8415 §9), every other type §8's. */
export function isRelayMessageType(type: number): boolean {
  return type === Dhcp6MessageType.RelayForw || type === Dhcp6MessageType.RelayRepl;
}

//------------ Option codes ---------------------------------------------------------------

/** Option codes this appliance reads or writes (IANA "DHCPv6 Option Codes"); others are kept as bytes. */
export const Dhcp6Opt = {
  ClientId: 1, // RFC 8415 §21.2
  ServerId: 2, // RFC 8415 §21.3
  IaNa: 3, // RFC 8415 §21.4
  IaTa: 4, // RFC 8415 §21.5
  IaAddr: 5, // RFC 8415 §21.6
  Oro: 6, // RFC 8415 §21.7
  Preference: 7, // RFC 8415 §21.8
  ElapsedTime: 8, // RFC 8415 §21.9
  RelayMsg: 9, // RFC 8415 §21.10
  Auth: 11, // RFC 8415 §21.11
  Unicast: 12, // RFC 8415 §21.12
  StatusCode: 13, // RFC 8415 §21.13
  RapidCommit: 14, // RFC 8415 §21.14
  UserClass: 15, // RFC 8415 §21.15
  VendorClass: 16, // RFC 8415 §21.16
  VendorOpts: 17, // RFC 8415 §21.17
  InterfaceId: 18, // RFC 8415 §21.18
  ReconfMsg: 19, // RFC 8415 §21.19
  ReconfAccept: 20, // RFC 8415 §21.20
  DnsServers: 23, // RFC 3646 §3
  DomainList: 24, // RFC 3646 §4
  IaPd: 25, // RFC 8415 §21.21
  IaPrefix: 26, // RFC 8415 §21.22
  InformationRefreshTime: 32, // RFC 8415 §21.23
  RemoteId: 37, // RFC 4649 §3
  SubscriberId: 38, // RFC 4580 §2
  ClientFqdn: 39, // RFC 4704 §4
  NtpServer: 56, // RFC 5908 §4
  BootfileUrl: 59, // RFC 5970 §3.1
  BootfileParam: 60, // RFC 5970 §3.2
  ClientArchType: 61, // RFC 5970 §3.3
  Nii: 62, // RFC 5970 §3.4
  ClientLinkLayerAddr: 79, // RFC 6939 §4
  SolMaxRt: 82, // RFC 8415 §21.24
  InfMaxRt: 83, // RFC 8415 §21.25
  RelaySourcePort: 135, // RFC 8357 §5.2
} as const;

export interface Dhcp6OptionInfo {
  readonly code: number;
  /** The IANA mnemonic without its `OPTION_` prefix. */
  readonly name: string;
  readonly rfc: string;
}

/** The literal registry (house style §5.5): code, IANA name, where it is defined. */
export const DHCP6_OPTIONS: readonly Dhcp6OptionInfo[] = [
  { code: 1, name: 'CLIENTID', rfc: 'RFC 8415 §21.2' },
  { code: 2, name: 'SERVERID', rfc: 'RFC 8415 §21.3' },
  { code: 3, name: 'IA_NA', rfc: 'RFC 8415 §21.4' },
  { code: 4, name: 'IA_TA', rfc: 'RFC 8415 §21.5' },
  { code: 5, name: 'IAADDR', rfc: 'RFC 8415 §21.6' },
  { code: 6, name: 'ORO', rfc: 'RFC 8415 §21.7' },
  { code: 7, name: 'PREFERENCE', rfc: 'RFC 8415 §21.8' },
  { code: 8, name: 'ELAPSED_TIME', rfc: 'RFC 8415 §21.9' },
  { code: 9, name: 'RELAY_MSG', rfc: 'RFC 8415 §21.10' },
  { code: 11, name: 'AUTH', rfc: 'RFC 8415 §21.11' },
  { code: 12, name: 'UNICAST', rfc: 'RFC 8415 §21.12' },
  { code: 13, name: 'STATUS_CODE', rfc: 'RFC 8415 §21.13' },
  { code: 14, name: 'RAPID_COMMIT', rfc: 'RFC 8415 §21.14' },
  { code: 15, name: 'USER_CLASS', rfc: 'RFC 8415 §21.15' },
  { code: 16, name: 'VENDOR_CLASS', rfc: 'RFC 8415 §21.16' },
  { code: 17, name: 'VENDOR_OPTS', rfc: 'RFC 8415 §21.17' },
  { code: 18, name: 'INTERFACE_ID', rfc: 'RFC 8415 §21.18' },
  { code: 19, name: 'RECONF_MSG', rfc: 'RFC 8415 §21.19' },
  { code: 20, name: 'RECONF_ACCEPT', rfc: 'RFC 8415 §21.20' },
  { code: 23, name: 'DNS_SERVERS', rfc: 'RFC 3646 §3' },
  { code: 24, name: 'DOMAIN_LIST', rfc: 'RFC 3646 §4' },
  { code: 25, name: 'IA_PD', rfc: 'RFC 8415 §21.21' },
  { code: 26, name: 'IAPREFIX', rfc: 'RFC 8415 §21.22' },
  { code: 32, name: 'INFORMATION_REFRESH_TIME', rfc: 'RFC 8415 §21.23' },
  { code: 37, name: 'REMOTE_ID', rfc: 'RFC 4649 §3' },
  { code: 38, name: 'SUBSCRIBER_ID', rfc: 'RFC 4580 §2' },
  { code: 39, name: 'CLIENT_FQDN', rfc: 'RFC 4704 §4' },
  { code: 56, name: 'NTP_SERVER', rfc: 'RFC 5908 §4' },
  { code: 59, name: 'BOOTFILE_URL', rfc: 'RFC 5970 §3.1' },
  { code: 60, name: 'BOOTFILE_PARAM', rfc: 'RFC 5970 §3.2' },
  { code: 61, name: 'CLIENT_ARCH_TYPE', rfc: 'RFC 5970 §3.3' },
  { code: 62, name: 'NII', rfc: 'RFC 5970 §3.4' },
  { code: 79, name: 'CLIENT_LINKLAYER_ADDR', rfc: 'RFC 6939 §4' },
  { code: 82, name: 'SOL_MAX_RT', rfc: 'RFC 8415 §21.24' },
  { code: 83, name: 'INF_MAX_RT', rfc: 'RFC 8415 §21.25' },
  { code: 135, name: 'RELAY_SOURCE_PORT', rfc: 'RFC 8357 §5.2' },
];

const OPTION_BY_CODE: ReadonlyMap<number, Dhcp6OptionInfo> = new Map(DHCP6_OPTIONS.map((o) => [o.code, o]));

/** The registry entry for `code`, if it has one. */
export function optionInfo(code: number): Dhcp6OptionInfo | undefined {
  return OPTION_BY_CODE.get(code);
}

/** `CLIENTID`, `IA_NA`, … or `unknown(N)`. */
export function nameOf(code: number): string {
  return OPTION_BY_CODE.get(code)?.name ?? `unknown(${code})`;
}

//------------ Status codes (RFC 8415 §21.13, IANA "Status Codes") ----------------------------

export const Dhcp6Status = {
  Success: 0,
  UnspecFail: 1,
  NoAddrsAvail: 2,
  NoBinding: 3,
  NotOnLink: 4,
  UseMulticast: 5,
  NoPrefixAvail: 6,
} as const;

const STATUS_NAMES: readonly string[] = ['Success', 'UnspecFail', 'NoAddrsAvail', 'NoBinding', 'NotOnLink', 'UseMulticast', 'NoPrefixAvail'];

/** `Success`, `NoAddrsAvail`, … or `unknown(N)`. */
export function statusName(status: number): string {
  return STATUS_NAMES[status] ?? `unknown(${status})`;
}

//------------ DUID types (RFC 8415 §11.1, RFC 6355) --------------------------------------------

export const Dhcp6DuidType = {
  /** Link-layer address plus time, RFC 8415 §11.2. */
  Llt: 1,
  /** Vendor-assigned, based on enterprise number, RFC 8415 §11.3. */
  En: 2,
  /** Link-layer address, RFC 8415 §11.4. */
  Ll: 3,
  /** UUID-based, RFC 6355 §4 (what most UEFI stacks send). */
  Uuid: 4,
} as const;

/** IANA "Hardware Types" (RFC 826): the one DUIDs and option 79 carry a MAC under. */
export const HARDWARE_TYPE_ETHERNET = 1;

/** RFC 4704 §4.1 flag bits of the Client FQDN option; the other five "MUST be zero". */
export const Dhcp6FqdnFlag = {
  /** S: the server should perform the AAAA update. */
  S: 0x01,
  /** O: the server overrode the client's S preference (server → client only). */
  O: 0x02,
  /** N: the server should perform no DNS updates. */
  N: 0x04,
} as const;

/** RFC 8415 §21.6, §21.4: 0xffffffff is an infinite lifetime or T1/T2. */
export const DHCP6_INFINITY = 0xffffffff;
