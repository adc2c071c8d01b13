// From an HTTP request-target to the file name handed to the FileProvider.
//
// The provider confines names to its roots; this is a second, earlier wall that refuses every
// trick that only makes sense as an escape attempt, before any file system call:
//   - encoded `/`, `\` or NUL (`%2f`, `%5c`, `%00`): a name segment can never contain them;
//   - empty segments (`//etc/passwd`, `a//b`, a trailing `/`) and dot segments (`.`, `..`),
//     raw or percent-encoded (`%2e%2e`); RFC 3986 §5.2.4 has clients remove dot segments before
//     sending, so a request that still has them is not from a boot client;
//   - control characters, backslashes, invalid percent-encoding or invalid UTF-8.
//
//   origin-form   = absolute-path [ "?" query ]      ; RFC 9112 §3.2.1
//   absolute-form = absolute-URI                     ; RFC 9112 §3.2.2, accepted from any client
//
// Pure: no I/O.

export type BootTarget =
  | { readonly ok: true; readonly name: string }
  | { readonly ok: false; readonly status: 400 | 404 | 414; readonly reason: string };

/** Longest name accepted. Boot file names are short; PATH_MAX (4096) bounds what a root could hold. */
export const MAX_TARGET_LENGTH = 4096;

function bad(reason: string): BootTarget {
  return { ok: false, status: 400, reason };
}

/** Turns `req.url` into a provider name (no leading slash), or says why it is refused. */
export function parseBootTarget(requestTarget: string): BootTarget {
  if (requestTarget.length > MAX_TARGET_LENGTH) {
    return { ok: false, status: 414, reason: `request-target longer than ${MAX_TARGET_LENGTH} characters` };
  }
  let raw = requestTarget;
  // absolute-form: a server MUST accept it (RFC 9112 §3.2.2); keep the path exactly as sent,
  // because new URL() would resolve dot segments and hide an escape attempt.
  const abs = /^https?:\/\/[^/?#]*/i.exec(raw);
  if (abs !== null) raw = raw.slice(abs[0].length) || '/';
  // The query names nothing on disk (iPXE may append one); a fragment is never sent, but if it
  // is, it is not part of the path either (RFC 3986 §3.5).
  const cut = raw.search(/[?#]/);
  const path = cut < 0 ? raw : raw.slice(0, cut);
  if (!path.startsWith('/')) return bad('request-target is not an absolute path');
  if (path === '/') return { ok: false, status: 404, reason: 'no file named (directory listing is not served)' };
  if (/%(?:2f|5c|00)/i.test(path)) return bad('encoded "/", "\\" or NUL in the path');
  if (path.includes('\\')) return bad('backslash in the path');

  const segments = path.slice(1).split('/');
  const names: string[] = [];
  for (const seg of segments) {
    if (seg === '') return bad('empty path segment ("//" or a trailing "/")');
    let text: string;
    try {
      text = decodeURIComponent(seg);
    } catch {
      return bad('invalid percent-encoding or UTF-8 in the path');
    }
    if (text === '.' || text === '..') return bad('dot segment in the path');
    // C0 controls and DEL: never part of a boot file name, and NUL would end it early in C.
    if (/[\u0000-\u001f\u007f]/.test(text)) return bad('control character in the path');
    names.push(text);
  }
  return { ok: true, name: names.join('/') };
}
