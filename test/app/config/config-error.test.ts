import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, ConfigErrorCode, ConfigErrors, Diagnostics } from '../../../src/app/config/config-error.ts';

describe('ConfigError and ConfigErrors', () => {
  const cases: Array<[string, ConfigError, string]> = [
    ['with a key', new ConfigError({ file: 'a.yaml', line: 3, col: 9, key: 'lease_time', code: ConfigErrorCode.BadValue, message: 'bad' }), 'a.yaml:3:9: lease_time: bad'],
    ['without a key', new ConfigError({ file: 'a.yaml', line: 1, col: 1, code: ConfigErrorCode.YamlTab, message: 'tab' }), 'a.yaml:1:1: tab'],
  ];
  for (const [name, err, text] of cases) test(`text form ${name}`, () => assert.equal(String(err), text));

  test('Diagnostics collects everything, sorts by position, and throws once', () => {
    const d = new Diagnostics('f.yaml');
    d.error({ line: 9, col: 2 }, ConfigErrorCode.BadValue, 'second', 'b');
    d.warn({ line: 1, col: 1 }, ConfigErrorCode.DefaultUsed, 'w', 'x');
    d.error({ line: 2, col: 5 }, ConfigErrorCode.UnknownArg, 'first', 'a');
    assert.equal(d.hasErrors, true);
    assert.throws(
      () => d.throwIfErrors(),
      (e: unknown) => {
        assert.ok(e instanceof ConfigErrors);
        assert.deepEqual(e.errors.map(String), ['f.yaml:2:5: a: first', 'f.yaml:9:2: b: second']);
        assert.deepEqual(e.warnings.map(String), ['f.yaml:1:1: x: w']);
        assert.equal(e.message, '2 configuration errors:\nf.yaml:2:5: a: first\nf.yaml:9:2: b: second');
        return true;
      },
    );
  });

  test('no errors: nothing thrown, warnings available', () => {
    const d = new Diagnostics('f.yaml');
    d.warn({ line: 1, col: 1 }, ConfigErrorCode.Deprecated, 'old');
    d.throwIfErrors();
    assert.equal(d.warnings.length, 1);
  });

  test('errors are frozen values', () => {
    const e = new ConfigError({ file: 'a', line: 1, col: 1, code: ConfigErrorCode.BadValue, message: 'm' });
    assert.ok(Object.isFrozen(e));
  });
});
