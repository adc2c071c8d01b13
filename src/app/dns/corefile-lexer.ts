// Corefile tokens, by the rules of the caddy lexer CoreDNS uses (coredns/caddy
// `caddyfile/lexer.go`, spec coresmd-dns §1.2):
// - tokens are separated by whitespace; a token that starts with `"` runs to the next unescaped
//   `"` (the quotes are removed; `\"` is the only escape, any other backslash stays as written)
//   and may span lines;
// - `#` outside quotes starts a comment to the end of the line, even in the middle of a word;
// - `{` and `}` are structure only when they are whole unquoted tokens, so `nid{04d}` is one
//   ordinary token;
// - environment references `{$NAME}` (and caddy's Windows form `{%NAME%}`) are replaced in every
//   token, quoted or not (caddy `replaceEnvVars`). An unset variable becomes the empty string,
//   as in caddy, and a warning names it (a typo there otherwise fails far from its cause).
// Divergence: an unterminated quote is an error here; caddy silently ends the token at EOF.

import { ConfigErrorCode, type Diagnostics } from '../config/config-error.ts';

export interface CorefileToken {
  readonly text: string;
  /** 1-based line and column of the token's first character. */
  readonly line: number;
  readonly col: number;
  /** `{` or `}` written as a whole unquoted token: a block delimiter, not a value. */
  readonly brace: '{' | '}' | undefined;
}

const ENV_REF = /\{\$([^}]+)\}|\{%([^%]+)%\}/g;

function substitute(text: string, env: Readonly<Record<string, string | undefined>>, at: { line: number; col: number }, diag: Diagnostics): string {
  if (!text.includes('{$') && !text.includes('{%')) return text;
  return text.replace(ENV_REF, (_m, unix: string | undefined, win: string | undefined) => {
    const name = unix ?? win ?? '';
    const value = env[name];
    if (value === undefined) diag.warn(at, ConfigErrorCode.DefaultUsed, `environment variable ${name} is not set; using the empty string`);
    return value ?? '';
  });
}

/** Splits `source` into tokens; problems (an unterminated quote, unset variables) go to `diag`. */
export function lexCorefile(source: string, env: Readonly<Record<string, string | undefined>>, diag: Diagnostics): CorefileToken[] {
  const tokens: CorefileToken[] = [];
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source; // byte order mark
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      lineStart = ++i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    const at = { line, col: i - lineStart + 1 };
    if (c === '"') {
      let value = '';
      let closed = false;
      i++;
      while (i < n) {
        const q = text[i]!;
        if (q === '\\' && text[i + 1] === '"') {
          value += '"';
          i += 2;
          continue;
        }
        if (q === '"') {
          closed = true;
          i++;
          break;
        }
        if (q === '\n') {
          line++;
          lineStart = i + 1;
        }
        value += q;
        i++;
      }
      if (!closed) diag.error(at, ConfigErrorCode.ArgFormat, 'unterminated quoted string');
      tokens.push({ text: substitute(value, env, at, diag), line: at.line, col: at.col, brace: undefined });
      continue;
    }
    const start = i;
    while (i < n) {
      const w = text[i]!;
      if (w === ' ' || w === '\t' || w === '\r' || w === '\n' || w === '\f' || w === '\v' || w === '#') break;
      i++;
    }
    const raw = text.slice(start, i);
    const brace = raw === '{' || raw === '}' ? raw : undefined;
    tokens.push({ text: brace ?? substitute(raw, env, at, diag), line: at.line, col: at.col, brace });
  }
  return tokens;
}
