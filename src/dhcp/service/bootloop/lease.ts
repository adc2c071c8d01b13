// A bootloop lease: which address a MAC unknown to SMD was given, and until when.

import { formatIPv4, parseMac } from '../../../wire/addr.ts';

export interface BootloopLease {
  /** Lowercase colon form (parseMac). */
  readonly mac: string;
  /** Unsigned 32-bit IPv4 address. */
  readonly ip: number;
  /** Epoch ms; the lease is live while now < expiresAt. */
  readonly expiresAt: number;
  /** Epoch ms of the grant (or renewal) that wrote this lease. */
  readonly grantedAt: number;
  /** The client's own option 12, or "". */
  readonly hostname: string;
}

/** What is wrong with a lease, or undefined when it is well formed. */
export function leaseProblem(lease: BootloopLease): string | undefined {
  if (typeof lease.mac !== 'string' || !isNormalMac(lease.mac)) return `mac ${JSON.stringify(lease.mac)}: not a lowercase colon MAC`;
  if (!Number.isInteger(lease.ip) || lease.ip < 0 || lease.ip > 0xffffffff) return `ip ${String(lease.ip)}: not an unsigned 32-bit address`;
  if (!Number.isSafeInteger(lease.expiresAt)) return `expiresAt ${String(lease.expiresAt)}: not an integer epoch ms`;
  if (!Number.isSafeInteger(lease.grantedAt)) return `grantedAt ${String(lease.grantedAt)}: not an integer epoch ms`;
  if (typeof lease.hostname !== 'string') return 'hostname: not a string';
  return undefined;
}

// The common case, an EUI-48 already in normal form, without parseMac's splitting (journal
// recovery checks one MAC per record).
const EUI48_NORMAL = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;

function isNormalMac(mac: string): boolean {
  return EUI48_NORMAL.test(mac) || parseMac(mac) === mac;
}

/** `aa:bb:… 10.0.0.5` for logs. */
export function formatLease(lease: BootloopLease): string {
  return `${lease.mac} ${formatIPv4(lease.ip)}`;
}
