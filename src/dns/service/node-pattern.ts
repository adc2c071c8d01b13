// Node-name patterns of the `zone NAME { nodes PATTERN }` directive (spec coresmd-dns §1.5.2):
// `nid{04d}` → `nid0001`. The grammar is the original's:
// - every literal `{id}` becomes the xname;
// - every `{` + decimal digits + `d}` becomes the NID, zero-padded to the width the digits give
//   (leading zeros of the width are dropped, so `{04d}`, `{4d}` and `{004d}` all mean width 4;
//   `{0d}` means no padding); longer numbers are never truncated;
// - everything else is literal (`{d}` and `{x}` stay as they are).

const NID_PLACEHOLDER = /\{([0-9]+)d\}/g;
const XNAME_PLACEHOLDER = '{id}';

/** True when the pattern renders the NID, so a component without one cannot have this name. */
export function patternUsesNid(pattern: string): boolean {
  NID_PLACEHOLDER.lastIndex = 0;
  return NID_PLACEHOLDER.test(pattern);
}

/** Go's `%0*d`: a negative number keeps its sign inside the width (`-005` for width 4). */
function padNid(nid: number, width: number): string {
  if (nid < 0) return `-${String(-nid).padStart(Math.max(0, width - 1), '0')}`;
  return String(nid).padStart(width, '0');
}

/** The name a pattern gives a node: `expandNodePattern('nid{04d}', 1, 'x1000c0s0b0n0')` → `nid0001`. */
export function expandNodePattern(pattern: string, nid: number, xname: string): string {
  return pattern
    .replaceAll(XNAME_PLACEHOLDER, xname)
    .replace(NID_PLACEHOLDER, (_m, width: string) => padNid(nid, Number.parseInt(width, 10)));
}
