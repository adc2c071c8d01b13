// DHCPv4 codes and names: BOOTP op and hardware type, message types, option codes and client
// architectures. Values stay plain `number`s so a code nobody knows still round-trips (smoltcp's
// `Unknown(u8)`); names come from the literal tables below, with `unknown(N)` as the fallback.

//------------ Header codes ------------------------------------------------------

/** BOOTP `op` (RFC 951 §3, RFC 2131 §2). */
export const Dhcp4Op = {
  BootRequest: 1,
  BootReply: 2,
} as const;

/** `htype`: ARP hardware types (RFC 1700 / IANA "Hardware Types"); chaddr holds `hlen` bytes. */
export const Dhcp4HType = {
  Ethernet: 1,
  Ieee802: 6,
  Infiniband: 32,
} as const;

/** RFC 2131 §4.1: the only defined `flags` bit; the rest MUST be zero. */
export const DHCP4_FLAG_BROADCAST = 0x8000;

/** RFC 2131 §3: the first four octets of the options field, 99.130.83.99. */
export const DHCP4_MAGIC_COOKIE = 0x63825363;

//------------ Message types (option 53) ----------------------------------------

/** Option 53 values: RFC 2132 §9.6, FORCERENEW from RFC 3203, the leasequery types from RFC 4388. */
export const Dhcp4MessageType = {
  Discover: 1,
  Offer: 2,
  Request: 3,
  Decline: 4,
  Ack: 5,
  Nak: 6,
  Release: 7,
  Inform: 8,
  ForceRenew: 9, // RFC 3203
  LeaseQuery: 10, // RFC 4388
  LeaseUnassigned: 11, // RFC 4388
  LeaseUnknown: 12, // RFC 4388
  LeaseActive: 13, // RFC 4388
} as const;

const MESSAGE_TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [1, 'DISCOVER'],
  [2, 'OFFER'],
  [3, 'REQUEST'],
  [4, 'DECLINE'],
  [5, 'ACK'],
  [6, 'NAK'],
  [7, 'RELEASE'],
  [8, 'INFORM'],
  [9, 'FORCERENEW'],
  [10, 'LEASEQUERY'],
  [11, 'LEASEUNASSIGNED'],
  [12, 'LEASEUNKNOWN'],
  [13, 'LEASEACTIVE'],
]);

/** `DISCOVER`, `ACK`, … or `unknown(N)`. */
export function messageTypeName(type: number): string {
  return MESSAGE_TYPE_NAMES.get(type) ?? `unknown(${type})`;
}

//------------ Option codes ------------------------------------------------------

/** Option codes this appliance reads or writes; every other code is kept as bytes. */
export const Dhcp4Opt = {
  Pad: 0, // RFC 2132 §3.1
  SubnetMask: 1, // RFC 2132 §3.3
  Router: 3, // RFC 2132 §3.5
  DomainNameServer: 6, // RFC 2132 §3.8
  HostName: 12, // RFC 2132 §3.14
  DomainName: 15, // RFC 2132 §3.17
  RootPath: 17, // RFC 2132 §3.19
  BroadcastAddress: 28, // RFC 2132 §5.3
  NtpServers: 42, // RFC 2132 §8.3
  VendorSpecific: 43, // RFC 2132 §8.4
  RequestedIpAddress: 50, // RFC 2132 §9.1
  IpAddressLeaseTime: 51, // RFC 2132 §9.2
  OptionOverload: 52, // RFC 2132 §9.3
  MessageType: 53, // RFC 2132 §9.6
  ServerIdentifier: 54, // RFC 2132 §9.7
  ParameterRequestList: 55, // RFC 2132 §9.8
  Message: 56, // RFC 2132 §9.9
  MaximumMessageSize: 57, // RFC 2132 §9.10
  RenewalTime: 58, // RFC 2132 §9.11 (T1)
  RebindingTime: 59, // RFC 2132 §9.12 (T2)
  VendorClassIdentifier: 60, // RFC 2132 §9.13
  ClientIdentifier: 61, // RFC 2132 §9.14
  TftpServerName: 66, // RFC 2132 §9.4
  BootfileName: 67, // RFC 2132 §9.5
  UserClass: 77, // RFC 3004 §4
  ClientFqdn: 81, // RFC 4702 §2
  RelayAgentInformation: 82, // RFC 3046 §2.0
  ClientArch: 93, // RFC 4578 §2.1
  ClientNdi: 94, // RFC 4578 §2.2
  ClientUuid: 97, // RFC 4578 §2.3
  SubnetSelection: 118, // RFC 3011 §3
  DomainSearch: 119, // RFC 3397 §2
  ClasslessStaticRoute: 121, // RFC 3442 §3
  Ipxe: 175, // iPXE encapsulated options (src/include/ipxe/dhcp.h DHCP_EB_ENCAP)
  End: 255, // RFC 2132 §3.2
} as const;

