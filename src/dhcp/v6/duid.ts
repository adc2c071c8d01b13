// DHCP Unique Identifiers (RFC 8415 §11): the Client and Server Identifier options carry one.
//
//   DUID-LLT (§11.2)                      DUID-EN (§11.3)
//   +------------+---------------+        +------------+--------------------------------+
//   |  type 1    | hardware type |        |  type 2    |       enterprise-number        |
//   +------------+---------------+        +------------+--------------------------------+
//   |   time (seconds since 2000-01-01) |  | identifier (variable length)                |
//   +-----------------------------------+  +---------------------------------------------+
//   | link-layer address (variable)     |
//   +-----------------------------------+
//
//   DUID-LL (§11.4)                       DUID-UUID (RFC 6355 §4)
//   +------------+---------------+        +------------+--------------------------------+
//   |  type 3    | hardware type |        |  type 4    |  UUID (16 octets)              |
//   +------------+---------------+        +------------+--------------------------------+
//   | link-layer address (variable)     |
//   +-----------------------------------+
//
// Text forms (parseDuid / formatDuid), the first two as coredhcp's server_id plugin takes them:
//   LL 00:de:ad:be:ef:00               LL, Ethernet;    `LL <addr> htype=<n>` for other hardware
//   LLT 00:de:ad:be:ef:00              LLT, time 0;     `… time=<seconds>` and `htype=<n>` as needed
//   EN 343 0a:0b:0c                    enterprise number (decimal) and identifier
//   UUID 12345678-9abc-def0-1234-56789abcdef0
//   00:04:12:34:…                      any DUID as colon hex, unknown types included
//
// DUID-UUID carries 16 opaque bytes; UEFI firmware fills them from the SMBIOS system UUID in its
// in-memory order, so EDK II's first three fields come out little-endian (qemu -uuid
// 52540000-d600-4011-… is sent as 00005452-00d6-1140-…, test/fixtures/dhcp6/ovmf-*). The text
// form shows the bytes as sent and never reorders them.

import { formatMac } from '../../wire/addr.ts';
import { WireError, WireErrorCode } from '../../wire/errors.ts';
import { Dhcp6DuidType, HARDWARE_TYPE_ETHERNET } from './constants.ts';
import { readU32 } from './option-values.ts';

/** RFC 8415 §11.1: "The length of the DUID (not including the type code) is at least 1 octet and at most 128 octets." */
export const DUID_MIN_LENGTH = 3;
export const DUID_MAX_LENGTH = 130;

export type Dhcp6Duid =
  | { readonly type: 1; readonly hardwareType: number; readonly time: number; readonly linkLayerAddress: Uint8Array }
  | { readonly type: 2; readonly enterpriseNumber: number; readonly identifier: Uint8Array }
  | { readonly type: 3; readonly hardwareType: number; readonly linkLayerAddress: Uint8Array }
  | { readonly type: 4; readonly uuid: Uint8Array }
  | { readonly type: number & {}; readonly raw: Uint8Array };

/**
 * Splits a DUID into its fields (zero-copy subarrays). An unknown type comes back with its raw
 * bytes; a known type too short for its fields, or a DUID outside 3–130 bytes, is
 * ERR_WIRE_MALFORMED at `field` (e.g. `options[1]`).
 */
export function decodeDuid(duid: Uint8Array, field = 'duid', offset = 0): Dhcp6Duid {
  const bad = (want: string) => new WireError(WireErrorCode.Malformed, offset, `${field}.length`, `${duid.length}-byte DUID, want ${want}`);
  if (duid.length < DUID_MIN_LENGTH || duid.length > DUID_MAX_LENGTH) throw bad(`${DUID_MIN_LENGTH}–${DUID_MAX_LENGTH}`);
  const type = (duid[0]! << 8) | duid[1]!;
  switch (type) {
    case Dhcp6DuidType.Llt:
      if (duid.length < 9) throw bad('at least 9 for DUID-LLT');
      return { type: 1, hardwareType: (duid[2]! << 8) | duid[3]!, time: readU32(duid, 4), linkLayerAddress: duid.subarray(8) };
    case Dhcp6DuidType.En:
      if (duid.length < 7) throw bad('at least 7 for DUID-EN');
      return { type: 2, enterpriseNumber: readU32(duid, 2), identifier: duid.subarray(6) };
    case Dhcp6DuidType.Ll:
      if (duid.length < 5) throw bad('at least 5 for DUID-LL');
      return { type: 3, hardwareType: (duid[2]! << 8) | duid[3]!, linkLayerAddress: duid.subarray(4) };
    case Dhcp6DuidType.Uuid:
      // RFC 6355 §4: "the DUID-UUID MUST be exactly 18 octets".
      if (duid.length !== 18) throw bad('18 for DUID-UUID');
      return { type: 4, uuid: duid.subarray(2) };
    default:
      return { type, raw: duid };
  }
}

/**
 * The MAC in a DUID-LL or DUID-LLT with hardware type 1 and a 6-byte address, as lowercase
 * `aa:bb:cc:dd:ee:ff`; undefined for anything else (coresmd's ExtractMAC, spec coresmd-dhcp
 * §6.2: EN and UUID carry no MAC). Never throws.
 */
