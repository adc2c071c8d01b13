// Content-Type for boot files (RFC 9110 §8.3). UEFI HTTP boot firmware reads it: EDK2's
// HttpBootDxe (HttpBootCheckImageType) compares the whole field value, case-insensitively, with
// `application/efi` (also `application/vnd.efi-iso` / `-img`), and only when none matches
// falls back to the URI's extension. So the EFI type carries no parameters. iPXE ignores the
// type. Scripts are text so a person fetching one with curl or a browser sees them as such.

export const CONTENT_TYPE_EFI = 'application/efi';
export const CONTENT_TYPE_BINARY = 'application/octet-stream';
export const CONTENT_TYPE_SCRIPT = 'text/plain; charset=utf-8';

const BY_EXTENSION: ReadonlyMap<string, string> = new Map([
  ['.efi', CONTENT_TYPE_EFI],
  ['.ipxe', CONTENT_TYPE_SCRIPT],
  ['.txt', CONTENT_TYPE_SCRIPT],
  ['.cfg', CONTENT_TYPE_SCRIPT],
  ['.conf', CONTENT_TYPE_SCRIPT],
  ['.sh', CONTENT_TYPE_SCRIPT],
]);

/** `#!ipxe`: the magic line every iPXE script starts with (ipxe.org/scripting). */
const IPXE_MAGIC = [0x23, 0x21, 0x69, 0x70, 0x78, 0x65] as const;

function startsWithIpxeMagic(bytes: Uint8Array): boolean {
  return IPXE_MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * The type for `name` (a provider name, `a/b.efi`). `head`, when the body is at hand (built-in
 * scripts such as `default` live in memory), lets an extension-less iPXE script be text.
 */
export function contentTypeOf(name: string, head?: Uint8Array): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  const byExt = dot > 0 ? BY_EXTENSION.get(base.slice(dot).toLowerCase()) : undefined;
  if (byExt !== undefined) return byExt;
  if (head !== undefined && startsWithIpxeMagic(head)) return CONTENT_TYPE_SCRIPT;
  return CONTENT_TYPE_BINARY;
}
