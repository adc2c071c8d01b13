import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatBootloopConfig,
  loadBootloopConfig,
  parseBootloopArgs,
  validateBootloopConfig,
  type BootloopArgs,
  type BootloopConfig,
} from '../../../src/app/config/bootloop-config.ts';
import { ConfigErrorCode, Diagnostics } from '../../../src/app/config/config-error.ts';
import { splitFields, type ArgToken, type PluginContext } from '../../../src/app/config/plugin-args.ts';
import { parseCidr, parseIPv4 } from '../../../src/wire/addr.ts';

const ctxFor = (): PluginContext => ({ diag: new Diagnostics('b.yaml'), at: { line: 3, col: 7 } });
/** Tokens on line 5 at columns 1, 21, 41, … so an error's column names its token. */
const toks = (...texts: string[]): ArgToken[] => texts.map((text, i) => ({ text, index: i + 1, line: 5, col: 1 + i * 20 }));
const ip = (s: string): number => parseIPv4(s)!;

describe('bootloop parseConfig (spec §7.6)', () => {
  interface Row {
    args: string[];
    want: BootloopArgs;
    /** "code:key@token" (token is 1-based; the value column is where the error points). */
    errors: string[];
  }
  const COMMENTS_OK = splitFields('/* comment at beginning */ lease_file=/some/file /* comment in middle */ script_path=/some/script /* comment at end */');
  const rows: Array<[string, Row]> = [
    ['no arguments: zero config', { args: [], want: {}, errors: [] }],
    [
      'all five fields',
      {
        args: ['lease_file=/tmp/bootloop.leases', 'lease_time=10m', 'ipv4_start=192.168.0.10', 'ipv4_end=192.168.0.20', 'script_path=/tmp/test.ipxe'],
        want: { leaseFile: '/tmp/bootloop.leases', leaseTimeMs: 600_000, ipv4Start: ip('192.168.0.10'), ipv4End: ip('192.168.0.20'), scriptPath: '/tmp/test.ipxe' },
        errors: [],
      },
    ],
    ['comments around arguments', { args: COMMENTS_OK, want: { leaseFile: '/some/file', scriptPath: '/some/script' }, errors: [] }],
    [
      'runaway comment',
      {
        args: splitFields('/* comment at beginning */ lease_file=/some/file /* comment in middle script_path=/some/script'),
        want: { leaseFile: '/some/file' },
        errors: [`${ConfigErrorCode.CommentUnterminated}:-@7`],
      },
    ],
    [
      'comment end without a start: 3 invalid formats and 1 stray terminator',
      {
        args: splitFields('comment at beginning */'),
        want: {},
        errors: [`${ConfigErrorCode.ArgFormat}:-@1`, `${ConfigErrorCode.ArgFormat}:-@2`, `${ConfigErrorCode.ArgFormat}:-@3`, `${ConfigErrorCode.CommentStrayClose}:-@4`],
      },
    ],
    [
      'a second /* inside a comment',
      { args: splitFields('lease_file=/some/file /* comment in /* middle */ script_path=/some/script /* comment at end */'), want: { leaseFile: '/some/file', scriptPath: '/some/script' }, errors: [] },
    ],
    ['a comment without spaces', { args: splitFields('lease_file=/some/file /*comment*/ script_path=/some/script'), want: { leaseFile: '/some/file', scriptPath: '/some/script' }, errors: [] }],
    ['invalid format', { args: ['not_a_key_val'], want: {}, errors: [`${ConfigErrorCode.ArgFormat}:-@1`] }],
    ['unknown key', { args: ['foo=bar'], want: {}, errors: [`${ConfigErrorCode.UnknownArg}:foo@1`] }],
    ['empty lease_file', { args: ['lease_file='], want: {}, errors: [`${ConfigErrorCode.BadValue}:lease_file@1`] }],
    ['empty script_path', { args: ['script_path=""'], want: { scriptPath: 'default' }, errors: [`${ConfigErrorCode.BadValue}:script_path@1`] }],
    ['invalid lease_time', { args: ['lease_time=notaduration'], want: {}, errors: [`${ConfigErrorCode.BadValue}:lease_time@1`] }],
    ['invalid ipv4_start', { args: ['ipv4_start=999.999.999.999'], want: {}, errors: [`${ConfigErrorCode.BadValue}:ipv4_start@1`] }],
    ['invalid ipv4_end', { args: ['ipv4_end=not_an_ip'], want: {}, errors: [`${ConfigErrorCode.BadValue}:ipv4_end@1`] }],
  ];
  for (const [name, row] of rows) {
    test(name, () => {
      const ctx = ctxFor();
      const tokens = toks(...row.args);
      const got = parseBootloopArgs(tokens, ctx);
      const { at: _at, ...fields } = got;
      assert.deepEqual(fields, row.want);
      assert.deepEqual(
        [...ctx.diag.errors].sort((a, b) => a.col - b.col).map((e) => `${e.code}:${e.key ?? '-'}@${Math.floor((e.col - 1) / 20) + 1}`),
        row.errors,
      );
      for (const e of ctx.diag.errors) assert.equal(e.line, 5);
    });
  }

  test("messages keep the original's wording where a Go test matched it", () => {
    const ctx = ctxFor();
    parseBootloopArgs(toks('lease_time=notaduration', 'ipv4_start=999.999.999.999', 'ipv4_end=not_an_ip', 'not_a_key_val', 'foo=bar', 'lease_file=', '/*'), ctx);
    const text = ctx.diag.errors.map(String).join('\n');
    for (const part of [
      "lease_time: invalid duration 'notaduration'",
      'ipv4_start: invalid ip address',
      'ipv4_end: invalid ip address',
      "invalid format 'not_a_key_val'",
      "unknown config key 'foo'",
      'lease_file: empty',
      'unterminated comment',
    ]) {
      assert.ok(text.includes(part), `missing ${part} in\n${text}`);
    }
  });
});

