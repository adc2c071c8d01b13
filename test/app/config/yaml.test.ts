import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigErrorCode, ConfigErrors } from '../../../src/app/config/config-error.ts';
import { positionAt, type YamlNode, type YamlScalar } from '../../../src/app/config/yaml-node.ts';
import { parseYaml } from '../../../src/app/config/yaml.ts';

/** Plain JS value of a node, for compact expectations (null for YAML null). */
function plain(n: YamlNode): unknown {
  switch (n.kind) {
    case 'null':
      return null;
    case 'scalar':
      return n.value;
    case 'seq':
      return n.items.map(plain);
    case 'map':
      return Object.fromEntries(n.entries.map((e) => [e.key, plain(e.value)]));
  }
}

describe('parseYaml: the accepted subset', () => {
  const cases: Array<[string, string, unknown]> = [
    ['empty document', '', null],
    ['only comments', '# nothing\n\n   # here\n', null],
    ['leading ---', '---\na: b\n', { a: 'b' }],
    ['--- with a comment, and a closing ...', '--- # doc\na: b\n...\n# end\n', { a: 'b' }],
    ['BOM and CRLF', '\uFEFFa: 1\r\nb: 2\r\n', { a: '1', b: '2' }],
    ['nested maps', 'a:\n  b:\n    c: d\n  e: f\n', { a: { b: { c: 'd' }, e: 'f' } }],
    ['empty values are null', 'a:\nb: ~\nc: null\nd: ""\n', { a: null, b: null, c: null, d: '' }],
    ['list of one-key maps', 'plugins:\n  - server_id: 10.0.0.1\n  - dns: 1.1.1.1 8.8.8.8\n', { plugins: [{ server_id: '10.0.0.1' }, { dns: '1.1.1.1 8.8.8.8' }] }],
    ['list at the key indentation', 'a:\n- x\n- y\nb: z\n', { a: ['x', 'y'], b: 'z' }],
    ['item with an empty value', 'p:\n  - bootloop:\n  - x\n', { p: [{ bootloop: null }, 'x'] }],
    ['compact nested maps and lists', '- - a\n  - b\n- c: d\n  e: f\n-\n  g: h\n-\n', [['a', 'b'], { c: 'd', e: 'f' }, { g: 'h' }, null]],
    ['comments after values', 'a: b # c\nd: "e # f" # g\nh: i#j\n', { a: 'b', d: 'e # f', h: 'i#j' }],
    ['colons without a space stay in the value', 'a: 00:de:ad:be:ef:00\nb: http://x:80/y\n- c'.split('\n- c')[0]!, { a: '00:de:ad:be:ef:00', b: 'http://x:80/y' }],
    ['single quotes', "a: 'it''s # not a comment'\n", { a: "it's # not a comment" }],
    ['double-quote escapes', 'a: "q\\"b\\\\s\\n\\t\\u00e9\\x41\\/"\n', { a: 'q"b\\s\n\té' + 'A/' }],
    ['quoted keys', '"a b": 1\n\'c\': 2\n', { 'a b': '1', c: '2' }],
    ['flow sequence', 'listen: ["%eth0", \'0.0.0.0:67\' , plain ] # c\n', { listen: ['%eth0', '0.0.0.0:67', 'plain'] }],
    ['flow sequence, empty and trailing comma', 'a: []\nb: [x,]\n', { a: [], b: ['x'] }],
    ['multi-line plain scalar folds', 'a: one\n  two\n\n  three\nb: c\n', { a: 'one two\nthree', b: 'c' }],
    ['literal block, clip', 'a: |\n  x=1\n   y=2\n\n  z=3\n\nb: c\n', { a: 'x=1\n y=2\n\nz=3\n', b: 'c' }],
    ['literal block, strip', 'a: |-\n  x\n  y\n\n', { a: 'x\ny' }],
    ['literal block, keep', 'a: |+\n  x\n\n\nb: c\n', { a: 'x\n\n\n', b: 'c' }],
    ['folded block', 'a: >\n  one\n  two\n\n  three\n    more\n  four\n', { a: 'one two\nthree\n  more\nfour\n' }],
    ['folded block, strip', 'a: >-\n  one\n  two\n', { a: 'one two' }],
    ['explicit indentation indicator', 'a: |2\n    x\n  y\n', { a: '  x\ny\n' }],
    ['indicators in either order', 'a: |-2\n  x\nb: >2-\n  y\n', { a: 'x', b: 'y' }],
    ['block content may hold # and quotes', "a: |\n  # not a comment\n  'q' \"r\"\n", { a: "# not a comment\n'q' \"r\"\n" }],
    ['empty block scalar', 'a: |\nb: c\n', { a: '', b: 'c' }],
    ['block scalar in a list item', '- coresmd: |\n    k=v\n- x\n', [{ coresmd: 'k=v\n' }, 'x']],
    ['tabs after content are fine', 'a:\tb\t# c\n', { a: 'b' }],
    ['less-indented comment ends a block', 'p:\n  - c: |\n      k=v\n\n  # comment\n  - d: e\n', { p: [{ c: 'k=v\n' }, { d: 'e' }] }],
  ];
  for (const [name, text, want] of cases) {
    test(name, () => assert.deepEqual(plain(parseYaml(text, 't.yaml')), want));
  }
});

