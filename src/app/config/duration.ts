// Go's time.ParseDuration and Duration.String, for cache_valid, lease_time and friends (spec
// §2.2). Arithmetic is done in integer nanoseconds (BigInt) exactly as Go does, including its
// float64 step for fractions, so `1.5h` and `0.1s` round the same way; callers get milliseconds.

const NS = 1n;
const US = 1000n * NS;
const MS = 1000n * US;
const SEC = 1000n * MS;
const MIN = 60n * SEC;
const HOUR = 60n * MIN;

// No `d`: Go has no day unit. µ is U+00B5 (micro sign) and μ is U+03BC (Greek mu); Go takes both.
const UNITS: ReadonlyMap<string, bigint> = new Map([
  ['ns', NS],
  ['us', US],
  ['\u00b5s', US],
  ['\u03bcs', US],
  ['ms', MS],
  ['s', SEC],
  ['m', MIN],
  ['h', HOUR],
]);

const MAX_U = 1n << 63n;

export type DurationResult = { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly error: string };

/** `300ms`, `1h30m`, `1.5h`, `-5s`, `0` → milliseconds; errors use Go's wording. */
export function parseGoDuration(text: string): DurationResult {
  const ns = parseGoDurationNs(text);
  return typeof ns === 'string' ? { ok: false, error: ns } : { ok: true, ms: Number(ns) / 1e6 };
}

/** The duration in nanoseconds, or Go's error text. */
export function parseGoDurationNs(orig: string): bigint | string {
  const invalid = `time: invalid duration ${JSON.stringify(orig)}`;
  let s = orig;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return invalid;
  let d = 0n;
  while (s !== '') {
    if (!/^[0-9.]/.test(s)) return invalid;
    const intPart = /^[0-9]*/.exec(s)![0];
    s = s.slice(intPart.length);
    const v0 = intPart === '' ? 0n : BigInt(intPart);
    if (v0 > MAX_U) return invalid; // leadingInt overflow
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s[0] === '.') {
      s = s.slice(1);
      const frac = /^[0-9]*/.exec(s)![0];
      s = s.slice(frac.length);
      post = frac !== '';
      // leadingFraction: digits past int64 precision are consumed but ignored.
      let overflow = false;
      for (const ch of frac) {
        if (overflow) continue;
        const y = f * 10n + BigInt(ch);
        if (f > (MAX_U - 1n) / 10n || y > MAX_U) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
    }
    if (intPart === '' && !post) return invalid;
    const unitText = /^[^0-9.]*/.exec(s)![0];
    s = s.slice(unitText.length);
    if (unitText === '') return `time: missing unit in duration ${JSON.stringify(orig)}`;
    const unit = UNITS.get(unitText);
    if (unit === undefined) return `time: unknown unit ${JSON.stringify(unitText)} in duration ${JSON.stringify(orig)}`;
    if (v0 > MAX_U / unit) return invalid;
    let v = v0 * unit;
    if (f > 0n) {
      // Go: v += uint64(float64(f) * (float64(unit) / scale)), truncated toward zero.
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > MAX_U) return invalid;
    }
    d += v;
    if (d > MAX_U) return invalid;
  }
  if (neg) return -d;
  if (d > MAX_U - 1n) return invalid;
  return d;
}

/** Go's Duration.String(): `1h0m0s`, `5m0s`, `30s`, `1.5s`, `300ms`, `0s`. */
export function formatGoDuration(ms: number): string {
  return formatGoDurationNs(BigInt(Math.round(ms * 1e6)));
}

export function formatGoDurationNs(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < SEC) {
    // Sub-second values use the largest unit that keeps an integer part: ns, µs or ms.
    if (u < US) out = `${u}ns`;
    else if (u < MS) out = `${fraction(u, US, 3)}\u00b5s`;
    else out = `${fraction(u, MS, 6)}ms`;
  } else {
    out = `${fraction(u % MIN, SEC, 9)}s`;
    u /= MIN;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/** value/unit with `digits` fractional digits, trailing zeros (and a bare point) dropped. */
function fraction(value: bigint, unit: bigint, digits: number): string {
  const whole = value / unit;
  const frac = (value % unit).toString().padStart(digits, '0').replace(/0+$/, '');
  return frac === '' ? `${whole}` : `${whole}.${frac}`;
}