export interface Dhcp4OptionInfo {
  readonly code: number;
  readonly name: string;
  readonly rfc: string;
}

/** The literal registry (house style §5.5): code, IANA-style name, where it is defined. */
export const DHCP4_OPTIONS: readonly Dhcp4OptionInfo[] = [
  { code: 0, name: 'Pad', rfc: 'RFC 2132 §3.1' },
  { code: 1, name: 'Subnet Mask', rfc: 'RFC 2132 §3.3' },
  { code: 3, name: 'Router', rfc: 'RFC 2132 §3.5' },
  { code: 6, name: 'Domain Name Server', rfc: 'RFC 2132 §3.8' },
  { code: 12, name: 'Host Name', rfc: 'RFC 2132 §3.14' },
  { code: 15, name: 'Domain Name', rfc: 'RFC 2132 §3.17' },
  { code: 17, name: 'Root Path', rfc: 'RFC 2132 §3.19' },
  { code: 28, name: 'Broadcast Address', rfc: 'RFC 2132 §5.3' },
  { code: 42, name: 'NTP Servers', rfc: 'RFC 2132 §8.3' },
  { code: 43, name: 'Vendor Specific Information', rfc: 'RFC 2132 §8.4' },
  { code: 50, name: 'Requested IP Address', rfc: 'RFC 2132 §9.1' },
  { code: 51, name: 'IP Address Lease Time', rfc: 'RFC 2132 §9.2' },
  { code: 52, name: 'Option Overload', rfc: 'RFC 2132 §9.3' },
  { code: 53, name: 'DHCP Message Type', rfc: 'RFC 2132 §9.6' },
  { code: 54, name: 'Server Identifier', rfc: 'RFC 2132 §9.7' },
  { code: 55, name: 'Parameter Request List', rfc: 'RFC 2132 §9.8' },
  { code: 56, name: 'Message', rfc: 'RFC 2132 §9.9' },
  { code: 57, name: 'Maximum DHCP Message Size', rfc: 'RFC 2132 §9.10' },
  { code: 58, name: 'Renewal (T1) Time Value', rfc: 'RFC 2132 §9.11' },
  { code: 59, name: 'Rebinding (T2) Time Value', rfc: 'RFC 2132 §9.12' },
  { code: 60, name: 'Vendor Class Identifier', rfc: 'RFC 2132 §9.13' },
  { code: 61, name: 'Client Identifier', rfc: 'RFC 2132 §9.14' },
  { code: 66, name: 'TFTP Server Name', rfc: 'RFC 2132 §9.4' },
  { code: 67, name: 'Bootfile Name', rfc: 'RFC 2132 §9.5' },
  { code: 77, name: 'User Class', rfc: 'RFC 3004 §4' },
  { code: 81, name: 'Client FQDN', rfc: 'RFC 4702 §2' },
  { code: 82, name: 'Relay Agent Information', rfc: 'RFC 3046 §2.0' },
  { code: 93, name: 'Client System Architecture', rfc: 'RFC 4578 §2.1' },
  { code: 94, name: 'Client Network Device Interface', rfc: 'RFC 4578 §2.2' },
  { code: 97, name: 'UUID/GUID-based Client Identifier', rfc: 'RFC 4578 §2.3' },
  { code: 118, name: 'Subnet Selection', rfc: 'RFC 3011 §3' },
  { code: 119, name: 'Domain Search', rfc: 'RFC 3397 §2' },
  { code: 121, name: 'Classless Static Route', rfc: 'RFC 3442 §3' },
  { code: 175, name: 'iPXE Encapsulated Options', rfc: 'iPXE dhcp.h DHCP_EB_ENCAP' },
  { code: 255, name: 'End', rfc: 'RFC 2132 §3.2' },
];