describe('parseYaml: positions', () => {
  test('every node carries line and col', () => {
    const root = parseYaml('---\nserver4:\n  plugins:\n    - dns: 1.1.1.1\n', 'p.yaml');
    assert.equal(root.kind, 'map');
    if (root.kind !== 'map') return;
    const s4 = root.entries[0]!;
    assert.deepEqual([s4.key, s4.line, s4.col], ['server4', 2, 1]);
    const plugins = s4.value.kind === 'map' ? s4.value.entries[0]! : assert.fail('map');
    assert.deepEqual([plugins.line, plugins.col, plugins.value.line, plugins.value.col], [3, 3, 4, 5]);
    const item = plugins.value.kind === 'seq' ? plugins.value.items[0]! : assert.fail('seq');
    assert.deepEqual([item.kind, item.line, item.col], ['map', 4, 7]);
    const dns = item.kind === 'map' ? item.entries[0]! : assert.fail('map');
    assert.deepEqual([dns.value.line, dns.value.col], [4, 12]);
  });

  const scalarOf = (text: string, path: string[]): YamlScalar => {
    let n: YamlNode = parseYaml(text, 'p.yaml');
    for (const k of path) {
      if (n.kind !== 'map') assert.fail(`not a map at ${k}`);
      n = n.entries.find((e) => e.key === k)!.value;
    }
    if (n.kind !== 'scalar') assert.fail('not a scalar');
    return n;
  };

  const cases: Array<[string, string, string[], string, [number, number]]> = [
    ['plain', 'a: x=1 y=2\n', ['a'], 'y=2', [1, 8]],
    ['literal block, second line', 'a: |\n    x=1\n    y=2\n', ['a'], 'y=2', [3, 5]],
    ['folded block, third line', 'a: >\n  x=1\n  y=2\n\n  z=3\n', ['a'], 'z=3', [5, 3]],
    ['multi-line plain', 'a: x=1\n     y=2\n', ['a'], 'y=2', [2, 6]],
    ['double-quoted after an escape', 'a: "\\tx=1 y=2"\n', ['a'], 'y=2', [1, 11]],
    ['single-quoted after a doubled quote', "a: 'it''s y=2'\n", ['a'], 'y=2', [1, 11]],
  ];
  for (const [name, text, path, needle, want] of cases) {
    test(`positionAt maps value characters back: ${name}`, () => {
      const s = scalarOf(text, path);
      const at = positionAt(s, s.value.indexOf(needle));
      assert.deepEqual([at.line, at.col], want);
    });
  }
});

