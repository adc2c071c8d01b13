import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lookupHostname, normalizeDomainAppend } from '../../../../src/dhcp/service/rules/domain.ts';
import { parseRule } from '../../../../src/dhcp/service/rules/parse-rule.ts';
import { makeRuleTarget } from '../../../../src/dhcp/service/rules/rule.ts';

describe('normalizeDomainAppend (spec §3.4)', () => {
  const cases: Array<[string, string | undefined]> = [
    ['global', 'global'],
    ['rule', 'rule'],
    ['global|rule', 'global|rule'],
    ['rule|global', 'rule|global'],
    ['none', 'none'],
    ['Global | ', 'global'],
    [' RULE|GLOBAL ', 'rule|global'],
    ['|', undefined],
    ['', undefined],
    ['none|rule', undefined],
    ['global|global', undefined],
    ['none|none', undefined],
    ['maybe', undefined],
  ];
  for (const [input, want] of cases) {
    test(`${JSON.stringify(input)} → ${String(want)}`, () => assert.equal(normalizeDomainAppend(input), want));
  }
});

describe('lookupHostname (spec §3.7 J)', () => {
  const target = makeRuleTarget('x1000s0c0b0n0', 'Node', 7, []);
  const cases: Array<[string, string, string]> = [
    ['cluster.local', 'hostname:nid{04d}', 'nid0007.cluster.local'],
    ['cluster.local', 'hostname:nid{04d},domain:override.local', 'nid0007.override.local'],
    ['cluster.local', 'hostname:nid{04d},domain:override.local,domain_append:global', 'nid0007.cluster.local'],
    ['cluster.local', 'hostname:nid{04d},domain:override.local,domain_append:rule', 'nid0007.override.local'],
    ['cluster.local', 'hostname:nid{04d},domain:override.local,domain_append:global|rule', 'nid0007.cluster.local.override.local'],
    ['cluster.local', 'hostname:nid{04d},domain:override.local,domain_append:rule|global', 'nid0007.override.local.cluster.local'],
    ['cluster.local', 'hostname:nid{04d},domain:override.local,domain_append:none', 'nid0007'],
    ['cluster.local', 'hostname:nid{04d},domain_append:rule', 'nid0007'],
    ['.cluster.local', 'hostname:nid{04d},domain:.override.local,domain_append:global|rule', 'nid0007.cluster.local.override.local'],
    // Beyond the Go table: no domains at all, leading dots stripped, trailing dots kept.
    ['', 'hostname:nid{04d}', 'nid0007'],
    ['', 'hostname:nid{04d},domain_append:global', 'nid0007'],
    ['  ..cluster.local.  ', 'hostname:nid{04d}', 'nid0007.cluster.local.'],
  ];
  for (const [globalDomain, ruleText, want] of cases) {
    test(`${JSON.stringify(globalDomain)} + ${ruleText} → ${want}`, () => {
      const rule = parseRule(ruleText);
      assert.equal(lookupHostname(rule.action.hostname, globalDomain, target, rule), want);
    });
  }

  test('the fallback (no rule) appends the global domain, and non-Node types get NID 0', () => {
    assert.equal(lookupHostname('unknown-{04d}', 'cluster.local', target), 'unknown-0007.cluster.local');
    const bmc = { ...target, type: 'NodeBMC' };
    assert.equal(lookupHostname('bmc{04d}', '', bmc), 'bmc0000');
  });
});
