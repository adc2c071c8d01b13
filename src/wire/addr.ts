// Text ↔ value for MAC, IPv4, IPv6 and CIDR. Pure functions: no DNS lookups, no sockets.
// Parsing follows Go's net package where the original depends on it (spec coresmd-dns §5.9):
// IPv4 octets with leading zeros, zone ids (`fe80::1%eth0`) and CIDR suffixes are not
// addresses, and `::ffff:a.b.c.d` is the IPv4 address a.b.c.d.

//------------ MAC -------------------------------------------------------------

const HEX = '0123456789abcdef';

/** Lowercase colon form of `len` bytes of `bytes` from `offset` (Go's HardwareAddr.String). */
export function formatMac(bytes: Uint8Array, offset = 0, len = bytes.length - offset): string {
  let out = '';
  for (let i = 0; i < len; i++) {
    const b = bytes[offset + i] ?? 0;
    if (i > 0) out += ':';
    out += HEX[b >> 4]! + HEX[b & 15]!;
  }
  return out;
}

// Hardware address lengths Go's ParseMAC accepts: EUI-48, EUI-64, 20-octet InfiniBand.
const MAC_LENGTHS = new Set([6, 8, 20]);

/**
 * Normalizes a MAC in any common form to lowercase colon form, or returns undefined.
 * Accepted: `aa:bb:cc:dd:ee:ff`, `AA-BB-CC-DD-EE-FF`, `aabb.ccdd.eeff`, `aabbccddeeff`
 * (and the same shapes for 8- and 20-octet addresses).
 */
export function parseMac(text: string): string | undefined {
  const s = text.trim().toLowerCase();
  let hex: string;
  if (/^[0-9a-f]{2}([:-][0-9a-f]{2})+$/.test(s)) {
    const sep = s[2]!;
    // One separator throughout: `aa:bb-cc` is a typo, not a MAC.
    if (s.split(sep).some((g) => g.length !== 2)) return undefined;
    hex = s.split(sep).join('');
  } else if (/^[0-9a-f]{4}(\.[0-9a-f]{4})+$/.test(s)) {
    hex = s.split('.').join('');
  } else if (/^[0-9a-f]+$/.test(s)) {
    hex = s;
  } else {
    return undefined;
  }
  if (hex.length % 2 !== 0 || !MAC_LENGTHS.has(hex.length / 2)) return undefined;
  let out = '';
  for (let i = 0; i < hex.length; i += 2) out += (i > 0 ? ':' : '') + hex.slice(i, i + 2);
  return out;
}

/** Bytes of a MAC in any form parseMac accepts, or undefined. */
export function macToBytes(text: string): Uint8Array | undefined {
  const norm = parseMac(text);
  if (norm === undefined) return undefined;
  return Uint8Array.from(norm.split(':'), (h) => parseInt(h, 16));
}

//------------ IPv4 ------------------------------------------------------------

/** Dotted quad → unsigned 32-bit number; undefined unless exactly four decimal octets 0–255 without leading zeros. */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

