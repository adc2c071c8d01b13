// Corefile structure: server blocks, directives, nested blocks (caddy parse.go rules).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Diagnostics } from '../../../src/app/config/config-error.ts';
import { lexCorefile } from '../../../src/app/dns/corefile-lexer.ts';
import { parseCorefileTokens, type CorefileDirective } from '../../../src/app/dns/corefile-parser.ts';

function parse(text: string) {
  const diag = new Diagnostics('Corefile');
  const blocks = parseCorefileTokens(lexCorefile(text, {}, diag), diag);
  return { blocks, diag };
}

/** `name(args){...}` shorthand of a directive tree. */
function shape(ds: readonly CorefileDirective[]): string[] {
  return ds.map((d) => `${d.name.text}(${d.args.map((a) => a.text).join(' ')})${d.block === undefined ? '' : `{${shape(d.block).join(';')}}`}`);
}

describe('Corefile parser', () => {
  test('keys, directives, nested blocks, one-line blocks', () => {
    const { blocks, diag } = parse('.:53 example.org {\n  log\n  coresmd x {\n    smd_url u\n    zone a { nodes nid{04d} }\n  }\n}\n');
    assert.equal(diag.errors.length, 0);
    assert.deepEqual(blocks.map((b) => b.keys.map((k) => k.text)), [['.:53', 'example.org']]);
    assert.deepEqual(shape(blocks[0]!.directives), ['log()', 'coresmd(x){smd_url(u);zone(a){nodes(nid{04d})}}']);
  });

  test('arguments stop at the end of the line', () => {
    const { blocks } = parse('. {\n  smd_url\n  https://x\n}');
    assert.deepEqual(shape(blocks[0]!.directives), ['smd_url()', 'https://x()']);
  });

  test('a block opened on the next line still belongs to the directive (the setup judges it)', () => {
    const { blocks } = parse('. {\n  zone a\n  {\n    nodes n{02d}\n  }\n}');
    const zone = blocks[0]!.directives[0]!;
    assert.deepEqual(shape([zone]), ['zone(a){nodes(n{02d})}']);
    assert.equal(zone.open?.line, 3);
  });

  test('keys continue after a trailing comma, even on the next line', () => {
    const { blocks } = parse('a.org,\n b.org {\n}');
    assert.deepEqual(blocks[0]!.keys.map((k) => k.text), ['a.org', 'b.org']);
  });

  test('several server blocks', () => {
    const { blocks } = parse('a:1 {\n log\n}\nb:2 {\n errors\n}');
    assert.deepEqual(blocks.map((b) => [b.keys[0]!.text, shape(b.directives)]), [['a:1', ['log()']], ['b:2', ['errors()']]]);
  });

  test('a single server block may leave out its braces', () => {
    const { blocks, diag } = parse('.:53\nlog\nerrors');
    assert.equal(diag.errors.length, 0);
    assert.deepEqual(shape(blocks[0]!.directives), ['log()', 'errors()']);
  });

  const errors: readonly [name: string, input: string, line: number, message: RegExp][] = [
    ['unclosed server block', '. {\n log\n', 1, /never closed/],
    ['unclosed directive block', '. {\n coresmd {\n smd_url u\n}', 1, /never closed/],
    ['stray closing brace', '. {\n}\n}', 3, /expected a server block key/],
    ['brace without directive', '. {\n {\n }\n}', 2, /must follow a directive/],
    ['closing brace in a file without braces', 'a:1\nlog\n}', 3, /without a matching/],
  ];
  for (const [name, input, line, message] of errors) {
    test(`error: ${name}`, () => {
      const { diag } = parse(input);
      assert.equal(diag.errors.length, 1, diag.errors.map(String).join('\n'));
      assert.equal(diag.errors[0]!.line, line);
      assert.match(diag.errors[0]!.message, message);
    });
  }

  test('nesting is bounded', () => {
    const deep = `. {\n${'a {\n'.repeat(40)}${'}\n'.repeat(40)}}`;
    assert.match(parse(deep).diag.errors[0]!.message, /nested more than/);
  });
});
