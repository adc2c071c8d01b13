// Corefile structure (the caddy parser CoreDNS uses, coredns/caddy `caddyfile/parse.go`):
//
//     KEY [KEY...] {            server block: its zones and ports
//         directive ARG... {    a directive: its arguments are the tokens on its own line;
//             sub ARG...        a `{` after them (on that line or starting the next) opens
//         }                     a block of sub-directives, to any depth
//     }
//
// Keys run to the end of their line, or on after a trailing comma (`a, b`). With a single server
// block the braces may be left out, as caddy allows. This file only builds the tree; what each
// directive accepts is decided by its setup (directives.ts), which is also where a block opened
// on another line than its directive is rejected or accepted.

import { ConfigErrorCode, type Diagnostics } from '../config/config-error.ts';
import type { CorefileToken } from './corefile-lexer.ts';

export interface CorefileDirective {
  readonly name: CorefileToken;
  /** The tokens after the name on the same line, up to a `{` or `}`. */
  readonly args: readonly CorefileToken[];
  /** The `{` that opened the directive's block, if it has one. */
  readonly open: CorefileToken | undefined;
  /** The block's directives; undefined without a block. */
  readonly block: readonly CorefileDirective[] | undefined;
}

export interface CorefileServerBlock {
  readonly keys: readonly CorefileToken[];
  readonly directives: readonly CorefileDirective[];
}

/** Blocks nest through directives only; past this depth the file is hostile or broken. */
const MAX_DEPTH = 32;

class TokenStream {
  readonly #tokens: readonly CorefileToken[];
  #i = 0;

  constructor(tokens: readonly CorefileToken[]) {
    this.#tokens = tokens;
  }

  peek(): CorefileToken | undefined {
    return this.#tokens[this.#i];
  }

  next(): CorefileToken | undefined {
    return this.#tokens[this.#i++];
  }

  get done(): boolean {
    return this.#i >= this.#tokens.length;
  }
}

const pos = (t: CorefileToken) => ({ line: t.line, col: t.col });

/** Builds the server blocks; structural problems go to `diag` (parsing stops at the first). */
export function parseCorefileTokens(tokens: readonly CorefileToken[], diag: Diagnostics): CorefileServerBlock[] {
  const s = new TokenStream(tokens);
  const blocks: CorefileServerBlock[] = [];
  try {
    while (!s.done) blocks.push(serverBlock(s, blocks.length === 0));
  } catch (e) {
    if (!(e instanceof SyntaxStop)) throw e;
    diag.error(e.at, ConfigErrorCode.ArgFormat, e.message);
  }
  return blocks;
}

class SyntaxStop extends Error {
  readonly at: { line: number; col: number };
  constructor(at: { line: number; col: number }, message: string) {
    super(message);
    this.at = at;
  }
}

function serverBlock(s: TokenStream, first: boolean): CorefileServerBlock {
  const keys: CorefileToken[] = [];
  let t = s.next()!;
  if (t.brace !== undefined) throw new SyntaxStop(pos(t), `expected a server block key such as '.:53', found '${t.text}'`);
  for (;;) {
    const more = t.text.endsWith(',');
    const text = more ? t.text.slice(0, -1) : t.text;
    if (text !== '') keys.push({ ...t, text });
    const next = s.peek();
    if (next === undefined || next.brace !== undefined) break;
    if (!more && next.line !== t.line) break;
    t = s.next()!;
  }
  const open = s.peek();
  if (open?.brace === '{') {
    s.next();
    return { keys, directives: directives(s, open, 1) };
  }
  // caddy: "single-server configs don't need curly braces".
  if (first) {
    const list = directives(s, undefined, 1);
    if (!s.done) throw new SyntaxStop(pos(s.peek()!), 'a Corefile with several server blocks needs braces around each');
    return { keys, directives: list };
  }
  const at = open ?? keys[keys.length - 1] ?? t;
  throw new SyntaxStop(pos(at), `expected '{' to open the server block of '${keys.map((k) => k.text).join(' ')}'`);
}

/** Directives up to the `}` matching `open` (or to the end of the file when open is undefined). */
function directives(s: TokenStream, open: CorefileToken | undefined, depth: number): CorefileDirective[] {
  if (depth > MAX_DEPTH) throw new SyntaxStop(open === undefined ? { line: 1, col: 1 } : pos(open), `blocks nested more than ${MAX_DEPTH} deep`);
  const out: CorefileDirective[] = [];
  for (;;) {
    const t = s.next();
    if (t === undefined) {
      if (open === undefined) return out;
      throw new SyntaxStop(pos(open), `unexpected end of file: the '{' opened here is never closed`);
    }
    if (t.brace === '}') {
      if (open !== undefined) return out;
      throw new SyntaxStop(pos(t), "unexpected '}' without a matching '{'");
    }
    if (t.brace === '{') throw new SyntaxStop(pos(t), "unexpected '{': a block must follow a directive");
    const args: CorefileToken[] = [];
    while (s.peek() !== undefined && s.peek()!.line === t.line && s.peek()!.brace === undefined) args.push(s.next()!);
    const brace = s.peek();
    if (brace?.brace === '{') {
      s.next();
      out.push({ name: t, args, open: brace, block: directives(s, brace, depth + 1) });
    } else {
      out.push({ name: t, args, open: undefined, block: undefined });
    }
  }
}
