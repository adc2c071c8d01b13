// Text ↔ value for the journal's lines (format described in docs/bootloop-journal.md).
//
//   header  = "coresmd-ts bootloop journal " version LF        ; version 1
//   record  = crc SP payload LF
//   crc     = 8 lowercase hex digits: CRC-32 (zlib, IEEE 802.3) of the payload's UTF-8 bytes
//   payload = JSON array, one of
//             ["put", mac, ip, expiresAt, grantedAt, hostname]   ip dotted quad, times epoch ms
//             ["del", mac]
//
// JSON escapes every control character, so a payload never contains LF and a line is one
// record. The checksum comes first so a torn line (a prefix of a record) fails it.

import { crc32 } from 'node:zlib';
import { formatIPv4, parseIPv4 } from '../../../wire/addr.ts';
import { leaseProblem, type BootloopLease } from './lease.ts';

export const JOURNAL_VERSION = 1;
export const JOURNAL_HEADER = `coresmd-ts bootloop journal ${JOURNAL_VERSION}\n`;
const HEADER_PATTERN = /^coresmd-ts bootloop journal ([0-9]+)$/;
// The first bytes of every SQLite 3 database: the original's lease_file (spec coresmd-dhcp §7.2).
const SQLITE_MAGIC = 'SQLite format 3\0';

const LF = 0x0a;
const SP = 0x20;
const CRC_DIGITS = 8;

export type JournalRecord =
  | { readonly op: 'put'; readonly lease: BootloopLease }
  | { readonly op: 'del'; readonly mac: string };

export type ParsedRecord =
  | { readonly ok: true; readonly record: JournalRecord }
  /**
   * frame: the line is not a whole, intact record (a torn write if it is the last line);
   * content: the checksum matches but the record is not valid (never a torn write).
   */
  | { readonly ok: false; readonly kind: 'frame' | 'content'; readonly problem: string };

/** One record as a complete line, checksum and LF included. */
export function formatRecord(record: JournalRecord): string {
  const payload =
    record.op === 'put'
      ? JSON.stringify(['put', record.lease.mac, formatIPv4(record.lease.ip), record.lease.expiresAt, record.lease.grantedAt, record.lease.hostname])
      : JSON.stringify(['del', record.mac]);
  return `${hex8(crc32(payload))} ${payload}\n`;
}

/** Parses bytes [start, end) of buf: one line without its LF. */
export function parseRecord(buf: Buffer, start: number, end: number): ParsedRecord {
  const payloadAt = start + CRC_DIGITS + 1;
  if (end - start <= CRC_DIGITS + 1 || buf[start + CRC_DIGITS] !== SP) return frame('not "<crc> <payload>"');
  const stored = buf.toString('latin1', start, start + CRC_DIGITS);
  if (!/^[0-9a-f]{8}$/.test(stored)) return frame(`checksum field ${JSON.stringify(stored)} is not 8 hex digits`);
  const computed = crc32(buf.subarray(payloadAt, end));
  // Compared as numbers: formatting every computed checksum as hex was a tenth of open time.
  if (computed !== parseInt(stored, 16)) return frame(`checksum mismatch (stored ${stored}, computed ${hex8(computed)})`);
  let value: unknown;
  try {
    value = JSON.parse(buf.toString('utf8', payloadAt, end));
  } catch (err) {
    return content(`payload is not JSON: ${(err as Error).message}`);
  }
  return decodePayload(value);
}

export type ParsedHeader =
  | { readonly ok: true; readonly length: number }
  /** empty: the file is empty or holds only a prefix of our header (created but never finished). */
  | { readonly ok: false; readonly empty: boolean; readonly problem: string };

export function parseHeader(buf: Buffer): ParsedHeader {
  if (buf.toString('latin1', 0, SQLITE_MAGIC.length) === SQLITE_MAGIC) {
    return {
      ok: false,
      empty: false,
      problem: 'is a SQLite database (the original coresmd lease file); move it away, coresmd-ts keeps leases in a journal of its own',
    };
  }
  const nl = buf.indexOf(LF);
  if (nl === -1 && JOURNAL_HEADER.startsWith(buf.toString('latin1'))) return { ok: false, empty: true, problem: 'no header' };
  const line = nl === -1 ? '' : buf.toString('utf8', 0, nl);
  const m = HEADER_PATTERN.exec(line);
  if (m === null) return { ok: false, empty: false, problem: 'not a coresmd-ts bootloop journal (no header line)' };
  if (Number(m[1]) !== JOURNAL_VERSION) {
    return { ok: false, empty: false, problem: `journal format ${m[1]} is not supported (this build reads format ${JOURNAL_VERSION})` };
  }
  return { ok: true, length: nl + 1 };
}

function decodePayload(value: unknown): ParsedRecord {
  if (!Array.isArray(value)) return content('payload is not an array');
  const [op, mac, ipText, expiresAt, grantedAt, hostname] = value as unknown[];
  if (op === 'del') {
    if (value.length !== 2 || typeof mac !== 'string') return content('del: expected ["del", mac]');
    const lease = { mac, ip: 0, expiresAt: 0, grantedAt: 0, hostname: '' };
    const problem = leaseProblem(lease);
    return problem === undefined ? { ok: true, record: { op: 'del', mac } } : content(`del: ${problem}`);
  }
  if (op !== 'put') return content(`unknown operation ${JSON.stringify(op)}`);
  if (value.length !== 6 || typeof ipText !== 'string') return content('put: expected ["put", mac, ip, expiresAt, grantedAt, hostname]');
  const ip = parseJournalIPv4(ipText);
  if (ip === undefined) return content(`put: ip ${JSON.stringify(ipText)} is not an IPv4 address`);
  const lease = { mac, ip, expiresAt, grantedAt, hostname } as BootloopLease;
  const problem = leaseProblem(lease);
  return problem === undefined ? { ok: true, record: { op: 'put', lease } } : content(`put: ${problem}`);
}

// Dotted quad as formatIPv4 writes it (no leading zeros), with parseIPv4's rules; one regex
// instead of parseIPv4's split and four, because recovery parses one per record.
const DOTTED_QUAD = /^(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})$/;

function parseJournalIPv4(text: string): number | undefined {
  const m = DOTTED_QUAD.exec(text);
  if (m === null) return parseIPv4(text);
  const a = Number(m[1]);
  const b = Number(m[2]);
  const c = Number(m[3]);
  const d = Number(m[4]);
  if (a > 255 || b > 255 || c > 255 || d > 255) return undefined;
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

function hex8(n: number): string {
  return n.toString(16).padStart(CRC_DIGITS, '0');
}

function frame(problem: string): ParsedRecord {
  return { ok: false, kind: 'frame', problem };
}

function content(problem: string): ParsedRecord {
  return { ok: false, kind: 'content', problem };
}
