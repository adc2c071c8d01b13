// The BSS boot-script URL handed to iPXE (spec coresmd-dhcp §5.1 step 6, §10.26):
//
//   <ipxe_base_uri> joined with /boot/v1/bootscript, query replaced by mac=<mac>
//   http://172.16.0.253:8081       → http://172.16.0.253:8081/boot/v1/bootscript?mac=de:ad:c0:de:ca:fe
//   http://bss.local/bss/?x=1#f    → http://bss.local/bss/boot/v1/bootscript?mac=…#f
//
// The original does `base.JoinPath("/boot/v1/bootscript")` then `RawQuery = "mac=" + mac`
// (Go net/url). JoinPath runs path.Join over the base's escaped path and the element, so `.`,
// `..` and doubled slashes in the base path are cleaned, and the result never ends in `/`.
// The MAC goes in as is, not percent-encoded (iPXE and BSS both expect the colons).
//
// Everything but the MAC is computed once per base (parseBootScriptBase), so the per-packet
// cost is one string concatenation.

/** The path BSS serves boot scripts on. */
export const BOOT_SCRIPT_PATH = '/boot/v1/bootscript';

/** A base URI split around the point where the MAC goes. */
export interface BootScriptBase {
  /** Everything up to and including `?mac=`. */
  readonly head: string;
  /** `#fragment` of the base, or ''. */
  readonly tail: string;
}

// RFC 3986 Appendix B: scheme, authority, path, query, fragment. Matches every string.
const URI_PARTS = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;

/** Go's path.Clean for a rooted path: drops `.` and empty segments, resolves `..`, no trailing `/`. */
function cleanRooted(path: string): string {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}

/** Precomputes the URL for one `ipxe_base_uri`; the config layer has already checked it is a URL. */
export function parseBootScriptBase(baseUri: string): BootScriptBase {
  const m = URI_PARTS.exec(baseUri)!;
  const scheme = m[1];
  const authority = m[2];
  const basePath = m[3] ?? '';
  const fragment = m[5];
  // JoinPath: a relative base path gets a leading `/` for the join, then loses it again; a URL
  // with a host writes a `/` before a relative path anyway (url.String), so only host-less,
  // path-relative bases stay relative.
  let path = cleanRooted(`${basePath}/${BOOT_SCRIPT_PATH}`);
  if (!basePath.startsWith('/') && authority === undefined) path = path.slice(1);
  // url.Parse lowercases the scheme; url.String writes no `#` for an empty fragment.
  const prefix = (scheme === undefined ? '' : `${scheme.toLowerCase()}:`) + (authority === undefined ? '' : `//${authority}`);
  return { head: `${prefix}${path}?mac=`, tail: fragment === undefined || fragment === '' ? '' : `#${fragment}` };
}

/** The boot-script URL for `mac` (lowercase colon form, as the client's chaddr is formatted). */
export function formatBootScriptUrl(base: BootScriptBase, mac: string): string {
  return base.head + mac + base.tail;
}
