// The one error type that leaves the SMD client, the file source and the validator.
// Codes are the contract (tests and status() report `code`, never message text).

export const SmdErrorCode = {
  /** SMD answered with a non-2xx status (spec coresmd-dns §5.12: upstream ignores status; we do not). */
  Status: 'ERR_SMD_STATUS',
  /** The body is not JSON. */
  Json: 'ERR_SMD_JSON',
  /** The body is JSON of the wrong shape; `field` names the entry and key. */
  Shape: 'ERR_SMD_SHAPE',
  /** A file:// inventory or the cache file could not be read. */
  File: 'ERR_SMD_FILE',
} as const;
export type SmdErrorCode = (typeof SmdErrorCode)[keyof typeof SmdErrorCode];

export interface SmdErrorDetails {
  readonly url?: string;
  readonly status?: number;
  /** RFC 7807 `detail` from an error body, when SMD sent one. */
  readonly detail?: string;
  /** Path of the offending value, e.g. `EthernetInterfaces[12].IPAddresses[0].IPAddress`. */
  readonly field?: string;
  readonly cause?: unknown;
}

export class SmdError extends Error {
  /** One of SmdErrorCode, or a transport code (`ERR_HTTP_*`) kept from the HTTP layer. */
  readonly code: string;
  readonly url: string | undefined;
  readonly status: number | undefined;
  readonly detail: string | undefined;
  readonly field: string | undefined;

  constructor(code: string, message: string, details: SmdErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'SmdError';
    this.code = code;
    this.url = details.url;
    this.status = details.status;
    this.detail = details.detail;
    this.field = details.field;
  }
}

/** `{message, code}` of any thrown value, for status() and logs. */
export function describeError(err: unknown): { message: string; code: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { message: err.message, code: typeof code === 'string' ? code : 'ERR_UNKNOWN' };
  }
  return { message: String(err), code: 'ERR_UNKNOWN' };
}
