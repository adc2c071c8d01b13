import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RuleError, RuleErrorCode } from '../../../../src/dhcp/service/rules/errors.ts';
import { createRuleCompDict, parseRule } from '../../../../src/dhcp/service/rules/parse-rule.ts';
import type { Rule } from '../../../../src/dhcp/service/rules/rule.ts';

function isRuleError(code: string, message?: string) {
  return (e: unknown) => {
    assert.ok(e instanceof RuleError, `expected RuleError, got ${String(e)}`);
    assert.equal(e.code, code);
    if (message !== undefined) assert.equal(e.message, message);
    return true;
  };
}

describe('createRuleCompDict (spec §3.7 E)', () => {
  const bad: Array<[string, string, string]> = [
    [' ', RuleErrorCode.EmptyRule, 'empty hostname rule'],
    ['hostname:a,bad', RuleErrorCode.KeyValFormat, 'element 1: expected key:val, got "bad"'],
    [':x,hostname:a', RuleErrorCode.NoKey, 'element 0: empty key (got ":x")'],
    ['hostname:a,domian:oopsy', RuleErrorCode.UnknownKey, 'element 1: unknown key "domian"'],
    ['hostname:a,hostname:b', RuleErrorCode.DuplicateKey, 'element 1: duplicate key "hostname": got "hostname:b"'],
    ["hostname:'a\\'", RuleErrorCode.Syntax, 'unterminated quote'],
    // Beyond the Go table: the element index counts empty parts; bad quoting inside a value.
    ['hostname:a,,bad', RuleErrorCode.KeyValFormat, 'element 2: expected key:val, got "bad"'],
    // (BadQuote cannot be reached through createRuleCompDict: a value ending in `\'` always
    // leaves splitCsv inside a quote, so splitCsv's "unterminated quote" fires first.)
  ];
  for (const [input, code, message] of bad) {
    test(`rejects ${JSON.stringify(input)}`, () => assert.throws(() => createRuleCompDict(input), isRuleError(code, message)));
  }

  test('accepts quoted values, loose booleans and multi-values', () => {
    const d = createRuleCompDict("name:r1,hostname:'a,b',type:Node,continue:yes,routers:192.0.2.1|192.0.2.2");
    assert.deepEqual(Object.fromEntries(d), {
      name: 'r1',
      hostname: 'a,b',
      type: 'Node',
      continue: 'yes',
      routers: '192.0.2.1|192.0.2.2',
    });
  });
});

