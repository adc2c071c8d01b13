import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, parseHostPort, UsageError, type FlagSpec } from '../../../src/app/cli/args.ts';

const specs: FlagSpec[] = [
  { name: 'conf', aliases: ['c', 'config'], value: 'FILE', help: 'config file' },
  { name: 'plugins', aliases: ['P'], help: 'list plugins' },
  { name: 'zone', value: 'NAME', help: 'zone', repeatable: true },
];

describe('parseArgs', () => {
  const ok: { argv: string[]; flags: Record<string, string[]>; positionals?: string[] }[] = [
    { argv: ['-c', 'a.yaml'], flags: { conf: ['a.yaml'] } },
    { argv: ['--conf', 'a.yaml'], flags: { conf: ['a.yaml'] } },
    { argv: ['--conf=a.yaml'], flags: { conf: ['a.yaml'] } },
    { argv: ['-conf', 'a.yaml'], flags: { conf: ['a.yaml'] } },
    { argv: ['-plugins'], flags: { plugins: ['true'] } },
    { argv: ['--zone', 'a', '--zone', 'b', 'x'], flags: { zone: ['a', 'b'] }, positionals: ['x'] },
    { argv: ['--', '-c'], flags: {}, positionals: ['-c'] },
  ];
  for (const c of ok) {
    test(`accepts ${c.argv.join(' ')}`, () => {
      const p = parseArgs(c.argv, specs);
      assert.deepEqual(Object.fromEntries(p.flags), c.flags);
      assert.deepEqual(p.positionals, c.positionals ?? []);
    });
  }

  const bad: { argv: string[]; match: RegExp }[] = [
    { argv: ['--bogus'], match: /unknown flag --bogus/ },
    { argv: ['-c'], match: /needs a value/ },
    { argv: ['--plugins=yes'], match: /takes no value/ },
    { argv: ['-c', 'a', '-c', 'b'], match: /given twice/ },
  ];
  for (const c of bad) {
    test(`rejects ${c.argv.join(' ')}`, () => {
      assert.throws(() => parseArgs(c.argv, specs), (e: unknown) => e instanceof UsageError && c.match.test(e.message));
    });
  }
});

describe('parseHostPort', () => {
  test('splits host and port, IPv6 in brackets, bare port', () => {
    assert.deepEqual(parseHostPort('127.0.0.1:27779', 'x'), { host: '127.0.0.1', port: 27779 });
    assert.deepEqual(parseHostPort('[::1]:53', 'x'), { host: '::1', port: 53 });
    assert.deepEqual(parseHostPort(':8080', '127.0.0.1'), { host: '127.0.0.1', port: 8080 });
    assert.deepEqual(parseHostPort('8080', '127.0.0.1'), { host: '127.0.0.1', port: 8080 });
  });
  test('rejects garbage and out-of-range ports', () => {
    assert.throws(() => parseHostPort('localhost', 'x'), UsageError);
    assert.throws(() => parseHostPort('a:70000', 'x'), UsageError);
  });
});
