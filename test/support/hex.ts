// Annotated-hex fixtures (house style §5.7):
//
//   ;; provenance header: tool and version, command line, topology, date, what was scrubbed
//   45 00 01 48   ; version/IHL, TOS, total length
//   0a000001      ; src 10.0.0.1
//
// `;` starts a comment to the end of the line (`;;` lines are the header), whitespace is
// ignored, and each line must hold whole bytes: an odd digit count or a non-hex character
// throws with the line number.
import { readFileSync } from 'node:fs';

export function parseAnnotatedHex(text: string, source = 'hex'): Uint8Array {
  const out: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const semi = line.indexOf(';');
    const digits = (semi === -1 ? line : line.slice(0, semi)).replace(/\s+/g, '');
    const bad = /[^0-9a-fA-F]/.exec(digits);
    if (bad !== null) throw new Error(`${source}:${i + 1}: not a hex digit: ${JSON.stringify(bad[0])}`);
    if (digits.length % 2 !== 0) throw new Error(`${source}:${i + 1}: odd number of hex digits (${digits.length})`);
    for (let j = 0; j < digits.length; j += 2) out.push(parseInt(digits.slice(j, j + 2), 16));
  });
  return Uint8Array.from(out);
}

/** Reads a `.hex` fixture; `path` is a file path or a URL (`new URL('x.hex', import.meta.url)`). */
export function loadHexFixture(path: string | URL): Uint8Array {
  return parseAnnotatedHex(readFileSync(path, 'utf8'), String(path));
}
