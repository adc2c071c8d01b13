// ExpandHostnamePattern (internal/hostname), spec §3.5. Reproduced exactly, quirks included:
// `{id}` first (so its text is expanded again), leftmost-first `\{0*(\d+)d\}`, Go `%0*d`
// width semantics (sign inside the width, never truncated, BADWIDTH above 1e6).

const NID_PLACEHOLDER = /\{0*(\d+)d\}/g;

// fmt's tooLarge(): widths beyond ±1e6 are rejected and `%!(BADWIDTH)` is printed instead.
const MAX_FMT_WIDTH = 1e6;

export function expandHostnamePattern(pattern: string, nid: number, id: string): string {
  // Function replacers: a string replacement would expand `$&`-style sequences in the ID.
  return pattern.replaceAll('{id}', () => id).replace(NID_PLACEHOLDER, (_m, digits: string) => formatZeroPadded(nid, digits));
}

/** Go `fmt.Sprintf("%0*d", width, n)` where width is strconv.Atoi(digits). */
function formatZeroPadded(n: number, digits: string): string {
  // Atoi saturates on overflow, which is far beyond the BADWIDTH limit either way.
  const width = digits.length > 7 ? Infinity : Number(digits);
  const abs = Math.abs(Math.trunc(n)).toString();
  const sign = n < 0 ? '-' : '';
  if (width > MAX_FMT_WIDTH) return `%!(BADWIDTH)${sign}${abs}`;
  // Zero padding keeps room for the sign: -1 with width 4 is "-001".
  return sign + abs.padStart(width - sign.length, '0');
}
