// TFTP code tables and option bounds, as `as const` objects whose value type stays `number`
// (or `string` for option names) so unknown codes survive decoding (house style §5.2).
// `opcodeName` and `errorCodeName` turn a code into its mnemonic for logs, or `unknown(N)`.

/** Opcodes (RFC 1350 §5; OACK from RFC 2347). */
export const TftpOpcode = {
  RRQ: 1, // RFC 1350 §5, read request
  WRQ: 2, // RFC 1350 §5, write request
  DATA: 3, // RFC 1350 §5
  ACK: 4, // RFC 1350 §5
  ERROR: 5, // RFC 1350 §5
  OACK: 6, // RFC 2347, option acknowledgment
} as const;
export type TftpOpcode = (typeof TftpOpcode)[keyof typeof TftpOpcode];

const OPCODE_NAMES: Readonly<Record<number, string>> = {
  [TftpOpcode.RRQ]: 'RRQ',
  [TftpOpcode.WRQ]: 'WRQ',
  [TftpOpcode.DATA]: 'DATA',
  [TftpOpcode.ACK]: 'ACK',
  [TftpOpcode.ERROR]: 'ERROR',
  [TftpOpcode.OACK]: 'OACK',
};

/** `RRQ`, `OACK`, … or `unknown(N)`. */
export function opcodeName(opcode: number): string {
  return OPCODE_NAMES[opcode] ?? `unknown(${opcode})`;
}

/** ERROR packet codes (RFC 1350 Appendix "Error Codes"; 8 from RFC 2347). */
export const TftpErrorCode = {
  NotDefined: 0, // RFC 1350: "Not defined, see error message (if any)."
  FileNotFound: 1, // RFC 1350: "File not found."
  AccessViolation: 2, // RFC 1350: "Access violation."
  DiskFull: 3, // RFC 1350: "Disk full or allocation exceeded."
  IllegalOperation: 4, // RFC 1350: "Illegal TFTP operation."
  UnknownTransferId: 5, // RFC 1350: "Unknown transfer ID."
  FileAlreadyExists: 6, // RFC 1350: "File already exists."
  NoSuchUser: 7, // RFC 1350: "No such user."
  OptionNegotiation: 8, // RFC 2347: "terminate transfer due to option negotiation"
} as const;
export type TftpErrorCode = (typeof TftpErrorCode)[keyof typeof TftpErrorCode];

const ERROR_CODE_NAMES: Readonly<Record<number, string>> = {
  [TftpErrorCode.NotDefined]: 'Not defined',
  [TftpErrorCode.FileNotFound]: 'File not found',
  [TftpErrorCode.AccessViolation]: 'Access violation',
  [TftpErrorCode.DiskFull]: 'Disk full or allocation exceeded',
  [TftpErrorCode.IllegalOperation]: 'Illegal TFTP operation',
  [TftpErrorCode.UnknownTransferId]: 'Unknown transfer ID',
  [TftpErrorCode.FileAlreadyExists]: 'File already exists',
  [TftpErrorCode.NoSuchUser]: 'No such user',
  [TftpErrorCode.OptionNegotiation]: 'Option negotiation refused',
};

/** `File not found`, `Option negotiation refused`, … or `unknown(N)`. */
export function errorCodeName(code: number): string {
  return ERROR_CODE_NAMES[code] ?? `unknown(${code})`;
}

/** Transfer modes (RFC 1350 §5), lowercased: the RFC allows "any combination of upper and lower case". */
export const TftpMode = {
  Netascii: 'netascii', // RFC 1350 §5, RFC 764 line endings
  Octet: 'octet', // RFC 1350 §5, raw 8-bit bytes
  Mail: 'mail', // RFC 1350 §5, obsolete ("should not be implemented"); decoded, never served
} as const;
export type TftpMode = (typeof TftpMode)[keyof typeof TftpMode];

/** Option names, lowercased (RFC 2347: option names are case-insensitive). */
export const TftpOptionName = {
  Blksize: 'blksize', // RFC 2348
  Timeout: 'timeout', // RFC 2349 §"Timeout Interval Option"
  Tsize: 'tsize', // RFC 2349 §"Transfer Size Option"
  Windowsize: 'windowsize', // RFC 7440 §3
} as const;
export type TftpOptionName = (typeof TftpOptionName)[keyof typeof TftpOptionName];

/** RFC 1350 §1: the block size without options, and the block that ends a transfer is shorter. */
export const BLKSIZE_DEFAULT = 512;
/** RFC 2348: "Valid values range between "8" and "65464" octets, inclusive." */
export const BLKSIZE_MIN = 8;
/** RFC 2348 upper bound; counts data octets only, "not ... the four octets of TFTP header". */
export const BLKSIZE_MAX = 65464;

/** RFC 2349: "Valid values range between "1" and "255" seconds, inclusive." */
export const TIMEOUT_MIN_S = 1;
export const TIMEOUT_MAX_S = 255;

/** RFC 7440 §3: "Valid values range between 1 and 65535 blocks, inclusive." */
export const WINDOWSIZE_MIN = 1;
export const WINDOWSIZE_MAX = 65535;
/** RFC 7440 §1: without the option, one block per ACK (RFC 1350 lock-step). */
export const WINDOWSIZE_DEFAULT = 1;

/** TFTP header in front of a DATA payload: opcode and block number (RFC 1350 §5). */
export const TFTP_DATA_HEADER_LENGTH = 4;