describe('bootloop validate (spec §7.6)', () => {
  const start = ip('192.168.0.10');
  const end = ip('192.168.0.20');
  // [name, args, errors "code:key", warnings "code:key", expected pieces of the config]
  const rows: Array<[string, BootloopArgs, string[], string[], Partial<{ size: number; leaseTimeMs: number; scriptPath: string }>]> = [
    [
      'complete and valid (the legacy range still warns that it is deprecated)',
      { leaseFile: '/tmp/leases', leaseTimeMs: 900_000, ipv4Start: start, ipv4End: end, scriptPath: '/usr/local/bin/bootloop.sh' },
      [],
      [`${ConfigErrorCode.Deprecated}:ipv4_start`],
      { size: 11, leaseTimeMs: 900_000, scriptPath: '/usr/local/bin/bootloop.sh' },
    ],
    ['lease_file missing', { ipv4Start: start, ipv4End: end, leaseTimeMs: 900_000, scriptPath: '/x' }, [`${ConfigErrorCode.MissingKey}:lease_file`], [`${ConfigErrorCode.Deprecated}:ipv4_start`], {}],
    [
      'no pool of either style',
      { leaseFile: '/tmp/leases' },
      [`${ConfigErrorCode.MissingKey}:-`],
      [`${ConfigErrorCode.DefaultUsed}:lease_time`, `${ConfigErrorCode.DefaultUsed}:script_path`],
      {},
    ],
    ['start > end', { leaseFile: '/tmp/leases', ipv4Start: end, ipv4End: start }, [`${ConfigErrorCode.BadValue}:ipv4_end`], [`${ConfigErrorCode.Deprecated}:ipv4_start`, `${ConfigErrorCode.DefaultUsed}:lease_time`, `${ConfigErrorCode.DefaultUsed}:script_path`], {}],
    [
      'lease_time missing: defaults to 5m with a warning',
      { leaseFile: '/tmp/leases', ipv4Start: start, ipv4End: end, scriptPath: '/x' },
      [],
      [`${ConfigErrorCode.Deprecated}:ipv4_start`, `${ConfigErrorCode.DefaultUsed}:lease_time`],
      { leaseTimeMs: 300_000 },
    ],
    [
      'script_path missing: default with a warning',
      { leaseFile: '/tmp/leases', ipv4Start: start, ipv4End: end, leaseTimeMs: 60_000 },
      [],
      [`${ConfigErrorCode.Deprecated}:ipv4_start`, `${ConfigErrorCode.DefaultUsed}:script_path`],
      { scriptPath: 'default' },
    ],
    ['only ipv4_start', { leaseFile: '/l', ipv4Start: start, leaseTimeMs: 60_000, scriptPath: 'default' }, [`${ConfigErrorCode.MissingKey}:ipv4_end`], [`${ConfigErrorCode.Deprecated}:ipv4_start`], {}],
    ['a single address is a valid range', { leaseFile: '/l', ipv4Start: start, ipv4End: start, leaseTimeMs: 60_000, scriptPath: 'default' }, [], [`${ConfigErrorCode.Deprecated}:ipv4_start`], { size: 1 }],
  ];
  for (const [name, args, errors, warnings, want] of rows) {
    test(name, () => {
      const ctx = ctxFor();
      const cfg = validateBootloopConfig(args, ctx);
      assert.deepEqual(
        ctx.diag.errors.map((e) => `${e.code}:${e.key ?? '-'}`),
        errors,
      );
      assert.deepEqual(
        ctx.diag.warnings.map((e) => `${e.code}:${e.key ?? '-'}`),
        warnings,
      );
      if (errors.length > 0) {
        assert.equal(cfg, undefined);
        return;
      }
      assert.ok(cfg);
      if (want.size !== undefined) assert.equal(cfg.pools.kind === 'legacy' ? cfg.pools.size : -1, want.size);
      if (want.leaseTimeMs !== undefined) assert.equal(cfg.leaseTimeMs, want.leaseTimeMs);
      if (want.scriptPath !== undefined) assert.equal(cfg.scriptPath, want.scriptPath);
    });
  }

  test('both pool styles is an error', () => {
    const ctx = ctxFor();
    const cfg = loadBootloopConfig(toks('lease_file=/l', 'ipv4_start=10.0.0.10', 'ipv4_end=10.0.0.20', 'subnet_pool=10.0.0.0/24,10.0.0.30,10.0.0.40'), ctx);
    assert.equal(cfg, undefined);
    assert.deepEqual(
      ctx.diag.errors.map((e) => `${e.code}@${e.line}:${e.col}`),
      [`${ConfigErrorCode.Conflict}@5:21`],
    );
  });
});

