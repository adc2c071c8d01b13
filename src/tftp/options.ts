// Option negotiation for a read request (RFC 2347 §"Negotiation Protocol", RFC 2348, RFC 2349,
// RFC 7440). Pure: the caller supplies the limits (path MTU, file size, config) and sends the
// OACK built from `accepted`, or DATA 1 at once when `accepted` is empty (RFC 2347: a server
// that acknowledges nothing answers as RFC 1350 would).
//
// RFC 2347 lets a server take an option, take it with another value where the option's RFC
// allows one, or leave it out of the OACK; unknown options "must not cause an ERROR packet".
// Nothing a client asks for in an RRQ is therefore an error here: what we do not take is left
// out and reported in `ignored` for the log.

import {
  BLKSIZE_DEFAULT,
  BLKSIZE_MAX,
  BLKSIZE_MIN,
  TIMEOUT_MAX_S,
  TIMEOUT_MIN_S,
  TftpOptionName,
  WINDOWSIZE_DEFAULT,
  WINDOWSIZE_MAX,
  WINDOWSIZE_MIN,
} from './constants.ts';
import type { TftpOptionList, TftpOptionPair } from './packet.ts';

export interface TftpNegotiationLimits {
  /**
   * Largest block the path carries: path MTU minus IP, UDP and TFTP headers (1500 − 20 − 8 − 4
   * = 1468 over IPv4 Ethernet), computed by the caller. Values below 8 are treated as 8.
   */
  readonly maxBlksize: number;
  /** Octets the transfer will send (after netascii conversion); unknown leaves tsize out. */
  readonly fileSize?: number;
  /** RFC 7440 windowsize; when false the option is left out and the transfer is lock-step. */
  readonly allowWindowsize: boolean;
  /** Largest window we send; a client's larger request is answered with this (RFC 7440 §3). */
  readonly maxWindowsize: number;
  /** Retransmission timeout when the client does not ask for one, in seconds. */
  readonly defaultTimeoutS: number;
}

/** Why an option was left out of the OACK. */
export const TftpIgnoredReason = {
  /** Not an option we negotiate (RFC 2347: the server omits it). */
  Unknown: 'unknown',
  /** Not a decimal number. */
  NotANumber: 'not-a-number',
  /** A number outside the option's range (RFC 2348, RFC 2349, RFC 7440). */
  OutOfRange: 'out-of-range',
  /** Turned off by configuration (windowsize). */
  Disabled: 'disabled',
  /** tsize asked for, but the size is not known before sending (a generated file). */
  SizeUnknown: 'size-unknown',
} as const;
export type TftpIgnoredReason = (typeof TftpIgnoredReason)[keyof typeof TftpIgnoredReason];

export interface TftpIgnoredOption {
  readonly name: string;
  readonly value: string;
  readonly reason: TftpIgnoredReason;
}

export interface TftpNegotiated {
  /** The OACK's options, in the client's order, values as we answer them. Empty: send no OACK. */
  readonly accepted: TftpOptionList;
  /** Data octets per DATA packet: the accepted blksize, else 512 (RFC 1350). */
  readonly blksize: number;
  /** Retransmission timeout: the accepted timeout, else the configured default. */
  readonly timeoutMs: number;
  /** Blocks sent per ACK: the accepted windowsize, else 1 (RFC 7440 §1). */
  readonly windowsize: number;
  /** The client sent tsize, whether or not we could answer it. */
  readonly tsizeRequested: boolean;
  /** Options left out of the OACK and why; absent when every option was taken. */
  readonly ignored?: readonly TftpIgnoredOption[];
}

/** Significant digits a value may have; more is out of every option's range. */
const MAX_DECIMAL_DIGITS = 15; // below 2^53, so Number() is exact
const MS_PER_S = 1000;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/**
 * Negotiates the options of a read request. `requested` is the RRQ's option list (names already
 * lowercased and unique, as decodeTftp returns them).
 */