const OPTION_BY_CODE: ReadonlyMap<number, Dhcp4OptionInfo> = new Map(DHCP4_OPTIONS.map((o) => [o.code, o]));

/** The registry entry for `code`, if it has one. */
export function optionInfo(code: number): Dhcp4OptionInfo | undefined {
  return OPTION_BY_CODE.get(code);
}

/** `Router`, `Client System Architecture`, … or `unknown(N)`. */
export function nameOf(code: number): string {
  return OPTION_BY_CODE.get(code)?.name ?? `unknown(${code})`;
}

//------------ Client system architecture (option 93) ---------------------------

/**
 * IANA "Processor Architecture Types" (RFC 4578 §2.1 created the registry). RFC 4578's own table
 * has 7 = EFI BC and 9 = EFI x86-64; the registry swapped them, and firmware in the field sends
 * both (old x86-64 firmware reports 9: spec coresmd-dhcp §5.1), so names follow the registry.
 */
export const Dhcp4ClientArch = {
  X86Bios: 0,
  EfiIa32: 6,
  EfiX64: 7,
  EfiBc: 9,
  EfiArm32: 10,
  EfiArm64: 11,
  EfiX86Http: 15,
  EfiX64Http: 16,
  EfiBcHttp: 17,
  EfiArm32Http: 18,
  EfiArm64Http: 19,
  X86BiosHttp: 20,
  UbootArm32: 21,
  UbootArm64: 22,
  UbootArm32Http: 23,
  UbootArm64Http: 24,
  EfiRiscv32: 25,
  EfiRiscv32Http: 26,
  EfiRiscv64: 27,
  EfiRiscv64Http: 28,
  EfiRiscv128: 29,
  EfiRiscv128Http: 30,
  S390Basic: 31,
  S390Extended: 32,
  EfiMips32: 33,
  EfiMips64: 34,
  EfiSunway32: 35,
  EfiSunway64: 36,
  EfiLoongArch32: 37,
  EfiLoongArch32Http: 38,
  EfiLoongArch64: 39,
  EfiLoongArch64Http: 40,
  ArmRpiboot: 41,
} as const;

const CLIENT_ARCH_NAMES: readonly string[] = [
  'x86 BIOS', // 0
  'NEC/PC98', // 1 (deprecated)
  'Itanium', // 2
  'DEC Alpha', // 3 (deprecated)
  'Arc x86', // 4 (deprecated)
  'Intel Lean Client', // 5 (deprecated)
  'x86 UEFI', // 6
  'x64 UEFI', // 7
  'EFI Xscale', // 8 (deprecated)
  'EBC', // 9
  'ARM 32-bit UEFI', // 10
  'ARM 64-bit UEFI', // 11
  'PowerPC Open Firmware', // 12
  'PowerPC ePAPR', // 13
  'POWER OPAL v3', // 14
  'x86 UEFI HTTP', // 15
  'x64 UEFI HTTP', // 16
  'EBC HTTP', // 17
  'ARM 32-bit UEFI HTTP', // 18
  'ARM 64-bit UEFI HTTP', // 19
  'x86 BIOS HTTP', // 20
  'ARM 32-bit U-Boot', // 21
  'ARM 64-bit U-Boot', // 22
  'ARM 32-bit U-Boot HTTP', // 23
  'ARM 64-bit U-Boot HTTP', // 24
  'RISC-V 32-bit UEFI', // 25
  'RISC-V 32-bit UEFI HTTP', // 26
  'RISC-V 64-bit UEFI', // 27
  'RISC-V 64-bit UEFI HTTP', // 28
  'RISC-V 128-bit UEFI', // 29
  'RISC-V 128-bit UEFI HTTP', // 30
  's390 Basic', // 31
  's390 Extended', // 32
  'MIPS 32-bit UEFI', // 33
  'MIPS 64-bit UEFI', // 34
  'Sunway 32-bit UEFI', // 35
  'Sunway 64-bit UEFI', // 36
  'LoongArch 32-bit UEFI', // 37
  'LoongArch 32-bit UEFI HTTP', // 38
  'LoongArch 64-bit UEFI', // 39
  'LoongArch 64-bit UEFI HTTP', // 40
  'ARM rpiboot', // 41
];

