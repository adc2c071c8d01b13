// The Range request header for the `bytes` unit (RFC 9110 §14.1.2, §14.2), reduced to what a
// boot file server answers: one satisfiable range → 206, an unsatisfiable set → 416, anything
// else → the whole file with 200.
//
//   Range            = ranges-specifier                              ; RFC 9110 §14.2
//   ranges-specifier = range-unit "=" range-set                      ; RFC 9110 §14.1.1
//   range-set        = 1#range-spec
//   range-spec       = int-range / suffix-range / other-range
//   int-range        = first-pos "-" [ last-pos ]                     ; §14.1.2
//   suffix-range     = "-" suffix-length
//
// Pure: no I/O. Header text in, a decision out.

export type ByteRangeDecision =
  /** Serve the whole representation with 200 (no Range, unknown unit, invalid, or several ranges). */
  | { readonly kind: 'full'; readonly reason: 'absent' | 'unit' | 'invalid' | 'multiple' | 'empty' }
  /** Serve bytes start..end inclusive with 206 and Content-Range (RFC 9110 §14.4, §15.3.7). */
  | { readonly kind: 'partial'; readonly start: number; readonly end: number }
  /** Answer 416 with `Content-Range: bytes *\/size` (RFC 9110 §15.5.17). */
  | { readonly kind: 'unsatisfiable' };

const FULL_ABSENT: ByteRangeDecision = Object.freeze({ kind: 'full', reason: 'absent' });
const FULL_UNIT: ByteRangeDecision = Object.freeze({ kind: 'full', reason: 'unit' });
const FULL_INVALID: ByteRangeDecision = Object.freeze({ kind: 'full', reason: 'invalid' });
const FULL_MULTIPLE: ByteRangeDecision = Object.freeze({ kind: 'full', reason: 'multiple' });
const FULL_EMPTY: ByteRangeDecision = Object.freeze({ kind: 'full', reason: 'empty' });
const UNSATISFIABLE: ByteRangeDecision = Object.freeze({ kind: 'unsatisfiable' });

/** 1*DIGIT as a number; Infinity past 2^53 (still a valid position, just beyond any file). */
function parsePos(text: string): number | undefined {
  if (!/^[0-9]+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : Infinity;
}

type Spec = { readonly first: number; readonly last: number | undefined } | { readonly suffix: number };

/** One range-spec; undefined when it is invalid (RFC 9110 §14.1.1). */
function parseSpec(text: string): Spec | undefined {
  const dash = text.indexOf('-');
  if (dash < 0) return undefined;
  const left = text.slice(0, dash);
  const right = text.slice(dash + 1);
  if (left === '') {
    const suffix = parsePos(right);
    return suffix === undefined ? undefined : { suffix };
  }
  const first = parsePos(left);
  if (first === undefined) return undefined;
  if (right === '') return { first, last: undefined };
  const last = parsePos(right);
  // "A byte-range-spec is invalid if the last-pos value is present and less than the first-pos."
  if (last === undefined || last < first) return undefined;
  return { first, last };
}

/**
 * Decides how to answer a GET for a representation of `size` bytes given its Range header.
 * Multiple ranges are answered with the whole file: RFC 9110 §14.2 lets a server ignore Range,
 * and firmware HTTP clients never ask for multipart/byteranges.
 */
export function parseByteRange(header: string | undefined, size: number): ByteRangeDecision {
  if (header === undefined) return FULL_ABSENT;
  const eq = header.indexOf('=');
  // Range units are case-insensitive (RFC 9110 §14.1); an unknown unit MUST be ignored (§14.2).
  if (eq < 0 || header.slice(0, eq).trim().toLowerCase() !== 'bytes') return FULL_UNIT;
  // 1#element: empty list elements and OWS around commas are allowed (RFC 9110 §5.6.1.2).
  const parts = header
    .slice(eq + 1)
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) return FULL_INVALID;
  const specs: Spec[] = [];
  for (const p of parts) {
    const spec = parseSpec(p);
    if (spec === undefined) return FULL_INVALID;
    specs.push(spec);
  }
  if (specs.length > 1) return FULL_MULTIPLE;
  // An empty file has no byte to point at: no Content-Range can describe it, so send it whole.
  if (size === 0) return FULL_EMPTY;
  const spec = specs[0];
  if (spec === undefined) return FULL_INVALID;
  if ('suffix' in spec) {
    // "a suffix-range with a non-zero suffix-length" is satisfiable (RFC 9110 §14.1.1).
    if (spec.suffix === 0) return UNSATISFIABLE;
    return { kind: 'partial', start: Math.max(0, size - spec.suffix), end: size - 1 };
  }
  // Satisfiable when first-pos is below the length (RFC 9110 §14.1.1); last-pos is clamped.
  if (spec.first >= size) return UNSATISFIABLE;
  const end = spec.last === undefined || spec.last >= size ? size - 1 : spec.last;
  return { kind: 'partial', start: spec.first, end };
}

/** `bytes 0-99/1234` (RFC 9110 §14.4). */
export function formatContentRange(start: number, end: number, size: number): string {
  return `bytes ${start}-${end}/${size}`;
}

/** `bytes *\/1234`, sent with 416 (RFC 9110 §14.4, §15.5.17). */
export function formatUnsatisfiedRange(size: number): string {
  return `bytes */${size}`;
}
