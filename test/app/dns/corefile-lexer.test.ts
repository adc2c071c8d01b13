// Corefile tokens by the caddy lexer's rules (spec coresmd-dns §1.2).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Diagnostics } from '../../../src/app/config/config-error.ts';
import { lexCorefile } from '../../../src/app/dns/corefile-lexer.ts';

function lex(text: string, env: Record<string, string> = {}) {
  const diag = new Diagnostics('Corefile');
  const tokens = lexCorefile(text, env, diag);
  return { tokens, texts: tokens.map((t) => t.text), diag };
}

describe('Corefile lexer', () => {
  const cases: readonly [name: string, input: string, want: readonly string[]][] = [
    ['whitespace separates', '  a\tb \r\n c ', ['a', 'b', 'c']],
    ['braces in a word are not braces', 'nodes nid{04d}', ['nodes', 'nid{04d}']],
    ['standalone braces', 'zone a {\n}', ['zone', 'a', '{', '}']],
    ['# comments to end of line', 'a # b c\nd', ['a', 'd']],
    ['# ends a word (caddy v1 lexer)', 'smd_url http://x#frag\nb', ['smd_url', 'http://x', 'b']],
    ['quotes group and are removed', '"a b" c', ['a b', 'c']],
    ['\\" is the only escape', '"a\\"b\\nc"', ['a"b\\nc']],
    ['# inside quotes is text', '"a # b"', ['a # b']],
    ['a quote inside a word is text', 'a"b"', ['a"b"']],
    ['empty quoted token', '""', ['']],
    ['byte order mark skipped', '\ufeffa', ['a']],
  ];
  for (const [name, input, want] of cases) test(name, () => assert.deepEqual(lex(input).texts, want));

  test('positions are 1-based line and column of the first character', () => {
    const { tokens } = lex('a\n  "b\nc" d');
    assert.deepEqual(tokens.map((t) => [t.text, t.line, t.col]), [['a', 1, 1], ['b\nc', 2, 3], ['d', 3, 4]]);
  });

  test('only unquoted braces are structural', () => {
    const { tokens } = lex('{ "{" }');
    assert.deepEqual(tokens.map((t) => t.brace), ['{', undefined, '}']);
  });

  test('{$VAR} and {%VAR%} are replaced in every token, quoted or not', () => {
    const { texts, diag } = lex('smd_url {$URL}/x "{%CA%}" nid{04d}', { URL: 'https://h', CA: '/ca.pem' });
    assert.deepEqual(texts, ['smd_url', 'https://h/x', '/ca.pem', 'nid{04d}']);
    assert.equal(diag.warnings.length, 0);
  });

  test('an unset variable becomes empty, with a warning naming it', () => {
    const { texts, diag } = lex('a{$NOPE}b');
    assert.deepEqual(texts, ['ab']);
    assert.equal(diag.warnings.length, 1);
    assert.match(diag.warnings[0]!.message, /NOPE/);
  });

  test('an unterminated quote is an error at the quote', () => {
    const { diag } = lex('a\n  "never closed');
    assert.equal(diag.errors.length, 1);
    assert.deepEqual([diag.errors[0]!.line, diag.errors[0]!.col], [2, 3]);
  });
});
