import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigErrorCode, Diagnostics } from '../../../src/app/config/config-error.ts';
import {
  parseKeyedArgs,
  splitFields,
  stripComments,
  tokenizeArgs,
  trimQuotes,
  type ArgKeySpec,
  type ArgToken,
  type PluginContext,
} from '../../../src/app/config/plugin-args.ts';
import type { YamlNode } from '../../../src/app/config/yaml-node.ts';
import { parseYaml } from '../../../src/app/config/yaml.ts';

const ctxFor = (): PluginContext => ({ diag: new Diagnostics('p.yaml'), at: { line: 1, col: 3 } });
const toks = (...texts: string[]): ArgToken[] => texts.map((text, i) => ({ text, index: i + 1, line: 1, col: 1 + i * 10 }));

describe('splitFields (Go strings.Fields, spec §3.7 D)', () => {
  const cases: Array<[string, string[]]> = [
    ['\t a  b\n\r\n c  ', ['a', 'b', 'c']],
    ['', []],
    ['   ', []],
    ['a\u00a0b\u0085c\u3000d', ['a', 'b', 'c', 'd']],
    // U+FEFF is not a Go space.
    ['a\ufeffb', ['a\ufeffb']],
  ];
  for (const [input, want] of cases) {
    test(JSON.stringify(input), () => assert.deepEqual(splitFields(input), want));
  }
});

describe('tokenizeArgs', () => {
  const valueOf = (yaml: string): YamlNode => {
    const root = parseYaml(yaml, 't.yaml');
    if (root.kind !== 'map') assert.fail('map');
    return root.entries[0]!.value;
  };
  const cases: Array<[string, string, Array<[string, number, number]>]> = [
    ['plain', 'p: a=1  b=2', [['a=1', 1, 4], ['b=2', 1, 9]]],
    ['literal block', 'p: |\n  a=1 b=2\n\n    c=3\n', [['a=1', 2, 3], ['b=2', 2, 7], ['c=3', 4, 5]]],
    ['null', 'p:', []],
    ['number', 'p: 1500', [['1500', 1, 4]]],
  ];
  for (const [name, yaml, want] of cases) {
    test(name, () => {
      const got = tokenizeArgs(valueOf(yaml)).map((t) => [t.text, t.line, t.col]);
      assert.deepEqual(got, want);
    });
  }
  test('tokens are numbered from 1', () => assert.deepEqual(tokenizeArgs(valueOf('p: x y z')).map((t) => t.index), [1, 2, 3]));
});

describe('stripComments (spec §2.1)', () => {
  // [tokens, kept, errors as "code@index"]
  const cases: Array<[string[], string[], string[]]> = [
    [[], [], []],
    [['/*', 'c', '*/', 'a=1'], ['a=1'], []],
    [['/*x*/', 'a=1'], ['a=1'], []],
    [['/*/', 'a=1'], ['a=1'], []],
    [['a=1', '/*', 'in', '/*', 'middle', '*/', 'b=2'], ['a=1', 'b=2'], []],
    [['a=1', '/*', 'never', 'closed', 'b=2'], ['a=1'], [`${ConfigErrorCode.CommentUnterminated}@2`]],
    [['/*', 'x', '/*', 'y'], [], [`${ConfigErrorCode.CommentUnterminated}@3`]],
    [['a', '*/'], ['a'], [`${ConfigErrorCode.CommentStrayClose}@2`]],
    // Per token, not per character: these are ordinary tokens.
    [['x/*', 'a=/*b', '/', '*'], ['x/*', 'a=/*b', '/', '*'], []],
    [['key=v*/'], [], [`${ConfigErrorCode.CommentStrayClose}@1`]],
  ];
  for (const [input, kept, errors] of cases) {
    test(`${input.join(' ') || '(none)'} → ${kept.join(' ') || '(none)'}`, () => {
      const ctx = ctxFor();
      const tokens = toks(...input);
      assert.deepEqual(
        stripComments(tokens, ctx).map((t) => t.text),
        kept,
      );
      assert.deepEqual(
        ctx.diag.errors.map((e) => `${e.code}@${tokens.findIndex((t) => t.col === e.col) + 1}`),
        errors,
      );
    });
  }
});

describe('parseKeyedArgs', () => {
  const spec: ArgKeySpec = { plugin: 'test', known: ['a', 'b', 'rule'], repeatable: new Set(['rule']) };
  // [tokens, pairs kept, errors "code:key", warnings "code:key"]
  const cases: Array<[string[], string[], string[], string[]]> = [
    [['a=1', 'b='], ['a=1', 'b='], [], []],
    [['a=x=y'], ['a=x=y'], [], []],
    [['not_a_key_val'], [], [`${ConfigErrorCode.ArgFormat}:-`], []],
    [['foo=bar'], [], [`${ConfigErrorCode.UnknownArg}:foo`], []],
    [['A=1'], [], [`${ConfigErrorCode.UnknownArg}:A`], []],
    [['a=1', 'a=2'], ['a=1', 'a=2'], [], [`${ConfigErrorCode.RepeatedArg}:a`]],
    [['rule=x', 'rule=y'], ['rule=x', 'rule=y'], [], []],
    [['/*', 'a=1', '*/', 'b=2'], ['b=2'], [], []],
  ];
  for (const [input, pairs, errors, warnings] of cases) {
    test(input.join(' '), () => {
      const ctx = ctxFor();
      const got = parseKeyedArgs(toks(...input), spec, ctx);
      assert.deepEqual(
        got.map((k) => `${k.key}=${k.value}`),
        pairs,
      );
      assert.deepEqual(
        ctx.diag.errors.map((e) => `${e.code}:${e.key ?? '-'}`),
        errors,
      );
      assert.deepEqual(
        ctx.diag.warnings.map((e) => `${e.code}:${e.key ?? '-'}`),
        warnings,
      );
    });
  }

  test('messages keep the original wording and count non-comment args', () => {
    const ctx = ctxFor();
    parseKeyedArgs(toks('/*c*/', 'a=1', 'oops', 'foo=1'), spec, ctx);
    assert.deepEqual(
      ctx.diag.errors.map((e) => e.message),
      ["non-comment arg 2: invalid format 'oops', should be 'key=val'", "non-comment arg 3: unknown config key 'foo' for test (known keys: a, b, rule)"],
    );
  });

  test('the value position is just after the first =', () => {
    const [arg] = parseKeyedArgs([{ text: 'rule=a=b', index: 1, line: 7, col: 9 }], spec, ctxFor());
    assert.deepEqual(arg?.valuePos, { line: 7, col: 14 });
  });
});

describe('trimQuotes (Go strings.Trim with "\')', () => {
  const cases: Array<[string, string]> = [
    ['"a"', 'a'],
    ["'a'", 'a'],
    ['"\'a\'"', 'a'],
    ['a"b', 'a"b'],
    ['""', ''],
    ['"a', 'a'],
  ];
  for (const [input, want] of cases) test(`${input} → ${want}`, () => assert.equal(trimQuotes(input), want));
});