describe('bootloop subnet_pool (spec §2.3, §7.6 pool manager)', () => {
  // [argument value, error column offset or undefined when accepted]
  const cases: Array<[string, boolean]> = [
    ['10.40.1.0/24,10.40.1.10,10.40.1.200', true],
    [' 10.40.1.0/24 , 10.40.1.10 , 10.40.1.200 '.replaceAll(' ', ''), true],
    ['10.40.1.0/24,10.40.1.10,10.40.1.10', true],
    ['bad/24,10.40.1.10,10.40.1.200', false],
    ['fd00::/64,10.40.1.10,10.40.1.200', false],
    ['10.40.1.0/24,10.40.2.10,10.40.1.200', false],
    ['10.40.1.0/24,10.40.1.10,10.40.2.200', false],
    ['10.40.1.0/24,10.40.1.200,10.40.1.10', false],
    ['10.40.1.0/24,10.40.1.10', false],
    ['10.40.1.0/24,10.40.1.10,10.40.1.20,x', false],
    ['10.40.1.0/24,fd00::1,10.40.1.20', false],
  ];
  for (const [value, ok] of cases) {
    test(`${value} → ${ok ? 'ok' : 'error'}`, () => {
      const ctx = ctxFor();
      const cfg = loadBootloopConfig(toks('lease_file=/l', `subnet_pool=${value}`), ctx);
      if (ok) {
        assert.deepEqual(ctx.diag.errors, []);
        assert.equal(cfg?.pools.kind, 'subnets');
        return;
      }
      assert.equal(cfg, undefined);
      assert.deepEqual(
        ctx.diag.errors.map((e) => `${e.code}:${e.key}@${e.line}:${e.col}`),
        [`${ConfigErrorCode.BadValue}:subnet_pool@5:33`],
      );
    });
  }

  test('pools keep their order, canonical CIDR and inclusive size', () => {
    const cfg = loadBootloopConfig(toks('lease_file=/l', 'subnet_pool=10.40.3.9/24,10.40.3.10,10.40.3.20', 'subnet_pool=10.40.1.0/24,10.40.1.10,10.40.1.200'), ctxFor());
    assert.equal(cfg?.pools.kind, 'subnets');
    if (cfg?.pools.kind !== 'subnets') return;
    assert.deepEqual(
      cfg.pools.pools.map((p) => [p.cidr.text, p.size, p.line, p.col]),
      [
        ['10.40.3.0/24', 11, 5, 21],
        ['10.40.1.0/24', 191, 5, 41],
      ],
    );
  });

  test('a repeated subnet is an error, not last-wins (even when written differently)', () => {
    const ctx = ctxFor();
    loadBootloopConfig(toks('lease_file=/l', 'subnet_pool=10.40.1.0/24,10.40.1.10,10.40.1.20', 'subnet_pool=10.40.1.7/24,10.40.1.30,10.40.1.40'), ctx);
    assert.deepEqual(
      ctx.diag.errors.map((e) => `${e.code}@${e.col}`),
      [`${ConfigErrorCode.BadValue}@53`],
    );
  });

  test('overlapping pools warn', () => {
    const ctx = ctxFor();
    const cfg = loadBootloopConfig(toks('lease_file=/l', 'subnet_pool=10.40.0.0/16,10.40.0.10,10.40.0.20', 'subnet_pool=10.40.1.0/24,10.40.1.10,10.40.1.20'), ctx);
    assert.ok(cfg);
    assert.deepEqual(
      ctx.diag.warnings.filter((w) => w.code === ConfigErrorCode.Suspicious).map((w) => w.col),
      [53],
    );
  });
});

