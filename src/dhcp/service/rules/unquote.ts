// Unquote (internal/parse), spec §3.1: strips one pair of matching quotes and resolves the
// escapes inside. Anything not wrapped in the same quote character passes through unchanged.

export class UnquoteError extends Error {
  constructor() {
    super('unterminated escape in quoted string');
    this.name = 'UnquoteError';
  }
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t' };

export function unquote(value: string): string {
  if (value.length < 2) return value;
  const q = value[0];
  if ((q !== "'" && q !== '"') || value[value.length - 1] !== q) return value;
  const inner = value.slice(1, -1);
  let out = '';
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    i++;
    if (i >= inner.length) throw new UnquoteError();
    const next = inner[i]!;
    // \\ \" \' give the character itself, as does any other escaped character.
    out += ESCAPES[next] ?? next;
  }
  return out;
}
