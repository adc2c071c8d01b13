import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCidr, parseIp, type Cidr, type IpAddress } from '../../../../src/wire/addr.ts';
import { matchRule } from '../../../../src/dhcp/service/rules/match.ts';
import { makeRuleTarget, type IdSetMatcher, type Rule, type RuleMatch } from '../../../../src/dhcp/service/rules/rule.ts';

const ip = (s: string): IpAddress => parseIp(s)!;
const cidr = (s: string): Cidr => parseCidr(s)!;

function rule(match: Partial<RuleMatch>): Rule {
  return {
    name: 't',
    log: '',
    match: { types: undefined, subnets: [], id: '', idSet: undefined, ...match },
    action: { hostname: 'h', domain: '', domainAppend: '', netmask: undefined, routers: [], continue: false, ignore: false },
  };
}

const idSet = (...ids: string[]): IdSetMatcher => ({ match: (id) => ids.includes(id), text: ids.join('|') });

describe('matchRule (spec §3.7 H)', () => {
  const node = makeRuleTarget('x1000s0c0b0n0', 'Node', 7, [ip('172.16.0.10')]);
  const bmc = makeRuleTarget('x1000s0c0b0n0', 'NodeBMC', 7, [ip('172.16.10.10')]);
  const emptyType = makeRuleTarget('x1000s0c0b0n0', '', 7, [ip('172.16.0.10')]);
  const set = idSet('x1000s0c0b0n0', 'x1000s0c0b0n1');

  const cases: Array<[string, Rule, typeof node, boolean]> = [
    ['no match keys / node', rule({}), node, true],
    ['empty type set / emptyType', rule({ types: new Set() }), emptyType, true],
    ['type {Node} / node', rule({ types: new Set(['Node']) }), node, true],
    ['type {Node} / bmc', rule({ types: new Set(['Node']) }), bmc, false],
    ['subnet 172.16.0.0/24 / node', rule({ subnets: [cidr('172.16.0.0/24')] }), node, true],
    ['id "  x1000s0c0b0n0  " / node', rule({ id: '  x1000s0c0b0n0  ' }), node, true],
    ['ID set {n0, n1} / node', rule({ idSet: set }), node, true],
    ['type + subnet + ID set / node', rule({ types: new Set(['Node']), subnets: [cidr('172.16.0.0/24')], idSet: set }), node, true],
    ['type + other subnet + ID set / node', rule({ types: new Set(['Node']), subnets: [cidr('172.16.99.0/24')], idSet: set }), node, false],
    // §3.3 beyond the Go table.
    ['subnet / no IPs', rule({ subnets: [cidr('172.16.0.0/24')] }), makeRuleTarget('x', 'Node', 1, []), false],
    ['subnet / only the first IP counts', rule({ subnets: [cidr('172.16.0.0/24')] }), makeRuleTarget('x', 'Node', 1, [ip('172.16.99.10'), ip('172.16.0.10')]), false],
    ['subnet list is OR', rule({ subnets: [cidr('10.0.0.0/8'), cidr('172.16.0.0/16')] }), node, true],
    ['type is case-sensitive', rule({ types: new Set(['node']) }), node, false],
    ['id is exact', rule({ id: 'x1000s0c0b0n1' }), node, false],
    ['id wins over the ID set', rule({ id: 'x1000s0c0b0n0', idSet: idSet('nope') }), node, true],
    ['IPv6 subnet / IPv6 first IP', rule({ subnets: [cidr('2001:db8::/64')] }), makeRuleTarget('x', 'Node', 1, [ip('2001:db8::1')]), true],
  ];
  for (const [name, r, target, want] of cases) {
    test(`${name} → ${want ? 'match' : 'no match'}`, () => assert.equal(matchRule(r, target), want));
  }
});
