// Plugin arguments, spec §1.1 and §2.1. coredhcp hands a plugin its YAML value split on
// whitespace (Go strings.Fields); coresmd and bootloop then read `/* */` comments per token and
// `key=value` pairs. Each token keeps its file position so errors point at the exact line of a
// `|` block.
//
// Divergence from the original (spec §2.1, §10.2): there, a token without `=`, an unknown key, a
// bad value, a stray `*/` or an unterminated `/*` is only logged and the plugin starts with a
// config that silently differs from the file. Here every one of them is a fatal error naming the
// file, line and key, so a typo can never run.
import { ConfigErrorCode, type ConfigPos, type Diagnostics } from './config-error.ts';
import { positionAt, type YamlNode } from './yaml-node.ts';

export interface ArgToken extends ConfigPos {
  readonly text: string;
  /** 1-based index among all tokens, comments included ("arg N" in the original's messages). */
  readonly index: number;
}

export interface KeyedArg {
  readonly key: string;
  readonly value: string;
  readonly token: ArgToken;
  /** Where the value starts (just after the first `=`). */
  readonly valuePos: ConfigPos;
}

/** The keys one plugin accepts; `repeatable` ones accumulate in order, the others: last wins. */
export interface ArgKeySpec {
  readonly plugin: string;
  readonly known: readonly string[];
  readonly repeatable: ReadonlySet<string>;
}

/** Where a plugin's arguments are checked: its diagnostics sink and the `- name:` entry. */
export interface PluginContext {
  readonly diag: Diagnostics;
  /** Position of the plugin's `- name:` key, for problems that belong to no argument. */
  readonly at: ConfigPos;
}

// Go's unicode.IsSpace, which strings.Fields uses (JS \s differs on U+0085 and U+FEFF).
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const GO_SPACE_G = new RegExp(GO_SPACE.source, 'g');

/** Go strings.Fields (spec §3.7 D). */
export function splitFields(text: string): string[] {
  return text.split(GO_SPACE).filter((f) => f !== '');
}

/**
 * The whitespace-split tokens of a plugin's YAML value, with positions. A null value (a plugin
 * listed with nothing after the colon) has no tokens; callers reject maps and lists first.
 */
export function tokenizeArgs(node: YamlNode): ArgToken[] {
  if (node.kind !== 'scalar') return [];
  const tokens: ArgToken[] = [];
  const text = node.value;
  let start = 0;
  const push = (end: number) => {
    if (end > start) tokens.push({ text: text.slice(start, end), index: tokens.length + 1, ...positionAt(node, start) });
  };
  for (const m of text.matchAll(GO_SPACE_G)) {
    push(m.index);
    start = m.index + m[0].length;
  }
  push(text.length);
  return tokens;
}

/**
 * Drops `/* … *\/` comments, recognised per token exactly as spec §2.1 says: a token of length
 * ≥ 2 starting with `/*` opens, one ending with `*\/` closes, comments do not nest (a second
 * opener only moves the "opened at" mark) and every opening, closing or enclosed token is
 * skipped. A stray closer and a comment still open at the end are errors.
 */
export function stripComments(tokens: readonly ArgToken[], ctx: PluginContext): ArgToken[] {
  const out: ArgToken[] = [];
  let open: ArgToken | undefined;
  for (const tok of tokens) {
    const t = tok.text;
    const opens = t.length >= 2 && t.startsWith('/*');
    const closes = t.length >= 2 && t.endsWith('*/');
    if (opens || closes) {
      if (opens) open = tok;
      if (closes) {
        if (open === undefined) {
          ctx.diag.error(
            tok,
            ConfigErrorCode.CommentStrayClose,
            `arg ${tok.index}: comment terminator ("*/") found without start of comment ("/*")`,
          );
        }
        open = undefined;
      }
      continue;
    }
    if (open === undefined) out.push(tok);
  }
  if (open !== undefined) {
    ctx.diag.error(
      open,
      ConfigErrorCode.CommentUnterminated,
      `arg ${open.index}: unterminated comment ("/*" found without a "*/"); everything after it up to the end of the plugin's arguments is ignored`,
    );
  }
  return out;
}

/**
 * Comments removed, then `key=value` split at the first `=` and checked against `spec`.
 * Returns the known pairs in written order; unknown keys and tokens without `=` are errors,
 * and a repeated single-valued key is a warning (its last value wins).
 */
export function parseKeyedArgs(tokens: readonly ArgToken[], spec: ArgKeySpec, ctx: PluginContext): KeyedArg[] {
  const out: KeyedArg[] = [];
  const seen = new Map<string, ArgToken>();
  stripComments(tokens, ctx).forEach((tok, i) => {
    const n = i + 1; // "non-comment arg N"
    const eq = tok.text.indexOf('=');
    if (eq === -1) {
      ctx.diag.error(tok, ConfigErrorCode.ArgFormat, `non-comment arg ${n}: invalid format '${tok.text}', should be 'key=val'`);
      return;
    }
    const key = tok.text.slice(0, eq);
    if (!spec.known.includes(key)) {
      ctx.diag.error(tok, ConfigErrorCode.UnknownArg, `non-comment arg ${n}: unknown config key '${key}' for ${spec.plugin} (known keys: ${spec.known.join(', ')})`, key);
      return;
    }
    const prev = seen.get(key);
    if (prev !== undefined && !spec.repeatable.has(key)) {
      ctx.diag.warn(tok, ConfigErrorCode.RepeatedArg, `given more than once (also at line ${prev.line}); this later value wins`, key);
    }
    seen.set(key, tok);
    out.push({ key, value: tok.text.slice(eq + 1), token: tok, valuePos: { line: tok.line, col: tok.col + eq + 1 } });
  });
  return out;
}

/** Go strings.Trim(s, `"'`): every leading and trailing quote character of either kind. */
export function trimQuotes(s: string): string {
  return s.replace(/^["']+|["']+$/g, '');
}
