// Small builders for DNS wire bytes in tests: names as label sequences, pointers, headers.

/** Wire form of `text` (dot-separated, no escapes), ending with the root label. */
export function labels(text: string): number[] {
  const out: number[] = [];
  for (const l of text.split('.').filter((s) => s !== '')) {
    out.push(l.length, ...Array.from(l, (c) => c.charCodeAt(0)));
  }
  out.push(0);
  return out;
}

/** Wire form of `text` without the root label, to be ended by a pointer. */
export function labelsNoRoot(text: string): number[] {
  return labels(text).slice(0, -1);
}

/** A compression pointer to `offset` (RFC 1035 §4.1.4). */
export function ptr(offset: number): number[] {
  return [0xc0 | (offset >> 8), offset & 0xff];
}

/** A label of `n` copies of `char`. */
export function label(n: number, char = 'a'): number[] {
  return [n, ...new Array<number>(n).fill(char.charCodeAt(0))];
}

/** A 12-octet header: ID 0x1234, the given flags word and counts. */
export function header(flags: number, qd: number, an = 0, ns = 0, ar = 0): number[] {
  const u16 = (v: number) => [v >> 8, v & 0xff];
  return [0x12, 0x34, ...u16(flags), ...u16(qd), ...u16(an), ...u16(ns), ...u16(ar)];
}

export function u16(v: number): number[] {
  return [v >> 8, v & 0xff];
}

export function u32(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

/** ASCII-lowercases the names of a decoded message, for comparing across compression. */
export function foldNames<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (k, v: unknown) => (typeof v === 'string' && /name|target|exchange|mname|rname/.test(k) ? v.toLowerCase() : v instanceof Uint8Array ? Array.from(v) : v))) as T;
}