export function macFromDuid(duid: Uint8Array): string | undefined {
  if (duid.length !== 10 && duid.length !== 14) return undefined;
  const type = (duid[0]! << 8) | duid[1]!;
  const htype = (duid[2]! << 8) | duid[3]!;
  if (htype !== HARDWARE_TYPE_ETHERNET) return undefined;
  if (type === Dhcp6DuidType.Ll && duid.length === 10) return formatMac(duid, 4, 6);
  if (type === Dhcp6DuidType.Llt && duid.length === 14) return formatMac(duid, 8, 6);
  return undefined;
}

//------------ Text ----------------------------------------------------------------------

const hexColon = (b: Uint8Array) => formatMac(b, 0, b.length);

function formatUuid(u: Uint8Array): string {
  const h = Array.from(u, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Text for logs and config (see the header). Any byte string formats: one that is not a
 * well-formed DUID comes out as colon hex, so this never throws.
 */
export function formatDuid(duid: Uint8Array): string {
  let d: Dhcp6Duid;
  try {
    d = decodeDuid(duid);
  } catch {
    return hexColon(duid);
  }
  const ht = (h: number) => (h === HARDWARE_TYPE_ETHERNET ? '' : ` htype=${h}`);
  if ('raw' in d) return hexColon(d.raw);
  switch (d.type) {
    case 1:
      return `LLT ${hexColon(d.linkLayerAddress)}${d.time === 0 ? '' : ` time=${d.time}`}${ht(d.hardwareType)}`;
    case 2:
      return `EN ${d.enterpriseNumber} ${hexColon(d.identifier)}`;
    case 3:
      return `LL ${hexColon(d.linkLayerAddress)}${ht(d.hardwareType)}`;
    default:
      return `UUID ${formatUuid(d.uuid)}`;
  }
}

/** Colon, dash or no separator hex (`00:11:22`, `00-11-22`, `001122`) → bytes; undefined if malformed. */
function parseHexBytes(text: string): Uint8Array | undefined {
  let hex: string;
  if (/^[0-9a-fA-F]{1,2}([:-][0-9a-fA-F]{1,2})*$/.test(text)) {
    hex = text
      .split(/[:-]/)
      .map((g) => g.padStart(2, '0'))
      .join('');
  } else if (/^([0-9a-fA-F]{2})+$/.test(text)) {
    hex = text;
  } else {
    return undefined;
  }
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
}

function u32Text(text: string): number | undefined {
  if (!/^(0|[1-9][0-9]{0,9})$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 0xffffffff ? n : undefined;
}

/**
 * Text (see the header; kind keywords are case-insensitive) → DUID bytes, or undefined when the
 * text is not a DUID. The result always passes decodeDuid.
 */
export function parseDuid(text: string): Uint8Array | undefined {
  const words = text.trim().split(/\s+/);
  const kind = words[0]?.toUpperCase();
  let out: Uint8Array | undefined;
  if (kind === 'LL' || kind === 'LLT') {
    const addr = parseHexBytes(words[1] ?? '');
    if (addr === undefined || addr.length === 0) return undefined;
    let htype: number = HARDWARE_TYPE_ETHERNET;
    let time = 0;
    for (const w of words.slice(2)) {
      const m = /^(htype|time)=(.*)$/i.exec(w);
      const v = m === null ? undefined : u32Text(m[2]!);
      if (m === null || v === undefined) return undefined;
      if (m[1]!.toLowerCase() === 'htype') {
        if (v > 0xffff) return undefined;
        htype = v;
      } else {
        if (kind === 'LL') return undefined;
        time = v;
      }
    }
    const head = kind === 'LL' ? 4 : 8;
    out = new Uint8Array(head + addr.length);
    out[1] = kind === 'LL' ? Dhcp6DuidType.Ll : Dhcp6DuidType.Llt;
    out[2] = htype >>> 8;
    out[3] = htype & 0xff;
    if (kind === 'LLT') out.set([time >>> 24, (time >>> 16) & 0xff, (time >>> 8) & 0xff, time & 0xff], 4);
    out.set(addr, head);
  } else if (kind === 'EN') {
    if (words.length !== 3) return undefined;
    const en = u32Text(words[1]!);
    const id = parseHexBytes(words[2]!);
    if (en === undefined || id === undefined || id.length === 0) return undefined;
    out = new Uint8Array(6 + id.length);
    out[1] = Dhcp6DuidType.En;
    out.set([en >>> 24, (en >>> 16) & 0xff, (en >>> 8) & 0xff, en & 0xff], 2);
    out.set(id, 6);
  } else if (kind === 'UUID') {
    if (words.length !== 2 || !/^[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}$/.test(words[1]!)) return undefined;
    const u = parseHexBytes(words[1]!.replaceAll('-', ''));
    if (u === undefined || u.length !== 16) return undefined;
    out = new Uint8Array(18);
    out[1] = Dhcp6DuidType.Uuid;
    out.set(u, 2);
  } else if (words.length === 1) {
    out = parseHexBytes(words[0]!);
  }
  if (out === undefined) return undefined;
  try {
    decodeDuid(out);
  } catch {
    return undefined;
  }
  return out;
}

/** Contiguous lowercase hex: the key to store a DUID under (house style §5.3, copy keys out). */
export function duidHex(duid: Uint8Array): string {
  let out = '';
  for (const b of duid) out += (b < 16 ? '0' : '') + b.toString(16);
  return out;
}