export function formatIPv4(value: number): string {
  return `${(value >>> 24) & 255}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

export function ipv4ToBytes(value: number): Uint8Array {
  return Uint8Array.of((value >>> 24) & 255, (value >>> 16) & 255, (value >>> 8) & 255, value & 255);
}

/** Reads four bytes at `offset` as an IPv4 address (caller has checked the length). */
export function ipv4FromBytes(bytes: Uint8Array, offset = 0): number {
  return (
    (((bytes[offset] ?? 0) << 24) | ((bytes[offset + 1] ?? 0) << 16) | ((bytes[offset + 2] ?? 0) << 8) | (bytes[offset + 3] ?? 0)) >>> 0
  );
}

/** Netmask for a prefix length 0–32, as an unsigned number. */
export function prefixToMask(prefix: number): number {
  return prefix <= 0 ? 0 : (0xffffffff << (32 - Math.min(prefix, 32))) >>> 0;
}

/** Prefix length of a contiguous netmask, or undefined for masks like 255.0.255.0. */
export function maskToPrefix(mask: number): number | undefined {
  const inv = ~mask >>> 0;
  // A contiguous mask inverted is 2^k - 1, so adding one clears every bit it had (spec §3.7 M).
  if (((inv + 1) & inv) >>> 0 !== 0) return undefined;
  let prefix = 0;
  for (let m = mask; m & 0x80000000; m = (m << 1) >>> 0) prefix++;
  return prefix;
}

//------------ IPv6 ------------------------------------------------------------

/** RFC 4291 §2.2 text → 16 bytes; undefined for zone ids, brackets and anything malformed. */
export function parseIPv6(text: string): Uint8Array | undefined {
  if (text.length < 2 || text.length > 45 || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const out = new Uint8Array(16);
  let head = text;
  let tailV4: number | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    // Embedded IPv4 in the last 32 bits (`::ffff:10.0.0.1`, `64:ff9b::1.2.3.4`).
    tailV4 = parseIPv4(text.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = text.slice(0, lastColon + 1);
    if (head.endsWith('::')) head += '';
    else if (head.endsWith(':')) head = head.slice(0, -1);
  }
  const groupsWanted = tailV4 === undefined ? 8 : 6;
  const dbl = head.indexOf('::');
  if (dbl !== -1 && head.indexOf('::', dbl + 1) !== -1) return undefined;
  const parseGroups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const groups: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      groups.push(parseInt(g, 16));
    }
    return groups;
  };
  let groups: number[];
  if (dbl === -1) {
    const g = parseGroups(head);
    if (g === undefined || g.length !== groupsWanted) return undefined;
    groups = g;
  } else {
    const left = parseGroups(head.slice(0, dbl));
    const right = parseGroups(head.slice(dbl + 2));
    if (left === undefined || right === undefined) return undefined;
    const fill = groupsWanted - left.length - right.length;
    // RFC 4291: `::` stands for one or more groups of zeros.
    if (fill < 1) return undefined;
    groups = [...left, ...new Array<number>(fill).fill(0), ...right];
  }
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 255;
  });
  if (tailV4 !== undefined) out.set(ipv4ToBytes(tailV4), 12);
  return out;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** RFC 5952 canonical text: lowercase, longest zero run (≥ 2 groups, first on a tie) as `::`. */
export function formatIPv6(b: Uint8Array): string {
  if (isV4Mapped(b)) return `::ffff:${formatIPv4(ipv4FromBytes(b, 12))}`;
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((b[i * 2] ?? 0) << 8) | (b[i * 2 + 1] ?? 0));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (bestStart === -1) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

//------------ Either family ----------------------------------------------------

export type IpAddress =
  | { readonly family: 4; readonly v4: number; readonly text: string }
  | { readonly family: 6; readonly bytes: Uint8Array; readonly text: string };

/**
 * Parses an IPv4 or IPv6 address to its canonical form. IPv4-mapped IPv6 text counts as
 * IPv4, as Go's `To4()` does, so `::ffff:10.0.0.1` is 10.0.0.1 for A records and PTR.
 */
export function parseIp(text: string): IpAddress | undefined {
  const v4 = parseIPv4(text);
  if (v4 !== undefined) return { family: 4, v4, text: formatIPv4(v4) };
  const v6 = parseIPv6(text);
  if (v6 === undefined) return undefined;
  if (isV4Mapped(v6)) {
    const mapped = ipv4FromBytes(v6, 12);
    return { family: 4, v4: mapped, text: formatIPv4(mapped) };
  }
  return { family: 6, bytes: v6, text: formatIPv6(v6) };
}

//------------ CIDR ------------------------------------------------------------

export interface Cidr {
  readonly family: 4 | 6;
  readonly prefix: number;
  /** The network address: the given address with host bits cleared. */
  readonly network: IpAddress;
  /** Canonical `network/prefix` text, used as a key (duplicates collapse). */
  readonly text: string;
}

/** `10.0.0.5/24` → network 10.0.0.0/24. The prefix is decimal, at most 32 or 128. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash === -1) return undefined;
  const addrText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const v4 = parseIPv4(addrText);
  if (v4 !== undefined) {
    if (prefix > 32) return undefined;
    const net = (v4 & prefixToMask(prefix)) >>> 0;
    const network: IpAddress = { family: 4, v4: net, text: formatIPv4(net) };
    return { family: 4, prefix, network, text: `${network.text}/${prefix}` };
  }
  const v6 = parseIPv6(addrText);
  if (v6 === undefined || prefix > 128) return undefined;
  const bytes = maskBytes(v6, prefix);
  const network: IpAddress = { family: 6, bytes, text: formatIPv6(bytes) };
  return { family: 6, prefix, network, text: `${network.text}/${prefix}` };
}

function maskBytes(b: Uint8Array, prefix: number): Uint8Array {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    out[i] = (b[i] ?? 0) & ((0xff << (8 - bits)) & 0xff);
  }
  return out;
}

/** True when `ip` lies inside `cidr`; addresses of the other family never match. */
export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.network.family === 4) {
    return ip.family === 4 && ((ip.v4 & prefixToMask(cidr.prefix)) >>> 0) === cidr.network.v4;
  }
  if (ip.family !== 6) return false;
  const masked = maskBytes(ip.bytes, cidr.prefix);
  const net = cidr.network.bytes;
  for (let i = 0; i < 16; i++) if (masked[i] !== net[i]) return false;
  return true;
}