describe('bootloop Config.String()', () => {
  test("legacy: the original's fields", () => {
    const cfg: BootloopConfig = {
      leaseFile: '/tmp/leases',
      scriptPath: '/usr/local/bin/bootloop.sh',
      leaseTimeMs: 600_000,
      pools: { kind: 'legacy', start: ip('192.168.0.10'), end: ip('192.168.0.20'), size: 11 },
    };
    const s = formatBootloopConfig(cfg);
    for (const part of ['ipv4_start=192.168.0.10', 'ipv4_end=192.168.0.20', 'ipv4_range=11', 'script_path=/usr/local/bin/bootloop.sh']) assert.ok(s.includes(part), s);
    assert.equal(s, 'ipv4_start=192.168.0.10 ipv4_end=192.168.0.20 ipv4_range=11 script_path=/usr/local/bin/bootloop.sh lease_file=/tmp/leases lease_time=10m0s');
  });

  test('subnet pools', () => {
    const cidr = parseCidr('10.40.1.0/24')!;
    const cfg: BootloopConfig = {
      leaseFile: '/l',
      scriptPath: 'default',
      leaseTimeMs: 300_000,
      pools: { kind: 'subnets', pools: [{ cidr, start: ip('10.40.1.10'), end: ip('10.40.1.20'), size: 11, line: 1, col: 1 }] },
    };
    assert.equal(formatBootloopConfig(cfg), 'ipv4_start=<nil> ipv4_end=<nil> ipv4_range=0 script_path=default lease_file=/l lease_time=5m0s subnet_pool=10.40.1.0/24,10.40.1.10,10.40.1.20');
  });
});