describe('parseRule (spec §3.7 F)', () => {
  const bad: Array<[string, string, string?]> = [
    ['name:r1,type:Node', RuleErrorCode.RequiredKeys, 'required key missing, at least one of [hostname routers netmask ignore]'],
    ['routers:not_an_ip', RuleErrorCode.InvalidValue, 'invalid value for key "routers" (expected valid IPv4 address but got "not_an_ip")'],
    ['hostname:x,type:', RuleErrorCode.InvalidValue, 'invalid value for key "type" (expected at least one type but got "")'],
    ['hostname:x,type:   ', RuleErrorCode.InvalidValue],
    ['hostname:x,type:| |', RuleErrorCode.InvalidValue, 'invalid value for key "type" (expected at least one type but got "| |")'],
    ['log:verbose,hostname:x', RuleErrorCode.InvalidValue, `invalid value for key "log" (expected 'info', 'debug', or 'none' but got "verbose")`],
    ['hostname:x,continue:maybe', RuleErrorCode.InvalidValue, 'invalid value for key "continue" (expected boolean but got "maybe")'],
    [
      'hostname:x,domain_append:maybe',
      RuleErrorCode.InvalidValue,
      `invalid value for key "domain_append" (expected 'global', 'rule', 'global|rule', 'rule|global', or 'none' but got "maybe")`,
    ],
    ['hostname:x,domain_append:none|rule', RuleErrorCode.InvalidValue],
    ['hostname:x,domain:none', RuleErrorCode.InvalidValue, 'invalid value for key "domain" (expected a domain name (or use domain_append:none) but got "none")'],
    ['hostname:x,subnet:notacidr', RuleErrorCode.InvalidValue, 'invalid value for key "subnet" (expected network subnet (e.g. 172.16.0.0/21) but got "notacidr")'],
    ['hostname:x,id:a,id_set:b', RuleErrorCode.Unsupported],
    ['hostname:x,id_set:x1000s[0-3]c0b0n[0-7]', RuleErrorCode.Unsupported],
    // §3.2 checks beyond the Go table.
    ['routers:2001:db8::1', RuleErrorCode.InvalidValue, 'invalid value for key "routers" (expected valid IPv4 address but got "2001:db8::1")'],
    ['routers:192.0.2.1|', RuleErrorCode.InvalidValue, 'invalid value for key "routers" (expected valid IPv4 address but got "")'],
    ['hostname:x,netmask:255.255.255.0,cidr:24', RuleErrorCode.MutualExclusion, 'keys are mutually exclusive: [netmask cidr]'],
    ['hostname:x,netmask:,cidr:', RuleErrorCode.MutualExclusion],
    ['hostname:x,netmask:', RuleErrorCode.InvalidValue, 'invalid value for key "netmask" (expected valid IPv4 address but got "")'],
    ['hostname:x,netmask:0.0.0.0', RuleErrorCode.InvalidValue, 'invalid value for key "netmask" (expected specific, usable IPv4 address but got "0.0.0.0")'],
    ['hostname:x,netmask:ffff::', RuleErrorCode.InvalidValue, 'invalid value for key "netmask" (expected valid IPv4 address but got "ffff::")'],
    ['hostname:x,netmask:255.0.255.0', RuleErrorCode.InvalidValue, 'invalid value for key "netmask" (expected valid IPv4 netmask but got "255.0.255.0")'],
    ['hostname:x,cidr:', RuleErrorCode.InvalidValue, 'invalid value for key "cidr" (expected integer but got "")'],
    ['hostname:x,cidr:0', RuleErrorCode.InvalidValue, 'invalid value for key "cidr" (expected valid IPv4 bit width between 1 and 32, inclusive but got "0")'],
    ['hostname:x,cidr:33', RuleErrorCode.InvalidValue],
    ['hostname:x,cidr:x24', RuleErrorCode.InvalidValue],
    ['hostname:x,domain_append:|', RuleErrorCode.InvalidValue],
    ['hostname:x,domain_append:global|global', RuleErrorCode.InvalidValue],
    ['subnet:0.0.0.0/0', RuleErrorCode.RequiredKeys],
    // The first failure in §3.2 order wins: log (1) before routers (4).
    ['log:loud,routers:bad', RuleErrorCode.InvalidValue, `invalid value for key "log" (expected 'info', 'debug', or 'none' but got "loud")`],
  ];
  for (const [input, code, message] of bad) {
    test(`rejects ${JSON.stringify(input)}`, () => assert.throws(() => parseRule(input), isRuleError(code, message)));
  }

  interface Want {
    name?: string;
    log?: string;
    hostname?: string;
    routers?: number;
    types?: string[] | undefined;
    subnets?: string[];
    domain?: string;
    domainAppend?: string;
    netmask?: { bits: number; ones: number } | undefined;
    cont?: boolean;
    ignore?: boolean;
    id?: string;
  }
  const good: Array<[string, Want]> = [
    ['routers:192.0.2.1', { routers: 1, hostname: '' }],
    ['hostname:nid{04d}', { hostname: 'nid{04d}', types: undefined, netmask: undefined }],
    [
      'name:r1,log:debug,hostname:x,continue:yes,domain_append:global|rule,type:Node| NodeBMC ,subnet:172.16.0.0/24|172.16.1.0/24',
      {
        name: 'r1',
        log: 'debug',
        cont: true,
        types: ['Node', 'NodeBMC'],
        domainAppend: 'global|rule',
        subnets: ['172.16.0.0/24', '172.16.1.0/24'],
        netmask: { bits: 32, ones: 24 },
      },
    ],
    ['hostname:x,domain:override.local,domain_append:rule|global', { domain: 'override.local', domainAppend: 'rule|global' }],
    ['hostname:x,domain_append: Global | ', { domainAppend: 'global' }],
    ['hostname:x,subnet:10.0.0.5/24', { subnets: ['10.0.0.0/24'], netmask: { bits: 32, ones: 24 } }],
    ['subnet:fd00::/64', { subnets: ['fd00::/64'], netmask: { bits: 128, ones: 64 } }],
    ['hostname:x,cidr:+24', { netmask: { bits: 32, ones: 24 } }],
    ['hostname:x,cidr:024', { netmask: { bits: 32, ones: 24 } }],
    ['hostname:x,netmask:255.255.240.0,subnet:10.0.0.0/24', { netmask: { bits: 32, ones: 20 } }],
    ['hostname:x,netmask:::ffff:255.255.255.0', { netmask: { bits: 32, ones: 24 } }],
    ['hostname:x,continue:,ignore:,log:,name:', { cont: false, ignore: false, log: '' }],
    ['hostname:x,id:  x1000s0c0b0n0  ', { id: 'x1000s0c0b0n0' }],
    ['hostname:x,id_set:', { hostname: 'x' }],
    ["hostname:'login-{id}'", { hostname: 'login-{id}' }],
  ];
  for (const [input, want] of good) {
    test(`parses ${JSON.stringify(input)}`, () => {
      const r: Rule = parseRule(input);
      if (want.name !== undefined) assert.equal(r.name, want.name);
      else assert.match(r.name, /^rule-[0-9a-f]{8}$/);
      if (want.log !== undefined) assert.equal(r.log, want.log);
      if (want.hostname !== undefined) assert.equal(r.action.hostname, want.hostname);
      if (want.routers !== undefined) assert.equal(r.action.routers.length, want.routers);
      if ('types' in want) assert.deepEqual(r.match.types === undefined ? undefined : [...r.match.types].sort(), want.types);
      if (want.subnets !== undefined) assert.deepEqual(r.match.subnets.map((c) => c.text), want.subnets);
      if (want.domain !== undefined) assert.equal(r.action.domain, want.domain);
      if (want.domainAppend !== undefined) assert.equal(r.action.domainAppend, want.domainAppend);
      if ('netmask' in want) assert.deepEqual(r.action.netmask, want.netmask);
      if (want.cont !== undefined) assert.equal(r.action.continue, want.cont);
      if (want.ignore !== undefined) assert.equal(r.action.ignore, want.ignore);
      if (want.id !== undefined) assert.equal(r.match.id, want.id);
    });
  }
});

describe('parseRule with ignore (spec §3.7 G)', () => {
  const cases: Array<[string, boolean | 'error']> = [
    ['ignore:true', true],
    ['ignore:false,hostname:test', false],
    ['ignore:yes', true],
    ['ignore:no,hostname:test', false],
    ['ignore:1', true],
    ['ignore:0,hostname:test', false],
    ['ignore:maybe,hostname:test', 'error'],
    ['subnet:172.16.0.0/24,ignore:true', true],
    ['type:RouterBMC,ignore:true', true],
    ['type:Node,hostname:compute-{04d},ignore:true', true],
    ['ignore:false', 'error'],
  ];
  for (const [input, want] of cases) {
    test(`${input} → ${String(want)}`, () => {
      if (want === 'error') assert.throws(() => parseRule(input), RuleError);
      else assert.equal(parseRule(input).action.ignore, want);
    });
  }
});
