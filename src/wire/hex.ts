// Hex text for logs. Malformed-packet log lines carry the error code, offset and the first
// 64 bytes (house style §5.4); more than that is noise and a way to flood the log.

export const HEXDUMP_DEFAULT_BYTES = 64;

const HEX = '0123456789abcdef';
const ROW = 16;

/** Contiguous lowercase hex of the first `maxBytes` bytes, with `…` when cut (for log fields). */
export function formatHex(bytes: Uint8Array, maxBytes = HEXDUMP_DEFAULT_BYTES): string {
  const n = Math.min(bytes.length, Math.max(0, maxBytes));
  let out = '';
  for (let i = 0; i < n; i++) out += HEX[bytes[i]! >> 4]! + HEX[bytes[i]! & 15]!;
  return n < bytes.length ? `${out}…` : out;
}

/**
 * `xxd`-style dump of the first `maxBytes` bytes: offset, 16 bytes in hex, printable ASCII.
 *
 *     0000  45 00 00 1c 00 00 40 00  40 11 00 00 0a 00 00 01  E.....@.@.......
 *
 * A last line `(N more bytes)` says how much was left out.
 */
export function formatHexdump(bytes: Uint8Array, maxBytes = HEXDUMP_DEFAULT_BYTES): string {
  const n = Math.min(bytes.length, Math.max(0, maxBytes));
  const lines: string[] = [];
  for (let row = 0; row < n; row += ROW) {
    let hex = '';
    let text = '';
    for (let i = row; i < row + ROW; i++) {
      if (i > row) hex += i - row === ROW / 2 ? '  ' : ' ';
      if (i < n) {
        const b = bytes[i]!;
        hex += HEX[b >> 4]! + HEX[b & 15]!;
        text += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
      } else {
        hex += '  ';
      }
    }
    lines.push(`${row.toString(16).padStart(4, '0')}  ${hex}  ${text}`);
  }
  if (n < bytes.length) lines.push(`(${bytes.length - n} more bytes)`);
  return lines.join('\n');
}
