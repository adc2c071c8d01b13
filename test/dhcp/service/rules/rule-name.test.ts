import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRule } from '../../../../src/dhcp/service/rules/parse-rule.ts';
import { formatRule } from '../../../../src/dhcp/service/rules/rule-name.ts';

describe('generated rule names and Rule.String() (spec §3.6 [DERIVED] table)', () => {
  const cases: Array<[string, string, string]> = [
    ['type:Node,hostname:nid{04d}', 'name:,log:,types:Node,hostname:nid{04d},continue:false,ignore:false', 'rule-9dcba62c'],
    ['type:NodeBMC,hostname:bmc{04d}', 'name:,log:,types:NodeBMC,hostname:bmc{04d},continue:false,ignore:false', 'rule-a2e6bec3'],
    ['hostname:unknown-{04d}', 'name:,log:,,hostname:unknown-{04d},continue:false,ignore:false', 'rule-a8425c26'],
    [
      'subnet:10.40.1.0/24,type:Node,hostname:compute-{04d},routers:10.40.1.1,cidr:24',
      'name:,log:,types:Node,subnets:10.40.1.0/24,hostname:compute-{04d},continue:false,ignore:false,netmask:/24,routers:10.40.1.1',
      'rule-44694ae5',
    ],
    ['type:RouterBMC,ignore:true', 'name:,log:,types:RouterBMC,continue:false,ignore:true', 'rule-90c2ad3c'],
    ['routers:192.0.2.1', 'name:,log:,,continue:false,ignore:false,routers:192.0.2.1', 'rule-06b8c16c'],
  ];
  for (const [text, unnamed, name] of cases) {
    test(`${text} → ${name}`, () => {
      const r = parseRule(text);
      assert.equal(formatRule({ ...r, name: '' }), unnamed);
      assert.equal(r.name, name);
      assert.equal(formatRule(r), unnamed.replace(/^name:/, `name:${name}`));
    });
  }

  test('the name does not depend on the written order of keys or on an explicit log later inherited', () => {
    assert.equal(parseRule('hostname:nid{04d},type:Node').name, 'rule-9dcba62c');
    assert.notEqual(parseRule('type:Node,hostname:nid{04d},log:info').name, 'rule-9dcba62c');
  });

  test('types are sorted and subnets canonical in the text form', () => {
    const r = parseRule('name:n,type:NodeBMC|Node,subnet:10.0.0.9/8|FD00::1/64,hostname:h,domain:d,domain_append:rule');
    assert.equal(formatRule(r), 'name:n,log:,types:Node|NodeBMC,subnets:10.0.0.0/8|fd00::/64,hostname:h,domain:d,domain_append:rule,continue:false,ignore:false,netmask:/8');
  });
});
