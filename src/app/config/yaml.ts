// A YAML loader for the subset coredhcp configs use (no runtime dependencies, so we write it):
// block mappings and sequences (including `- key: value` one-key maps), plain, single- and
// double-quoted scalars, `|`/`>` block scalars with chomping and indentation indicators,
// comments, an optional leading `---`, empty values (null) and one-line flow sequences of
// scalars. Everything else (anchors, aliases, tags, flow mappings, several documents, tabs in
// indentation, duplicate keys, uneven indentation) is rejected with `file:line:col` and what was
// expected. Every node carries its position, and scalars map each character back to its source
// position so a plugin argument inside a `|` block can be reported on its own line.
import { ConfigErrorCode, Diagnostics, type ConfigPos } from './config-error.ts';
import type { YamlEntry, YamlMap, YamlNode, YamlScalar, YamlSeq, YamlSpan } from './yaml-node.ts';

/** Parses one document; throws ConfigErrors. An empty document is a null node at 1:1. */
export function parseYaml(text: string, file: string): YamlNode {
  const diag = new Diagnostics(file);
  let root: YamlNode;
  try {
    root = new YamlParser(text, diag).parseDocument();
  } catch (e) {
    if (!(e instanceof YamlFail)) throw e;
    diag.error(e.at, e.code, e.message);
    diag.throwIfErrors();
    throw e; // unreachable: an error was just recorded
  }
  diag.throwIfErrors();
  return root;
}

//------------ internals ----------------------------------------------------------

class YamlFail extends Error {
  readonly at: ConfigPos;
  readonly code: ConfigErrorCode;
  constructor(at: ConfigPos, code: ConfigErrorCode, message: string) {
    super(message);
    this.at = at;
    this.code = code;
  }
}

const NULL_WORDS = new Set(['~', 'null', 'Null', 'NULL']);

const DOUBLE_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};
const HEX_ESCAPES: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