export function negotiateOptions(requested: TftpOptionList, limits: TftpNegotiationLimits): TftpNegotiated {
  const accepted: TftpOptionPair[] = [];
  const ignored: TftpIgnoredOption[] = [];
  let blksize = BLKSIZE_DEFAULT;
  let timeoutS = limits.defaultTimeoutS;
  let windowsize = WINDOWSIZE_DEFAULT;
  let tsizeRequested = false;
  const ignore = (name: string, value: string, reason: TftpIgnoredReason) => ignored.push({ name, value, reason });

  for (const [name, value] of requested) {
    switch (name) {
      case TftpOptionName.Blksize: {
        const n = parseDecimal(value);
        if (n === undefined) ignore(name, value, TftpIgnoredReason.NotANumber);
        // RFC 2348: "Valid values range between "8" and "65464" octets, inclusive"; outside
        // that the request is invalid and the option is left out, not refused with ERROR 8.
        else if (n < BLKSIZE_MIN || n > BLKSIZE_MAX) ignore(name, value, TftpIgnoredReason.OutOfRange);
        else {
          // RFC 2348: the OACK's value "must be less than or equal to the value specified by the
          // client"; we lower it to what the path carries, and never below the RFC minimum.
          blksize = Math.min(n, Math.max(BLKSIZE_MIN, Math.min(limits.maxBlksize, BLKSIZE_MAX)));
          accepted.push([name, String(blksize)]);
        }
        break;
      }
      case TftpOptionName.Timeout: {
        const n = parseDecimal(value);
        if (n === undefined) ignore(name, value, TftpIgnoredReason.NotANumber);
        // RFC 2349: 1..255 seconds, and the OACK's value "must match the value specified by
        // the client", so we take it as is or leave it out.
        else if (n < TIMEOUT_MIN_S || n > TIMEOUT_MAX_S) ignore(name, value, TftpIgnoredReason.OutOfRange);
        else {
          timeoutS = n;
          accepted.push([name, String(n)]);
        }
        break;
      }
      case TftpOptionName.Tsize:
        // RFC 2349: in an RRQ the client sends "0" and the server answers with the file size.
        // The client's value carries nothing, so any value is a request: atftp 0.8.0 sends the
        // text "enable" when given `--option "tsize enable"`.
        tsizeRequested = true;
        if (limits.fileSize === undefined) ignore(name, value, TftpIgnoredReason.SizeUnknown);
        else accepted.push([name, String(limits.fileSize)]);
        break;
      case TftpOptionName.Windowsize: {
        const n = parseDecimal(value);
        if (!limits.allowWindowsize) ignore(name, value, TftpIgnoredReason.Disabled);
        else if (n === undefined) ignore(name, value, TftpIgnoredReason.NotANumber);
        // RFC 7440 §3: "Valid values range between 1 and 65535 blocks, inclusive".
        else if (n < WINDOWSIZE_MIN || n > WINDOWSIZE_MAX) ignore(name, value, TftpIgnoredReason.OutOfRange);
        else {
          // RFC 7440 §3: the server may answer a smaller window than the client asked for.
          windowsize = Math.min(n, Math.max(WINDOWSIZE_MIN, limits.maxWindowsize));
          accepted.push([name, String(windowsize)]);
        }
        break;
      }
      default:
        // RFC 2347: options the server does not support are omitted from the OACK.
        ignore(name, value, TftpIgnoredReason.Unknown);
    }
  }

  const result = { accepted, blksize, timeoutMs: timeoutS * MS_PER_S, windowsize, tsizeRequested };
  return ignored.length === 0 ? result : { ...result, ignored };
}

/**
 * An unsigned decimal number (RFC 2348/2349/7440 values are "specified in ASCII"), undefined
 * when the text is not one, Infinity when it has too many digits to be exact (out of any range).
 */
export function parseDecimal(text: string): number | undefined {
  if (text.length === 0) return undefined;
  let first = -1; // first non-zero digit
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < DIGIT_0 || c > DIGIT_9) return undefined;
    if (first === -1 && c !== DIGIT_0) first = i;
  }
  if (first === -1) return 0;
  return text.length - first > MAX_DECIMAL_DIGITS ? Number.POSITIVE_INFINITY : Number(text);
}