describe('parseYaml: rejected input', () => {
  // [name, text, code, line, col]
  const cases: Array<[string, string, string, number, number]> = [
    ['tab indentation', 'a:\n\tb: c\n', ConfigErrorCode.YamlTab, 2, 1],
    ['tab after spaces', 'a:\n  \tb: c\n', ConfigErrorCode.YamlTab, 2, 3],
    ['anchor', 'a: &x b\n', ConfigErrorCode.YamlUnsupported, 1, 4],
    ['alias', 'a: *x\n', ConfigErrorCode.YamlUnsupported, 1, 4],
    ['tag', 'a: !!str b\n', ConfigErrorCode.YamlUnsupported, 1, 4],
    ['flow mapping', 'a: {b: c}\n', ConfigErrorCode.YamlUnsupported, 1, 4],
    ['nested flow list', 'a: [[b]]\n', ConfigErrorCode.YamlUnsupported, 1, 5],
    ['flow list across lines', 'a: [b,\n  c]\n', ConfigErrorCode.YamlSyntax, 1, 7],
    ['flow list garbage', 'a: [b c d] x\n', ConfigErrorCode.YamlSyntax, 1, 12],
    ['second document', 'a: b\n---\nc: d\n', ConfigErrorCode.YamlUnsupported, 2, 1],
    ['content after ...', 'a: b\n...\nc: d\n', ConfigErrorCode.YamlUnsupported, 3, 1],
    ['directive', '%YAML 1.2\n---\na: b\n', ConfigErrorCode.YamlUnsupported, 1, 1],
    ['duplicate key', 'a: 1\nb: 2\na: 3\n', ConfigErrorCode.YamlDuplicateKey, 3, 1],
    ['more-indented key', 'a: 1\n  b: 2\n', ConfigErrorCode.YamlSyntax, 2, 4],
    ['key between key levels', 'a:\n    b: 1\n  c: 2\n', ConfigErrorCode.YamlIndent, 3, 3],
    ['list item at a key level', 'a: 1\n- b\n', ConfigErrorCode.YamlSyntax, 2, 1],
    ['key inside a more-indented list', 'a:\n  - x\n  b: c\n', ConfigErrorCode.YamlSyntax, 3, 3],
    ['uneven list items', 'a:\n  - x: 1\n   - y\n', ConfigErrorCode.YamlIndent, 3, 4],
    ['a more-indented dash continues a plain value (as YAML does)', 'a:\n  - x\n   - y: z\n', ConfigErrorCode.YamlSyntax, 3, 7],
    ['list on the key line', 'a: - b\n', ConfigErrorCode.YamlSyntax, 1, 4],
    ['colon-space in a value', 'a: b: c\n', ConfigErrorCode.YamlSyntax, 1, 5],
    ['unterminated double quote', 'a: "b\n', ConfigErrorCode.YamlQuote, 1, 4],
    ['unterminated single quote', "a: 'b\n  c'\n", ConfigErrorCode.YamlQuote, 1, 4],
    ['bad escape', 'a: "x\\qy"\n', ConfigErrorCode.YamlQuote, 1, 6],
    ['text after a quoted value', 'a: "b" c\n', ConfigErrorCode.YamlSyntax, 1, 8],
    ['% cannot start a plain value', 'listen: %eth0\n', ConfigErrorCode.YamlUnsupported, 1, 9],
    ['bad block header', 'a: |x\n  b\n', ConfigErrorCode.YamlSyntax, 1, 5],
    ['complex key', '? a\n: b\n', ConfigErrorCode.YamlUnsupported, 1, 1],
    ['content on the --- line', '--- a: b\n', ConfigErrorCode.YamlUnsupported, 1, 5],
  ];
  for (const [name, text, code, line, col] of cases) {
    test(`${name} → ${code} at ${line}:${col}`, () => {
      assert.throws(
        () => parseYaml(text, 'bad.yaml'),
        (e: unknown) => {
          assert.ok(e instanceof ConfigErrors);
          const first = e.errors[0]!;
          assert.deepEqual([first.file, first.code, first.line, first.col], ['bad.yaml', code, line, col], String(first));
          assert.match(String(first), new RegExp(`^bad\\.yaml:${line}:${col}: `));
          return true;
        },
      );
    });
  }

  test('every duplicate key is reported, not only the first', () => {
    assert.throws(
      () => parseYaml('a: 1\na: 2\nb:\n  c: 1\n  c: 2\n', 'd.yaml'),
      (e: unknown) => e instanceof ConfigErrors && e.errors.map((x) => `${x.line}:${x.col}`).join(' ') === '2:1 5:3',
    );
  });
});
