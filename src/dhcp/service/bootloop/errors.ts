// The one error type of the bootloop pools, journal and lease store. Codes are the contract;
// messages name the file, line and byte offset so an operator can find the damage.

export const BootloopErrorCode = {
  /** A pool definition is invalid or conflicts with another (overlapping ranges, duplicate CIDR). */
  Pool: 'ERR_BOOTLOOP_POOL',
  /** The file exists but is not a journal this build reads (wrong header or version, SQLite). */
  Header: 'ERR_JOURNAL_HEADER',
  /** A record before the last one fails its framing or checksum: damage, not a torn write. */
  Corrupt: 'ERR_JOURNAL_CORRUPT',
  /** A record's checksum is right but its contents are not a valid record (hand edit, bug). */
  Record: 'ERR_JOURNAL_RECORD',
  /** An earlier write failed and the journal could not be restored to its last good length. */
  Failed: 'ERR_LEASE_STORE_FAILED',
  Closed: 'ERR_LEASE_STORE_CLOSED',
  /** put() of a lease whose address another MAC holds; the caller must delete that lease first. */
  IpHeld: 'ERR_LEASE_IP_HELD',
  /** put() of a lease with a malformed field. */
  Invalid: 'ERR_LEASE_INVALID',
} as const;
export type BootloopErrorCode = (typeof BootloopErrorCode)[keyof typeof BootloopErrorCode];

export interface BootloopErrorDetails {
  readonly file?: string;
  /** 1-based line of the journal (the header is line 1). */
  readonly line?: number;
  /** Byte offset of the start of that line. */
  readonly offset?: number;
  readonly cause?: unknown;
}

export class BootloopError extends Error {
  readonly code: BootloopErrorCode;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly offset: number | undefined;

  constructor(code: BootloopErrorCode, message: string, details: BootloopErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'BootloopError';
    this.code = code;
    this.file = details.file;
    this.line = details.line;
    this.offset = details.offset;
  }
}