const isBlank = (s: string): boolean => /^[ \t]*$/.test(s);
const isBlankOrComment = (s: string): boolean => /^[ \t]*(#.*)?$/.test(s);
const isWs = (c: string | undefined): boolean => c === ' ' || c === '\t';
const countSpaces = (s: string): number => {
  let n = 0;
  while (s[n] === ' ') n++;
  return n;
};

/** What a value may not start with, and why (YAML indicators outside our subset). */
function unsupportedStart(c: string, next: string | undefined): string | undefined {
  switch (c) {
    case '&':
      return 'anchors (&name) are not supported';
    case '*':
      return 'aliases (*name) are not supported';
    case '!':
      return 'tags (!tag) are not supported';
    case '{':
      return 'flow mappings ({...}) are not supported; use one "key: value" per line';
    case '%':
    case '@':
    case '`':
      return `'${c}' cannot start a plain value; put the value in quotes (e.g. "${c}...")`;
    case '?':
      return isWs(next) || next === undefined ? 'complex mapping keys (?) are not supported' : undefined;
    case ',':
    case ']':
    case '}':
      return `unexpected '${c}'; put the value in quotes if it starts with '${c}'`;
    default:
      return undefined;
  }
}

class YamlParser {
  readonly #lines: string[];
  readonly #diag: Diagnostics;
  /** Index of the next line not yet consumed. */
  #i = 0;

  constructor(text: string, diag: Diagnostics) {
    this.#lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
    this.#diag = diag;
  }

  parseDocument(): YamlNode {
    let idx = this.#nextContent(true);
    if (idx !== -1 && this.#isMarker(idx, '---')) {
      const rest = this.#text(idx).slice(3);
      if (!isBlankOrComment(rest)) {
        throw this.#fail(idx, 3 + countSpaces(rest), ConfigErrorCode.YamlUnsupported, "content on the '---' line is not supported; start it on the next line");
      }
      this.#i = idx + 1;
      idx = this.#nextContent(true);
    }
    if (idx !== -1 && this.#text(idx).startsWith('%')) {
      throw this.#fail(idx, 0, ConfigErrorCode.YamlUnsupported, 'YAML directives (%YAML, %TAG) are not supported');
    }
    const root = idx === -1 ? { kind: 'null' as const, line: 1, col: 1 } : this.#parseBlock(-1, { line: idx + 1, col: 1 });
    const after = this.#nextContent(true);
    if (after === -1) return root;
    if (this.#isMarker(after, '---')) {
      throw this.#fail(after, 0, ConfigErrorCode.YamlUnsupported, "multiple documents ('---') are not supported; use one document per file");
    }
    if (this.#isMarker(after, '...')) {
      for (let j = after + 1; j < this.#lines.length; j++) {
        if (!isBlankOrComment(this.#text(j))) {
          throw this.#fail(j, countSpaces(this.#text(j)), ConfigErrorCode.YamlUnsupported, "content after the document end marker '...' is not supported");
        }
      }
      return root;
    }
    const ind = countSpaces(this.#text(after));
    throw this.#fail(after, ind, ConfigErrorCode.YamlIndent, `expected the end of the document, found more content at column ${ind + 1}; check the indentation`);
  }

  //------------ lines ----------------------------------------------------------

  #text(idx: number): string {
    return this.#lines[idx] ?? '';
  }

  #fail(idx: number, index: number, code: ConfigErrorCode, message: string): YamlFail {
    return new YamlFail({ line: idx + 1, col: index + 1 }, code, message);
  }

  #isMarker(idx: number, marker: '---' | '...'): boolean {
    const t = this.#text(idx);
    return t.startsWith(marker) && (t.length === 3 || isWs(t[3]));
  }

  /** Index of the next line with content at or after #i, or -1; document markers end content. */
  #nextContent(allowMarkers = false): number {
    for (let j = this.#i; j < this.#lines.length; j++) {
      const t = this.#text(j);
      if (isBlankOrComment(t)) continue;
      if (!allowMarkers && (this.#isMarker(j, '---') || this.#isMarker(j, '...'))) return -1;
      return j;
    }
    return -1;
  }

  /** Indentation (spaces) of a structural line; a tab where indentation is read is an error. */
  #indent(idx: number): number {
    const t = this.#text(idx);
    const n = countSpaces(t);
    if (t[n] === '\t') throw this.#fail(idx, n, ConfigErrorCode.YamlTab, 'tab character in indentation; YAML indentation must use spaces');
    return n;
  }

  #isSeqItemAt(idx: number, index: number): boolean {
    const t = this.#text(idx);
    return t[index] === '-' && (index + 1 === t.length || isWs(t[index + 1]));
  }

  //------------ block structure ------------------------------------------------

  /** The node whose lines are indented more than `parentIndent`, or null (placed at `at`). */
  #parseBlock(parentIndent: number, at: ConfigPos): YamlNode {
    const idx = this.#nextContent();
    if (idx === -1) return { kind: 'null', ...at };
    const n = this.#indent(idx);
    if (n <= parentIndent) return { kind: 'null', ...at };
    if (this.#isSeqItemAt(idx, n)) return this.#parseSeq(n, false);
    if (this.#keyAt(idx, n) !== undefined) return this.#parseMap(n);
    this.#i = idx;
    return this.#parseInlineValue(idx, n, parentIndent);
  }

  #parseMap(n: number): YamlMap {
    const entries: YamlEntry[] = [];
    const seen = new Map<string, number>();
    let start: ConfigPos | undefined;
    for (;;) {
      const idx = this.#nextContent();
      if (idx === -1) break;
      const ind = this.#indent(idx);
      if (ind < n) break;
      if (ind > n) {
        throw this.#fail(idx, ind, ConfigErrorCode.YamlIndent, `bad indentation: expected a key at column ${n + 1} (or less), found text at column ${ind + 1}`);
      }
      const key = this.#keyAt(idx, n);
      if (key === undefined) {
        if (this.#isSeqItemAt(idx, n)) {
          throw this.#fail(idx, n, ConfigErrorCode.YamlSyntax, "expected a 'key: value' line, found a list item '- ' at the indentation of the mapping's keys");
        }
        throw this.#fail(idx, n, ConfigErrorCode.YamlSyntax, "expected a 'key: value' line, found a line without 'key:'");
      }
      const pos = { line: idx + 1, col: n + 1 };
      start ??= pos;
      const first = seen.get(key.key);
      if (first !== undefined) {
        this.#diag.error(pos, ConfigErrorCode.YamlDuplicateKey, `duplicate key ${JSON.stringify(key.key)} (first defined at line ${first})`, key.key);
      } else {
        seen.set(key.key, pos.line);
      }
      const value = this.#parseValueAfterKey(idx, key.after, n);
      entries.push({ key: key.key, value, ...pos });
    }
    return { kind: 'map', entries, ...(start ?? { line: 1, col: n + 1 }) };
  }

  /**
   * `allowKeyAfter`: the list sits at the same indentation as its parent's keys (`key:\n- a`),
   * so a key line at that indentation ends the list rather than being an error.
   */
  #parseSeq(n: number, allowKeyAfter: boolean): YamlSeq {
    const items: YamlNode[] = [];
    let start: ConfigPos | undefined;
    for (;;) {
      const idx = this.#nextContent();
      if (idx === -1) break;
      const ind = this.#indent(idx);
      if (ind < n) break;
      if (ind > n) {
        throw this.#fail(idx, ind, ConfigErrorCode.YamlIndent, `bad indentation: expected a list item '- ' at column ${n + 1} (or less), found text at column ${ind + 1}`);
      }
      if (!this.#isSeqItemAt(idx, n)) {
        if (allowKeyAfter && this.#keyAt(idx, n) !== undefined) break;
        throw this.#fail(idx, n, ConfigErrorCode.YamlSyntax, "expected a list item '- ', found a line without '-' at the list's indentation");
      }
      const pos = { line: idx + 1, col: n + 1 };
      start ??= pos;
      const t = this.#text(idx);
      let j = n + 1;
      while (isWs(t[j])) j++;
      if (j >= t.length || t[j] === '#') {
        this.#i = idx + 1;
        items.push(this.#parseBlock(n, { line: idx + 1, col: n + 2 }));
      } else if (this.#isSeqItemAt(idx, j) || this.#keyAt(idx, j) !== undefined) {
        // Compact nesting (`- key: value`, `- - x`): the item is a block node at column j.
        this.#lines[idx] = ' '.repeat(j) + t.slice(j);
        this.#i = idx;
        items.push(this.#isSeqItemAt(idx, j) ? this.#parseSeq(j, false) : this.#parseMap(j));
      } else {
        this.#i = idx;
        items.push(this.#parseInlineValue(idx, j, n));
      }
    }
    return { kind: 'seq', items, flow: false, ...(start ?? { line: 1, col: n + 1 }) };
  }

  /** The value after `key:` (at index `after` of line idx) of a mapping at indentation n. */
  #parseValueAfterKey(idx: number, after: number, n: number): YamlNode {
    const t = this.#text(idx);
    let j = after;
    while (isWs(t[j])) j++;
    if (j < t.length && t[j] !== '#') return this.#parseInlineValue(idx, j, n);
    this.#i = idx + 1;
    const at = { line: idx + 1, col: after + 1 };
    const next = this.#nextContent();
    if (next !== -1 && countSpaces(this.#text(next)) === n && this.#isSeqItemAt(next, n)) return this.#parseSeq(n, true);
    return this.#parseBlock(n, at);
  }

  /** A key at index `index` of line idx: `key:` followed by a space or the end of the line. */
  #keyAt(idx: number, index: number): { key: string; after: number } | undefined {
    const t = this.#text(idx);
    const c = t[index];
    if (c === undefined) return undefined;
    if (c === '"' || c === "'") {
      let q: { value: string; end: number };
      try {
        q = this.#quoted(idx, index).scalar;
      } catch {
        return undefined;
      }
      let j = q.end;
      while (isWs(t[j])) j++;
      if (t[j] === ':' && (j + 1 === t.length || isWs(t[j + 1]))) return { key: q.value, after: j + 1 };
      return undefined;
    }
    if (this.#isSeqItemAt(idx, index) || '[{&*!|>%@`#,]}'.includes(c) || (c === '?' && isWs(t[index + 1]))) return undefined;
    for (let j = index; j < t.length; j++) {
      if (t[j] === '#' && isWs(t[j - 1])) return undefined;
      if (t[j] === ':' && (j + 1 === t.length || isWs(t[j + 1]))) {
        const key = t.slice(index, j).trimEnd();
        return key === '' ? undefined : { key, after: j + 1 };
      }
    }
    return undefined;
  }

  //------------ scalars and flow ------------------------------------------------

  /** A value starting at index j of line idx; `parentIndent` bounds continuation lines. */
  #parseInlineValue(idx: number, j: number, parentIndent: number): YamlNode {
    const t = this.#text(idx);
    const c = t[j] ?? '';
    const pos = { line: idx + 1, col: j + 1 };
    if (c === '|' || c === '>') return this.#blockScalar(idx, j, parentIndent);
    if (c === '"' || c === "'") {
      const { scalar } = this.#quoted(idx, j);
      this.#expectLineEnd(idx, scalar.end, 'a quoted value');
      this.#i = idx + 1;
      return { kind: 'scalar', value: scalar.value, style: c === '"' ? 'double' : 'single', spans: scalar.spans, ...pos };
    }
    if (c === '[') return this.#flowSeq(idx, j);
    if (c === '-' && (j + 1 === t.length || isWs(t[j + 1]))) {
      throw this.#fail(idx, j, ConfigErrorCode.YamlSyntax, "a list item '- ' cannot follow 'key:' on the same line; start the list on the next line");
    }
    const bad = unsupportedStart(c, t[j + 1]);
    if (bad !== undefined) throw this.#fail(idx, j, ConfigErrorCode.YamlUnsupported, bad);
    return this.#plain(idx, j, parentIndent);
  }

  #expectLineEnd(idx: number, from: number, what: string): void {
    const rest = this.#text(idx).slice(from);
    if (!isBlank(rest) && !/^[ \t]+#/.test(rest)) {
      throw this.#fail(idx, from + countSpaces(rest), ConfigErrorCode.YamlSyntax, `expected the end of the line after ${what}, found ${JSON.stringify(rest.trim())}`);
    }
  }

  /** A plain scalar, possibly continued on more-indented lines (folded with spaces). */
  #plain(idx: number, j: number, parentIndent: number): YamlNode {
    const pos = { line: idx + 1, col: j + 1 };
    const first = this.#plainLine(idx, j);
    let value = first;
    const spans: YamlSpan[] = [{ start: 0, line: idx + 1, col: j + 1 }];
    let k = idx + 1;
    let empty = 0;
    for (; k < this.#lines.length; k++) {
      const t = this.#text(k);
      if (isBlank(t)) {
        empty++;
        continue;
      }
      const ind = countSpaces(t);
      if (ind <= parentIndent || isBlankOrComment(t) || this.#isMarker(k, '---') || this.#isMarker(k, '...')) break;
      if (t[ind] === '\t') throw this.#fail(k, ind, ConfigErrorCode.YamlTab, 'tab character in indentation; YAML indentation must use spaces');
      value += empty === 0 ? ' ' : '\n'.repeat(empty);
      spans.push({ start: value.length, line: k + 1, col: ind + 1 });
      value += this.#plainLine(k, ind);
      empty = 0;
    }
    this.#i = k - empty;
    if (spans.length === 1 && NULL_WORDS.has(value)) return { kind: 'null', ...pos };
    return { kind: 'scalar', value, style: 'plain', spans, ...pos };
  }

  /** The plain text of one line from index j: up to a ` #` comment, trailing space trimmed. */
  #plainLine(idx: number, j: number): string {
    const t = this.#text(idx);
    let end = t.length;
    for (let k = j; k < t.length; k++) {
      if (t[k] === '#' && isWs(t[k - 1])) {
        end = k;
        break;
      }
    }
    const text = t.slice(j, end).trimEnd();
    const colon = /:(?=[ \t]|$)/.exec(text);
    if (colon !== null) {
      throw this.#fail(idx, j + colon.index, ConfigErrorCode.YamlSyntax, "unexpected ': ' inside a value; put the value in quotes, or check the indentation of this line");
    }
    return text;
  }

  /** A one-line quoted scalar starting at index j; end is the index after the closing quote. */
  #quoted(idx: number, j: number): { scalar: { value: string; end: number; spans: YamlSpan[] } } {
    const t = this.#text(idx);
    const q = t[j];
    const line = idx + 1;
    let value = '';
    const spans: YamlSpan[] = [{ start: 0, line, col: j + 2 }];
    for (let k = j + 1; k < t.length; k++) {
      const c = t[k]!;
      if (q === "'") {
        if (c !== "'") {
          value += c;
          continue;
        }
        if (t[k + 1] === "'") {
          value += "'";
          k++;
          spans.push({ start: value.length, line, col: k + 2 });
          continue;
        }
        return { scalar: { value, end: k + 1, spans } };
      }
      if (c === '"') return { scalar: { value, end: k + 1, spans } };
      if (c !== '\\') {
        value += c;
        continue;
      }
      const e = t[k + 1];
      if (e === undefined) break;
      const simple = DOUBLE_ESCAPES[e];
      if (simple !== undefined) {
        value += simple;
        k++;
      } else {
        const width = HEX_ESCAPES[e];
        const hex = width === undefined ? '' : t.slice(k + 2, k + 2 + width);
        if (width === undefined || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) {
          throw this.#fail(idx, k, ConfigErrorCode.YamlQuote, `invalid escape '\\${e}' in a double-quoted value (write \\\\ for a backslash)`);
        }
        value += String.fromCodePoint(parseInt(hex, 16));
        k += 1 + width;
      }
      spans.push({ start: value.length, line, col: k + 2 });
    }
    throw this.#fail(idx, j, ConfigErrorCode.YamlQuote, `unterminated ${q === '"' ? 'double' : 'single'}-quoted value (quoted values must end on the same line)`);
  }

  /** `[a, "b", 'c']` on one line: a list of scalars. */
  #flowSeq(idx: number, j: number): YamlSeq {
    const t = this.#text(idx);
    const items: YamlNode[] = [];
    let k = j + 1;
    const skipWs = () => {
      while (isWs(t[k])) k++;
    };
    for (;;) {
      skipWs();
      const c = t[k];
      if (c === ']') {
        k++;
        break;
      }
      if (c === undefined) throw this.#fail(idx, k, ConfigErrorCode.YamlSyntax, "expected ']' to close the flow list on the same line (multi-line [ ] lists are not supported)");
      const pos = { line: idx + 1, col: k + 1 };
      if (c === '"' || c === "'") {
        const { scalar } = this.#quoted(idx, k);
        items.push({ kind: 'scalar', value: scalar.value, style: c === '"' ? 'double' : 'single', spans: scalar.spans, ...pos });
        k = scalar.end;
      } else if (c === '[' || c === '{') {
        throw this.#fail(idx, k, ConfigErrorCode.YamlUnsupported, 'nested flow collections are not supported; a [ ] list may only hold plain or quoted values');
      } else if (c === ',') {
        throw this.#fail(idx, k, ConfigErrorCode.YamlSyntax, "expected a value before ','");
      } else {
        const bad = unsupportedStart(c, t[k + 1]);
        if (bad !== undefined) throw this.#fail(idx, k, ConfigErrorCode.YamlUnsupported, bad);
        let end = k;
        while (end < t.length && !',[]{}'.includes(t[end]!) && !(t[end] === '#' && isWs(t[end - 1]))) end++;
        const text = t.slice(k, end).trimEnd();
        if (/:(?=[ \t]|$)/.test(text)) throw this.#fail(idx, k, ConfigErrorCode.YamlUnsupported, "'key: value' pairs inside [ ] are not supported");
        items.push(NULL_WORDS.has(text) ? { kind: 'null', ...pos } : { kind: 'scalar', value: text, style: 'plain', spans: [{ start: 0, ...pos }], ...pos });
        k = end;
      }
      skipWs();
      if (t[k] === ',') {
        k++;
        continue;
      }
      if (t[k] === ']') {
        k++;
        break;
      }
      if (t[k] === undefined) throw this.#fail(idx, k, ConfigErrorCode.YamlSyntax, "expected ']' to close the flow list on the same line (multi-line [ ] lists are not supported)");
      throw this.#fail(idx, k, ConfigErrorCode.YamlSyntax, `expected ',' or ']' in the flow list, found '${t[k]}'`);
    }
    this.#expectLineEnd(idx, k, "the flow list's ']'");
    this.#i = idx + 1;
    return { kind: 'seq', items, flow: true, line: idx + 1, col: j + 1 };
  }

  /** `|` or `>` with optional chomping (-/+) and indentation (1–9) indicators. */
  #blockScalar(idx: number, j: number, parentIndent: number): YamlScalar {
    const t = this.#text(idx);
    const folded = t[j] === '>';
    let chomp: 'clip' | 'strip' | 'keep' = 'clip';
    let explicit = 0;
    let k = j + 1;
    for (let n = 0; n < 2; n++) {
      const c = t[k];
      if ((c === '-' || c === '+') && chomp === 'clip') chomp = c === '-' ? 'strip' : 'keep';
      else if (c !== undefined && c >= '1' && c <= '9' && explicit === 0) explicit = Number(c);
      else break;
      k++;
    }
    if (!isBlank(t.slice(k)) && !/^[ \t]+#/.test(t.slice(k))) {
      throw this.#fail(idx, k, ConfigErrorCode.YamlSyntax, `invalid block scalar header ${JSON.stringify(t.slice(j).trim())}: expected ${t[j]} with optional - or + and one digit, then the end of the line`);
    }

    // Content indentation: explicit, or that of the first non-empty line (spec 1.2 §8.1.1.1).
    let indent = explicit > 0 ? parentIndent + explicit : -1;
    let last = idx;
    const body: Array<{ idx: number; text: string } | undefined> = [];
    for (let m = idx + 1; m < this.#lines.length; m++) {
      const line = this.#text(m);
      if (isBlank(line)) {
        body.push(undefined);
        continue;
      }
      const ind = countSpaces(line);
      if (indent === -1) {
        if (ind <= parentIndent) break;
        indent = ind;
      }
      if (ind < indent) break;
      body.push({ idx: m, text: line.slice(indent) });
      last = m;
    }
    // Blank lines after the last content line belong to the scalar only for chomping.
    const trailingBlank = body.length - (body.findLastIndex((b) => b !== undefined) + 1);
    this.#i = last + 1;

    let value = '';
    const spans: YamlSpan[] = [];
    let empty = 0;
    let didRead = false;
    let moreIndented = false;
    for (const b of body.slice(0, body.length - trailingBlank)) {
      if (b === undefined) {
        empty++;
        continue;
      }
      if (!folded) {
        value += '\n'.repeat(didRead ? 1 + empty : empty);
      } else if (isWs(b.text[0])) {
        // More-indented lines are not folded (YAML 1.2 §8.1.3, as js-yaml implements it).
        moreIndented = true;
        value += '\n'.repeat(didRead ? 1 + empty : empty);
      } else if (moreIndented) {
        moreIndented = false;
        value += '\n'.repeat(empty + 1);
      } else if (empty === 0) {
        if (didRead) value += ' ';
      } else {
        value += '\n'.repeat(empty);
      }
      spans.push({ start: value.length, line: b.idx + 1, col: indent + 1 });
      value += b.text;
      didRead = true;
      empty = 0;
    }
    empty += trailingBlank;
    if (chomp === 'keep') value += '\n'.repeat(didRead ? 1 + empty : empty);
    else if (chomp === 'clip' && didRead) value += '\n';
    return { kind: 'scalar', value, style: folded ? 'folded' : 'literal', spans, line: idx + 1, col: j + 1 };
  }
}