/** `x64 UEFI`, `ARM 64-bit UEFI HTTP`, … or `unknown(N)`. */
export function clientArchName(arch: number): string {
  return CLIENT_ARCH_NAMES[arch] ?? `unknown(${arch})`;
}

//------------ Sub-option spaces -------------------------------------------------

/** Option 82 sub-options a server reads. */
export const Dhcp4RelaySubOpt = {
  CircuitId: 1, // RFC 3046 §3.1
  RemoteId: 2, // RFC 3046 §3.2
  LinkSelection: 5, // RFC 3527 §3
  ServerIdOverride: 11, // RFC 5107 §4
} as const;

/**
 * Option 175 (iPXE encapsulated) sub-options, from iPXE `src/include/ipxe/dhcp.h` and
 * `src/include/ipxe/features.h`. A client sends the feature markers (0x10–0x4f, each a one-byte
 * version, usually 1), its bus id and its version; the others are settings a server may send.
 */
export const IpxeOpt = {
  Priority: 0x01, // DHCP_EB_PRIORITY (server → client)
  KeepSan: 0x08, // DHCP_EB_KEEP_SAN (server → client)
  SkipSanBoot: 0x09, // DHCP_EB_SKIP_SAN_BOOT (server → client)
  FeaturePxeExt: 0x10, // DHCP_EB_FEATURE_PXE_EXT: PXE API extensions
  FeatureIscsi: 0x11, // DHCP_EB_FEATURE_ISCSI
  FeatureAoe: 0x12, // DHCP_EB_FEATURE_AOE
  FeatureHttp: 0x13, // DHCP_EB_FEATURE_HTTP
  FeatureHttps: 0x14, // DHCP_EB_FEATURE_HTTPS
  FeatureTftp: 0x15, // DHCP_EB_FEATURE_TFTP
  FeatureFtp: 0x16, // DHCP_EB_FEATURE_FTP
  FeatureDns: 0x17, // DHCP_EB_FEATURE_DNS
  FeatureBzImage: 0x18, // DHCP_EB_FEATURE_BZIMAGE
  FeatureMultiboot: 0x19, // DHCP_EB_FEATURE_MULTIBOOT
  FeatureSlam: 0x1a, // DHCP_EB_FEATURE_SLAM
  FeatureSrp: 0x1b, // DHCP_EB_FEATURE_SRP
  FeatureNbi: 0x20, // DHCP_EB_FEATURE_NBI
  FeaturePxe: 0x21, // DHCP_EB_FEATURE_PXE
  FeatureElf: 0x22, // DHCP_EB_FEATURE_ELF
  FeatureComboot: 0x23, // DHCP_EB_FEATURE_COMBOOT
  FeatureEfi: 0x24, // DHCP_EB_FEATURE_EFI
  FeatureFcoe: 0x25, // DHCP_EB_FEATURE_FCOE
  FeatureVlan: 0x26, // DHCP_EB_FEATURE_VLAN
  FeatureMenu: 0x27, // DHCP_EB_FEATURE_MENU
  FeatureSdi: 0x28, // DHCP_EB_FEATURE_SDI
  FeatureNfs: 0x29, // DHCP_EB_FEATURE_NFS
  Scriptlet: 0x51, // DHCP_EB_SCRIPTLET (server → client)
  SyslogsServer: 0x55, // DHCP_EB_SYSLOGS_SERVER (server → client)
  Trust: 0x5a, // DHCP_EB_TRUST: trusted root certificate fingerprints (server → client)
  NoPxeDhcp: 0xb0, // DHCP_EB_NO_PXEDHCP (server → client: skip ProxyDHCP)
  BusId: 0xb1, // DHCP_EB_BUS_ID: bus type, vendor id, device id
  UseCached: 0xb2, // DHCP_EB_USE_CACHED
  BiosDrive: 0xbd, // DHCP_EB_BIOS_DRIVE
  Version: 0xeb, // DHCP_EB_VERSION: major, minor, patch
} as const;

/**
 * iPXE feature markers: dhcp.h reserves 0x10–0x4f of option 175 for them ("Tags in the range
 * 0x10-0x4f are reserved for feature markers"); features.h's comment says 0x10-0x7f, but 0x51,
 * 0x55 and 0x5a are settings, so the narrower range is the one the code keeps.
 */
export const IPXE_FEATURE_FIRST = 0x10;
export const IPXE_FEATURE_LAST = 0x4f;
